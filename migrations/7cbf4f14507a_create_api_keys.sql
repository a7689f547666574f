-- revision: 7cbf4f14507a
-- down_revision: 88129895d2f1
-- message: create api keys
-- created: 2025-08-05T13:33:00Z

-- migrate:up
CREATE TABLE api_keys (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id bigint NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name            text NOT NULL,
    prefix          char(8) NOT NULL CONSTRAINT api_keys_prefix_key UNIQUE,
    key_hash        bytea NOT NULL,
    created_by      bigint REFERENCES users (id) ON DELETE SET NULL,
    last_used_at    timestamptz,
    expires_at      timestamptz,
    revoked_at      timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT api_keys_expiry_check CHECK (expires_at IS NULL OR expires_at > created_at)
);

CREATE INDEX ix_api_keys_org_live ON api_keys (organization_id) WHERE revoked_at IS NULL;

COMMENT ON COLUMN api_keys.prefix IS 'First 8 characters of the key, shown in the UI; the key itself is only stored hashed.';

-- migrate:down
DROP TABLE api_keys;
