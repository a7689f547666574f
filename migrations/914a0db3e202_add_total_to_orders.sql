-- revision: 914a0db3e202
-- down_revision: 99a96ff373d3
-- message: add total_cents to orders and backfill it from order items
-- created: 2024-11-25T10:07:00Z

-- migrate:up
ALTER TABLE orders ADD COLUMN total_cents bigint;

UPDATE orders AS o
   SET total_cents = t.total
  FROM (SELECT order_id, sum(line_total_cents) AS total
          FROM order_items
         GROUP BY order_id) AS t
 WHERE t.order_id = o.id;

UPDATE orders SET total_cents = 0 WHERE total_cents IS NULL;

ALTER TABLE orders ALTER COLUMN total_cents SET DEFAULT 0;
ALTER TABLE orders ALTER COLUMN total_cents SET NOT NULL;
ALTER TABLE orders ADD CONSTRAINT orders_total_nonnegative CHECK (total_cents >= 0);

-- migrate:down
ALTER TABLE orders DROP CONSTRAINT orders_total_nonnegative;
ALTER TABLE orders DROP COLUMN total_cents;
