-- Backfill: yearly billing costs ten months.
UPDATE "plans" SET "yearly_price_cents" = "monthly_price_cents" * 10
WHERE "yearly_price_cents" IS NULL;
