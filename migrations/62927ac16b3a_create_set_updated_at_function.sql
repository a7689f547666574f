-- revision: 62927ac16b3a
-- down_revision: 80842b98b74e
-- message: add the set_updated_at trigger function
-- created: 2024-01-20T12:38:00Z

-- migrate:up
-- Touch trigger: keeps updated_at current on every real change of a row.
CREATE FUNCTION set_updated_at() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    IF ROW(NEW.*) IS DISTINCT FROM ROW(OLD.*) THEN
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END;
$$;

COMMENT ON FUNCTION set_updated_at() IS 'BEFORE UPDATE trigger: sets updated_at to now() when the row changed.';

-- migrate:down
DROP FUNCTION set_updated_at();
