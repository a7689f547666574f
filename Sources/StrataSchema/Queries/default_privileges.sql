-- ALTER DEFAULT PRIVILEGES entries: one object per (role, schema or everywhere, object type).
-- Global entries are compared with the built-in default; per-schema entries only add grants.
SELECT
    'default_privileges' AS kind,
    quote_ident(pg_get_userbyid(da.defaclrole))
        || COALESCE(' in ' || quote_ident(n.nspname), '')
        || ' on ' || CASE da.defaclobjtype WHEN 'r' THEN 'tables' WHEN 'S' THEN 'sequences' WHEN 'f' THEN 'functions'
                                           WHEN 'T' THEN 'types' WHEN 'n' THEN 'schemas' ELSE da.defaclobjtype::text END AS name,
    NULL::text AS parent_kind,
    NULL::text AS parent_name,
    'pg_default_acl'::regclass::oid AS classid,
    da.oid AS objid,
    {{acl: da.defaclacl; CASE WHEN da.defaclnamespace = 0 THEN acldefault(CASE da.defaclobjtype WHEN 'S' THEN 's' ELSE da.defaclobjtype END, da.defaclrole) ELSE NULL::aclitem[] END; da.defaclrole}} AS _extra
FROM pg_default_acl da
LEFT JOIN pg_namespace n ON n.oid = da.defaclnamespace
WHERE (:defacls IS NULL OR da.oid = ANY(:defacls)
       OR (da.defaclnamespace <> 0 AND da.defaclnamespace = ANY(:nsps)))
