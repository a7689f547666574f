-- AlterTable
ALTER TABLE "plans" ADD COLUMN     "yearly_price_cents" INTEGER;
