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
/// between the two builds is left out the same way. When the original still differs, two more
/// builds in other time zones tell values that depend on the day (`Zone`).
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
    /// The builds made so far, by the session time zone they ran in.
    private var builds: [Zone: Build] = [:]
    /// The database the server-zone build starts from (`seed(copying:)`), until it is built.
    private var seeded: ConnectionString?
    /// Seconds spent on the second build (for the step report).
    private(set) var seconds = 0.0

    /// The session time zone a build runs in. `server`: the zone the first build ran in, which
    /// tells values computed at build time (`now()`, `random()`). The other two tell values that
    /// depend on the day (`CURRENT_DATE`): they agree between two builds made the same day, so a
    /// `verify squash` on a later day than the squash would fail on them forever. A column that
    /// reads the same in another zone on the same day (`sameDay`, an hour off) but not where it
    /// is another day (`otherDay`) depends on the day; one that changes with the zone alone (a
    /// `timestamptz` read from a literal without zone) is a fixed value and stays compared.
    enum Zone { case server, sameDay, otherDay }

    private final class Build {
        let database: ConnectionString
        let connection: PGConnection
        let migrator: Migrator
        init(database: ConnectionString, connection: PGConnection, migrator: Migrator) {
            self.database = database
            self.connection = connection
            self.migrator = migrator
        }
    }

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
        for build in builds.values {
            build.connection.close()
            scratch.drop(build.database)
        }
        builds = [:]
        if let seeded { scratch.drop(seeded) }
        seeded = nil
    }

    enum Point { case squashPoint, head }

    /// Starts the second build from a copy of `template` (a database of the same history, at a
    /// revision where both builds hold the same values), instead of from an empty database.
    func seed(copying template: ConnectionString) throws {
        guard seeded == nil, builds[.server] == nil, let name = template.database else { return }
        seeded = try scratch.database("strata_calibration", template: name)
    }

    /// The build in `zone`, brought forward to `point`.
    func build(at point: Point, zone: Zone = .server) throws -> PGConnection {
        let started = Date()
        defer { seconds += Date().timeIntervalSince(started) }
        let build: Build
        if let made = builds[zone] {
            build = made
        } else {
            let database: ConnectionString
            if zone == .server, let seeded {
                database = seeded
                self.seeded = nil
            } else {
                database = try scratch.database("strata_calibration")
            }
            do {
                let connection = try Self.connect(database, zone: zone)
                do {
                    let migrator = try Migrator(connection: connection, history: history, options: MigrateOptions(versionTable: versionTable),
                                                directoryDisplay: directoryDisplay)
                    build = Build(database: database, connection: connection, migrator: migrator)
                } catch {
                    connection.close()
                    throw error
                }
            } catch {
                scratch.drop(database)
                throw error
            }
            builds[zone] = build
        }
        _ = try build.migrator.upgrade(to: point == .head ? "head" : squashPoint)
        return build.connection
    }

    /// Connects to `database` with `zone` as the session's time zone: a startup option, so the
    /// migrator's `RESET ALL` between revisions keeps it. Values compared are read in UTC, so an
    /// instant reads the same in any zone.
    static func connect(_ database: ConnectionString, zone: Zone) throws -> PGConnection {
        guard zone != .server else { return try PGConnection(database) }
        let probe = try PGConnection(database)
        let row = try probe.query(
            "SELECT extract(hour FROM localtimestamp)::int, floor(extract(timezone FROM now()) / 3600)::int")
        probe.close()
        guard let hour = row[0, 0].flatMap({ Int($0) }), let offset = row[0, 1].flatMap({ Int($0) }) else {
            throw StrataError.environment("the calibration build could not read the server's time zone")
        }
        let name = zone == .otherDay ? anotherDayZone(hour: hour, offset: offset) : sameDayZone(hour: hour, offset: offset)
        let connection = try PGConnection(database, options: ["TimeZone": name])
        // PGTZ (sent by libpq after the options) would win: then this build cannot tell the day.
        let current = try connection.query("SELECT pg_catalog.current_setting('TimeZone')")[0, 0]
        guard current == name else {
            connection.close()
            throw ZoneNotTaken()
        }
        return connection
    }

    /// The session did not take the zone asked for (PGTZ, which libpq sends after the options,
    /// wins): the builds in other zones cannot tell the day, and day values stay compared.
    struct ZoneNotTaken: Error {}
    private var zonesUnavailable = false

    /// A zone (UTC-12 to UTC+14, whole hours) where, when it is `hour` o'clock at UTC offset
    /// `offset` (hours), it is 01:00-ish the next day or 22:00-ish the day before; one of the two
    /// is always in range (the zones span 26 hours).
    static func anotherDayZone(hour: Int, offset: Int) -> String {
        zoneName(hour >= offset + 11 ? offset + 25 - hour : offset - hour - 2)
    }

    /// A zone an hour off `offset` where, at `hour` o'clock there, it is still the same day.
    /// (At the ends of the range, UTC-12 late in the evening or UTC+14 just after midnight, there
    /// is none; the zone given is then another day, and day values stay compared.)
    static func sameDayZone(hour: Int, offset: Int) -> String {
        let down = offset - 1, up = offset + 1
        if hour >= 2 && down >= -12 { return zoneName(down) }
        if hour <= 21 && up <= 14 { return zoneName(up) }
        return zoneName(down >= -12 ? down : up)
    }

    /// The Etc/GMT names count hours west of Greenwich as positive.
    private static func zoneName(_ offset: Int) -> String {
        offset == 0 ? "UTC" : "Etc/GMT\(offset > 0 ? "-" : "+")\(abs(offset))"
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
            var volatile = zip(columns, zip(firstHashes.columns, secondHashes.columns)).filter { $0.1.0 != $0.1.1 }.map(\.0)
            var verdict = try judge(table, columns: columns, volatile: volatile, first: first, second: second, other: other, firstHashes: firstHashes)
            if verdict.difference != nil, side == .original {
                // Still different: values of the day of the squash, against today's?
                let day = try dayColumns(table, columns.filter { !volatile.contains($0) }, point: point, server: secondHashes, columns: columns)
                if !day.isEmpty {
                    volatile = columns.filter { volatile.contains($0) || day.contains($0) }
                    verdict = try judge(table, columns: columns, volatile: volatile, first: first, second: second, other: other, firstHashes: firstHashes)
                }
            }
            guard !volatile.isEmpty || verdict.pairing else { continue }  // deterministic: the difference stands
            explained.insert(table)
            outcome.notCompared += verdict.notCompared
            if let difference = verdict.difference { outcome.differences.append(difference) }
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

    /// What a table's comparison says with the `volatile` columns left out.
    private struct Verdict {
        var notCompared: [String]
        var difference: String?
        /// The other columns pair up differently in the two builds (so only each column's values are compared).
        var pairing = false
    }

    /// Compares `table` between the side built twice and the other side, with `volatile` left
    /// out: the rows of the other columns, or, when even those pair up differently between the
    /// two builds (`id` numbered in `random()` order), the row count and each column's values.
    private func judge(
        _ table: ObjectID, columns: [String], volatile: [String], first: PGConnection, second: PGConnection, other: PGConnection,
        firstHashes: (count: Int, columns: [String])
    ) throws -> Verdict {
        let compared = columns.filter { !volatile.contains($0) }
        let names = volatile.map { "\(table.name).\($0)" }
        func oriented<T>(_ mine: T, _ theirs: T) -> (expected: T, actual: T) {
            side == .original ? (mine, theirs) : (theirs, mine)
        }
        let firstRows = try Self.projectionHash(table, compared, on: first)
        if firstRows == (try Self.projectionHash(table, compared, on: second)) {
            let rows = oriented(firstRows, try Self.projectionHash(table, compared, on: other))
            var verdict = Verdict(notCompared: names)
            if rows.expected.rows != rows.actual.rows {
                verdict.difference = "~ data \(table.name): rows \(rows.expected.rows) → \(rows.actual.rows)"
            } else if rows.expected.hash != rows.actual.hash {
                // (With nothing left out, the caller keeps the comparison's own line for the table.)
                let list = compared.isEmpty ? "" : " (\(compared.joined(separator: ", ")))"
                verdict.difference = "~ data \(table.name): the compared columns\(list) hold other values (same row count; not compared: \(volatile.joined(separator: ", ")))"
            }
            return verdict
        }
        // Each of these columns alone holds the same values in both builds, but they pair up
        // differently: compare the row count and each column's values, not whole rows.
        var verdict = Verdict(notCompared: names + ["\(table.name) (whole rows: its values pair up differently in two builds)"], pairing: true)
        let otherHashes = try Self.columnHashes(table, columns, on: other)
        let counts = oriented(firstHashes.count, otherHashes.count)
        if counts.expected != counts.actual {
            verdict.difference = "~ data \(table.name): rows \(counts.expected) → \(counts.actual)"
        } else {
            let differing = compared.filter { column in
                let index = columns.firstIndex(of: column)!
                return firstHashes.columns[index] != otherHashes.columns[index]
            }
            if !differing.isEmpty {
                verdict.difference = "~ data \(table.name): column\(differing.count == 1 ? "" : "s") \(differing.joined(separator: ", ")) hold\(differing.count == 1 ? "s" : "") other values (same row count)"
            }
        }
        return verdict
    }

    /// Of `candidates`, the columns of `table` whose values depend on the day: the same in a
    /// build in another zone on the same day as in the server-zone build (`server`), but not in
    /// a build where it is another day. Builds those two once per point, when first needed.
    private func dayColumns(
        _ table: ObjectID, _ candidates: [String], point: Point, server: (count: Int, columns: [String]), columns: [String]
    ) throws -> [String] {
        guard !candidates.isEmpty, !zonesUnavailable else { return [] }
        let sameDay: PGConnection, otherDay: PGConnection
        do {
            sameDay = try build(at: point, zone: .sameDay)
            otherDay = try build(at: point, zone: .otherDay)
        } catch is ZoneNotTaken {
            zonesUnavailable = true
            return []
        }
        let same = try Self.columnHashes(table, columns, on: sameDay)
        let otherHashes = try Self.columnHashes(table, columns, on: otherDay)
        guard same.count == server.count, otherHashes.count == server.count else { return [] }
        return candidates.filter { column in
            let index = columns.firstIndex(of: column)!
            return same.columns[index] == server.columns[index] && otherHashes.columns[index] != server.columns[index]
        }
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
