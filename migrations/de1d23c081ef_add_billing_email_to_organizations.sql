-- revision: de1d23c081ef
-- down_revision: e5ddd46fc58e
-- message: add billing_email to organizations
-- created: 2025-04-22T11:19:00Z

-- migrate:up
ALTER TABLE organizations ADD COLUMN billing_email email;

COMMENT ON COLUMN organizations.billing_email IS 'Where invoices are sent; the owners get them when NULL.';

-- migrate:down
ALTER TABLE organizations DROP COLUMN billing_email;
