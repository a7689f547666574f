-- revision: 88129895d2f1
-- down_revision: 4aa6fa59522c
-- message: document the billing tables
-- created: 2025-07-21T13:56:00Z

-- migrate:up
COMMENT ON TABLE subscriptions IS 'What an organization pays us for. At most one live subscription per organization.';
COMMENT ON TABLE payments IS 'Money received for orders, one row per attempt at the payment provider.';
COMMENT ON COLUMN payments.provider_ref IS 'The id of the charge at the provider (Stripe: ch_...).';
COMMENT ON TABLE refunds IS 'Money returned for a payment; several partial refunds are allowed.';
COMMENT ON TABLE invoices IS 'Invoices for subscriptions and manual charges.';
COMMENT ON COLUMN invoices.number IS 'INV-00000042; never reused, even for void invoices.';

-- migrate:down
COMMENT ON COLUMN invoices.number IS NULL;
COMMENT ON TABLE invoices IS NULL;
COMMENT ON TABLE refunds IS NULL;
COMMENT ON COLUMN payments.provider_ref IS NULL;
COMMENT ON TABLE payments IS NULL;
COMMENT ON TABLE subscriptions IS NULL;
