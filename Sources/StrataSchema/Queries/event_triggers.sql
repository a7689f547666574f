-- Event triggers (database-wide), except those whose function lives in a system schema (the ones
-- `strata verify stairway` installs in its scratch database call information_schema functions).
SELECT
    'event_trigger' AS kind,
    quote_ident(e.evtname) AS name,
    NULL::text AS parent_kind,
    NULL::text AS parent_name,
    'pg_event_trigger'::regclass::oid AS classid,
    e.oid AS objid,
    e.evtevent AS event,
    e.evtfoid::regprocedure::text AS function,
    array_to_string(e.evttags, ', ') AS tags,
    CASE e.evtenabled WHEN 'O' THEN 'origin' WHEN 'D' THEN 'disabled' WHEN 'R' THEN 'replica' WHEN 'A' THEN 'always' END AS enabled,
    ds.description AS comment
FROM pg_event_trigger e
LEFT JOIN pg_description ds
    ON ds.classoid = 'pg_event_trigger'::regclass AND ds.objoid = e.oid AND ds.objsubid = 0
WHERE (:evtrigs IS NULL OR e.oid = ANY(:evtrigs))
  AND NOT EXISTS (SELECT FROM pg_depend dep
                  WHERE dep.classid = 'pg_event_trigger'::regclass AND dep.objid = e.oid AND dep.deptype = 'e')
  AND NOT EXISTS (SELECT FROM pg_proc ef JOIN pg_namespace en ON en.oid = ef.pronamespace
                  WHERE ef.oid = e.evtfoid AND (en.nspname = 'information_schema' OR en.nspname ~ '^pg_'))
