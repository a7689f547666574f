-- revision: f2ae4b738964
-- down_revision: 7d26b2364a1c
-- message: add email_verified_at to users and backfill it
-- created: 2025-11-04T15:40:00Z

-- migrate:up
ALTER TABLE users ADD COLUMN email_verified_at timestamptz;

-- Whoever signed in before verification existed counts as verified.
UPDATE users
   SET email_verified_at = last_login_at
 WHERE last_login_at IS NOT NULL;

CREATE INDEX ix_users_unverified ON users (created_at)
    WHERE email_verified_at IS NULL AND deleted_at IS NULL;

-- migrate:down
DROP INDEX ix_users_unverified;
ALTER TABLE users DROP COLUMN email_verified_at;
