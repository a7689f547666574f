-- revision: c9893f3f317c
-- down_revision: f2ae4b738964
-- message: create product categories
-- created: 2025-11-16T17:06:00Z

-- migrate:up
CREATE TABLE categories (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organization_id bigint NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    parent_id       bigint REFERENCES categories (id) ON DELETE CASCADE,
    name            text NOT NULL,
    slug            text NOT NULL CHECK (slug ~ '^[a-z0-9][a-z0-9-]*$'),
    position        integer NOT NULL DEFAULT 0,
    CONSTRAINT categories_org_slug_key UNIQUE (organization_id, slug),
    CONSTRAINT categories_not_own_parent CHECK (parent_id IS DISTINCT FROM id)
);

CREATE INDEX ix_categories_parent_id ON categories (parent_id);

ALTER TABLE products ADD COLUMN category_id bigint REFERENCES categories (id) ON DELETE SET NULL;
CREATE INDEX ix_products_category_id ON products (category_id);

-- migrate:down
DROP INDEX ix_products_category_id;
ALTER TABLE products DROP COLUMN category_id;
DROP TABLE categories;
