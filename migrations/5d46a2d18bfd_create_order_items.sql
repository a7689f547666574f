-- revision: 5d46a2d18bfd
-- down_revision: 249f475ea23b
-- message: create order items with a generated line total
-- created: 2024-06-28T13:24:00Z

-- migrate:up
CREATE TABLE order_items (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id         bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    product_id       bigint NOT NULL REFERENCES products (id) ON DELETE RESTRICT,
    quantity         integer NOT NULL CHECK (quantity > 0),
    unit_price_cents bigint NOT NULL CHECK (unit_price_cents >= 0),
    line_total_cents bigint GENERATED ALWAYS AS (quantity * unit_price_cents) STORED,
    CONSTRAINT order_items_order_product_key UNIQUE (order_id, product_id)
);

COMMENT ON COLUMN order_items.line_total_cents IS 'quantity * unit_price_cents, computed by PostgreSQL.';

-- migrate:down
DROP TABLE order_items;
