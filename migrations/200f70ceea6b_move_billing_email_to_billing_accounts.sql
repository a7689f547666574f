-- revision: 200f70ceea6b
-- down_revision: 99bd10fad697
-- message: move organizations.billing_email into billing_accounts
-- created: 2025-06-11T13:08:00Z

-- migrate:up
CREATE TABLE billing_accounts (
    organization_id bigint PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
    billing_email   email NOT NULL,
    tax_id          text,
    country_code    char(2) REFERENCES countries (code) ON UPDATE CASCADE,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TRIGGER trg_billing_accounts_updated_at
    BEFORE UPDATE ON billing_accounts
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

INSERT INTO billing_accounts (organization_id, billing_email)
SELECT id, billing_email
  FROM organizations
 WHERE billing_email IS NOT NULL;

ALTER TABLE organizations DROP COLUMN billing_email;

-- migrate:down
-- billing_email was the last column of organizations, so it comes back in place.
ALTER TABLE organizations ADD COLUMN billing_email email;
COMMENT ON COLUMN organizations.billing_email IS 'Where invoices are sent; the owners get them when NULL.';

UPDATE organizations AS o
   SET billing_email = b.billing_email
  FROM billing_accounts AS b
 WHERE b.organization_id = o.id;

DROP TABLE billing_accounts;
