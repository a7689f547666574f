-- revision: 53265b830f6f
-- down_revision: b0a86a67a3c6
-- message: index order_items.product_id without blocking writes
-- created: 2025-08-21T17:04:00Z
-- transactional: false

-- migrate:up
CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_order_items_product_id ON order_items (product_id);

-- migrate:down
DROP INDEX CONCURRENTLY IF EXISTS ix_order_items_product_id;
