-- revision: 891852cac813
-- down_revision: de1d23c081ef
-- message: audit changes to memberships and subscriptions
-- created: 2025-05-05T08:05:00Z

-- migrate:up
CREATE TRIGGER trg_memberships_audit
    AFTER INSERT OR UPDATE OR DELETE ON memberships
    FOR EACH ROW EXECUTE FUNCTION audit_row_change();

CREATE TRIGGER trg_subscriptions_audit
    AFTER INSERT OR UPDATE OR DELETE ON subscriptions
    FOR EACH ROW EXECUTE FUNCTION audit_row_change();

-- migrate:down
DROP TRIGGER trg_subscriptions_audit ON subscriptions;
DROP TRIGGER trg_memberships_audit ON memberships;
