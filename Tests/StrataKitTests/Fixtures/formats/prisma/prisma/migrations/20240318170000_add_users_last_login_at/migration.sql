-- AlterTable
ALTER TABLE "users" ADD COLUMN     "last_login_at" TIMESTAMPTZ(3);

-- CreateIndex
CREATE INDEX "users_last_login_at_idx" ON "users"("last_login_at");
