-- Publications (logical replication): what they publish, and their tables with each one's column
-- list and row filter (PostgreSQL 15). Schema membership (FOR TABLES IN SCHEMA) is not compared.
SELECT
    'publication' AS kind,
    quote_ident(p.pubname) AS name,
    NULL::text AS parent_kind,
    NULL::text AS parent_name,
    'pg_publication'::regclass::oid AS classid,
    p.oid AS objid,
    p.puballtables::text AS all_tables,
    concat_ws(', ', CASE WHEN p.pubinsert THEN 'insert' END, CASE WHEN p.pubupdate THEN 'update' END,
              CASE WHEN p.pubdelete THEN 'delete' END, CASE WHEN p.pubtruncate THEN 'truncate' END) AS publish,
    p.pubviaroot::text AS via_root,
    -- PostgreSQL 18: publish_generated_columns = stored (unset: none, the default)
    {{since 18: CASE p.pubgencols WHEN 's' THEN 'stored' END; NULL::text}} AS publish_generated_columns,
    (SELECT string_agg(quote_ident(tn.nspname) || '.' || quote_ident(t.relname)
                       || {{since 15: coalesce(' (' || (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)
                                                       FROM pg_attribute a
                                                       WHERE a.attrelid = pr.prrelid AND a.attnum = ANY(pr.prattrs)) || ')', '')
                                       || coalesce(' WHERE ' || pg_get_expr(pr.prqual, pr.prrelid), ''); ''}},
                       E'\n' ORDER BY tn.nspname, t.relname)
     FROM pg_publication_rel pr
     JOIN pg_class t ON t.oid = pr.prrelid
     JOIN pg_namespace tn ON tn.oid = t.relnamespace
     WHERE pr.prpubid = p.oid) AS tables,
    {{owner: p.pubowner}} AS owner,
    ds.description AS comment
FROM pg_publication p
LEFT JOIN pg_description ds
    ON ds.classoid = 'pg_publication'::regclass AND ds.objoid = p.oid AND ds.objsubid = 0
WHERE (:pubs IS NULL OR p.oid = ANY(:pubs))
  AND NOT EXISTS (SELECT FROM pg_depend dep
                  WHERE dep.classid = 'pg_publication'::regclass AND dep.objid = p.oid AND dep.deptype = 'e')
