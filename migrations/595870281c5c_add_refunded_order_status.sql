-- revision: 595870281c5c
-- down_revision: 777c68b476ba
-- message: add refunded to order_status
-- created: 2025-01-11T13:44:00Z

-- migrate:up
ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'refunded' AFTER 'shipped';

-- migrate:down
-- PostgreSQL cannot drop an enum label: rebuild the type without it.
-- Refunded orders were paid before, so they go back to paid.
UPDATE orders SET status = 'paid' WHERE status = 'refunded';

ALTER TYPE order_status RENAME TO order_status_old;
CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped', 'cancelled');
COMMENT ON TYPE order_status IS 'Lifecycle of an order.';

ALTER TABLE orders ALTER COLUMN status DROP DEFAULT;
ALTER TABLE orders ALTER COLUMN status TYPE order_status USING status::text::order_status;
ALTER TABLE orders ALTER COLUMN status SET DEFAULT 'pending';

DROP TYPE order_status_old;
