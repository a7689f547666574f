-- Indexes that do not back a primary key, unique or exclusion constraint (those are described by
-- the constraint). `_indexdef` is pg_get_indexdef(); the reflector cuts the key list `(...)` out
-- of it, so that every other part of the definition is one attribute of its own.
SELECT
    'index' AS kind,
    quote_ident(n.nspname) || '.' || quote_ident(ic.relname) AS name,
    CASE tc.relkind WHEN 'm' THEN 'materialized_view' ELSE 'table' END AS parent_kind,
    quote_ident(tn.nspname) || '.' || quote_ident(tc.relname) AS parent_name,
    'pg_class'::regclass::oid AS classid,
    ic.oid AS objid,
    quote_ident(tn.nspname) || '.' || quote_ident(tc.relname) AS table,
    am.amname AS method,
    i.indisunique::text AS unique,
    {{since 15: i.indnullsnotdistinct::text; NULL::text}} AS nulls_not_distinct,
    CASE WHEN i.indnatts > i.indnkeyatts THEN
        (SELECT string_agg(pg_get_indexdef(ic.oid, k, true), ', ' ORDER BY k)
         FROM generate_series(i.indnkeyatts + 1, i.indnatts) AS k)
    END AS include,
    pg_get_expr(i.indpred, i.indrelid) AS predicate,
    array_to_string(ic.reloptions, ', ') AS options,
    CASE WHEN ic.reltablespace <> 0 THEN (SELECT quote_ident(spcname) FROM pg_tablespace WHERE oid = ic.reltablespace) END AS tablespace,
    CASE WHEN NOT i.indisvalid THEN 'false' END AS valid,
    ds.description AS comment,
    pg_get_indexdef(ic.oid) AS _indexdef
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_namespace n ON n.oid = ic.relnamespace
JOIN pg_class tc ON tc.oid = i.indrelid
JOIN pg_namespace tn ON tn.oid = tc.relnamespace
JOIN pg_am am ON am.oid = ic.relam
LEFT JOIN pg_description ds
    ON ds.classoid = 'pg_class'::regclass AND ds.objoid = ic.oid AND ds.objsubid = 0
WHERE tc.relkind IN ('r', 'p', 'm')
  AND tc.relpersistence <> 't'
  AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
  AND i.indrelid <> ALL(:excluded)
  AND (:rels IS NULL OR i.indexrelid = ANY(:rels))
  AND NOT EXISTS (SELECT FROM pg_constraint con
                  WHERE con.conindid = i.indexrelid AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u', 'x'))
  AND NOT EXISTS (SELECT FROM pg_depend dep
                  WHERE dep.classid = 'pg_class'::regclass AND dep.objid = i.indrelid AND dep.deptype = 'e')
