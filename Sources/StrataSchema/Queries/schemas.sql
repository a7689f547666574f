-- Schemas outside pg_catalog, information_schema, pg_toast and temp schemas, not created by an extension.
SELECT
    'schema' AS kind,
    quote_ident(n.nspname) AS name,
    NULL::text AS parent_kind,
    NULL::text AS parent_name,
    'pg_namespace'::regclass::oid AS classid,
    n.oid AS objid,
    ds.description AS comment,
    {{owner: n.nspowner}} AS owner,
    {{acl: n.nspacl; acldefault('n', n.nspowner); n.nspowner}} AS _extra
FROM pg_namespace n
LEFT JOIN pg_description ds
    ON ds.classoid = 'pg_namespace'::regclass AND ds.objoid = n.oid AND ds.objsubid = 0
WHERE n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
  AND (:nsps IS NULL OR n.oid = ANY(:nsps))
  AND NOT EXISTS (SELECT FROM pg_depend dep
                  WHERE dep.classid = 'pg_namespace'::regclass AND dep.objid = n.oid AND dep.deptype = 'e')
