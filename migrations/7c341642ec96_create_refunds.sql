-- revision: 7c341642ec96
-- down_revision: 595870281c5c
-- message: create refunds
-- created: 2025-01-27T16:01:00Z

-- migrate:up
CREATE TABLE refunds (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    payment_id   bigint NOT NULL REFERENCES payments (id) ON DELETE RESTRICT,
    amount_cents bigint NOT NULL CHECK (amount_cents > 0),
    reason       text NOT NULL DEFAULT 'requested_by_customer'
                 CHECK (reason IN ('requested_by_customer', 'duplicate', 'fraudulent', 'other')),
    note         text,
    created_by   bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX ix_refunds_payment_id ON refunds (payment_id);

CREATE TRIGGER trg_refunds_audit
    AFTER INSERT OR UPDATE OR DELETE ON refunds
    FOR EACH ROW EXECUTE FUNCTION audit_row_change();

-- migrate:down
DROP TABLE refunds;
