-- revision: 6e47d89e6a71
-- down_revision: 4ebbadadedb3
-- message: soft-delete users and make email unique among live users
-- created: 2024-09-02T12:33:00Z

-- migrate:up
ALTER TABLE users ADD COLUMN deleted_at timestamptz;

-- A deleted account must not block signing up again with the same address.
DROP INDEX ux_users_email;
CREATE UNIQUE INDEX ux_users_email_live ON users (email) WHERE deleted_at IS NULL;

-- migrate:down
DROP INDEX ux_users_email_live;
CREATE UNIQUE INDEX ux_users_email ON users (email);

ALTER TABLE users DROP COLUMN deleted_at;
