(SELECT pg_catalog.pg_describe_object('pg_catalog.pg_class'::pg_catalog.regclass, x.oid, 0) || E'\x1c' || pg_catalog.md5(concat_ws(E'\x1e',
    -- every column of pg_class (PostgreSQL 15) but OIDs and physical state
    ROW(x.relname, x.relowner, x.relam, x.reltablespace, x.relisshared, x.relpersistence, x.relkind, x.relchecks,
        x.relrowsecurity, x.relforcerowsecurity, x.relispopulated, x.relreplident, x.relispartition,
        -- privileges as reflection compares them: the default ACL (after a GRANT revoked again) is no ACL
        NULLIF(x.relacl, acldefault(CASE WHEN x.relkind = 'S' THEN 's'::"char" ELSE 'r'::"char" END, x.relowner)),
        x.reloptions)::text,
    n.nspname, x.reloftype::regtype::text, pg_get_expr(x.relpartbound, x.oid),
    (SELECT string_agg(coalesce(da.attname, '') || ':' || ds.description, E'\x1d' ORDER BY ds.objsubid)
     FROM pg_description ds LEFT JOIN pg_attribute da ON da.attrelid = x.oid AND da.attnum = ds.objsubid AND ds.objsubid > 0
     WHERE ds.objoid = x.oid AND ds.classoid = 'pg_class'::regclass),
    CASE
    WHEN x.relkind IN ('i', 'I') THEN
        (SELECT concat_ws(E'\x1e', ROW(i.indnatts, i.indnkeyatts, i.indisunique, {{since 15: i.indnullsnotdistinct; NULL}}, i.indisprimary,
                          i.indisexclusion, i.indimmediate, i.indisclustered, i.indisvalid, i.indisreplident, i.indoption)::text,
                          pg_get_indexdef(i.indexrelid))
         FROM pg_index i WHERE i.indexrelid = x.oid)
    WHEN x.relkind = 'S' THEN
        concat_ws(E'\x1e',
            (SELECT ROW(s.seqtypid, s.seqstart, s.seqincrement, s.seqmax, s.seqmin, s.seqcache, s.seqcycle)::text
             FROM pg_sequence s WHERE s.seqrelid = x.oid),
            (SELECT string_agg(dp.deptype::text || ':' || dp.refobjid::regclass::text || ':'
                               || coalesce((SELECT da.attname FROM pg_attribute da WHERE da.attrelid = dp.refobjid AND da.attnum = dp.refobjsubid), ''),
                               ',' ORDER BY 1)
             FROM pg_depend dp WHERE dp.classid = 'pg_class'::regclass AND dp.objid = x.oid AND dp.objsubid = 0
               AND dp.refclassid = 'pg_class'::regclass AND dp.deptype IN ('a', 'i')))
    ELSE
        concat_ws(E'\x1e',
            -- every column of pg_attribute (PostgreSQL 15) but OIDs, positions and physical state
            (SELECT string_agg(concat_ws(E'\x1f', ROW(a.attname, a.attndims, a.attstorage, {{since 14: a.attcompression; NULL}}, a.attstattarget, a.attnotnull,
                                             a.atthasdef, a.attidentity, a.attgenerated, a.attislocal, a.attinhcount, NULLIF(a.attacl, '{}'),
                                             a.attoptions, a.attfdwoptions)::text,
                                         format_type(a.atttypid, a.atttypmod), a.attcollation::regcollation::text,
                                         pg_get_expr(ad.adbin, ad.adrelid)), E'\x1d' ORDER BY a.attnum)
             FROM pg_attribute a LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
             WHERE a.attrelid = x.oid AND a.attnum > 0 AND NOT a.attisdropped),
            (SELECT string_agg(i.inhseqno::text || ':' || i.inhparent::regclass::text, ',' ORDER BY i.inhseqno)
             FROM pg_inherits i WHERE i.inhrelid = x.oid),
            (SELECT pg_get_partkeydef(p.partrelid) FROM pg_partitioned_table p WHERE p.partrelid = x.oid),
            CASE WHEN x.relkind IN ('v', 'm') THEN pg_get_viewdef(x.oid) END,
            -- a foreign table's server (by name) and options
            CASE WHEN x.relkind = 'f' THEN
                (SELECT fs.srvname || ':' || coalesce(array_to_string(ft.ftoptions, ','), '')
                 FROM pg_foreign_table ft JOIN pg_foreign_server fs ON fs.oid = ft.ftserver WHERE ft.ftrelid = x.oid) END,
            -- constraints, triggers, policies and rules belong to the table's entry
            -- (PostgreSQL 18: a NOT NULL constraint's name counts as reflection compares it: not when it is
            -- the default <table>_<column>_not_null or the constraint is inherited)
            (SELECT string_agg(concat_ws(E'\x1f', {{since 18: CASE WHEN k.contype = 'n' AND (NOT k.conislocal OR k.conname = left(x.relname || '_' || (SELECT na.attname FROM pg_attribute na WHERE na.attrelid = k.conrelid AND na.attnum = k.conkey[1]) || '_not_null', 63)) THEN '' ELSE k.conname END; k.conname}}, ROW(k.contype, k.condeferrable, k.condeferred, k.convalidated, k.confupdtype, k.confdeltype, k.confmatchtype, k.conislocal, k.coninhcount, k.connoinherit)::text, pg_get_constraintdef(k.oid), (SELECT ds.description FROM pg_description ds WHERE ds.objoid = k.oid AND ds.classoid = 'pg_constraint'::regclass)), E'\x1d' ORDER BY {{since 18: CASE WHEN k.contype = 'n' AND (NOT k.conislocal OR k.conname = left(x.relname || '_' || (SELECT na.attname FROM pg_attribute na WHERE na.attrelid = k.conrelid AND na.attnum = k.conkey[1]) || '_not_null', 63)) THEN '' ELSE k.conname END, pg_get_constraintdef(k.oid); k.conname}}) FROM pg_constraint k WHERE k.conrelid = x.oid),
            (SELECT string_agg(concat_ws(E'\x1f', pg_get_triggerdef(g.oid), g.tgenabled, (SELECT ds.description FROM pg_description ds WHERE ds.objoid = g.oid AND ds.classoid = 'pg_trigger'::regclass)), E'\x1d' ORDER BY g.tgname) FROM pg_trigger g WHERE g.tgrelid = x.oid AND NOT g.tgisinternal),
            (SELECT string_agg(concat_ws(E'\x1f', (to_jsonb(p) - '{oid,polrelid,polqual,polwithcheck}'::text[])::text, pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid), (SELECT ds.description FROM pg_description ds WHERE ds.objoid = p.oid AND ds.classoid = 'pg_policy'::regclass)), E'\x1d' ORDER BY p.polname) FROM pg_policy p WHERE p.polrelid = x.oid),
            (SELECT string_agg(concat_ws(E'\x1f', pg_get_ruledef(w.oid), w.ev_enabled, (SELECT ds.description FROM pg_description ds WHERE ds.objoid = w.oid AND ds.classoid = 'pg_rewrite'::regclass)), E'\x1d' ORDER BY w.rulename) FROM pg_rewrite w WHERE w.ev_class = x.oid AND w.rulename <> '_RETURN'))
    END))
    -- the table an index belongs to
    || E'\x1c' || coalesce(CASE WHEN x.relkind IN ('i', 'I') THEN (SELECT '1259:' || i.indrelid FROM pg_index i WHERE i.indexrelid = x.oid) END, '')
    -- what objects that refer to it print of it besides its name: its columns' names
    || E'\x1c' || coalesce(CASE WHEN x.relkind NOT IN ('i', 'I', 'S') THEN
           (SELECT string_agg(a.attnum || '=' || a.attname, E'\x1d' ORDER BY a.attnum)
            FROM pg_attribute a WHERE a.attrelid = x.oid AND a.attnum > 0 AND NOT a.attisdropped) END, '')
 FROM pg_class x JOIN pg_namespace n ON n.oid = x.relnamespace
 WHERE x.oid = @oid@ AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_' AND (x.relkind <> 'c' OR @nested@))
