-- Sequences, except the ones behind identity columns (their settings are on the column).
-- A sequence owned by a column (serial) belongs to that table: its parent (scope.sql adds it to
-- the relations of a table scope).
SELECT
    'sequence' AS kind,
    quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS name,
    CASE WHEN owner.table_name IS NOT NULL THEN 'table' END AS parent_kind,
    owner.table_name AS parent_name,
    'pg_class'::regclass::oid AS classid,
    c.oid AS objid,
    format_type(s.seqtypid, NULL) AS type,
    s.seqstart::text AS start,
    s.seqincrement::text AS increment,
    s.seqmin::text AS min,
    s.seqmax::text AS max,
    s.seqcache::text AS cache,
    s.seqcycle::text AS cycle,
    CASE c.relpersistence WHEN 'u' THEN 'unlogged' ELSE 'permanent' END AS persistence,
    owner.table_name || '.' || owner.column_name AS owned_by,
    ds.description AS comment,
    {{owner: c.relowner}} AS owner,
    {{acl: c.relacl; acldefault('s', c.relowner); c.relowner}} AS _extra
FROM pg_class c
JOIN pg_sequence s ON s.seqrelid = c.oid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN LATERAL (
    SELECT quote_ident(tn.nspname) || '.' || quote_ident(tc.relname) AS table_name,
           quote_ident(a.attname) AS column_name
    FROM pg_depend d
    JOIN pg_class tc ON tc.oid = d.refobjid
    JOIN pg_namespace tn ON tn.oid = tc.relnamespace
    JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
    WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass
      AND d.deptype = 'a' AND d.refobjsubid > 0
    LIMIT 1) owner ON true
LEFT JOIN pg_description ds
    ON ds.classoid = 'pg_class'::regclass AND ds.objoid = c.oid AND ds.objsubid = 0
WHERE c.relkind = 'S'
  AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
  AND c.oid <> ALL(:excluded)
  -- a sequence an excluded table owns (a bookkeeping table's serial id) is excluded with it
  AND NOT EXISTS (SELECT FROM pg_depend od
                  WHERE od.classid = 'pg_class'::regclass AND od.objid = c.oid AND od.refclassid = 'pg_class'::regclass
                    AND od.deptype = 'a' AND od.refobjid = ANY(:excluded))
  AND (:rels IS NULL OR c.oid = ANY(:rels))
  AND NOT EXISTS (SELECT FROM pg_depend dep
                  WHERE dep.classid = 'pg_class'::regclass AND dep.objid = c.oid AND dep.deptype IN ('e', 'i'))
