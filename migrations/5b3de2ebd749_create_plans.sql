-- revision: 5b3de2ebd749
-- down_revision: 6e47d89e6a71
-- message: create subscription plans with seed rows
-- created: 2024-09-15T13:42:00Z

-- migrate:up
CREATE TABLE plans (
    code                text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]*$'),
    name                text NOT NULL,
    monthly_price_cents bigint NOT NULL CHECK (monthly_price_cents >= 0),
    currency_code       char(3) NOT NULL DEFAULT 'USD' REFERENCES currencies (code) ON UPDATE CASCADE,
    max_seats           integer CHECK (max_seats IS NULL OR max_seats > 0),
    is_public           boolean NOT NULL DEFAULT true,
    sort_order          smallint NOT NULL DEFAULT 0
);

INSERT INTO plans (code, name, monthly_price_cents, max_seats, is_public, sort_order) VALUES
    ('free',       'Free',          0,    3, true,  10),
    ('starter',    'Starter',    2900,   10, true,  20),
    ('pro',        'Pro',        9900,   25, true,  30),
    ('enterprise', 'Enterprise',    0, NULL, false, 40);

COMMENT ON TABLE plans IS 'Lookup: what organizations can subscribe to.';
COMMENT ON COLUMN plans.max_seats IS 'NULL means unlimited.';

-- migrate:down
DROP TABLE plans;
