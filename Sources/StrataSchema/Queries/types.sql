-- Enum, domain, composite and range types (not array, multirange or table row types).
-- Domain constraints are in domain_constraints.sql.
SELECT
    CASE t.typtype WHEN 'e' THEN 'enum' WHEN 'd' THEN 'domain'
                   WHEN 'c' THEN 'composite_type' WHEN 'r' THEN 'range_type' END AS kind,
    quote_ident(n.nspname) || '.' || quote_ident(t.typname) AS name,
    NULL::text AS parent_kind,
    NULL::text AS parent_name,
    'pg_type'::regclass::oid AS classid,
    t.oid AS objid,
    CASE WHEN t.typtype = 'e' THEN
        (SELECT string_agg(quote_literal(en.enumlabel), ', ' ORDER BY en.enumsortorder)
         FROM pg_enum en WHERE en.enumtypid = t.oid)
    END AS labels,
    CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) END AS base_type,
    CASE WHEN t.typtype = 'd' THEN pg_get_expr(t.typdefaultbin, 0) END AS default,
    CASE WHEN t.typtype = 'd' THEN t.typnotnull::text END AS not_null,
    -- PostgreSQL 17: a domain's NOT NULL is a constraint; its name unless it is the default `<domain>_not_null`
    {{since 17: CASE WHEN t.typtype = 'd' AND t.typnotnull THEN
        (SELECT k.conname::text FROM pg_constraint k
         WHERE k.contypid = t.oid AND k.contype = 'n' AND k.conname <> left(t.typname || '_not_null', 63)) END; NULL::text}} AS not_null_constraint,
    CASE WHEN t.typtype = 'd' AND t.typcollation <> bt.typcollation THEN
        (SELECT quote_ident(cn.nspname) || '.' || quote_ident(co.collname)
         FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = t.typcollation)
    END AS collation,
    CASE WHEN t.typtype = 'c' THEN
        (SELECT string_agg(quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod)
                || CASE WHEN a.attcollation <> at.typcollation THEN
                       ' COLLATE ' || (SELECT quote_ident(cn.nspname) || '.' || quote_ident(co.collname)
                                       FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace
                                       WHERE co.oid = a.attcollation)
                   ELSE '' END,
                ', ' ORDER BY a.attnum)
         FROM pg_attribute a JOIN pg_type at ON at.oid = a.atttypid
         WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped)
    END AS fields,
    CASE WHEN t.typtype = 'r' THEN format_type(r.rngsubtype, NULL) END AS subtype,
    CASE WHEN t.typtype = 'r' AND r.rngcollation <> 0 AND r.rngcollation <> st.typcollation THEN
        (SELECT quote_ident(cn.nspname) || '.' || quote_ident(co.collname)
         FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = r.rngcollation)
    END AS subtype_collation,
    CASE WHEN t.typtype = 'r' AND NOT opc.opcdefault THEN
        quote_ident(opcn.nspname) || '.' || quote_ident(opc.opcname)
    END AS subtype_opclass,
    CASE WHEN t.typtype = 'r' AND r.rngcanonical <> 0 THEN r.rngcanonical::regproc::text END AS canonical,
    CASE WHEN t.typtype = 'r' AND r.rngsubdiff <> 0 THEN r.rngsubdiff::regproc::text END AS subtype_diff,
    ds.description AS comment,
    {{owner: t.typowner}} AS owner,
    {{acl: t.typacl; acldefault('T', t.typowner); t.typowner}} AS _extra
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
LEFT JOIN pg_type bt ON bt.oid = t.typbasetype
LEFT JOIN pg_class rc ON rc.oid = t.typrelid
LEFT JOIN pg_range r ON r.rngtypid = t.oid
LEFT JOIN pg_type st ON st.oid = r.rngsubtype
LEFT JOIN pg_opclass opc ON opc.oid = r.rngsubopc
LEFT JOIN pg_namespace opcn ON opcn.oid = opc.opcnamespace
LEFT JOIN pg_description ds
    ON ds.classoid = 'pg_type'::regclass AND ds.objoid = t.oid AND ds.objsubid = 0
WHERE t.typtype IN ('e', 'd', 'c', 'r')
  AND (t.typtype <> 'c' OR rc.relkind = 'c')
  AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
  AND (:types IS NULL OR t.oid = ANY(:types))
  AND NOT EXISTS (SELECT FROM pg_depend dep
                  WHERE dep.classid = 'pg_type'::regclass AND dep.objid = t.oid AND dep.deptype = 'e')
