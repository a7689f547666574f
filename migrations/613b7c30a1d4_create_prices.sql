-- revision: 613b7c30a1d4
-- down_revision: 212a9042d255
-- message: create prices for products
-- created: 2024-05-19T12:13:00Z

-- migrate:up
CREATE TABLE prices (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    product_id        bigint NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    currency_code     char(3) NOT NULL REFERENCES currencies (code) ON UPDATE CASCADE,
    unit_amount_cents bigint NOT NULL CHECK (unit_amount_cents >= 0),
    billing_interval  text CHECK (billing_interval IN ('month', 'year')),
    is_active         boolean NOT NULL DEFAULT true,
    created_at        timestamptz NOT NULL DEFAULT now()
);

-- At most one active price per product, currency and interval.
CREATE UNIQUE INDEX ux_prices_one_active
    ON prices (product_id, currency_code, coalesce(billing_interval, 'once'))
    WHERE is_active;

COMMENT ON COLUMN prices.billing_interval IS 'month or year for recurring prices; NULL for one-time prices.';

-- migrate:down
DROP TABLE prices;
