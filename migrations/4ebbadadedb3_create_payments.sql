-- revision: 4ebbadadedb3
-- down_revision: b6df39a5e8d4
-- message: create payments
-- created: 2024-08-21T09:31:00Z

-- migrate:up
CREATE TABLE payments (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id       bigint NOT NULL REFERENCES orders (id) ON DELETE RESTRICT,
    amount_cents   bigint NOT NULL CHECK (amount_cents > 0),
    currency_code  char(3) NOT NULL REFERENCES currencies (code) ON UPDATE CASCADE,
    provider       text NOT NULL,
    provider_ref   text,
    status         text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed')),
    failure_reason text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT payments_provider_ref_key UNIQUE (provider, provider_ref)
);

CREATE INDEX ix_payments_order_id ON payments (order_id);

CREATE TRIGGER trg_payments_audit
    AFTER INSERT OR UPDATE OR DELETE ON payments
    FOR EACH ROW EXECUTE FUNCTION audit_row_change();

-- migrate:down
DROP TABLE payments;
