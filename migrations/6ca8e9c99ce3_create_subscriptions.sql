-- revision: 6ca8e9c99ce3
-- down_revision: 5b3de2ebd749
-- message: create subscriptions and the subscription_status enum
-- created: 2024-10-02T13:52:00Z

-- migrate:up
CREATE TYPE subscription_status AS ENUM ('trialing', 'active', 'past_due', 'canceled');

CREATE TABLE subscriptions (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organization_id      bigint NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    plan_code            text NOT NULL REFERENCES plans (code) ON UPDATE CASCADE ON DELETE RESTRICT,
    status               subscription_status NOT NULL DEFAULT 'trialing',
    seats                integer NOT NULL DEFAULT 1 CHECK (seats > 0),
    current_period_start timestamptz NOT NULL DEFAULT now(),
    current_period_end   timestamptz NOT NULL,
    canceled_at          timestamptz,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT subscriptions_period_check CHECK (current_period_end > current_period_start)
);

-- An organization has at most one subscription that is not canceled.
CREATE UNIQUE INDEX ux_subscriptions_one_live ON subscriptions (organization_id) WHERE status <> 'canceled';

CREATE TRIGGER trg_subscriptions_updated_at
    BEFORE UPDATE ON subscriptions
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- migrate:down
DROP TABLE subscriptions;
DROP TYPE subscription_status;
