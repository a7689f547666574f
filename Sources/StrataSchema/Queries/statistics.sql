-- Extended statistics objects (CREATE STATISTICS), as pg_get_statisticsobjdef() prints them.
SELECT
    'statistics' AS kind,
    quote_ident(n.nspname) || '.' || quote_ident(s.stxname) AS name,
    CASE c.relkind WHEN 'm' THEN 'materialized_view' WHEN 'f' THEN 'foreign_table' ELSE 'table' END AS parent_kind,
    quote_ident(cn.nspname) || '.' || quote_ident(c.relname) AS parent_name,
    'pg_statistic_ext'::regclass::oid AS classid,
    s.oid AS objid,
    pg_get_statisticsobjdef(s.oid) AS definition,
    {{owner: s.stxowner}} AS owner,
    ds.description AS comment
FROM pg_statistic_ext s
JOIN pg_namespace n ON n.oid = s.stxnamespace
JOIN pg_class c ON c.oid = s.stxrelid
JOIN pg_namespace cn ON cn.oid = c.relnamespace
LEFT JOIN pg_description ds
    ON ds.classoid = 'pg_statistic_ext'::regclass AND ds.objoid = s.oid AND ds.objsubid = 0
WHERE n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
  AND s.stxrelid <> ALL(:excluded)
  AND (:rels IS NULL OR s.stxrelid = ANY(:rels))
  AND NOT EXISTS (SELECT FROM pg_depend dep
                  WHERE dep.classid = 'pg_class'::regclass AND dep.objid = s.stxrelid AND dep.deptype = 'e')
