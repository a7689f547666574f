-- Text search configurations (CREATE TEXT SEARCH CONFIGURATION), not those of the system or of
-- an extension: the parser, and the mapping, one line per token type (in the parser's order)
-- with its dictionaries in the order they are consulted.
SELECT
    'text_search_configuration' AS kind,
    quote_ident(n.nspname) || '.' || quote_ident(c.cfgname) AS name,
    NULL::text AS parent_kind,
    NULL::text AS parent_name,
    'pg_ts_config'::regclass::oid AS classid,
    c.oid AS objid,
    quote_ident(pn.nspname) || '.' || quote_ident(p.prsname) AS parser,
    (SELECT string_agg(tt.alias || ' ' || (
                SELECT string_agg(quote_ident(dn.nspname) || '.' || quote_ident(d.dictname), ', ' ORDER BY m.mapseqno)
                FROM pg_ts_config_map m
                JOIN pg_ts_dict d ON d.oid = m.mapdict
                JOIN pg_namespace dn ON dn.oid = d.dictnamespace
                WHERE m.mapcfg = c.oid AND m.maptokentype = tt.tokid), E'\n' ORDER BY tt.tokid)
     FROM ts_token_type(c.cfgparser) tt
     WHERE EXISTS (SELECT FROM pg_ts_config_map m WHERE m.mapcfg = c.oid AND m.maptokentype = tt.tokid)) AS mapping,
    {{owner: c.cfgowner}} AS owner,
    ds.description AS comment
FROM pg_ts_config c
JOIN pg_namespace n ON n.oid = c.cfgnamespace
JOIN pg_ts_parser p ON p.oid = c.cfgparser
JOIN pg_namespace pn ON pn.oid = p.prsnamespace
LEFT JOIN pg_description ds
    ON ds.classoid = 'pg_ts_config'::regclass AND ds.objoid = c.oid AND ds.objsubid = 0
WHERE (:tscfgs IS NULL OR c.oid = ANY(:tscfgs))
  AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
  AND NOT EXISTS (SELECT FROM pg_depend dep
                  WHERE dep.classid = 'pg_ts_config'::regclass AND dep.objid = c.oid AND dep.deptype = 'e')
