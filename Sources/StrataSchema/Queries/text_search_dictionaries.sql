-- Text search dictionaries (CREATE TEXT SEARCH DICTIONARY), not those of the system or of an
-- extension: the template and the options.
SELECT
    'text_search_dictionary' AS kind,
    quote_ident(n.nspname) || '.' || quote_ident(d.dictname) AS name,
    NULL::text AS parent_kind,
    NULL::text AS parent_name,
    'pg_ts_dict'::regclass::oid AS classid,
    d.oid AS objid,
    quote_ident(tn.nspname) || '.' || quote_ident(t.tmplname) AS template,
    d.dictinitoption AS options,
    {{owner: d.dictowner}} AS owner,
    ds.description AS comment
FROM pg_ts_dict d
JOIN pg_namespace n ON n.oid = d.dictnamespace
JOIN pg_ts_template t ON t.oid = d.dicttemplate
JOIN pg_namespace tn ON tn.oid = t.tmplnamespace
LEFT JOIN pg_description ds
    ON ds.classoid = 'pg_ts_dict'::regclass AND ds.objoid = d.oid AND ds.objsubid = 0
WHERE (:tsdicts IS NULL OR d.oid = ANY(:tsdicts))
  AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
  AND NOT EXISTS (SELECT FROM pg_depend dep
                  WHERE dep.classid = 'pg_ts_dict'::regclass AND dep.objid = d.oid AND dep.deptype = 'e')
