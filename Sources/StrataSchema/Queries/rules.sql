-- Rewrite rules other than the _RETURN rules behind views.
SELECT
    'rule' AS kind,
    quote_ident(n.nspname) || '.' || quote_ident(c.relname) || '.' || quote_ident(rw.rulename) AS name,
    CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized_view' ELSE 'table' END AS parent_kind,
    quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS parent_name,
    'pg_rewrite'::regclass::oid AS classid,
    rw.oid AS objid,
    pg_get_ruledef(rw.oid) AS definition,
    CASE rw.ev_enabled WHEN 'O' THEN 'origin' WHEN 'D' THEN 'disabled' WHEN 'R' THEN 'replica' WHEN 'A' THEN 'always' END AS enabled,
    ds.description AS comment
FROM pg_rewrite rw
JOIN pg_class c ON c.oid = rw.ev_class
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_description ds
    ON ds.classoid = 'pg_rewrite'::regclass AND ds.objoid = rw.oid AND ds.objsubid = 0
WHERE rw.rulename <> '_RETURN'
  AND c.relpersistence <> 't'
  AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
  AND rw.ev_class <> ALL(:excluded)
  AND (:rels IS NULL OR rw.ev_class = ANY(:rels))
  AND NOT EXISTS (SELECT FROM pg_depend dep
                  WHERE dep.classid = 'pg_class'::regclass AND dep.objid = rw.ev_class AND dep.deptype = 'e')
