-- revision: 2f0a0ccf5dd0
-- down_revision: 6ca8e9c99ce3
-- message: add slug to organizations and backfill it from the name
-- created: 2024-10-22T14:51:00Z

-- migrate:up
ALTER TABLE organizations ADD COLUMN slug text;

-- Backfill: "Acme Corp." -> "acme-corp-42" (the id keeps it unique).
UPDATE organizations
   SET slug = coalesce(nullif(btrim(regexp_replace(lower(name), '[^a-z0-9]+', '-', 'g'), '-'), ''), 'org')
              || '-' || id;

ALTER TABLE organizations ALTER COLUMN slug SET NOT NULL;
ALTER TABLE organizations ADD CONSTRAINT organizations_slug_format CHECK (slug ~ '^[a-z0-9][a-z0-9-]*$');
CREATE UNIQUE INDEX ux_organizations_slug ON organizations (lower(slug));

COMMENT ON COLUMN organizations.slug IS 'URL name: https://app.example.com/<slug>/...';

-- migrate:down
DROP INDEX ux_organizations_slug;
ALTER TABLE organizations DROP CONSTRAINT organizations_slug_format;
ALTER TABLE organizations DROP COLUMN slug;
