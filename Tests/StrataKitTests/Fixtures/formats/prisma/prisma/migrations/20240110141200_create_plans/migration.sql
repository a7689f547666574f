-- AlterTable
ALTER TABLE "orgs" ADD COLUMN     "plan_code" TEXT;

-- CreateTable
CREATE TABLE "plans" (
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "monthly_price_cents" INTEGER NOT NULL,
    "max_users" INTEGER,

    CONSTRAINT "plans_pkey" PRIMARY KEY ("code")
);

-- AddForeignKey
ALTER TABLE "orgs" ADD CONSTRAINT "orgs_plan_code_fkey" FOREIGN KEY ("plan_code") REFERENCES "plans"("code") ON DELETE SET NULL ON UPDATE CASCADE;

-- Added by hand: Prisma does not model check constraints.
ALTER TABLE "plans" ADD CONSTRAINT "plans_monthly_price_cents_check" CHECK ("monthly_price_cents" >= 0);
ALTER TABLE "plans" ADD CONSTRAINT "plans_max_users_check" CHECK ("max_users" IS NULL OR "max_users" > 0);
