-- Table constraints: check, foreign key, primary key, unique, exclusion (domain constraints are
-- in domain_constraints.sql). `definition` is pg_get_constraintdef() without the DEFERRABLE /
-- INITIALLY DEFERRED / NOT VALID suffix (the server appends them in that order); those are
-- their own attributes.
SELECT
    'constraint' AS kind,
    quote_ident(cn.nspname) || '.' || quote_ident(c.relname) || '.' || quote_ident(con.conname) AS name,
    CASE c.relkind WHEN 'f' THEN 'foreign_table' ELSE 'table' END AS parent_kind,
    quote_ident(cn.nspname) || '.' || quote_ident(c.relname) AS parent_name,
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
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace cn ON cn.oid = c.relnamespace
CROSS JOIN LATERAL (SELECT pg_get_constraintdef(con.oid) AS text) def
LEFT JOIN pg_description ds
    ON ds.classoid = 'pg_constraint'::regclass AND ds.objoid = con.oid AND ds.objsubid = 0
WHERE con.conrelid <> 0
  AND (:rels IS NULL OR con.conrelid = ANY(:rels))
  AND con.conrelid <> ALL(:excluded)
  AND con.contype IN ('c', 'f', 'p', 'u', 'x')
  AND c.relkind IN ('r', 'p', 'f') AND c.relpersistence <> 't'
  AND cn.nspname <> 'information_schema' AND cn.nspname !~ '^pg_'
  AND NOT EXISTS (SELECT FROM pg_depend dep
                  WHERE dep.classid = 'pg_class'::regclass AND dep.objid = con.conrelid AND dep.deptype = 'e')
