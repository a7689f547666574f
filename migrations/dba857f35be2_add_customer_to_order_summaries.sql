-- revision: dba857f35be2
-- down_revision: c9893f3f317c
-- message: add the customer to the order_summaries view
-- created: 2025-12-06T13:01:00Z

-- migrate:up
-- New columns go at the end, so CREATE OR REPLACE keeps dependants and the comment.
CREATE OR REPLACE VIEW order_summaries AS
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
       o.created_at,
       u.email AS customer_email,
       u.display_name AS customer_name
  FROM orders AS o
  LEFT JOIN order_items AS i ON i.order_id = o.id
  LEFT JOIN users AS u ON u.id = o.customer_id
 GROUP BY o.id, u.id;

-- migrate:down
-- A view cannot lose columns through CREATE OR REPLACE: recreate the old one.
DROP VIEW order_summaries;

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
