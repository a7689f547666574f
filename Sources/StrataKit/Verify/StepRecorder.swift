import StrataPostgres
import StrataSchema

/// Learns what a stairway step touched from inside the step's own transaction, in the same round
/// trip as the step, without scanning the catalogs.
///
/// The scratch database gets two event triggers (`ddl_command_end`, `sql_drop`) that append the
/// objects every DDL command creates, alters or drops to a log table. Before COMMIT, one prepared
/// query (`strata_stairway_capture`) takes the log and adds what event triggers do not report:
///
/// - relations whose `pg_class` row the step wrote (its `xmin` is the step's transaction):
///   TRUNCATE (a new relfilenode), and the partitions and children an ALTER TABLE recurses to;
/// - tables whose rows the step inserted, updated or deleted (per-transaction statistics, flushed
///   after every step with `pg_stat_force_next_flush()` so that they count this step alone);
/// - the dependents of all of these (`pg_depend`) and their inheritance children.
///
/// It also says when the log cannot be trusted to be complete: a command reported without an
/// object (GRANT, REVOKE, ALTER DEFAULT PRIVILEGES, DROP OWNED), a change to event triggers
/// themselves, or writes to a catalog other than `pg_class` in a step that reported no DDL at all
/// (REASSIGN OWNED, catalog functions, hand-written catalog DML). Then the caller adds
/// `ChangeTracker`'s exhaustive scan.
///
/// Event triggers need a superuser; without one, `install` returns false and the caller scans
/// every step. The recorder lives in `information_schema`, which reflection never reads.
final class StepRecorder {
    static let captureStatement = "strata_stairway_capture"
    /// The settings fingerprints are computed under (every name qualified, every value printed
    /// the same way), local to the transaction; the capture is prepared under them too, so that
    /// its plan stays valid. The capture handles a few rows: with the default work_mem and hash
    /// aggregation, the executor spends more time setting up hash tables sized for thousands of
    /// rows than it runs; sorting a handful costs less. The fingerprint function's queries take an
    /// OID: left to choose, the plan cache plans them again on every call (custom plans), which
    /// cost about 5 % of a stairway; the generic plan is an index lookup all the same.
    static let settings = """
        SET LOCAL search_path = ''; SET LOCAL DateStyle = 'ISO, YMD'; SET LOCAL IntervalStyle = 'postgres'; \
        SET LOCAL TimeZone = 'UTC'; SET LOCAL extra_float_digits = 3; SET LOCAL bytea_output = 'hex'; \
        SET LOCAL work_mem = '64kB'; SET LOCAL enable_hashagg = off; SET LOCAL plan_cache_mode = force_generic_plan
        """
    /// The first column's name in the capture's result: how the caller finds it among the step's results.
    static let marker = "strata_stairway_kind"

    /// Installs the event triggers and prepares the capture query; false when the user may not.
    static func install(on connection: PGConnection) throws -> Bool {
        let superuser = try connection.query("SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user")[0, 0] == "t"
        guard superuser else { return false }
        do {
            try connection.execute(installSQL)
            try prepareCapture(on: connection)
            return true
        } catch let error as PostgresError where error.kind == .server && ["42704", "42501"].contains(error.sqlState) {
            // No PL/pgSQL in the template (42704), or not allowed after all (42501): scanning still
            // works. Any other error is strata's own and is not hidden behind the slower path.
            _ = try? connection.execute("ROLLBACK")
            return false
        }
    }

    /// Prepares the capture statement on this connection.
    static func prepareCapture(on connection: PGConnection) throws {
        try prepare(captureStatement, as: captureSQL, on: connection)
    }

    /// Prepares `sql` as statement `name` taking `parameters` (`(oid[], oid[])`, or none) under the settings.
    private static func prepare(_ name: String, _ parameters: String = "", as sql: String, on connection: PGConnection) throws {
        try connection.execute("BEGIN; \(settings); PREPARE \(name)\(parameters) AS \(sql); COMMIT")
        connection.preparedStatements.insert(name)
    }

    /// Runs prepared statement `name` with `arguments` (literal SQL) in a transaction of its own under
    /// the settings, preparing it first as `sql` when this connection has not (planning these
    /// queries costs more than running them, so a job plans each once); the last result with rows.
    private static func executePrepared(
        _ name: String, _ parameters: String = "", _ arguments: String = "", as sql: String, on connection: PGConnection
    ) throws -> PGResult? {
        if !connection.preparedStatements.contains(name) { try prepare(name, parameters, as: sql, on: connection) }
        let run = "BEGIN; \(settings); EXECUTE \(name)\(arguments); COMMIT"
        do {
            return try connection.executeAll(run).last { $0.columnCount > 0 }
        } catch let error as PostgresError where error.sqlState == "26000" {
            // A revision ran DEALLOCATE ALL.
            _ = try? connection.execute("ROLLBACK")
            try prepare(name, parameters, as: sql, on: connection)
            return try connection.executeAll(run).last { $0.columnCount > 0 }
        }
    }

    /// The comment on object `oid` (an SQL expression) of catalog `catalog`, as a scalar subquery.
    static func comment(of oid: String, in catalog: String) -> String {
        "(SELECT ds.description FROM pg_description ds WHERE ds.objoid = \(oid) AND ds.classoid = '\(catalog)'::regclass)"
    }

    /// The rows of `catalog` (`"pg_trigger g"`: a catalog and its alias) matching `condition`,
    /// ordered by `order`, each its `fields` and its comment, as one text: the constraints,
    /// triggers, policies and rules of a table's entry, the constraints of a domain's.
    static func members(_ catalog: String, where condition: String, by order: String, _ fields: String) -> String {
        let parts = catalog.split(separator: " ").map(String.init)
        return #"(SELECT string_agg(concat_ws(E'\x1f', "# + fields + ", " + comment(of: parts[1] + ".oid", in: parts[0])
            + #"), E'\x1d' ORDER BY "# + order + ") FROM " + catalog + " WHERE " + condition + ")"
    }

    /// The entry of relation `oid` (an SQL expression) as one scalar subquery, so that the capture
    /// computes the entries of the relations it touched in its own plan, without a function call
    /// per relation; the fingerprint function uses the same text. NULL for a relation in a system
    /// schema, and for a composite type's relation unless `nested` (it is part of the type's entry).
    static func relationEntry(_ oid: String, nested: String) -> String {
        #"""
        (SELECT pg_catalog.pg_describe_object('pg_catalog.pg_class'::pg_catalog.regclass, x.oid, 0) || E'\x1c' || pg_catalog.md5(concat_ws(E'\x1e',
            -- every column of pg_class (PostgreSQL 15) but OIDs and physical state
            ROW(x.relname, x.relowner, x.relam, x.reltablespace, x.relisshared, x.relpersistence, x.relkind, x.relchecks,
                x.relrowsecurity, x.relforcerowsecurity, x.relispopulated, x.relreplident, x.relispartition, x.relacl,
                x.reloptions)::text,
            n.nspname, x.reloftype::regtype::text, pg_get_expr(x.relpartbound, x.oid),
            (SELECT string_agg(coalesce(da.attname, '') || ':' || ds.description, E'\x1d' ORDER BY ds.objsubid)
             FROM pg_description ds LEFT JOIN pg_attribute da ON da.attrelid = x.oid AND da.attnum = ds.objsubid AND ds.objsubid > 0
             WHERE ds.objoid = x.oid AND ds.classoid = 'pg_class'::regclass),
            CASE
            WHEN x.relkind IN ('i', 'I') THEN
                (SELECT concat_ws(E'\x1e', ROW(i.indnatts, i.indnkeyatts, i.indisunique, i.indnullsnotdistinct, i.indisprimary,
                                  i.indisexclusion, i.indimmediate, i.indisclustered, i.indisvalid, i.indisreplident, i.indoption)::text,
                                  pg_get_indexdef(i.indexrelid))
                 FROM pg_index i WHERE i.indexrelid = x.oid)
            WHEN x.relkind = 'S' THEN
                concat_ws(E'\x1e',
                    (SELECT ROW(s.seqtypid, s.seqstart, s.seqincrement, s.seqmax, s.seqmin, s.seqcache, s.seqcycle)::text
                     FROM pg_sequence s WHERE s.seqrelid = x.oid),
                    (SELECT string_agg(dp.deptype::text || ':' || dp.refobjid::regclass::text || ':'
                                       || coalesce((SELECT da.attname FROM pg_attribute da WHERE da.attrelid = dp.refobjid AND da.attnum = dp.refobjsubid), ''),
                                       ',' ORDER BY 1)
                     FROM pg_depend dp WHERE dp.classid = 'pg_class'::regclass AND dp.objid = x.oid AND dp.objsubid = 0
                       AND dp.refclassid = 'pg_class'::regclass AND dp.deptype IN ('a', 'i')))
            ELSE
                concat_ws(E'\x1e',
                    -- every column of pg_attribute (PostgreSQL 15) but OIDs, positions and physical state
                    (SELECT string_agg(concat_ws(E'\x1f', ROW(a.attname, a.attndims, a.attstorage, a.attcompression, a.attstattarget, a.attnotnull,
                                                     a.atthasdef, a.attidentity, a.attgenerated, a.attislocal, a.attinhcount, a.attacl,
                                                     a.attoptions, a.attfdwoptions)::text,
                                                 format_type(a.atttypid, a.atttypmod), a.attcollation::regcollation::text,
                                                 pg_get_expr(ad.adbin, ad.adrelid)), E'\x1d' ORDER BY a.attnum)
                     FROM pg_attribute a LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
                     WHERE a.attrelid = x.oid AND a.attnum > 0 AND NOT a.attisdropped),
                    (SELECT string_agg(i.inhseqno::text || ':' || i.inhparent::regclass::text, ',' ORDER BY i.inhseqno)
                     FROM pg_inherits i WHERE i.inhrelid = x.oid),
                    (SELECT pg_get_partkeydef(p.partrelid) FROM pg_partitioned_table p WHERE p.partrelid = x.oid),
                    CASE WHEN x.relkind IN ('v', 'm') THEN pg_get_viewdef(x.oid) END,
                    -- a foreign table's server (by name) and options
                    CASE WHEN x.relkind = 'f' THEN
                        (SELECT fs.srvname || ':' || coalesce(array_to_string(ft.ftoptions, ','), '')
                         FROM pg_foreign_table ft JOIN pg_foreign_server fs ON fs.oid = ft.ftserver WHERE ft.ftrelid = x.oid) END,
                    -- constraints, triggers, policies and rules belong to the table's entry
                    \#(members("pg_constraint k", where: "k.conrelid = x.oid", by: "k.conname", "k.conname, ROW(k.contype, k.condeferrable, k.condeferred, k.convalidated, k.confupdtype, k.confdeltype, k.confmatchtype, k.conislocal, k.coninhcount, k.connoinherit)::text, pg_get_constraintdef(k.oid)")),
                    \#(members("pg_trigger g", where: "g.tgrelid = x.oid AND NOT g.tgisinternal", by: "g.tgname", "pg_get_triggerdef(g.oid), g.tgenabled")),
                    \#(members("pg_policy p", where: "p.polrelid = x.oid", by: "p.polname", "(to_jsonb(p) - '{oid,polrelid,polqual,polwithcheck}'::text[])::text, pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid)")),
                    \#(members("pg_rewrite w", where: "w.ev_class = x.oid AND w.rulename <> '_RETURN'", by: "w.rulename", "pg_get_ruledef(w.oid), w.ev_enabled")))
            END))
            -- the table an index belongs to
            || E'\x1c' || coalesce(CASE WHEN x.relkind IN ('i', 'I') THEN (SELECT '1259:' || i.indrelid FROM pg_index i WHERE i.indexrelid = x.oid) END, '')
            -- what objects that refer to it print of it besides its name: its columns' names
            || E'\x1c' || coalesce(CASE WHEN x.relkind NOT IN ('i', 'I', 'S') THEN
                   (SELECT string_agg(a.attnum || '=' || a.attname, E'\x1d' ORDER BY a.attnum)
                    FROM pg_attribute a WHERE a.attrelid = x.oid AND a.attnum > 0 AND NOT a.attisdropped) END, '')
         FROM pg_class x JOIN pg_namespace n ON n.oid = x.relnamespace
         WHERE x.oid = \#(oid) AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_' AND (x.relkind <> 'c' OR \#(nested)))
        """#
    }

    /// The entry of object (`classid`, `objid`), both SQL expressions: a relation's and an empty
    /// table's contents computed in the caller's plan, anything else by the fingerprint function.
    static func entry(_ classid: String, _ objid: String) -> String {
        """
        CASE WHEN \(classid) = 'pg_class'::regclass THEN \(relationEntry(objid, nested: "false"))
             WHEN \(classid) = 0 THEN \(rowsEntry(objid))
             ELSE information_schema.strata_stairway_fp(\(classid), \(objid)) END
        """
    }

    /// The contents entry of table `oid` (an SQL expression), as the fingerprint function computes
    /// it; a table without a single block (never written, or truncated) has no rows, and its
    /// entry needs no query of its own. NULL for anything but a table outside the system schemas.
    static func rowsEntry(_ oid: String) -> String {
        #"""
        (SELECT CASE WHEN pg_catalog.pg_relation_size(x.oid) = 0
                     THEN 'rows of ' || pg_catalog.pg_describe_object('pg_catalog.pg_class'::pg_catalog.regclass, x.oid, 0)
                          || E'\x1c' || '0:' || pg_catalog.md5('')
                     ELSE information_schema.strata_stairway_fp(0, x.oid) END
         FROM pg_catalog.pg_class x JOIN pg_catalog.pg_namespace n ON n.oid = x.relnamespace
         WHERE x.oid = \#(oid) AND x.relkind = 'r' AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_')
        """#
    }

    static let installSQL = #"""
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
                RETURN \#(relationEntry("o", nested: "nested"));
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
                    \#(comment(of: "o", in: "pg_type")),
                    \#(members("pg_constraint k", where: "k.contypid = o", by: "k.conname", "k.conname, k.convalidated::text, pg_get_constraintdef(k.oid)")))
                INTO r
                FROM pg_type t
                JOIN pg_namespace n ON n.oid = t.typnamespace
                WHERE t.oid = o AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
              -- not a table's row type, nor an array type: reflection shows them through their table or element
              AND NOT EXISTS (SELECT FROM pg_class tc WHERE tc.oid = t.typrelid AND tc.relkind <> 'c')
              AND NOT EXISTS (SELECT FROM pg_type e WHERE e.typarray = t.oid);
            ELSIF c = 'pg_statistic_ext'::regclass THEN
                SELECT concat_ws(E'\x1e', pg_get_statisticsobjdef(s.oid), s.stxstattarget,
                    \#(comment(of: "o", in: "pg_statistic_ext")))
                INTO r
                FROM pg_statistic_ext s WHERE s.oid = o;
            ELSIF c = 'pg_proc'::regclass THEN
                SELECT concat_ws(E'\x1e',
                    (to_jsonb(p) - '{oid,pronamespace,prorettype,proargtypes,proallargtypes,protrftypes,prosupport,prosqlbody}'::text[])::text,
                    p.pronamespace::regnamespace::text, format_type(p.prorettype, NULL), oidvectortypes(p.proargtypes),
                    p.proallargtypes::regtype[]::text, pg_get_function_sqlbody(p.oid),
                    \#(comment(of: "o", in: "pg_proc")))
                INTO r
                FROM pg_proc p
                JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE p.oid = o AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_';
            ELSIF c = 'pg_namespace'::regclass THEN
                SELECT concat_ws(E'\x1e', (to_jsonb(n) - '{oid}'::text[])::text,
                    \#(comment(of: "o", in: "pg_namespace")))
                INTO r
                FROM pg_namespace n WHERE n.oid = o AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_';
            ELSIF c = 'pg_extension'::regclass THEN
                SELECT concat_ws(E'\x1e', (to_jsonb(e) - '{oid,extnamespace,extconfig}'::text[])::text,
                    e.extnamespace::regnamespace::text, e.extconfig::regclass[]::text,
                    \#(comment(of: "o", in: "pg_extension")))
                INTO r
                FROM pg_extension e WHERE e.oid = o;
            ELSIF c = 'pg_default_acl'::regclass THEN
                SELECT concat_ws(E'\x1e', (to_jsonb(a) - '{oid,defaclnamespace}'::text[])::text, NULLIF(a.defaclnamespace, 0)::regnamespace::text)
                INTO r
                FROM pg_default_acl a WHERE a.oid = o;
            ELSIF c = 'pg_collation'::regclass THEN
                SELECT concat_ws(E'\x1e', (to_jsonb(l) - '{oid,collnamespace}'::text[])::text, l.collnamespace::regnamespace::text,
                    \#(comment(of: "o", in: "pg_collation")))
                INTO r
                FROM pg_collation l WHERE l.oid = o;
            ELSIF c = 'pg_event_trigger'::regclass THEN
                SELECT concat_ws(E'\x1e', (to_jsonb(v) - '{oid,evtfoid}'::text[])::text, v.evtfoid::regprocedure::text,
                    \#(comment(of: "o", in: "pg_event_trigger")))
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
                SELECT concat_ws(E'\x1e', (to_jsonb(p) - '{oid}'::text[])::text, tables, \#(comment(of: "o", in: "pg_publication")))
                INTO r
                FROM pg_publication p WHERE p.oid = o;
            ELSIF c = 'pg_foreign_data_wrapper'::regclass THEN
                SELECT concat_ws(E'\x1e', (to_jsonb(w) - '{oid,fdwhandler,fdwvalidator}'::text[])::text,
                    NULLIF(w.fdwhandler, 0)::regprocedure::text, NULLIF(w.fdwvalidator, 0)::regprocedure::text,
                    \#(comment(of: "o", in: "pg_foreign_data_wrapper")))
                INTO r
                FROM pg_foreign_data_wrapper w WHERE w.oid = o;
            ELSIF c = 'pg_foreign_server'::regclass THEN
                SELECT concat_ws(E'\x1e', (to_jsonb(s) - '{oid,srvfdw}'::text[])::text,
                    (SELECT w.fdwname FROM pg_foreign_data_wrapper w WHERE w.oid = s.srvfdw),
                    \#(comment(of: "o", in: "pg_foreign_server")))
                INTO r
                FROM pg_foreign_server s WHERE s.oid = o;
            ELSIF c = 'pg_ts_dict'::regclass THEN
                SELECT concat_ws(E'\x1e', (to_jsonb(d) - '{oid,dictnamespace,dicttemplate}'::text[])::text, n.nspname,
                    (SELECT tn.nspname || '.' || t.tmplname FROM pg_ts_template t JOIN pg_namespace tn ON tn.oid = t.tmplnamespace
                     WHERE t.oid = d.dicttemplate),
                    \#(comment(of: "o", in: "pg_ts_dict")))
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
                    \#(comment(of: "o", in: "pg_ts_config")))
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
        """#

    /// The catalogs reflection reads, but `pg_class` (the capture scans it): a write to any of them in
    /// a step without DDL means something changed the schema behind the event triggers' back.
    static let reflectedCatalogs = [
        "pg_attribute", "pg_attrdef", "pg_constraint", "pg_index", "pg_type", "pg_enum", "pg_range",
        "pg_proc", "pg_namespace", "pg_extension", "pg_trigger", "pg_policy", "pg_rewrite", "pg_description",
        "pg_default_acl", "pg_collation", "pg_sequence", "pg_inherits", "pg_partitioned_table", "pg_statistic_ext",
        "pg_ts_dict", "pg_ts_config", "pg_ts_config_map", "pg_publication", "pg_publication_rel",
        "pg_foreign_data_wrapper", "pg_foreign_server", "pg_foreign_table",
        "pg_depend",
    ]

    /// `closure(classid, objid, depth)`: the rows of CTE `seeds` and what belongs to them: what
    /// depends on them automatically (`pg_depend` 'a': a table's constraints, defaults, indexes,
    /// triggers, policies, rules, statistics, owned sequences), the relations internal to them (the
    /// index behind a constraint) and their inheritance children (an ALTER TABLE recurses to
    /// partitions). Objects that merely refer to them (normal dependencies: a foreign key on
    /// another table, a view) are listed apart (`dep` rows) and refreshed only when what they
    /// print of the object changed.
    static let ownedClosureCTE = ChangeTracker.closureCTE(following: "d.deptype = 'a' OR (d.deptype = 'i' AND d.classid = 'pg_class'::regclass)")

    /// `objects(classid, objid, whole, seed)`: what `closure` reached, a constraint, default,
    /// trigger, policy or rule replaced by the table (or domain) whose entry it is part of; `whole`
    /// when the closure reached the object itself (so it also reached all of its indexes), `seed`
    /// when the step touched it (or a sub-object of it) itself.
    static let objectsCTE = """
        objects AS (
            SELECT m.classid, m.objid, bool_or(m.classid = c.classid) AS whole, bool_or(c.depth = 0) AS seed
            FROM (SELECT classid, objid, min(depth) AS depth FROM closure GROUP BY classid, objid) c
            CROSS JOIN LATERAL (
                -- one branch per catalog, each a lookup that runs only for its own class (a CASE
                -- of scalar subqueries is planned again for every place the planner copies it to)
                SELECT CASE WHEN k.conrelid <> 0 THEN 'pg_class'::regclass::oid ELSE 'pg_type'::regclass::oid END AS classid,
                       CASE WHEN k.conrelid <> 0 THEN k.conrelid ELSE k.contypid END AS objid
                FROM pg_catalog.pg_constraint k WHERE c.classid = 'pg_constraint'::regclass AND k.oid = c.objid
                UNION ALL
                SELECT 'pg_class'::regclass::oid, g.tgrelid FROM pg_catalog.pg_trigger g WHERE c.classid = 'pg_trigger'::regclass AND g.oid = c.objid
                UNION ALL
                SELECT 'pg_class'::regclass::oid, p.polrelid FROM pg_catalog.pg_policy p WHERE c.classid = 'pg_policy'::regclass AND p.oid = c.objid
                UNION ALL
                SELECT 'pg_class'::regclass::oid, w.ev_class FROM pg_catalog.pg_rewrite w WHERE c.classid = 'pg_rewrite'::regclass AND w.oid = c.objid
                UNION ALL
                SELECT 'pg_class'::regclass::oid, a.adrelid FROM pg_catalog.pg_attrdef a WHERE c.classid = 'pg_attrdef'::regclass AND a.oid = c.objid
                UNION ALL
                -- a table's membership in a publication is part of the publication's entry
                SELECT 'pg_publication'::regclass::oid, pr.prpubid FROM pg_catalog.pg_publication_rel pr
                WHERE c.classid = 'pg_publication_rel'::regclass AND pr.oid = c.objid
                UNION ALL
                SELECT c.classid, c.objid
                WHERE c.classid NOT IN ('pg_constraint'::regclass, 'pg_trigger'::regclass, 'pg_policy'::regclass, 'pg_rewrite'::regclass,
                                        'pg_attrdef'::regclass, 'pg_publication_rel'::regclass)
            ) m
            GROUP BY m.classid, m.objid
        )
        """

    /// `seeds(classid, objid)`: the rows of CTE `table`, and the type of each composite type's
    /// relation among them (ALTER TYPE … ADD ATTRIBUTE reports the relation; the attributes are
    /// part of the type's entry).
    static func withCompositeTypes(of table: String) -> String {
        """
        seeds(classid, objid) AS (
            SELECT classid, objid FROM \(table)
            UNION ALL
            -- a lookup per row (OFFSET 0): the generic plan would otherwise scan pg_class
            SELECT 'pg_type'::regclass::oid, c.reltype FROM \(table) t CROSS JOIN LATERAL (
                SELECT c.reltype FROM pg_catalog.pg_class c WHERE c.oid = t.objid AND c.relkind = 'c' OFFSET 0) c
            WHERE t.classid = 'pg_class'::regclass
        )
        """
    }

    static let captureSQL = """
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
        \(withCompositeTypes(of: "touched")),
        \(ownedClosureCTE),
        \(objectsCTE),
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
                    ELSE \(entry("refs.classid", "refs.objid")) END AS entry
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
                  SELECT FROM unnest('{\(reflectedCatalogs.joined(separator: ","))}'::regclass[]) AS c(rel)
                  WHERE pg_catalog.pg_stat_get_xact_tuples_inserted(c.rel) + pg_catalog.pg_stat_get_xact_tuples_updated(c.rel)
                        + pg_catalog.pg_stat_get_xact_tuples_deleted(c.rel) > 0))
        UNION ALL
        SELECT 'xid', NULL, pg_catalog.txid_current()::text, NULL
        """

    /// An object's state as the fingerprint function sees it: its identity (`pg_describe_object`,
    /// e.g. `table public.users`; `rows of table public.users` for a table's contents) and an MD5
    /// of everything about it that reflection could compare, with the OIDs of other objects
    /// replaced by their names, so that an object dropped and created again compares equal.
    struct Entry: Hashable {
        var identity: String
        var fingerprint: String
        /// The table (or domain) a sub-object belongs to: when a step touches the owner, the
        /// owner's sub-objects the step did not report are gone (SET DEFAULT replaces the old
        /// default without an event). Not part of the state: an owner created again has another OID.
        var owner: CatalogRef?
        /// What objects that refer to this one print of it besides its identity: its columns'
        /// names, an enum's labels (`key=name` by attnum or label OID).
        var names: String?

        /// Whether objects referring to this one print it differently in `other` (its new state):
        /// it was renamed, or a column or label kept its key but changed its name. Columns or
        /// labels added or dropped change nothing for what already refers to the others.
        func renamed(in other: Entry) -> Bool {
            if identity != other.identity { return true }
            func pairs(_ text: String?) -> [Substring: Substring] {
                var result: [Substring: Substring] = [:]
                for item in (text ?? "").split(separator: "\u{1d}") {
                    if let eq = item.firstIndex(of: "=") { result[item[..<eq]] = item[item.index(after: eq)...] }
                }
                return result
            }
            let old = pairs(names), new = pairs(other.names)
            return old.contains { key, name in new[key].map { $0 != name } ?? false }
        }

        init?(_ text: String?) {
            guard let parts = text?.split(separator: "\u{1c}", omittingEmptySubsequences: false), parts.count >= 2 else { return nil }
            identity = String(parts[0])
            fingerprint = String(parts[1])
            if parts.count > 2 {
                let owner = parts[2].split(separator: ":")
                if owner.count == 2, let c = UInt32(owner[0]), let o = UInt32(owner[1]) { self.owner = CatalogRef(classID: c, objectID: o) }
            }
            if parts.count > 3 { names = String(parts[3]) }
        }

        static func == (a: Entry, b: Entry) -> Bool { a.identity == b.identity && a.fingerprint == b.fingerprint }
        func hash(into hasher: inout Hasher) {
            hasher.combine(identity)
            hasher.combine(fingerprint)
        }
    }

    /// What one capture said.
    struct Capture {
        /// Every object the step touched, with its state after the step (nil: it does not exist,
        /// or is not something reflection covers). Class 0 is a table's contents.
        var entries: [CatalogRef: Entry?] = [:]
        /// The objects the step reached themselves, not only through a sub-object.
        var wholes: Set<CatalogRef> = []
        /// Indexes the step reached through their table but did not change (no entry).
        var quiet: Set<CatalogRef> = []
        /// Objects that refer to a touched object (normal dependencies), by the object.
        var dependents: [CatalogRef: Set<CatalogRef>] = [:]
        /// The log may be incomplete: scan the catalogs too.
        var needsScan = false
        /// The step's transaction id (for the scan's window).
        var xid: UInt64 = 0
    }

    /// Reads the capture's rows out of a step's results (nil when none of them is the capture).
    static func capture(in results: [PGResult]) -> Capture? {
        guard let result = results.last(where: { $0.columnCount == 4 && $0.columnNames.first == marker }) else { return nil }
        var capture = Capture()
        for row in 0..<result.rowCount {
            switch result[row, 0] {
            case "ref", "whole":
                if let c = result[row, 1].flatMap({ UInt32($0) }), let o = result[row, 2].flatMap({ UInt32($0) }) {
                    let ref = CatalogRef(classID: c, objectID: o)
                    capture.entries[ref] = .some(Entry(result[row, 3]))
                    if result[row, 0] == "whole" { capture.wholes.insert(ref) }
                }
            case "own":
                if let c = result[row, 1].flatMap({ UInt32($0) }), let o = result[row, 2].flatMap({ UInt32($0) }) {
                    capture.quiet.insert(CatalogRef(classID: c, objectID: o))
                }
            case "dep":
                if let c = result[row, 1].flatMap({ UInt32($0) }), let o = result[row, 2].flatMap({ UInt32($0) }),
                    let parts = result[row, 3]?.split(separator: ":"), parts.count == 2,
                    let dc = UInt32(parts[0]), let dobj = UInt32(parts[1])
                {
                    capture.dependents[CatalogRef(classID: c, objectID: o), default: []].insert(CatalogRef(classID: dc, objectID: dobj))
                }
            case "scan":
                capture.needsScan = true
            case "xid":
                capture.xid = result[row, 2].flatMap { UInt64($0) } ?? 0
            default:
                break
            }
        }
        return capture
    }

    /// The entries of `refs`, their dependents and their tables' contents, as they are now (after a
    /// step the capture could not see whole).
    static func entries(of refs: Set<CatalogRef>, on connection: PGConnection) throws -> Capture {
        // The arguments are numbers: safe as literals.
        let classes = "{" + refs.map { String($0.classID) }.joined(separator: ",") + "}"
        let objects = "{" + refs.map { String($0.objectID) }.joined(separator: ",") + "}"
        guard let result = try executePrepared("strata_stairway_entries", "(oid[], oid[])", "('\(classes)', '\(objects)')", as: entriesSQL, on: connection),
            result.columnCount == 4
        else { return Capture() }
        var capture = Capture(entries: parseEntries(result))
        for row in 0..<result.rowCount where result[row, 3] == "t" {
            if let c = result[row, 0].flatMap({ UInt32($0) }), let o = result[row, 1].flatMap({ UInt32($0) }) {
                capture.wholes.insert(CatalogRef(classID: c, objectID: o))
            }
        }
        return capture
    }

    static let entriesSQL = """
        WITH RECURSIVE touched(classid, objid) AS (SELECT * FROM unnest($1, $2)),
        \(withCompositeTypes(of: "touched")),
        \(ownedClosureCTE),
        \(objectsCTE),
        refs AS (
            SELECT classid, objid, whole FROM objects
            UNION SELECT 0, objid, false FROM seeds WHERE classid = 'pg_class'::regclass
        )
        SELECT classid::text, objid::text, \(entry("refs.classid", "refs.objid")), whole
        FROM refs
        """

    /// Every object of the database that reflection covers, and every table's contents.
    static func allEntries(on connection: PGConnection) throws -> [CatalogRef: Entry] {
        guard let result = try executePrepared("strata_stairway_all", as: allEntriesSQL, on: connection), result.columnCount == 3 else {
            return [:]
        }
        return parseEntries(result).compactMapValues { $0 }
    }

    private static func parseEntries(_ result: PGResult) -> [CatalogRef: Entry?] {
        var entries: [CatalogRef: Entry?] = [:]
        for row in 0..<result.rowCount {
            if let c = result[row, 0].flatMap({ UInt32($0) }), let o = result[row, 1].flatMap({ UInt32($0) }) {
                entries[CatalogRef(classID: c, objectID: o)] = .some(Entry(result[row, 2]))
            }
        }
        return entries
    }

    static let allEntriesSQL = """
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
        FROM refs, LATERAL (SELECT \(entry("refs.classid", "refs.objid")) AS e) AS f
        WHERE e IS NOT NULL
        """

    /// Empties the log (after a step that ran outside a transaction, which the caller scans).
    static func clearLog(on connection: PGConnection) throws {
        try connection.execute("DELETE FROM information_schema.strata_stairway_log")
    }
}
