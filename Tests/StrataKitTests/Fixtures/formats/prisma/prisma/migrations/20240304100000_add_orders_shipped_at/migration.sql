-- AlterTable
ALTER TABLE "orders" ADD COLUMN     "shipped_at" TIMESTAMPTZ(3);
