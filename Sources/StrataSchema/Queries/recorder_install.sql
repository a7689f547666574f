BEGIN;
CREATE UNLOGGED TABLE information_schema.strata_stairway_log (classid oid, objid oid, owner_classid oid, owner_objid oid);
-- A revision may SET ROLE: whoever runs the step can take the log, the functions run as their owner.
GRANT ALL ON information_schema.strata_stairway_log TO PUBLIC;
CREATE FUNCTION information_schema.strata_stairway_ddl() RETURNS event_trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
    INSERT INTO information_schema.strata_stairway_log (classid, objid)
    SELECT classid, objid FROM pg_catalog.pg_event_trigger_ddl_commands();
END $$;
CREATE FUNCTION information_schema.strata_stairway_drop() RETURNS event_trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
    -- A dropped constraint, default, trigger, policy or rule is part of its table's (or
    -- domain's) entry: log the owner, found by name while it still exists.
    INSERT INTO information_schema.strata_stairway_log
    SELECT d.classid, d.objid,
           CASE WHEN d.object_type = 'domain constraint' THEN 'pg_type'::regclass::oid
                WHEN d.object_type IN ('table constraint', 'default value', 'trigger', 'policy', 'rule') THEN 'pg_class'::regclass::oid
                WHEN d.object_type = 'publication relation' THEN 'pg_publication'::regclass::oid END,
           CASE WHEN d.object_type = 'domain constraint' THEN pg_catalog.to_regtype(d.address_names[1])::oid
                WHEN d.object_type IN ('table constraint', 'default value', 'trigger', 'policy', 'rule')
                THEN pg_catalog.to_regclass(pg_catalog.quote_ident(d.address_names[1]) || '.' || pg_catalog.quote_ident(d.address_names[2]))::oid
                -- a table leaving a publication (ALTER PUBLICATION ... DROP TABLE, DROP TABLE)
                WHEN d.object_type = 'publication relation'
                THEN (SELECT p.oid FROM pg_catalog.pg_publication p WHERE p.pubname = d.address_args[1]) END
    FROM pg_catalog.pg_event_trigger_dropped_objects() AS d;
END $$;
CREATE EVENT TRIGGER strata_stairway_ddl ON ddl_command_end EXECUTE FUNCTION information_schema.strata_stairway_ddl();
CREATE EVENT TRIGGER strata_stairway_drop ON sql_drop EXECUTE FUNCTION information_schema.strata_stairway_drop();
ALTER EVENT TRIGGER strata_stairway_ddl ENABLE ALWAYS;
ALTER EVENT TRIGGER strata_stairway_drop ENABLE ALWAYS;
CREATE FUNCTION information_schema.strata_stairway_fp(c oid, o oid, nested boolean DEFAULT false) RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER
AS $fn$
DECLARE
    r text;
    names text;
    tables text;
BEGIN
    IF c = 0 THEN
        -- the rows of a table
        IF NOT EXISTS (SELECT FROM pg_class x JOIN pg_namespace n ON n.oid = x.relnamespace
                       WHERE x.oid = o AND x.relkind = 'r' AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_') THEN
            RETURN NULL;
        END IF;
        EXECUTE format('SELECT count(*) || '':'' || md5(coalesce(string_agg(t::text, E''\n'' ORDER BY t::text COLLATE "C"), '''')) FROM ONLY %s AS t', o::regclass)
        INTO r;
        RETURN 'rows of ' || pg_describe_object('pg_class'::regclass, o, 0) || E'\x1c' || r;
    ELSIF c = 'pg_class'::regclass THEN
        RETURN {{recorder_relation: o; nested}};
    ELSIF c = 'pg_type'::regclass THEN
        SELECT concat_ws(E'\x1e',
            (to_jsonb(t) - '{oid,typnamespace,typrelid,typelem,typarray,typbasetype,typdefaultbin,typcollation,typsubscript}'::text[])::text,
            t.typnamespace::regnamespace::text, format_type(t.typbasetype, t.typtypmod), t.typelem::regtype::text,
        -- a composite type's attributes
        (SELECT information_schema.strata_stairway_fp('pg_class'::regclass, t.typrelid, true) FROM pg_class tc
         WHERE tc.oid = t.typrelid AND tc.relkind = 'c'),
            pg_get_expr(t.typdefaultbin, 0), t.typcollation::regcollation::text, t.typrelid::regclass::text,
            (SELECT string_agg(e.enumlabel, E'\x1f' ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = o),
            (SELECT concat_ws(',', format_type(g.rngsubtype, NULL), g.rngcollation::regcollation::text, g.rngsubopc::regclass::text,
                              g.rngcanonical::text, g.rngsubdiff::text) FROM pg_range g WHERE g.rngtypid = o),
            (SELECT ds.description FROM pg_description ds WHERE ds.objoid = o AND ds.classoid = 'pg_type'::regclass),
            -- (PostgreSQL 17: a NOT NULL constraint's default name <domain>_not_null does not count, as in reflection)
            (SELECT string_agg(concat_ws(E'\x1f', {{since 17: CASE WHEN k.contype = 'n' AND k.conname = left(t.typname || '_not_null', 63) THEN '' ELSE k.conname END; k.conname}}, k.convalidated::text, pg_get_constraintdef(k.oid), (SELECT ds.description FROM pg_description ds WHERE ds.objoid = k.oid AND ds.classoid = 'pg_constraint'::regclass)), E'\x1d' ORDER BY {{since 17: CASE WHEN k.contype = 'n' AND k.conname = left(t.typname || '_not_null', 63) THEN '' ELSE k.conname END, pg_get_constraintdef(k.oid); k.conname}}) FROM pg_constraint k WHERE k.contypid = o))
        INTO r
        FROM pg_type t
        JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE t.oid = o AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
      -- not a table's row type, nor an array type: reflection shows them through their table or element
      AND NOT EXISTS (SELECT FROM pg_class tc WHERE tc.oid = t.typrelid AND tc.relkind <> 'c')
      AND NOT EXISTS (SELECT FROM pg_type e WHERE e.typarray = t.oid);
    ELSIF c = 'pg_statistic_ext'::regclass THEN
        SELECT concat_ws(E'\x1e', pg_get_statisticsobjdef(s.oid), s.stxstattarget,
            (SELECT ds.description FROM pg_description ds WHERE ds.objoid = o AND ds.classoid = 'pg_statistic_ext'::regclass))
        INTO r
        FROM pg_statistic_ext s WHERE s.oid = o;
    ELSIF c = 'pg_proc'::regclass THEN
        SELECT concat_ws(E'\x1e',
            (to_jsonb(p) - '{oid,pronamespace,prorettype,proargtypes,proallargtypes,protrftypes,prosupport,prosqlbody}'::text[])::text,
            p.pronamespace::regnamespace::text, format_type(p.prorettype, NULL), oidvectortypes(p.proargtypes),
            p.proallargtypes::regtype[]::text, pg_get_function_sqlbody(p.oid),
            (SELECT ds.description FROM pg_description ds WHERE ds.objoid = o AND ds.classoid = 'pg_proc'::regclass))
        INTO r
        FROM pg_proc p
        JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE p.oid = o AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_';
    ELSIF c = 'pg_namespace'::regclass THEN
        SELECT concat_ws(E'\x1e', (to_jsonb(n) - '{oid}'::text[])::text,
            (SELECT ds.description FROM pg_description ds WHERE ds.objoid = o AND ds.classoid = 'pg_namespace'::regclass))
        INTO r
        FROM pg_namespace n WHERE n.oid = o AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_';
    ELSIF c = 'pg_extension'::regclass THEN
        SELECT concat_ws(E'\x1e', (to_jsonb(e) - '{oid,extnamespace,extconfig}'::text[])::text,
            e.extnamespace::regnamespace::text, e.extconfig::regclass[]::text,
            (SELECT ds.description FROM pg_description ds WHERE ds.objoid = o AND ds.classoid = 'pg_extension'::regclass))
        INTO r
        FROM pg_extension e WHERE e.oid = o;
    ELSIF c = 'pg_default_acl'::regclass THEN
        SELECT concat_ws(E'\x1e', (to_jsonb(a) - '{oid,defaclnamespace}'::text[])::text, NULLIF(a.defaclnamespace, 0)::regnamespace::text)
        INTO r
        FROM pg_default_acl a WHERE a.oid = o;
    ELSIF c = 'pg_collation'::regclass THEN
        SELECT concat_ws(E'\x1e', (to_jsonb(l) - '{oid,collnamespace}'::text[])::text, l.collnamespace::regnamespace::text,
            (SELECT ds.description FROM pg_description ds WHERE ds.objoid = o AND ds.classoid = 'pg_collation'::regclass))
        INTO r
        FROM pg_collation l WHERE l.oid = o;
    ELSIF c = 'pg_event_trigger'::regclass THEN
        SELECT concat_ws(E'\x1e', (to_jsonb(v) - '{oid,evtfoid}'::text[])::text, v.evtfoid::regprocedure::text,
            (SELECT ds.description FROM pg_description ds WHERE ds.objoid = o AND ds.classoid = 'pg_event_trigger'::regclass))
        INTO r
        FROM pg_event_trigger v WHERE v.oid = o AND v.evtname !~ '^strata_stairway_';
    ELSIF c = 'pg_publication'::regclass THEN
        -- its tables by name, each with its column list and row filter (PostgreSQL 15: a
        -- branch an older server never plans)
        IF current_setting('server_version_num')::int >= 150000 THEN
            tables := (SELECT string_agg(pr.prrelid::regclass::text
                                        || coalesce(' (' || (SELECT string_agg(a.attname, ',' ORDER BY a.attnum) FROM pg_attribute a
                                                             WHERE a.attrelid = pr.prrelid AND a.attnum = ANY(pr.prattrs)) || ')', '')
                                        || coalesce(' WHERE ' || pg_get_expr(pr.prqual, pr.prrelid), ''), ',' ORDER BY 1)
                      FROM pg_publication_rel pr WHERE pr.prpubid = o);
        ELSE
            tables := (SELECT string_agg(pr.prrelid::regclass::text, ',' ORDER BY 1) FROM pg_publication_rel pr WHERE pr.prpubid = o);
        END IF;
        SELECT concat_ws(E'\x1e', (to_jsonb(p) - '{oid}'::text[])::text, tables, (SELECT ds.description FROM pg_description ds WHERE ds.objoid = o AND ds.classoid = 'pg_publication'::regclass))
        INTO r
        FROM pg_publication p WHERE p.oid = o;
    ELSIF c = 'pg_foreign_data_wrapper'::regclass THEN
        SELECT concat_ws(E'\x1e', (to_jsonb(w) - '{oid,fdwhandler,fdwvalidator}'::text[])::text,
            NULLIF(w.fdwhandler, 0)::regprocedure::text, NULLIF(w.fdwvalidator, 0)::regprocedure::text,
            (SELECT ds.description FROM pg_description ds WHERE ds.objoid = o AND ds.classoid = 'pg_foreign_data_wrapper'::regclass))
        INTO r
        FROM pg_foreign_data_wrapper w WHERE w.oid = o;
    ELSIF c = 'pg_foreign_server'::regclass THEN
        SELECT concat_ws(E'\x1e', (to_jsonb(s) - '{oid,srvfdw}'::text[])::text,
            (SELECT w.fdwname FROM pg_foreign_data_wrapper w WHERE w.oid = s.srvfdw),
            (SELECT ds.description FROM pg_description ds WHERE ds.objoid = o AND ds.classoid = 'pg_foreign_server'::regclass))
        INTO r
        FROM pg_foreign_server s WHERE s.oid = o;
    ELSIF c = 'pg_ts_dict'::regclass THEN
        SELECT concat_ws(E'\x1e', (to_jsonb(d) - '{oid,dictnamespace,dicttemplate}'::text[])::text, n.nspname,
            (SELECT tn.nspname || '.' || t.tmplname FROM pg_ts_template t JOIN pg_namespace tn ON tn.oid = t.tmplnamespace
             WHERE t.oid = d.dicttemplate),
            (SELECT ds.description FROM pg_description ds WHERE ds.objoid = o AND ds.classoid = 'pg_ts_dict'::regclass))
        INTO r
        FROM pg_ts_dict d JOIN pg_namespace n ON n.oid = d.dictnamespace
        WHERE d.oid = o AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_';
    ELSIF c = 'pg_ts_config'::regclass THEN
        SELECT concat_ws(E'\x1e', (to_jsonb(g) - '{oid,cfgnamespace,cfgparser}'::text[])::text, n.nspname,
            (SELECT pn.nspname || '.' || p.prsname FROM pg_ts_parser p JOIN pg_namespace pn ON pn.oid = p.prsnamespace
             WHERE p.oid = g.cfgparser),
            -- the mapping: token type, order, dictionary (by name: a dictionary made again maps the same)
            (SELECT string_agg(m.maptokentype || ':' || m.mapseqno || ':' || m.mapdict::regdictionary::text, ','
                               ORDER BY m.maptokentype, m.mapseqno)
             FROM pg_ts_config_map m WHERE m.mapcfg = o),
            (SELECT ds.description FROM pg_description ds WHERE ds.objoid = o AND ds.classoid = 'pg_ts_config'::regclass))
        INTO r
        FROM pg_ts_config g JOIN pg_namespace n ON n.oid = g.cfgnamespace
        WHERE g.oid = o AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_';
    ELSE
        RETURN NULL;
    END IF;
    -- What objects that refer to this one print of it besides its name: an enum's labels.
    -- (Relations, the only objects with an owner, have their entry from relationEntry.)
    IF c = 'pg_type'::regclass THEN
        names := (SELECT string_agg(e.oid || '=' || e.enumlabel, E'\x1d' ORDER BY e.oid) FROM pg_enum e WHERE e.enumtypid = o);
    END IF;
    RETURN pg_describe_object(c, o, 0) || E'\x1c' || md5(r) || E'\x1c' || E'\x1c' || coalesce(names, '');
END
$fn$;
COMMIT
