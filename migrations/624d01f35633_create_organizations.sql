-- revision: 624d01f35633
-- down_revision: 2ec268333482
-- message: create organizations
-- created: 2024-02-17T12:06:00Z

-- migrate:up
CREATE TABLE organizations (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       text NOT NULL CONSTRAINT organizations_name_not_blank CHECK (length(btrim(name)) > 0),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TRIGGER trg_organizations_updated_at
    BEFORE UPDATE ON organizations
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

COMMENT ON TABLE organizations IS 'Tenants. Every catalog, order and subscription belongs to exactly one organization.';

-- migrate:down
DROP TABLE organizations;
