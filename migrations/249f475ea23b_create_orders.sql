-- revision: 249f475ea23b
-- down_revision: 613b7c30a1d4
-- message: create orders and the order number sequence
-- created: 2024-06-07T17:21:00Z

-- migrate:up
CREATE SEQUENCE order_number_seq START WITH 100001;

CREATE TABLE orders (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    number          bigint NOT NULL DEFAULT nextval('order_number_seq') CONSTRAINT orders_number_key UNIQUE,
    organization_id bigint NOT NULL REFERENCES organizations (id) ON DELETE RESTRICT,
    customer_id     bigint REFERENCES users (id) ON DELETE SET NULL,
    status          order_status NOT NULL DEFAULT 'pending',
    currency_code   char(3) NOT NULL REFERENCES currencies (code) ON UPDATE CASCADE,
    placed_at       timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX ix_orders_org_created ON orders (organization_id, created_at DESC);
CREATE INDEX ix_orders_customer_id ON orders (customer_id);
CREATE INDEX ix_orders_status ON orders (status);

CREATE TRIGGER trg_orders_updated_at
    BEFORE UPDATE ON orders
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

COMMENT ON COLUMN orders.number IS 'Human-facing order number, taken from order_number_seq.';

-- migrate:down
DROP TABLE orders;
DROP SEQUENCE order_number_seq;
