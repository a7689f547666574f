WITH RECURSIVE log AS (
    DELETE FROM information_schema.strata_stairway_log RETURNING classid, objid, owner_classid, owner_objid
),
step AS (
    SELECT pg_catalog.age((pg_catalog.txid_current() % 4294967296)::text::xid) AS age
),
written AS (
    SELECT c.oid, pg_catalog.age(c.xmin) <= (SELECT age FROM step) AS ddl
    FROM pg_catalog.pg_class c
    WHERE c.oid >= 16384
      AND (pg_catalog.age(c.xmin) <= (SELECT age FROM step)
           OR (c.relkind IN ('r', 'p', 'm')
               AND pg_catalog.pg_stat_get_xact_tuples_inserted(c.oid) + pg_catalog.pg_stat_get_xact_tuples_updated(c.oid)
                   + pg_catalog.pg_stat_get_xact_tuples_deleted(c.oid) > 0))
      AND c.relnamespace <> 'information_schema'::regnamespace
),
touched(classid, objid) AS (
    SELECT classid, objid FROM log WHERE objid IS NOT NULL
    UNION ALL
    SELECT owner_classid, owner_objid FROM log WHERE owner_objid IS NOT NULL
    UNION ALL
    SELECT 'pg_class'::regclass::oid, oid FROM written WHERE ddl
),
{{recorder_objects:}},
refs AS (
    -- quiet: an index reached only through its table, whose catalog rows the step did not
    -- write; listed (its table's other indexes are gone) but not fingerprinted again
    SELECT classid, objid, whole,
           -- (a scalar lookup: an EXISTS here becomes a hashed scan of all of pg_index)
           NOT seed AND classid = 'pg_class'::regclass AND coalesce((
               SELECT pg_catalog.age(i.xmin) > (SELECT age FROM step) FROM pg_catalog.pg_index i
               WHERE i.indexrelid = objects.objid), false) AS quiet
    FROM objects
    UNION SELECT 0, oid, false, false FROM written
    UNION SELECT 0, objid, false, false FROM seeds WHERE classid = 'pg_class'::regclass
)
SELECT CASE WHEN quiet THEN 'own' WHEN whole THEN 'whole' ELSE 'ref' END AS strata_stairway_kind,
       classid::text AS classid, objid::text AS objid,
       CASE WHEN quiet THEN NULL
            ELSE {{recorder_entry: refs.classid; refs.objid}} END AS entry
FROM refs
UNION ALL
SELECT 'dep', o.classid::text, o.objid::text, d.classid || ':' || d.objid
FROM objects o CROSS JOIN LATERAL (
    SELECT d.classid, d.objid FROM pg_catalog.pg_depend d
    WHERE d.refclassid = o.classid AND d.refobjid = o.objid AND d.deptype = 'n' OFFSET 0) d
UNION ALL
SELECT 'scan', NULL, NULL, NULL
WHERE EXISTS (SELECT FROM log WHERE objid IS NULL)
   OR pg_catalog.pg_stat_get_xact_tuples_inserted('pg_event_trigger'::regclass)
      + pg_catalog.pg_stat_get_xact_tuples_updated('pg_event_trigger'::regclass)
      + pg_catalog.pg_stat_get_xact_tuples_deleted('pg_event_trigger'::regclass) > 0
   OR (NOT EXISTS (SELECT FROM log) AND EXISTS (
          SELECT FROM unnest('{pg_attribute,pg_attrdef,pg_constraint,pg_index,pg_type,pg_enum,pg_range,pg_proc,pg_namespace,pg_extension,pg_trigger,pg_policy,pg_rewrite,pg_description,pg_default_acl,pg_collation,pg_sequence,pg_inherits,pg_partitioned_table,pg_statistic_ext,pg_ts_dict,pg_ts_config,pg_ts_config_map,pg_publication,pg_publication_rel,pg_foreign_data_wrapper,pg_foreign_server,pg_foreign_table,pg_depend}'::regclass[]) AS c(rel)
          WHERE pg_catalog.pg_stat_get_xact_tuples_inserted(c.rel) + pg_catalog.pg_stat_get_xact_tuples_updated(c.rel)
                + pg_catalog.pg_stat_get_xact_tuples_deleted(c.rel) > 0))
UNION ALL
SELECT 'xid', NULL, pg_catalog.txid_current()::text, NULL
