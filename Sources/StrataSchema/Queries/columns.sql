-- Columns of tables and foreign tables in logical order. `position` is the rank among the
-- columns that are not dropped, so dropped columns never show and never shift anything.
SELECT
    'column' AS kind,
    quote_ident(n.nspname) || '.' || quote_ident(c.relname) || '.' || quote_ident(a.attname) AS name,
    CASE c.relkind WHEN 'f' THEN 'foreign_table' ELSE 'table' END AS parent_kind,
    quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS parent_name,
    NULL::oid AS classid,
    NULL::oid AS objid,
    row_number() OVER (PARTITION BY a.attrelid ORDER BY a.attnum)::text AS position,
    format_type(a.atttypid, a.atttypmod) AS type,
    a.attnotnull::text AS not_null,
    -- PostgreSQL 18: the NOT NULL constraint behind not_null: its name unless it is the default
    -- (`<table>_<column>_not_null`) or the constraint is inherited (a partition's carries its
    -- parent's name), NOT VALID, NO INHERIT
    {{since 18: CASE WHEN a.attnotnull THEN (
        SELECT nn.conname::text FROM pg_constraint nn
        WHERE nn.conrelid = a.attrelid AND nn.contype = 'n' AND nn.conkey[1] = a.attnum AND nn.conislocal
          AND nn.conname <> left(c.relname || '_' || a.attname || '_not_null', 63)) END; NULL::text}} AS not_null_constraint,
    {{since 18: CASE WHEN a.attnotnull THEN (
        SELECT NULLIF(concat_ws(' ', CASE WHEN nn.connoinherit THEN 'NO INHERIT' END, CASE WHEN NOT nn.convalidated THEN 'NOT VALID' END), '')
        FROM pg_constraint nn WHERE nn.conrelid = a.attrelid AND nn.contype = 'n' AND nn.conkey[1] = a.attnum) END; NULL::text}} AS not_null_options,
    CASE WHEN a.attgenerated = '' THEN pg_get_expr(ad.adbin, ad.adrelid) END AS default,
    CASE WHEN a.attgenerated IN ('s', 'v') THEN pg_get_expr(ad.adbin, ad.adrelid) END AS generated,
    -- PostgreSQL 18: a generated column computed when read (VIRTUAL, the default there) or stored
    CASE WHEN a.attgenerated = 'v' THEN 'virtual' END AS generated_kind,
    CASE a.attidentity WHEN 'a' THEN 'always' WHEN 'd' THEN 'by default' END AS identity,
    CASE WHEN a.attidentity <> '' THEN
        (SELECT 'start ' || s.seqstart || ', increment ' || s.seqincrement || ', min ' || s.seqmin
                || ', max ' || s.seqmax || ', cache ' || s.seqcache || CASE WHEN s.seqcycle THEN ', cycle' ELSE '' END
         FROM pg_depend d JOIN pg_sequence s ON s.seqrelid = d.objid
         WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
           AND d.refobjid = a.attrelid AND d.refobjsubid = a.attnum AND d.deptype = 'i'
         LIMIT 1)
    END AS identity_sequence,
    CASE WHEN a.attcollation <> t.typcollation THEN
        quote_ident(cn.nspname) || '.' || quote_ident(co.collname)
    END AS collation,
    -- physical choices a revision can make (SET STORAGE / COMPRESSION / STATISTICS / options),
    -- shown only where they differ from the default
    CASE WHEN a.attstorage <> t.typstorage THEN
        CASE a.attstorage WHEN 'p' THEN 'plain' WHEN 'e' THEN 'external' WHEN 'm' THEN 'main' WHEN 'x' THEN 'extended' END
    END AS storage,
    {{since 14: CASE a.attcompression WHEN 'p' THEN 'pglz' WHEN 'l' THEN 'lz4' END; NULL::text}} AS compression,
    {{since 17: a.attstattarget::text; NULLIF(a.attstattarget, -1)::text}} AS statistics_target,
    array_to_string(a.attoptions, ', ') AS options,
    ds.description AS comment,
    {{acl: a.attacl; acldefault('c', c.relowner); c.relowner}} AS _extra
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
LEFT JOIN pg_collation co ON co.oid = a.attcollation AND a.attcollation <> t.typcollation
LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
LEFT JOIN pg_description ds
    ON ds.classoid = 'pg_class'::regclass AND ds.objoid = a.attrelid AND ds.objsubid = a.attnum
WHERE a.attnum > 0 AND NOT a.attisdropped
  AND c.relkind IN ('r', 'p', 'f')
  AND c.relpersistence <> 't'
  AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
  AND c.oid <> ALL(:excluded)
  AND (:rels IS NULL OR c.oid = ANY(:rels))
  AND NOT EXISTS (SELECT FROM pg_depend dep
                  WHERE dep.classid = 'pg_class'::regclass AND dep.objid = c.oid AND dep.deptype = 'e')
