WITH refs(classid, objid) AS (
    SELECT 'pg_class'::regclass::oid, oid FROM pg_catalog.pg_class WHERE oid >= 16384
    UNION ALL SELECT 0, oid FROM pg_catalog.pg_class WHERE oid >= 16384 AND relkind = 'r'
    UNION ALL SELECT 'pg_type'::regclass::oid, oid FROM pg_catalog.pg_type WHERE oid >= 16384
    UNION ALL SELECT 'pg_proc'::regclass::oid, oid FROM pg_catalog.pg_proc WHERE oid >= 16384
    UNION ALL SELECT 'pg_namespace'::regclass::oid, oid FROM pg_catalog.pg_namespace
    UNION ALL SELECT 'pg_extension'::regclass::oid, oid FROM pg_catalog.pg_extension
    UNION ALL SELECT 'pg_statistic_ext'::regclass::oid, oid FROM pg_catalog.pg_statistic_ext
    UNION ALL SELECT 'pg_default_acl'::regclass::oid, oid FROM pg_catalog.pg_default_acl
    UNION ALL SELECT 'pg_collation'::regclass::oid, oid FROM pg_catalog.pg_collation WHERE oid >= 16384
    UNION ALL SELECT 'pg_event_trigger'::regclass::oid, oid FROM pg_catalog.pg_event_trigger
    UNION ALL SELECT 'pg_ts_dict'::regclass::oid, oid FROM pg_catalog.pg_ts_dict WHERE oid >= 16384
    UNION ALL SELECT 'pg_ts_config'::regclass::oid, oid FROM pg_catalog.pg_ts_config WHERE oid >= 16384
    UNION ALL SELECT 'pg_publication'::regclass::oid, oid FROM pg_catalog.pg_publication
    UNION ALL SELECT 'pg_foreign_data_wrapper'::regclass::oid, oid FROM pg_catalog.pg_foreign_data_wrapper
    UNION ALL SELECT 'pg_foreign_server'::regclass::oid, oid FROM pg_catalog.pg_foreign_server
)
SELECT classid::text, objid::text, e
FROM refs, LATERAL (SELECT {{recorder_entry: refs.classid; refs.objid}} AS e) AS f
WHERE e IS NOT NULL
