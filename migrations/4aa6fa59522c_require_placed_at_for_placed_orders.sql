-- revision: 4aa6fa59522c
-- down_revision: 200f70ceea6b
-- message: require placed_at on orders past pending
-- created: 2025-07-01T16:15:00Z

-- migrate:up
-- Old rows from the checkout bug (placed_at never set): use created_at.
UPDATE orders
   SET placed_at = created_at
 WHERE status NOT IN ('pending', 'cancelled')
   AND placed_at IS NULL;

-- NOT VALID + VALIDATE: only a SHARE UPDATE EXCLUSIVE lock while existing rows are checked.
ALTER TABLE orders
    ADD CONSTRAINT orders_placed_at_required
    CHECK (status IN ('pending', 'cancelled') OR placed_at IS NOT NULL) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_placed_at_required;

-- migrate:down
ALTER TABLE orders DROP CONSTRAINT orders_placed_at_required;
