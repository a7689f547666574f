-- revision: 99bd10fad697
-- down_revision: 891852cac813
-- message: create invoices and the invoice number sequence
-- created: 2025-05-26T10:38:00Z

-- migrate:up
CREATE SEQUENCE invoice_number_seq;

CREATE TABLE invoices (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organization_id  bigint NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    subscription_id  bigint REFERENCES subscriptions (id) ON DELETE SET NULL,
    number           text NOT NULL DEFAULT ('INV-' || lpad(nextval('invoice_number_seq')::text, 8, '0')),
    status           text NOT NULL DEFAULT 'draft'
                     CHECK (status IN ('draft', 'open', 'paid', 'void', 'uncollectible')),
    amount_due_cents bigint NOT NULL CHECK (amount_due_cents >= 0),
    currency_code    char(3) NOT NULL REFERENCES currencies (code) ON UPDATE CASCADE,
    due_on           date,
    issued_at        timestamptz,
    paid_at          timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT invoices_number_key UNIQUE (number),
    CONSTRAINT invoices_paid_at_check CHECK ((status = 'paid') = (paid_at IS NOT NULL))
);

CREATE INDEX ix_invoices_org_created ON invoices (organization_id, created_at DESC);
CREATE INDEX ix_invoices_open_due_on ON invoices (due_on) WHERE status = 'open';

CREATE TRIGGER trg_invoices_audit
    AFTER INSERT OR UPDATE OR DELETE ON invoices
    FOR EACH ROW EXECUTE FUNCTION audit_row_change();

-- migrate:down
DROP TABLE invoices;
DROP SEQUENCE invoice_number_seq;
