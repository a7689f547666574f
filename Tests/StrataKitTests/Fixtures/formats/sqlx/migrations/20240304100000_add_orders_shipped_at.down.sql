ALTER TABLE orders DROP CONSTRAINT orders_shipped_at_check;
ALTER TABLE orders DROP COLUMN shipped_at;
