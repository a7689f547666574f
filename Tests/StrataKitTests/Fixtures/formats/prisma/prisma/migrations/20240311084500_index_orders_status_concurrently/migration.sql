-- CreateIndex (edited by hand: CONCURRENTLY, so it must stay the only statement)
CREATE INDEX CONCURRENTLY "orders_status_idx" ON "orders"("status");
