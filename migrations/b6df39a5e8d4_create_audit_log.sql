-- revision: b6df39a5e8d4
-- down_revision: f07156730ff6
-- message: create the audit log and audit orders
-- created: 2024-07-31T13:38:00Z

-- migrate:up
CREATE TABLE audit_log (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    table_name text NOT NULL,
    operation  text NOT NULL CHECK (operation IN ('INSERT', 'UPDATE', 'DELETE')),
    row_pk     bigint,
    old_row    jsonb,
    new_row    jsonb,
    actor      text NOT NULL,
    changed_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX ix_audit_log_table_row ON audit_log (table_name, row_pk);
CREATE INDEX ix_audit_log_changed_at ON audit_log USING brin (changed_at);

-- Generic AFTER ROW trigger. The application sets app.actor per transaction;
-- without it the database user is recorded.
CREATE FUNCTION audit_row_change() RETURNS trigger
    LANGUAGE plpgsql
AS $$
DECLARE
    v_old jsonb;
    v_new jsonb;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        v_old := to_jsonb(OLD);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        v_new := to_jsonb(NEW);
    END IF;
    IF TG_OP = 'UPDATE' AND v_old = v_new THEN
        RETURN NULL;  -- nothing changed; keep the log quiet
    END IF;
    INSERT INTO audit_log (table_name, operation, row_pk, old_row, new_row, actor)
    VALUES (TG_TABLE_NAME,
            TG_OP,
            coalesce(v_new ->> 'id', v_old ->> 'id')::bigint,
            v_old,
            v_new,
            coalesce(nullif(current_setting('app.actor', true), ''), session_user));
    RETURN NULL;
END;
$$;

CREATE TRIGGER trg_orders_audit
    AFTER INSERT OR UPDATE OR DELETE ON orders
    FOR EACH ROW EXECUTE FUNCTION audit_row_change();

COMMENT ON TABLE audit_log IS 'Append-only history of changes to audited tables, written by audit_row_change().';

-- migrate:down
DROP TRIGGER trg_orders_audit ON orders;
DROP FUNCTION audit_row_change();
DROP TABLE audit_log;
