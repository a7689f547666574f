DROP VIEW org_order_totals;
