-- Installed extensions: name, version, schema. Their member objects are left out of every other query.
SELECT
    'extension' AS kind,
    quote_ident(e.extname) AS name,
    NULL::text AS parent_kind,
    NULL::text AS parent_name,
    'pg_extension'::regclass::oid AS classid,
    e.oid AS objid,
    e.extversion AS version,
    quote_ident(n.nspname) AS schema
FROM pg_extension e
JOIN pg_namespace n ON n.oid = e.extnamespace
WHERE (:exts IS NULL OR e.oid = ANY(:exts))
