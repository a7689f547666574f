-- revision: ad94ea0fb8a0
-- down_revision: 52c75efe132e
-- message: create webhook endpoints and deliveries
-- created: 2025-09-21T13:42:00Z

-- migrate:up
CREATE TABLE webhook_endpoints (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organization_id bigint NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    url             text NOT NULL CHECK (url ~ '^https://'),
    secret          text NOT NULL,
    event_types     text[] NOT NULL DEFAULT '{}',
    is_active       boolean NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT webhook_endpoints_org_url_key UNIQUE (organization_id, url)
);

CREATE INDEX ix_webhook_endpoints_event_types ON webhook_endpoints USING gin (event_types);

CREATE TRIGGER trg_webhook_endpoints_updated_at
    BEFORE UPDATE ON webhook_endpoints
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE webhook_deliveries (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    endpoint_id     bigint NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event_type      text NOT NULL,
    payload         jsonb NOT NULL,
    attempt         smallint NOT NULL DEFAULT 0 CHECK (attempt >= 0),
    response_status smallint,
    next_attempt_at timestamptz DEFAULT now(),
    delivered_at    timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now()
);

-- The delivery worker polls only undelivered rows.
CREATE INDEX ix_webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE delivered_at IS NULL;
CREATE INDEX ix_webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, created_at DESC);

-- migrate:down
DROP TABLE webhook_deliveries;
DROP TABLE webhook_endpoints;
