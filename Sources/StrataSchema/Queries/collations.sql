-- User-defined collations (CREATE COLLATION).
SELECT
    'collation' AS kind,
    quote_ident(n.nspname) || '.' || quote_ident(co.collname) AS name,
    NULL::text AS parent_kind,
    NULL::text AS parent_name,
    'pg_collation'::regclass::oid AS classid,
    co.oid AS objid,
    CASE co.collprovider WHEN 'c' THEN 'libc' WHEN 'i' THEN 'icu' WHEN 'b' THEN 'builtin' ELSE 'default' END AS provider,
    co.collcollate AS lc_collate,
    co.collctype AS lc_ctype,
    COALESCE(to_jsonb(co) ->> 'colllocale', to_jsonb(co) ->> 'colliculocale') AS locale,
    to_jsonb(co) ->> 'collicurules' AS rules,
    co.collisdeterministic::text AS deterministic,
    {{owner: co.collowner}} AS owner,
    ds.description AS comment
FROM pg_collation co
JOIN pg_namespace n ON n.oid = co.collnamespace
LEFT JOIN pg_description ds
    ON ds.classoid = 'pg_collation'::regclass AND ds.objoid = co.oid AND ds.objsubid = 0
WHERE n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
  AND (:colls IS NULL OR co.oid = ANY(:colls))
  AND NOT EXISTS (SELECT FROM pg_depend dep
                  WHERE dep.classid = 'pg_collation'::regclass AND dep.objid = co.oid AND dep.deptype = 'e')
