-- User triggers (not the internal ones behind foreign keys). Timing, level and events come from
-- tgtype; WHEN and the function call are cut out of pg_get_triggerdef().
SELECT
    'trigger' AS kind,
    quote_ident(n.nspname) || '.' || quote_ident(c.relname) || '.' || quote_ident(tg.tgname) AS name,
    CASE c.relkind WHEN 'v' THEN 'view' WHEN 'f' THEN 'foreign_table' ELSE 'table' END AS parent_kind,
    quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS parent_name,
    'pg_trigger'::regclass::oid AS classid,
    tg.oid AS objid,
    CASE WHEN tg.tgtype & 2 <> 0 THEN 'BEFORE' WHEN tg.tgtype & 64 <> 0 THEN 'INSTEAD OF' ELSE 'AFTER' END AS timing,
    CASE WHEN tg.tgtype & 1 <> 0 THEN 'ROW' ELSE 'STATEMENT' END AS level,
    concat_ws(' OR ',
        CASE WHEN tg.tgtype & 4 <> 0 THEN 'INSERT' END,
        CASE WHEN tg.tgtype & 8 <> 0 THEN 'DELETE' END,
        CASE WHEN tg.tgtype & 16 <> 0 THEN 'UPDATE' || COALESCE(' OF ' ||
            (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY k.ord)
             FROM unnest(tg.tgattr::int2[]) WITH ORDINALITY AS k(attnum, ord)
             JOIN pg_attribute a ON a.attrelid = tg.tgrelid AND a.attnum = k.attnum), '') END,
        CASE WHEN tg.tgtype & 32 <> 0 THEN 'TRUNCATE' END) AS events,
    substring(def.text FROM ' WHEN \((.*)\) EXECUTE (?:FUNCTION|PROCEDURE) ') AS when,
    substring(def.text FROM ' EXECUTE (?:FUNCTION|PROCEDURE) (.*)$') AS function,
    NULLIF(concat_ws(' ',
        CASE WHEN tg.tgoldtable IS NOT NULL THEN 'OLD TABLE AS ' || quote_ident(tg.tgoldtable) END,
        CASE WHEN tg.tgnewtable IS NOT NULL THEN 'NEW TABLE AS ' || quote_ident(tg.tgnewtable) END), '') AS referencing,
    CASE WHEN tg.tgconstraint <> 0 THEN 'true' END AS constraint_trigger,
    CASE WHEN tg.tgconstraint <> 0 THEN tg.tgdeferrable::text END AS deferrable,
    CASE WHEN tg.tgconstraint <> 0 THEN tg.tginitdeferred::text END AS deferred,
    CASE WHEN tg.tgconstrrelid <> 0 THEN
        (SELECT quote_ident(fn.nspname) || '.' || quote_ident(fc.relname)
         FROM pg_class fc JOIN pg_namespace fn ON fn.oid = fc.relnamespace WHERE fc.oid = tg.tgconstrrelid)
    END AS from_table,
    CASE tg.tgenabled WHEN 'O' THEN 'origin' WHEN 'D' THEN 'disabled' WHEN 'R' THEN 'replica' WHEN 'A' THEN 'always' END AS enabled,
    ds.description AS comment
FROM pg_trigger tg
JOIN pg_class c ON c.oid = tg.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
CROSS JOIN LATERAL (SELECT pg_get_triggerdef(tg.oid) AS text) def
LEFT JOIN pg_description ds
    ON ds.classoid = 'pg_trigger'::regclass AND ds.objoid = tg.oid AND ds.objsubid = 0
WHERE NOT tg.tgisinternal
  AND c.relpersistence <> 't'
  AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
  AND tg.tgrelid <> ALL(:excluded)
  AND (:rels IS NULL OR tg.tgrelid = ANY(:rels))
  AND NOT EXISTS (SELECT FROM pg_depend dep
                  WHERE dep.classid = 'pg_class'::regclass AND dep.objid = tg.tgrelid AND dep.deptype = 'e')
