-- Functions, procedures and aggregates. The identity carries the argument types; `arguments`
-- has names, modes and defaults. `body` is prosrc, or for SQL-standard bodies (PostgreSQL 14+,
-- prosrc is empty) the RETURN / BEGIN ATOMIC part of pg_get_functiondef().
SELECT
    CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END AS kind,
    quote_ident(n.nspname) || '.' || quote_ident(p.proname) || '(' || oidvectortypes(p.proargtypes) || ')' AS name,
    NULL::text AS parent_kind,
    NULL::text AS parent_name,
    'pg_proc'::regclass::oid AS classid,
    p.oid AS objid,
    pg_get_function_arguments(p.oid) AS arguments,
    CASE WHEN p.prokind <> 'p' THEN pg_get_function_result(p.oid) END AS returns,
    l.lanname AS language,
    CASE WHEN p.prokind = 'a' THEN NULL
         WHEN p.prosrc = '' AND l.lanname = 'sql' THEN
             rtrim(substring(pg_get_functiondef(p.oid) FROM '\n((?:RETURN |BEGIN ATOMIC).*)$'), E'\n')
         ELSE p.prosrc END AS body,
    CASE WHEN l.lanname = 'c' THEN p.probin END AS library,
    CASE WHEN p.prokind NOT IN ('p', 'a') THEN
        CASE p.provolatile WHEN 'i' THEN 'immutable' WHEN 's' THEN 'stable' ELSE 'volatile' END
    END AS volatility,
    CASE WHEN p.prokind NOT IN ('p', 'a') THEN p.proisstrict::text END AS strict,
    p.prosecdef::text AS security_definer,
    CASE WHEN p.prokind NOT IN ('p', 'a') THEN p.proleakproof::text END AS leakproof,
    CASE WHEN p.prokind <> 'p' THEN
        CASE p.proparallel WHEN 's' THEN 'safe' WHEN 'r' THEN 'restricted' ELSE 'unsafe' END
    END AS parallel,
    CASE WHEN p.prokind NOT IN ('p', 'a') THEN p.procost::text END AS cost,
    CASE WHEN p.proretset THEN p.prorows::text END AS rows,
    CASE WHEN p.prokind = 'w' THEN 'true' END AS window,
    array_to_string(p.proconfig, ', ') AS config,
    CASE WHEN p.prokind = 'a' THEN
        (SELECT concat_ws(', ',
                'sfunc ' || ag.aggtransfn::regproc::text,
                'stype ' || format_type(ag.aggtranstype, NULL),
                CASE WHEN ag.aggfinalfn <> 0 THEN 'finalfunc ' || ag.aggfinalfn::regproc::text END,
                CASE WHEN ag.aggcombinefn <> 0 THEN 'combinefunc ' || ag.aggcombinefn::regproc::text END,
                CASE WHEN ag.agginitval IS NOT NULL THEN 'initcond ' || quote_literal(ag.agginitval) END,
                CASE WHEN ag.aggsortop <> 0 THEN 'sortop ' || ag.aggsortop::regoperator::text END,
                CASE ag.aggkind WHEN 'o' THEN 'ordered-set' WHEN 'h' THEN 'hypothetical-set' END)
         FROM pg_aggregate ag WHERE ag.aggfnoid = p.oid)
    END AS aggregate,
    ds.description AS comment,
    {{owner: p.proowner}} AS owner,
    {{acl: p.proacl; acldefault('f', p.proowner); p.proowner}} AS _extra
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
JOIN pg_language l ON l.oid = p.prolang
LEFT JOIN pg_description ds
    ON ds.classoid = 'pg_proc'::regclass AND ds.objoid = p.oid AND ds.objsubid = 0
WHERE n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
  AND (:funcs IS NULL OR p.oid = ANY(:funcs))
  AND NOT EXISTS (SELECT FROM pg_depend dep
                  WHERE dep.classid = 'pg_proc'::regclass AND dep.objid = p.oid AND dep.deptype = 'e')
