-- Foreign servers (CREATE SERVER), not those of an extension: wrapper, type, version, options.
-- User mappings are not reflected (their options hold passwords).
SELECT
    'foreign_server' AS kind,
    quote_ident(s.srvname) AS name,
    NULL::text AS parent_kind,
    NULL::text AS parent_name,
    'pg_foreign_server'::regclass::oid AS classid,
    s.oid AS objid,
    quote_ident(w.fdwname) AS wrapper,
    s.srvtype AS type,
    s.srvversion AS version,
    array_to_string(s.srvoptions, ', ') AS options,
    {{owner: s.srvowner}} AS owner,
    ds.description AS comment,
    {{acl: s.srvacl; acldefault('S', s.srvowner); s.srvowner}} AS _extra
FROM pg_foreign_server s
JOIN pg_foreign_data_wrapper w ON w.oid = s.srvfdw
LEFT JOIN pg_description ds
    ON ds.classoid = 'pg_foreign_server'::regclass AND ds.objoid = s.oid AND ds.objsubid = 0
WHERE (:srvs IS NULL OR s.oid = ANY(:srvs))
  AND NOT EXISTS (SELECT FROM pg_depend dep
                  WHERE dep.classid = 'pg_foreign_server'::regclass AND dep.objid = s.oid AND dep.deptype = 'e')
