-- Row-level security policies.
SELECT
    'policy' AS kind,
    quote_ident(n.nspname) || '.' || quote_ident(c.relname) || '.' || quote_ident(pol.polname) AS name,
    'table' AS parent_kind,
    quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS parent_name,
    'pg_policy'::regclass::oid AS classid,
    pol.oid AS objid,
    CASE pol.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE'
                    WHEN 'd' THEN 'DELETE' ELSE 'ALL' END AS command,
    CASE WHEN pol.polpermissive THEN 'permissive' ELSE 'restrictive' END AS mode,
    (SELECT string_agg(CASE WHEN r.oid = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(r.oid) END, ', '
                       ORDER BY CASE WHEN r.oid = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(r.oid)::text END COLLATE "C")
     FROM unnest(pol.polroles) AS r(oid)) AS roles,
    pg_get_expr(pol.polqual, pol.polrelid) AS using,
    pg_get_expr(pol.polwithcheck, pol.polrelid) AS with_check,
    ds.description AS comment
FROM pg_policy pol
JOIN pg_class c ON c.oid = pol.polrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_description ds
    ON ds.classoid = 'pg_policy'::regclass AND ds.objoid = pol.oid AND ds.objsubid = 0
WHERE n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
  AND pol.polrelid <> ALL(:excluded)
  AND (:rels IS NULL OR pol.polrelid = ANY(:rels))
  AND NOT EXISTS (SELECT FROM pg_depend dep
                  WHERE dep.classid = 'pg_class'::regclass AND dep.objid = pol.polrelid AND dep.deptype = 'e')
