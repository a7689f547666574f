ALTER TABLE plans DROP COLUMN yearly_price_cents;
