-- revision: 212a9042d255
-- down_revision: c3dfa193d0e1
-- message: create products
-- created: 2024-05-01T11:36:00Z

-- migrate:up
CREATE TABLE products (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organization_id bigint NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    sku             text NOT NULL CHECK (sku ~ '^[A-Za-z0-9._-]{1,64}$'),
    title           text NOT NULL,
    description     text,
    is_active       boolean NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT products_org_sku_key UNIQUE (organization_id, sku)
);

-- Storefront listings only ever look at active products.
CREATE INDEX ix_products_org_active ON products (organization_id) WHERE is_active;

CREATE TRIGGER trg_products_updated_at
    BEFORE UPDATE ON products
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

COMMENT ON TABLE products IS 'Catalog items sold by an organization.';

-- migrate:down
DROP TABLE products;
