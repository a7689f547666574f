CREATE VIEW org_order_totals AS
SELECT o.id AS org_id,
       o.name,
       count(ord.id) AS order_count,
       coalesce(sum(ord.total_cents), 0) AS revenue_cents
FROM orgs o
LEFT JOIN orders ord ON ord.org_id = o.id
GROUP BY o.id, o.name;
