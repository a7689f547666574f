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
    /// The first column's name in the capture's result: how the caller finds it among the step's results.
    static let marker = "strata_stairway_kind"

    /// Installs the event triggers and prepares the capture query; false when the user may not.
    static func install(on connection: PGConnection) throws -> Bool {
        let superuser = try connection.query("SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user")[0, 0] == "t"
        guard superuser else { return false }
        do {
            try connection.execute(installSQL)
            try connection.execute("PREPARE \(captureStatement) AS \(captureSQL)")
            return true
        } catch let error as PostgresError where error.kind == .server {
            // No PL/pgSQL in the template, say: scanning still works.
            _ = try? connection.execute("ROLLBACK")
            return false
        }
    }

    static let installSQL = """
        BEGIN;
        CREATE UNLOGGED TABLE information_schema.strata_stairway_log (classid oid, objid oid);
        CREATE FUNCTION information_schema.strata_stairway_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO information_schema.strata_stairway_log
            SELECT classid, objid FROM pg_catalog.pg_event_trigger_ddl_commands();
        END $$;
        CREATE FUNCTION information_schema.strata_stairway_drop() RETURNS event_trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO information_schema.strata_stairway_log
            SELECT classid, objid FROM pg_catalog.pg_event_trigger_dropped_objects();
        END $$;
        CREATE EVENT TRIGGER strata_stairway_ddl ON ddl_command_end EXECUTE FUNCTION information_schema.strata_stairway_ddl();
        CREATE EVENT TRIGGER strata_stairway_drop ON sql_drop EXECUTE FUNCTION information_schema.strata_stairway_drop();
        ALTER EVENT TRIGGER strata_stairway_ddl ENABLE ALWAYS;
        ALTER EVENT TRIGGER strata_stairway_drop ENABLE ALWAYS;
        COMMIT
        """

    /// The catalogs reflection reads, but `pg_class` (the capture scans it): a write to any of them in
    /// a step without DDL means something changed the schema behind the event triggers' back.
    static let reflectedCatalogs = [
        "pg_attribute", "pg_attrdef", "pg_constraint", "pg_index", "pg_type", "pg_enum", "pg_range",
        "pg_proc", "pg_namespace", "pg_extension", "pg_trigger", "pg_policy", "pg_rewrite", "pg_description",
        "pg_default_acl", "pg_collation", "pg_sequence", "pg_inherits", "pg_partitioned_table", "pg_statistic_ext",
        "pg_depend", "pg_init_privs", "pg_am", "pg_cast", "pg_operator", "pg_opclass", "pg_language",
    ]

    static let captureSQL = """
        WITH RECURSIVE log AS (
            DELETE FROM information_schema.strata_stairway_log RETURNING classid, objid
        ),
        seeds(classid, objid) AS (
            SELECT classid, objid FROM log WHERE objid IS NOT NULL
            UNION ALL
            SELECT 'pg_class'::regclass::oid, c.oid FROM pg_catalog.pg_class c
            WHERE c.oid >= 16384
              AND (pg_catalog.age(c.xmin) <= pg_catalog.age((pg_catalog.txid_current() % 4294967296)::text::xid)
                   OR (c.relkind IN ('r', 'p', 'm')
                       AND pg_catalog.pg_stat_get_xact_tuples_inserted(c.oid) + pg_catalog.pg_stat_get_xact_tuples_updated(c.oid)
                           + pg_catalog.pg_stat_get_xact_tuples_deleted(c.oid) > 0))
              AND c.relnamespace <> 'information_schema'::regnamespace
        ),
        \(ChangeTracker.closureCTE)
        SELECT 'ref' AS strata_stairway_kind, classid::text AS classid, objid::text AS objid FROM closure
        UNION ALL
        SELECT 'scan', NULL, NULL
        WHERE EXISTS (SELECT FROM log WHERE objid IS NULL)
           OR pg_catalog.pg_stat_get_xact_tuples_inserted('pg_event_trigger'::regclass)
              + pg_catalog.pg_stat_get_xact_tuples_updated('pg_event_trigger'::regclass)
              + pg_catalog.pg_stat_get_xact_tuples_deleted('pg_event_trigger'::regclass) > 0
           OR (NOT EXISTS (SELECT FROM log) AND EXISTS (
                  SELECT FROM unnest('{\(reflectedCatalogs.joined(separator: ","))}'::regclass[]) AS c(rel)
                  WHERE pg_catalog.pg_stat_get_xact_tuples_inserted(c.rel) + pg_catalog.pg_stat_get_xact_tuples_updated(c.rel)
                        + pg_catalog.pg_stat_get_xact_tuples_deleted(c.rel) > 0))
        UNION ALL
        SELECT 'xid', NULL, pg_catalog.txid_current()::text
        """

    /// What one capture said.
    struct Capture {
        var refs: Set<CatalogRef> = []
        /// The log may be incomplete: scan the catalogs too.
        var needsScan = false
        /// The step's transaction id (for the scan's window).
        var xid: UInt64 = 0
    }

    /// Reads the capture's rows out of a step's results (nil when none of them is the capture).
    static func capture(in results: [PGResult]) -> Capture? {
        guard let result = results.last(where: { $0.columnCount == 3 && $0.columnNames.first == marker }) else { return nil }
        var capture = Capture()
        for row in 0..<result.rowCount {
            switch result[row, 0] {
            case "ref":
                if let c = result[row, 1].flatMap({ UInt32($0) }), let o = result[row, 2].flatMap({ UInt32($0) }) {
                    capture.refs.insert(CatalogRef(classID: c, objectID: o))
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

    /// Empties the log (after a step that ran outside a transaction, which the caller scans).
    static func clearLog(on connection: PGConnection) throws {
        try connection.execute("DELETE FROM information_schema.strata_stairway_log")
    }
}
