-- +goose Up
ALTER TABLE plans ADD COLUMN yearly_price_cents integer
    CONSTRAINT plans_yearly_price_cents_check CHECK (yearly_price_cents >= 0);

-- +goose Down
ALTER TABLE plans DROP COLUMN yearly_price_cents;
