ALTER TABLE orders ADD COLUMN shipped_at timestamptz;
ALTER TABLE orders ADD CONSTRAINT orders_shipped_at_check
    CHECK (status <> 'shipped' OR shipped_at IS NOT NULL);
