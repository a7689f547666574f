-- Tables (plain and partitioned), views, materialized views and foreign tables.
SELECT
    CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'table' WHEN 'v' THEN 'view'
                   WHEN 'm' THEN 'materialized_view' WHEN 'f' THEN 'foreign_table' END AS kind,
    quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS name,
    NULL::text AS parent_kind,
    NULL::text AS parent_name,
    'pg_class'::regclass::oid AS classid,
    c.oid AS objid,
    CASE WHEN c.relkind IN ('r', 'p') THEN
        CASE c.relpersistence WHEN 'u' THEN 'unlogged' ELSE 'permanent' END
    END AS persistence,
    CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partition_key,
    CASE WHEN c.relispartition THEN
        (SELECT quote_ident(pn.nspname) || '.' || quote_ident(pc.relname)
         FROM pg_inherits i JOIN pg_class pc ON pc.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = pc.relnamespace
         WHERE i.inhrelid = c.oid LIMIT 1)
    END AS partition_of,
    CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END AS partition_bound,
    CASE WHEN NOT c.relispartition AND c.relkind IN ('r', 'p', 'f') THEN
        (SELECT string_agg(quote_ident(pn.nspname) || '.' || quote_ident(pc.relname), ', ' ORDER BY i.inhseqno)
         FROM pg_inherits i JOIN pg_class pc ON pc.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = pc.relnamespace
         WHERE i.inhrelid = c.oid)
    END AS inherits,
    CASE WHEN c.relkind IN ('r', 'p') THEN c.relrowsecurity::text END AS row_security,
    CASE WHEN c.relkind IN ('r', 'p') THEN c.relforcerowsecurity::text END AS row_security_forced,
    CASE WHEN c.relkind IN ('r', 'p') THEN
        CASE c.relreplident
            WHEN 'd' THEN 'default' WHEN 'n' THEN 'nothing' WHEN 'f' THEN 'full'
            WHEN 'i' THEN 'index ' || (SELECT quote_ident(ic.relname) FROM pg_index ri JOIN pg_class ic ON ic.oid = ri.indexrelid
                                       WHERE ri.indrelid = c.oid AND ri.indisreplident LIMIT 1)
        END
    END AS replica_identity,
    array_to_string(c.reloptions, ', ') AS options,
    CASE WHEN c.relkind IN ('r', 'm') AND am.amname <> 'heap' THEN am.amname END AS access_method,
    CASE WHEN c.reltablespace <> 0 THEN (SELECT quote_ident(spcname) FROM pg_tablespace WHERE oid = c.reltablespace) END AS tablespace,
    CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END AS definition,
    CASE WHEN c.relkind = 'm' THEN c.relispopulated::text END AS populated,
    CASE WHEN c.relkind = 'f' THEN
        (SELECT quote_ident(fs.srvname) FROM pg_foreign_table ft JOIN pg_foreign_server fs ON fs.oid = ft.ftserver
         WHERE ft.ftrelid = c.oid)
    END AS server,
    CASE WHEN c.relkind = 'f' THEN
        (SELECT array_to_string(ft.ftoptions, ', ') FROM pg_foreign_table ft WHERE ft.ftrelid = c.oid)
    END AS server_options,
    ds.description AS comment,
    {{owner: c.relowner}} AS owner,
    {{acl: c.relacl; acldefault('r', c.relowner); c.relowner}} AS _extra
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_am am ON am.oid = c.relam
LEFT JOIN pg_description ds
    ON ds.classoid = 'pg_class'::regclass AND ds.objoid = c.oid AND ds.objsubid = 0
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
  AND c.relpersistence <> 't'
  AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
  AND c.oid <> ALL(:excluded)
  AND (:rels IS NULL OR c.oid = ANY(:rels))
  AND NOT EXISTS (SELECT FROM pg_depend dep
                  WHERE dep.classid = 'pg_class'::regclass AND dep.objid = c.oid AND dep.deptype = 'e')
