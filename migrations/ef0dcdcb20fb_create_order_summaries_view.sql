-- revision: ef0dcdcb20fb
-- down_revision: 932c85ed9051
-- message: create the order_summaries view
-- created: 2025-03-17T17:41:00Z

-- migrate:up
CREATE VIEW order_summaries AS
SELECT o.id,
       o.number,
       o.organization_id,
       o.customer_id,
       o.status,
       o.currency_code,
       o.total_cents,
       count(i.id) AS item_count,
       coalesce(sum(i.quantity), 0) AS unit_count,
       o.placed_at,
       o.created_at
  FROM orders AS o
  LEFT JOIN order_items AS i ON i.order_id = o.id
 GROUP BY o.id;

COMMENT ON VIEW order_summaries IS 'One row per order with item counts; used by the dashboard.';

-- migrate:down
DROP VIEW order_summaries;
