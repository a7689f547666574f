-- revision: f07156730ff6
-- down_revision: 5d46a2d18bfd
-- message: add last_login_at to users
-- created: 2024-07-16T08:02:00Z

-- migrate:up
ALTER TABLE users ADD COLUMN last_login_at timestamptz;
CREATE INDEX ix_users_last_login_at ON users (last_login_at);

-- migrate:down
DROP INDEX ix_users_last_login_at;
ALTER TABLE users DROP COLUMN last_login_at;
