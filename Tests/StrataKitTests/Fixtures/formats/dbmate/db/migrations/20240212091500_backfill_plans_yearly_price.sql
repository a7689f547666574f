-- migrate:up
UPDATE plans SET yearly_price_cents = monthly_price_cents * 10
WHERE yearly_price_cents IS NULL;

-- migrate:down
UPDATE plans SET yearly_price_cents = NULL;
