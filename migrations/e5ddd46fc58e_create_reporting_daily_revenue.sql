-- revision: e5ddd46fc58e
-- down_revision: ef0dcdcb20fb
-- message: create the reporting schema and the daily revenue materialized view
-- created: 2025-04-05T10:17:00Z

-- migrate:up
CREATE SCHEMA reporting;

COMMENT ON SCHEMA reporting IS 'Read models for dashboards and exports.';

CREATE MATERIALIZED VIEW reporting.daily_revenue AS
SELECT (p.created_at AT TIME ZONE 'UTC')::date AS day,
       o.organization_id,
       p.currency_code,
       sum(p.amount_cents) AS gross_cents,
       count(*) AS payment_count
  FROM payments AS p
  JOIN orders AS o ON o.id = p.order_id
 WHERE p.status = 'succeeded'
 GROUP BY 1, 2, 3
WITH DATA;

-- The unique index allows REFRESH MATERIALIZED VIEW CONCURRENTLY.
CREATE UNIQUE INDEX ux_daily_revenue_key ON reporting.daily_revenue (day, organization_id, currency_code);
CREATE INDEX ix_daily_revenue_org_day ON reporting.daily_revenue (organization_id, day);

-- migrate:down
DROP MATERIALIZED VIEW reporting.daily_revenue;

DROP SCHEMA reporting;
