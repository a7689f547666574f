-- revision: 8a80925dca69
-- down_revision: dba857f35be2
-- message: add a jsonb metadata column to orders
-- created: 2025-12-18T13:18:00Z

-- migrate:up
ALTER TABLE orders
    ADD COLUMN metadata jsonb NOT NULL DEFAULT '{}'::jsonb
    CONSTRAINT orders_metadata_is_object CHECK (jsonb_typeof(metadata) = 'object');

CREATE INDEX ix_orders_metadata ON orders USING gin (metadata jsonb_path_ops);

COMMENT ON COLUMN orders.metadata IS 'Free-form key/value pairs set by API clients.';

-- migrate:down
DROP INDEX ix_orders_metadata;
ALTER TABLE orders DROP COLUMN metadata;
