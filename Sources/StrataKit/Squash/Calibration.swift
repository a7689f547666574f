import Foundation
import StrataPostgres
import StrataSchema

/// Tells a real data difference from a value computed when a database was built.
///
/// Seed rows stamped with `now()`, `gen_random_uuid()`, `random()`, `txid_current()` or anything
/// derived from them differ between any two builds of a history, so a proof that compares
/// content hashes would fail forever. When a comparison finds data that differs, the history
/// on one side is built a second time (lazily, on a scratch database of its own, only then);
/// a column whose values differ between those two builds of the *same* history is
/// nondeterministic. It is left out of that table's comparison and named in the report; the
/// row count and every other column are still compared. A sequence whose position differs
/// between the two builds is left out the same way. The second build runs where it is another
/// day (`connectOnAnotherDay`), so values that depend on the day are found too.
///
/// Which side is built again: `verify squash` builds the original history again (its squashed
/// revisions ran on both builds, while the init revision holds the values of the day of the
/// squash); `squash` builds the squashed history again (at the squash point the init revision
/// is a dump of the original, so both sides hold the same values; only the kept revisions
/// compute new ones, and they run on both sides), starting from a template copy of the squashed
/// database at the init revision (`seed(copying:)`).
final class Calibration {
    enum Side: String { case original, squashed }

    /// The side built again, its history, and the id of its squash point.
    let side: Side
    private let history: History
    private let squashPoint: String
    private let scratch: ScratchPool
    private let versionTable: VersionTable
    private let directoryDisplay: String
    private var database: ConnectionString?
    private var connection: PGConnection?
    private var migrator: Migrator?
    /// Seconds spent on the second build (for the step report).
    private(set) var seconds = 0.0

    init(side: Side, history: History, squashPoint: String, scratch: ScratchPool, versionTable: VersionTable, directoryDisplay: String) {
        self.side = side
        self.history = history
        self.squashPoint = squashPoint
        self.scratch = scratch
        self.versionTable = versionTable
        self.directoryDisplay = directoryDisplay
    }

    deinit { close() }

    func close() {
        connection?.close()
        connection = nil
        migrator = nil
        if let database { scratch.drop(database) }
        database = nil
    }

    enum Point { case squashPoint, head }

    /// Starts the second build from a copy of `template` (a database of the same history, at a
    /// revision where both builds hold the same values), instead of from an empty database.
    func seed(copying template: ConnectionString) throws {
        guard database == nil, let name = template.database else { return }
        database = try scratch.database("strata_calibration", template: name)
    }

    /// The second build, brought forward to `point`.
    func build(at point: Point) throws -> PGConnection {
        let started = Date()
        defer { seconds += Date().timeIntervalSince(started) }
        if migrator == nil {
            let made = try database ?? scratch.database("strata_calibration")
            database = made
            let connection = try Self.connectOnAnotherDay(made)
            self.connection = connection
            migrator = try Migrator(connection: connection, history: history, options: MigrateOptions(versionTable: versionTable),
                                    directoryDisplay: directoryDisplay)
        }
        guard let migrator else { throw StrataError.environment("the calibration build has no database") }
        _ = try migrator.upgrade(to: point == .head ? "head" : squashPoint)
        return migrator.connection
    }

    /// Connects to `database` in a session time zone where it is another day than in the
    /// server's own (the zone the first build ran in), at least an hour away from midnight: a
    /// value that depends on the day (`CURRENT_DATE`, `now()::date`) then differs between the
    /// two builds like any other value computed at build time, instead of agreeing on the day of
    /// the squash and failing every `verify squash` on a later day. The zone is a session
    /// default (a startup option), so the migrator's `RESET ALL` between revisions keeps it.
    /// Values compared are read in UTC, so an instant reads the same in either zone.
    static func connectOnAnotherDay(_ database: ConnectionString) throws -> PGConnection {
        let probe = try PGConnection(database)
        let row = try probe.query(
            "SELECT extract(hour FROM localtimestamp)::int, floor(extract(timezone FROM now()) / 3600)::int")
        probe.close()
        guard let hour = row[0, 0].flatMap({ Int($0) }), let offset = row[0, 1].flatMap({ Int($0) }) else {
            throw StrataError.environment("the calibration build could not read the server's time zone")
        }
        return try PGConnection(database, options: ["TimeZone": anotherDayZone(hour: hour, offset: offset)])
    }

    /// A zone (UTC-12 to UTC+14, whole hours) where, when it is `hour` o'clock at UTC offset
    /// `offset` (hours), it is 01:00-ish the next day or 22:00-ish the day before; one of the two
    /// is always in range (the zones span 26 hours).
    static func anotherDayZone(hour: Int, offset: Int) -> String {
        let target = hour >= offset + 11 ? offset + 25 - hour : offset - hour - 2
        // The Etc/GMT names count hours west of Greenwich as positive.
        return target == 0 ? "UTC" : "Etc/GMT\(target > 0 ? "-" : "+")\(abs(target))"
    }

    // MARK: - Explaining differences

    /// What a comparison found once nondeterministic values are left out.
    struct Outcome {
        var differences: [String]
        /// `public.t.at`, `sequence public.s`: what was not compared, and why.
        var notCompared: [String]
    }

    /// Recompares the data differences of `diff` with the columns that differ between two
    /// builds of `side`'s history left out. `expected`/`actual` are the original and squashed
    /// databases; their evidence was captured before.
    func explain(
        _ changes: [SchemaChange], movedSequences: [MovedSequence], point: Point,
        expected: PGConnection, actual: PGConnection
    ) throws -> Outcome {
        let dataTables = Array(Set(changes.filter { $0.kind == .data }.map(\.object))).sorted()
        var outcome = Outcome(differences: [], notCompared: [])
        let schemaLines = changes.filter { $0.kind != .data }.map { DiffText.line($0) }
        guard !dataTables.isEmpty || !movedSequences.isEmpty else {
            outcome.differences = schemaLines + movedSequences.map(\.line)
            return outcome
        }
        let second: PGConnection
        do {
            second = try build(at: point)
        } catch let error as MigrationError {
            // A build that fails where the first one passed is nondeterministic itself: say so,
            // and keep every difference.
            outcome.differences = changes.map { DiffText.line($0) } + movedSequences.map(\.line) + [
                "(the second build of the \(side.rawValue) history, which would tell values computed at build time apart, failed: revision \(error.revision) at \(error.location): \(error.server.description))",
            ]
            return outcome
        }
        // The side built twice: its first build is the expected or the actual database.
        let first = side == .original ? expected : actual
        let other = side == .original ? actual : expected
        var explained = Set<ObjectID>()
        for table in dataTables {
            // Only a table with the same columns everywhere: where they differ, the schema
            // difference is the finding, and its data difference stays as it is.
            let columns = try Self.columns(of: table, on: first)
            guard !columns.isEmpty, Set(columns) == Set(try Self.columns(of: table, on: other)),
                Set(columns) == Set(try Self.columns(of: table, on: second))
            else { continue }
            let firstHashes = try Self.columnHashes(table, columns, on: first)
            let secondHashes = try Self.columnHashes(table, columns, on: second)
            guard firstHashes.count == secondHashes.count else {
                // Even the number of rows depends on the build: only the table's presence counts.
                outcome.notCompared.append("\(table.name) (every row: even the row count differs)")
                explained.insert(table)
                continue
            }
            let volatile = zip(columns, zip(firstHashes.columns, secondHashes.columns)).filter { $0.1.0 != $0.1.1 }.map(\.0)
            guard !volatile.isEmpty else { continue }
            let compared = columns.filter { !volatile.contains($0) }
            let firstRows = try Self.projectionHash(table, compared, on: first)
            guard firstRows == (try Self.projectionHash(table, compared, on: second)) else {
                // Each column alone is the same, but they pair up differently in each build.
                outcome.notCompared.append("\(table.name) (every row: the values pair up differently)")
                explained.insert(table)
                continue
            }
            let otherRows = try Self.projectionHash(table, compared, on: other)
            let names = volatile.map { "\(table.name).\($0)" }
            outcome.notCompared += names
            explained.insert(table)
            let expectedRows = side == .original ? firstRows : otherRows
            let actualRows = side == .original ? otherRows : firstRows
            if expectedRows.rows != actualRows.rows {
                outcome.differences.append("~ data \(table.name): rows \(expectedRows.rows) → \(actualRows.rows)")
            } else if expectedRows.hash != actualRows.hash {
                let list = compared.isEmpty ? "" : " (\(compared.joined(separator: ", ")))"
                outcome.differences.append(
                    "~ data \(table.name): the compared columns\(list) hold other values (same row count; not compared: \(volatile.joined(separator: ", ")))")
            }
        }
        outcome.differences = schemaLines + changes.filter { $0.kind == .data && !explained.contains($0.object) }.map { DiffText.line($0) }
            + outcome.differences
        if !movedSequences.isEmpty {
            let positions = try SchemaEvidence.sequencePositions(second)
            let firstPositions = side == .original ? movedSequences.map(\.expected) : movedSequences.map(\.actual)
            for (sequence, firstPosition) in zip(movedSequences, firstPositions) {
                if positions[sequence.name] != firstPosition {
                    outcome.notCompared.append("sequence \(sequence.name)")
                } else {
                    outcome.differences.append(sequence.line)
                }
            }
        }
        return outcome
    }

    // MARK: - Queries

    /// The settings reflection uses, so that values print the same on every connection.
    private static let settings = """
        SET LOCAL DateStyle = ISO; SET LOCAL TimeZone = 'UTC'; SET LOCAL IntervalStyle = postgres; \
        SET LOCAL extra_float_digits = 3; SET LOCAL search_path = ''; SET LOCAL jit = off
        """

    private static func readOnly<T>(_ connection: PGConnection, _ body: () throws -> T) throws -> T {
        _ = try connection.execute("BEGIN READ ONLY; " + settings)
        do {
            let value = try body()
            _ = try connection.execute("COMMIT")
            return value
        } catch {
            _ = try? connection.execute("ROLLBACK")
            throw error
        }
    }

    /// The table's columns in their order, quoted (none when there is no such table).
    static func columns(of table: ObjectID, on connection: PGConnection) throws -> [String] {
        let result = try connection.query("""
            SELECT pg_catalog.quote_ident(attname) FROM pg_catalog.pg_attribute
            WHERE attrelid = pg_catalog.to_regclass($1) AND attnum > 0 AND NOT attisdropped ORDER BY attnum
            """, [table.name])
        return (0..<result.rowCount).compactMap { result[$0, 0] }
    }

    /// The row count, and for each column the hash of its values as a multiset.
    static func columnHashes(_ table: ObjectID, _ columns: [String], on connection: PGConnection) throws -> (count: Int, columns: [String]) {
        let hashes = columns.map { column in
            let value = "pg_catalog.quote_nullable(\(column)::text)"
            return "pg_catalog.md5(coalesce(string_agg(\(value), E'\\n' ORDER BY \(value) COLLATE \"C\"), ''))"
        }
        let sql = "SELECT count(*)" + hashes.map { ", " + $0 }.joined() + " FROM ONLY \(table.name)"
        let result = try readOnly(connection) { try connection.query(sql) }
        let count = result[0, 0].flatMap { Int($0) } ?? -1
        return (count, (0..<columns.count).map { result[0, $0 + 1] ?? "" })
    }

    /// The row count and a hash of the rows cut down to `columns`.
    static func projectionHash(_ table: ObjectID, _ columns: [String], on connection: PGConnection) throws -> TableData {
        let row = columns.isEmpty ? "''" : "ROW(\(columns.joined(separator: ", ")))::text"
        let sql = "SELECT count(*), pg_catalog.md5(coalesce(string_agg(\(row), E'\\n' ORDER BY \(row) COLLATE \"C\"), '')) FROM ONLY \(table.name)"
        let result = try readOnly(connection) { try connection.query(sql) }
        return TableData(rows: result[0, 0].flatMap { Int($0) } ?? -1, hash: result[0, 1] ?? "")
    }
}

/// A sequence whose position differs between the two databases compared.
struct MovedSequence {
    var name: String
    var expected: String
    var actual: String
    var line: String { "~ sequence \(name): last value \(expected) → \(actual)" }
}
