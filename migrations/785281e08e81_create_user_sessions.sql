-- revision: 785281e08e81
-- down_revision: 8a80925dca69
-- message: create user sessions
-- created: 2026-01-05T12:18:00Z

-- migrate:up
CREATE TABLE user_sessions (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    revoked_at   timestamptz,
    ip_address   inet,
    user_agent   text,
    CONSTRAINT user_sessions_expiry_check CHECK (expires_at > created_at)
);

CREATE INDEX ix_user_sessions_user_live ON user_sessions (user_id, last_seen_at DESC) WHERE revoked_at IS NULL;
CREATE INDEX ix_user_sessions_expires_at ON user_sessions (expires_at);

COMMENT ON TABLE user_sessions IS 'Browser sessions; expired rows are deleted by a nightly job.';

-- migrate:down
DROP TABLE user_sessions;
