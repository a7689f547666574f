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
///
/// Its SQL is in StrataSchema's `Queries/recorder_*.sql` (and the `_recorder_*.sql` fragments),
/// gated per PostgreSQL major like the catalog queries and read through `CatalogQueries.render`.
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

    /// The recorder could not be installed for a reason the user should hear of (a server error
    /// other than the expected ones): the caller scans every step instead and reports `reason`.
    struct Unavailable: Error, CustomStringConvertible {
        var reason: String
        var description: String {
            "the stairway recorder could not be installed (\(reason)); every step was scanned instead, which is slower"
        }
    }

    /// Installs the event triggers and prepares the capture query. False, for the caller to scan
    /// every step, where the recorder cannot work and that is expected: the user is not a
    /// superuser, the template has no PL/pgSQL (42704) or the server refuses after all (42501),
    /// or event triggers are switched off (`event_triggers = off`, PostgreSQL 17+: they would
    /// record nothing). Any other server error throws `Unavailable` after removing what was
    /// installed: the scan still gives the right answer, and the user hears why it was slower
    /// (the matrix tests install the recorder on every supported major, so a version gap in its
    /// SQL fails there rather than only slowing users down). Other errors (a lost connection) throw.
    static func install(on connection: PGConnection) throws -> Bool {
        let settings = try connection.query("""
            SELECT rolsuper, pg_catalog.current_setting('event_triggers', true)
            FROM pg_catalog.pg_roles WHERE rolname = current_user
            """)
        guard settings[0, 0] == "t", settings[0, 1] != "off" else { return false }
        do {
            try connection.execute(try sql("recorder_install", on: connection))
            try prepareCapture(on: connection)
            return true
        } catch let error as PostgresError where error.kind == .server {
            _ = try? connection.execute("ROLLBACK")
            if ["42704", "42501"].contains(error.sqlState) { return false }
            // The install script commits as a whole; the capture is prepared after it.
            _ = try? connection.execute("DROP EVENT TRIGGER IF EXISTS strata_stairway_ddl; DROP EVENT TRIGGER IF EXISTS strata_stairway_drop")
            throw Unavailable(reason: error.description)
        }
    }

    /// Prepares the capture statement on this connection.
    static func prepareCapture(on connection: PGConnection) throws {
        try prepare(captureStatement, as: try captureSQL(on: connection), on: connection)
    }

    /// Prepares `sql` as statement `name` taking `parameters` (`(oid[], oid[])`, or none) under the settings.
    private static func prepare(_ name: String, _ parameters: String = "", as sql: String, on connection: PGConnection) throws {
        try connection.execute(scoped("PREPARE \(name)\(parameters) AS \(sql)", on: connection))
        connection.preparedStatements.insert(name)
    }

    /// `sql` under the settings, in a transaction of its own, or inside the caller's (a stairway
    /// step checked in one transaction) in a savepoint rolled back after it: `sql` only reads, and
    /// the settings must not stay. (A statement prepared there stays prepared: PREPARE is not
    /// transactional.)
    private static func scoped(_ sql: String, on connection: PGConnection) -> String {
        connection.inTransaction
            ? "SAVEPOINT strata_recorder; \(settings); \(sql); ROLLBACK TO SAVEPOINT strata_recorder; RELEASE SAVEPOINT strata_recorder"
            : "BEGIN; \(settings); \(sql); COMMIT"
    }

    /// Ends what `scoped` began after an error.
    private static func unwind(on connection: PGConnection, inTransaction: Bool) {
        _ = try? connection.execute(inTransaction ? "ROLLBACK TO SAVEPOINT strata_recorder; RELEASE SAVEPOINT strata_recorder" : "ROLLBACK")
    }

    /// Runs prepared statement `name` with `arguments` (literal SQL) in a transaction of its own under
    /// the settings, preparing it first as `sql` when this connection has not (planning these
    /// queries costs more than running them, so a job plans each once); the last result with rows.
    private static func executePrepared(
        _ name: String, _ parameters: String = "", _ arguments: String = "", as sql: String, on connection: PGConnection
    ) throws -> PGResult? {
        if !connection.preparedStatements.contains(name) { try prepare(name, parameters, as: sql, on: connection) }
        let inTransaction = connection.inTransaction
        let run = scoped("EXECUTE \(name)\(arguments)", on: connection)
        do {
            return try connection.executeAll(run).last { $0.columnCount > 0 }
        } catch let error as PostgresError where error.sqlState == "26000" {
            // A revision ran DEALLOCATE ALL.
            unwind(on: connection, inTransaction: inTransaction)
            try prepare(name, parameters, as: sql, on: connection)
            return try connection.executeAll(run).last { $0.columnCount > 0 }
        } catch {
            if inTransaction { unwind(on: connection, inTransaction: true) }
            throw error
        }
    }

    /// The recorder's SQL for this connection's server, from the query files beside the catalog
    /// queries (StrataSchema's Queries/recorder_*.sql, version-gated like them).
    static func sql(_ name: String, on connection: PGConnection) throws -> String {
        try CatalogQueries.render(name: name, serverVersion: connection.serverVersionNumber)
    }

    /// The contents entry of table `oid` (an SQL expression) as the capture computes it
    /// (`_recorder_rows.sql`), for this connection's server.
    static func rowsEntry(_ oid: String, on connection: PGConnection) throws -> String {
        try CatalogQueries.render(sql: "{{recorder_rows: \(oid)}}", serverVersion: connection.serverVersionNumber)
    }

    /// The capture query (`recorder_capture.sql`) for this connection's server.
    static func captureSQL(on connection: PGConnection) throws -> String {
        try sql("recorder_capture", on: connection)
    }


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
        return capture(rows: (0..<result.rowCount).map { row in (0..<4).map { result[row, $0] } })
    }

    /// Reads the capture's rows (as text), however they came back (an Alembic step's come from
    /// its helper's connection).
    static func capture(rows: [[String?]]) -> Capture {
        var capture = Capture()
        for row in rows where row.count == 4 {
            switch row[0] {
            case "ref", "whole":
                if let c = row[1].flatMap({ UInt32($0) }), let o = row[2].flatMap({ UInt32($0) }) {
                    let ref = CatalogRef(classID: c, objectID: o)
                    capture.entries[ref] = .some(Entry(row[3]))
                    if row[0] == "whole" { capture.wholes.insert(ref) }
                }
            case "own":
                if let c = row[1].flatMap({ UInt32($0) }), let o = row[2].flatMap({ UInt32($0) }) {
                    capture.quiet.insert(CatalogRef(classID: c, objectID: o))
                }
            case "dep":
                if let c = row[1].flatMap({ UInt32($0) }), let o = row[2].flatMap({ UInt32($0) }),
                    let parts = row[3]?.split(separator: ":"), parts.count == 2,
                    let dc = UInt32(parts[0]), let dobj = UInt32(parts[1])
                {
                    capture.dependents[CatalogRef(classID: c, objectID: o), default: []].insert(CatalogRef(classID: dc, objectID: dobj))
                }
            case "scan":
                capture.needsScan = true
            case "xid":
                capture.xid = row[2].flatMap { UInt64($0) } ?? 0
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
        guard let result = try executePrepared("strata_stairway_entries", "(oid[], oid[])", "('\(classes)', '\(objects)')", as: try sql("recorder_entries", on: connection), on: connection),
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


    /// Every object of the database that reflection covers, and every table's contents.
    static func allEntries(on connection: PGConnection) throws -> [CatalogRef: Entry] {
        guard let result = try executePrepared("strata_stairway_all", as: try sql("recorder_all", on: connection), on: connection), result.columnCount == 3 else {
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


    /// Empties the log (after a step that ran outside a transaction, which the caller scans).
    static func clearLog(on connection: PGConnection) throws {
        try connection.execute("DELETE FROM information_schema.strata_stairway_log")
    }
}
