-- +goose Up
UPDATE plans SET yearly_price_cents = monthly_price_cents * 10
WHERE yearly_price_cents IS NULL;

-- +goose Down
UPDATE plans SET yearly_price_cents = NULL;
