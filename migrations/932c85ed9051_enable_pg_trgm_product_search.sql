-- revision: 932c85ed9051
-- down_revision: 1c98434e0e39
-- message: enable pg_trgm for fuzzy product search
-- created: 2025-02-26T12:32:00Z

-- migrate:up
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX ix_products_title_trgm ON products USING gin (title gin_trgm_ops);

-- migrate:down
DROP INDEX ix_products_title_trgm;

DROP EXTENSION IF EXISTS pg_trgm;
