-- revision: 2ec268333482
-- down_revision: 62927ac16b3a
-- message: create users
-- created: 2024-02-04T17:24:00Z

-- migrate:up
CREATE TABLE users (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email         email NOT NULL,
    full_name     text NOT NULL CHECK (length(btrim(full_name)) > 0),
    password_hash text,
    is_staff      boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX ux_users_email ON users (email);

CREATE TRIGGER trg_users_updated_at
    BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

COMMENT ON TABLE users IS 'People who can sign in. One user can belong to many organizations.';
COMMENT ON COLUMN users.password_hash IS 'argon2id hash; NULL for SSO-only accounts.';

-- migrate:down
DROP TABLE users;
