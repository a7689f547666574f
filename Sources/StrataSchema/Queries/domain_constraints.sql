-- Domain constraints (CHECK, and NOT NULL constraints from PostgreSQL 17 on are left to the
-- domain's not_null attribute). Same attributes as table constraints. Driven from pg_type, whose
-- OID index serves a scoped run.
SELECT
    'constraint' AS kind,
    quote_ident(tn.nspname) || '.' || quote_ident(t.typname) || '.' || quote_ident(con.conname) AS name,
    'domain' AS parent_kind,
    quote_ident(tn.nspname) || '.' || quote_ident(t.typname) AS parent_name,
    'pg_constraint'::regclass::oid AS classid,
    con.oid AS objid,
    left(def.text, length(def.text) - length(
        CASE WHEN con.condeferrable THEN ' DEFERRABLE' ELSE '' END
        || CASE WHEN con.condeferred THEN ' INITIALLY DEFERRED' ELSE '' END
        || {{since 18: CASE WHEN NOT con.conenforced THEN ' NOT ENFORCED' WHEN NOT con.convalidated THEN ' NOT VALID' ELSE '' END;
                       CASE WHEN NOT con.convalidated THEN ' NOT VALID' ELSE '' END}})) AS definition,
    con.condeferrable::text AS deferrable,
    con.condeferred::text AS deferred,
    con.convalidated::text AS validated,
    -- PostgreSQL 18: NOT ENFORCED (such a constraint is never validated either)
    {{since 18: CASE WHEN NOT con.conenforced THEN 'false' END; NULL::text}} AS enforced,
    ds.description AS comment
FROM pg_type t
JOIN pg_constraint con ON con.contypid = t.oid
JOIN pg_namespace tn ON tn.oid = t.typnamespace
CROSS JOIN LATERAL (SELECT pg_get_constraintdef(con.oid) AS text) def
LEFT JOIN pg_description ds
    ON ds.classoid = 'pg_constraint'::regclass AND ds.objoid = con.oid AND ds.objsubid = 0
WHERE t.typtype = 'd'
  AND (:types IS NULL OR t.oid = ANY(:types))
  AND con.contype = 'c'
  AND tn.nspname <> 'information_schema' AND tn.nspname !~ '^pg_'
  AND NOT EXISTS (SELECT FROM pg_depend dep
                  WHERE dep.classid = 'pg_type'::regclass AND dep.objid = t.oid AND dep.deptype = 'e')
