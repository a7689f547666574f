-- migrate:up
ALTER TABLE orders ADD COLUMN shipped_at timestamptz;
ALTER TABLE orders ADD CONSTRAINT orders_shipped_at_check
    CHECK (status <> 'shipped' OR shipped_at IS NOT NULL);

-- migrate:down
ALTER TABLE orders DROP CONSTRAINT orders_shipped_at_check;
ALTER TABLE orders DROP COLUMN shipped_at;
