-- revision: 49977fd2cf31
-- down_revision: ad94ea0fb8a0
-- message: add a function that refreshes reporting.daily_revenue
-- created: 2025-10-05T13:15:00Z

-- migrate:up
CREATE FUNCTION reporting.refresh_daily_revenue() RETURNS interval
    LANGUAGE plpgsql
AS $$
DECLARE
    v_started timestamptz := clock_timestamp();
BEGIN
    REFRESH MATERIALIZED VIEW CONCURRENTLY reporting.daily_revenue;
    RAISE NOTICE 'reporting.daily_revenue refreshed in %', clock_timestamp() - v_started;
    RETURN clock_timestamp() - v_started;
END;
$$;

COMMENT ON FUNCTION reporting.refresh_daily_revenue() IS 'Called every ten minutes by the scheduler; returns how long it took.';

-- migrate:down
DROP FUNCTION reporting.refresh_daily_revenue();
