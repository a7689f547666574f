(SELECT CASE WHEN pg_catalog.pg_relation_size(x.oid) = 0
             THEN 'rows of ' || pg_catalog.pg_describe_object('pg_catalog.pg_class'::pg_catalog.regclass, x.oid, 0)
                  || E'\x1c' || '0:' || pg_catalog.md5('')
             ELSE information_schema.strata_stairway_fp(0, x.oid) END
 FROM pg_catalog.pg_class x JOIN pg_catalog.pg_namespace n ON n.oid = x.relnamespace
 WHERE x.oid = @oid@ AND x.relkind = 'r' AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_')
