-- Foreign-data wrappers (CREATE FOREIGN DATA WRAPPER), not those of an extension: handler,
-- validator and options.
SELECT
    'foreign_data_wrapper' AS kind,
    quote_ident(w.fdwname) AS name,
    NULL::text AS parent_kind,
    NULL::text AS parent_name,
    'pg_foreign_data_wrapper'::regclass::oid AS classid,
    w.oid AS objid,
    CASE WHEN w.fdwhandler <> 0 THEN w.fdwhandler::regproc::text END AS handler,
    CASE WHEN w.fdwvalidator <> 0 THEN w.fdwvalidator::regproc::text END AS validator,
    array_to_string(w.fdwoptions, ', ') AS options,
    {{owner: w.fdwowner}} AS owner,
    ds.description AS comment,
    {{acl: w.fdwacl; acldefault('F', w.fdwowner); w.fdwowner}} AS _extra
FROM pg_foreign_data_wrapper w
LEFT JOIN pg_description ds
    ON ds.classoid = 'pg_foreign_data_wrapper'::regclass AND ds.objoid = w.oid AND ds.objsubid = 0
WHERE (:fdws IS NULL OR w.oid = ANY(:fdws))
  AND NOT EXISTS (SELECT FROM pg_depend dep
                  WHERE dep.classid = 'pg_foreign_data_wrapper'::regclass AND dep.objid = w.oid AND dep.deptype = 'e')
