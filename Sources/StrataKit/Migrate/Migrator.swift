import Foundation
import StrataPostgres

/// Options of a migration run (DESIGN §3).
public struct MigrateOptions: Sendable {
    public var versionTable: VersionTable
    /// All revisions in one transaction (non-transactional ones still run alone).
    public var singleTransaction = false
    /// Accept applied revisions whose files changed, and record their new checksums.
    public var acceptChanged = false
    /// Where squash archives are: databases stamped with squashed ids are resolved through them.
    public var archiveDirectory: URL?
    /// Replay archived revisions for a database stamped before a squash point.
    public var fromArchive = false
    /// Called before each revision runs: (index from 1, count, revision).
    public var progress: (@Sendable (Int, Int, Revision) -> Void)?

    public init(versionTable: VersionTable = VersionTable("strata_version")) {
        self.versionTable = versionTable
    }
}

/// What a run did.
public struct RunReport: Sendable {
    public struct Step: Sendable {
        public var revision: Revision
        public var direction: MigrationError.Direction
        public var seconds: Double
        /// The archive a revision squashed away was replayed from (`upgrade --from-archive`).
        public var archive: String?
    }

    public var steps: [Step]
    public var from: Revision?
    /// The squashed revision the database was at before archived revisions were replayed (then
    /// `from` is the init revision that replaced them).
    public var replayedFrom: String?
    public var to: Revision?
    public var seconds: Double
}

extension RunReport {
    /// This run with the archived revisions replayed before it (if any) in front.
    func following(_ replayed: RunReport?) -> RunReport {
        guard let replayed else { return self }
        var report = self
        report.steps = replayed.steps + steps
        report.replayedFrom = replayed.replayedFrom
        report.seconds += replayed.seconds
        return report
    }
}

/// Runs revisions against one database over one connection: version table, advisory lock,
/// a transaction per revision, a clean session between revisions.
public final class Migrator {
    public let connection: PGConnection
    public let history: History
    public var options: MigrateOptions
    /// `file:line` prefix for messages: the migrations directory as the user names it.
    public var directoryDisplay: String
    private var table: VersionTable

    /// Puts the session back to how it was after connecting: nothing a revision `SET`s
    /// (search_path, role, timeouts it changed …) leaks into the next one.
    private static let resetSession = RevisionExecutor.resetSession()

    public init(connection: PGConnection, history: History, options: MigrateOptions = .init(), directoryDisplay: String = "migrations") throws {
        self.connection = connection
        self.history = history
        self.options = options
        self.directoryDisplay = directoryDisplay
        self.table = options.versionTable
        if let project = history.revisions.first(where: { $0.alembic != nil })?.alembic {
            // Alembic keeps its own table on every database it runs on; strata reads it.
            table = VersionTable(project.versionTable)
            table.alembic = true
        }
        if table.schema == nil {
            // Qualify the version table once, so a revision that changes search_path (pg_dump
            // output does) cannot send the version row elsewhere.
            table.schema = try connection.query("SELECT current_schema()")[0, 0] ?? "public"
        }
    }

    /// Opens a connection with the run's timeouts as session defaults (so `RESET ALL` keeps them).
    public static func connect(_ url: String, lockTimeout: String? = nil, statementTimeout: String? = nil, notices: ((String) -> Void)? = nil) throws -> PGConnection {
        var settings: [String: String] = [:]
        if let lockTimeout { settings["lock_timeout"] = lockTimeout }
        if let statementTimeout { settings["statement_timeout"] = statementTimeout }
        let connection = try PGConnection(ConnectionString(url), options: settings)
        connection.noticeHandler = notices
        return connection
    }

    /// The version table's qualified name, as resolved at connect time.
    var qualifiedVersionTable: String { table.qualified }
    /// `schema.table` as text (for pg_dump's --exclude-table and to_regclass).
    public var qualifiedVersionTableText: String { table.displayName }
    var versionTableCreateSQL: String { table.createSQL }
    func recordVersion(_ revision: Revision, _ ms: Double) throws {
        try table.record(connection, revision: revision, durationMs: ms)
    }

    // MARK: - State

    /// Where the database stands (reads only; creates nothing).
    public func state() throws -> DatabaseState {
        var rows = try table.rows(connection)
        if table.alembic {
            rows = history.appliedThrough(heads: rows.map(\.revision)).map {
                VersionTable.Row(revision: $0, checksum: nil, appliedAt: "", durationMs: nil, stamped: false)
            }
        }
        let state = DatabaseState(rows: rows, history: history)
        guard state.needsArchives, let archives = options.archiveDirectory, history.revisions.contains(where: { !$0.replaces.isEmpty }) else {
            return state
        }
        let expanded = try ExpandedHistory.expand(history, archiveDirectory: archives)
        return DatabaseState(rows: rows, history: history, expanded: expanded)
    }

    private func file(_ revision: Revision, _ direction: MigrationError.Direction = .up) -> String {
        "\(directoryDisplay)/\(revision.file(direction) ?? revision.id)"
    }

    /// Checks the recorded rows against the history before changing anything; a database behind a
    /// squash point is first brought to it from the archive (`replayed`: what that ran).
    private func checkedState() throws -> (state: DatabaseState, replayed: RunReport?) {
        var replayed: RunReport?
        var state = try self.state()
        if !state.unknown.isEmpty {
            throw StrataError.usage("the version table \(table.displayName) records revision(s) the history does not have: \(state.unknown.joined(separator: ", ")); is this the right migrations directory?")
        }
        if !state.missing.isEmpty {
            throw StrataError.usage("the version table \(table.displayName) lacks \(state.missing.map(\.id).joined(separator: ", ")), which come before the current revision \(state.current?.id ?? "")); fix it with `strata stamp \(state.current?.id ?? "REV")`")
        }
        if let behind = state.behind {
            let archive = try checkReplayable(behind)
            let replayHistory = History(behind.replay)
            let replayer = try Migrator(connection: connection, history: replayHistory, options: options, directoryDisplay: archive)
            var report = try replayer.run(behind.replay, direction: .up, from: nil)
            for index in report.steps.indices { report.steps[index].archive = archive }
            report.replayedFrom = behind.appliedID
            replayed = report
            state = try self.state()
        }
        if !state.replacedRows.isEmpty, state.behind == nil, let initRevision = history.revisions.first(where: { !$0.replaces.isEmpty }) {
            // The database reached the squash point: record the init revision instead of the ids it replaced.
            try connection.execute("BEGIN")
            do {
                try connection.query("DELETE FROM \(table.qualified) WHERE revision = ANY($1::text[])", ["{" + state.replacedRows.map { "\"\($0)\"" }.joined(separator: ",") + "}"])
                if !state.rows.contains(where: { $0.revision == initRevision.id }) {
                    try table.record(connection, revision: initRevision, durationMs: nil, stamped: true)
                }
                try connection.execute("COMMIT")
            } catch {
                _ = try? connection.execute("ROLLBACK")
                throw error
            }
            state = try self.state()
        }
        if !state.changed.isEmpty {
            guard options.acceptChanged else {
                throw StrataError.usage("applied revision(s) changed since they ran: \(state.changed.map { "\($0.id) (\(file($0)))" }.joined(separator: ", ")); restore the files, or accept the change with --accept-changed")
            }
            for revision in state.changed {
                try connection.query("UPDATE \(table.qualified) SET checksum = $2 WHERE revision = $1", [revision.id, revision.checksum])
            }
            state.changed = []
        }
        return (state, replayed)
    }

    /// For a database behind a squash point: the archive's name, once it is clear the archived
    /// revisions can be replayed (`--from-archive` given, archive read); else the error that says how.
    func checkReplayable(_ behind: DatabaseState.Behind) throws -> String {
        let archive = behind.initRevision.archive.map { "\(DisplayPath.of(options.archiveDirectory ?? URL(fileURLWithPath: "archive")))/\($0)" } ?? "its archive"
        guard options.fromArchive else {
            throw StrataError.usage("the database is at \(behind.appliedID), a revision that init revision \(behind.initRevision.id) squashed into \(archive); replay the archived revisions up to the squash point with `strata upgrade --from-archive`")
        }
        guard !behind.replay.isEmpty else {
            throw StrataError.usage("the database is at \(behind.appliedID), before the squash point of \(behind.initRevision.id), but \(archive) could not be read to replay from it")
        }
        return archive
    }

    // MARK: - Targets

    /// `head`, `+N`, an id or a unique prefix → the position to upgrade to.
    func upgradeTarget(_ target: String, from position: Int) throws -> Int {
        if target == "head" { return history.count - 1 }
        if target.hasPrefix("+"), let n = Int(target.dropFirst()), n >= 0 {
            guard position + n < history.count else {
                throw StrataError.usage("cannot upgrade \(target): only \(history.count - 1 - position) revision(s) are pending")
            }
            return position + n
        }
        let revision = try history.resolve(target)
        return history.position(of: revision.id) ?? -1
    }

    /// `base`, `-N`, an id or a unique prefix → the position to downgrade to (-1 is base).
    func downgradeTarget(_ target: String, from position: Int) throws -> Int {
        if target == "base" { return -1 }
        if target.hasPrefix("-"), let n = Int(target.dropFirst()), n >= 0 {
            guard position - n >= -1 else {
                throw StrataError.usage("cannot downgrade \(target): only \(position + 1) revision(s) are applied")
            }
            return position - n
        }
        let revision = try history.resolve(target)
        return history.position(of: revision.id) ?? -1
    }

    // MARK: - Lock

    private func withLock<T>(_ body: () throws -> T) throws -> T {
        let key = table.lockKey
        let got = try connection.query("SELECT pg_try_advisory_lock(hashtextextended($1, 0))", [key])
        if got[0, 0] != "t" {
            FileHandle.standardError.write(Data("strata: another strata run holds the lock on this database; waiting for it\n".utf8))
            try connection.query("SELECT pg_advisory_lock(hashtextextended($1, 0))", [key])
        }
        defer { _ = try? connection.query("SELECT pg_advisory_unlock(hashtextextended($1, 0))", [key]) }
        return try body()
    }

    // MARK: - Upgrade and downgrade

    public func upgrade(to target: String = "head") throws -> RunReport {
        try withLock {
            try table.ensure(connection)
            let (state, replayed) = try checkedState()
            let goal = try upgradeTarget(target, from: state.position)
            guard goal >= state.position else {
                throw StrataError.usage("\(target) is behind the current revision \(state.current?.id ?? "base"); use `strata downgrade \(target)`")
            }
            let pending = Array(history.revisions[(state.position + 1)..<(goal + 1)])
            return try run(pending, direction: .up, from: state.current).following(replayed)
        }
    }

    public func downgrade(to target: String) throws -> RunReport {
        try withLock {
            try table.ensure(connection)
            let (state, replayed) = try checkedState()
            let goal = try downgradeTarget(target, from: state.position)
            guard goal <= state.position else {
                throw StrataError.usage("\(target) is ahead of the current revision \(state.current?.id ?? "base"); use `strata upgrade \(target)`")
            }
            let undo = Array(history.revisions[(goal + 1)..<(state.position + 1)].reversed())
            if let stuck = undo.first(where: { !$0.isReversible }) {
                throw StrataError.usage("cannot downgrade past \(stuck.id) (\(file(stuck))): it has no `-- migrate:down` section; nothing was changed")
            }
            return try run(undo, direction: .down, from: state.current).following(replayed)
        }
    }

    /// Sets the version table to `target` without running anything: rows for every revision up
    /// to it, marked as stamped. `base` empties it.
    public func stamp(_ target: String) throws -> Revision? {
        try withLock {
            try table.ensure(connection)
            let goal = target == "base" ? -1 : (history.position(of: try history.resolve(target).id) ?? -1)
            try connection.execute("BEGIN")
            do {
                try connection.execute("DELETE FROM \(table.qualified)")
                if goal >= 0 {
                    for revision in history.revisions[0...goal] {
                        try table.record(connection, revision: revision, durationMs: nil, stamped: true)
                    }
                }
                try connection.execute("COMMIT")
            } catch {
                _ = try? connection.execute("ROLLBACK")
                throw error
            }
            return goal >= 0 ? history.revisions[goal] : nil
        }
    }

    func run(_ revisions: [Revision], direction: MigrationError.Direction, from: Revision?) throws -> RunReport {
        let started = Date()
        var steps: [RunReport.Step] = []
        var inBatch = false  // --single-transaction: a transaction spans revisions
        for (index, revision) in revisions.enumerated() {
            options.progress?(index + 1, revisions.count, revision)
            let t0 = Date()
            if revision.batching == .alembic {
                // The project's Alembic runs it, in its own transaction, and updates its table.
                if inBatch {
                    try connection.execute("COMMIT")
                    inBatch = false
                }
                try alembicHelper().step(revision, direction, record: true)
            } else if revision.isTransactional(direction) {
                // Round trips are part of the cost of a revision: BEGIN travels with the body,
                // the session reset with COMMIT; the version row goes with its values as parameters.
                let prefix = inBatch ? "" : "BEGIN;\n"
                if !inBatch { inBatch = options.singleTransaction }
                do {
                    try executor.runWhole(revision, direction, prefix: prefix)
                    try bookkeep(revision, direction, since: t0)
                    // A deferred constraint fails at COMMIT: still this revision's error.
                    try connection.execute(options.singleTransaction ? Self.resetSession : "COMMIT; " + Self.resetSession)
                } catch {
                    _ = try? connection.execute("ROLLBACK")
                    throw annotate(error, revision: revision, direction: direction, applied: steps, batch: options.singleTransaction)
                }
            } else {
                if inBatch {
                    try connection.execute("COMMIT")
                    inBatch = false
                }
                try executeStatementByStatement(revision, direction: direction)
                try bookkeep(revision, direction, since: t0)
                try connection.execute(Self.resetSession)
            }
            steps.append(.init(revision: revision, direction: direction, seconds: Date().timeIntervalSince(t0), archive: nil))
        }
        if inBatch { try connection.execute("COMMIT") }
        let to: Revision?
        if direction == .up {
            to = revisions.last ?? from
        } else {
            let last = revisions.last.flatMap { history.position(of: $0.id) }
            to = last.map { $0 > 0 ? history.revisions[$0 - 1] : nil } ?? from
        }
        return RunReport(steps: steps, from: from, replayedFrom: nil, to: to, seconds: Date().timeIntervalSince(started))
    }

    private var helper: AlembicHelper?

    /// The helper that runs this history's Alembic revisions on this migrator's database.
    func alembicHelper() throws -> AlembicHelper {
        if let helper { return helper }
        guard let pool = try AlembicHelperPool(history: history, display: directoryDisplay) else {
            throw StrataError.environment("an Alembic revision without its project")
        }
        let made = try pool.take(for: connection.connectionString)
        helper = made
        return made
    }

    /// Stops the Alembic helper (it holds a session on the database: a template copy or a
    /// DROP DATABASE needs it gone).
    public func closeHelpers() {
        helper?.close()
        helper = nil
    }

    deinit { helper?.close() }

    /// Records an applied revision, or forgets a reverted one.
    private func bookkeep(_ revision: Revision, _ direction: MigrationError.Direction, since start: Date) throws {
        if direction == .up {
            try table.record(connection, revision: revision, durationMs: Date().timeIntervalSince(start) * 1000)
        } else {
            try table.remove(connection, revision: revision.id)
        }
    }

    /// Runs revisions' sections (also for the dry run).
    var executor: RevisionExecutor { RevisionExecutor(connection: connection, directoryDisplay: directoryDisplay) }

    /// A non-transactional revision: one statement at a time, outside any transaction.
    private func executeStatementByStatement(_ revision: Revision, direction: MigrationError.Direction) throws {
        do {
            try executor.runStatements(revision, direction)
        } catch let failure as RevisionExecutor.Failure {
            let index = failure.statement?.index ?? 0
            let outcome = index == 0
                ? "Nothing of this revision was applied (it is non-transactional); the version table is unchanged."
                : "Statements 1–\(index) of this non-transactional revision stayed applied (they cannot be rolled back); the version table does not record the revision. Make its statements idempotent (IF NOT EXISTS) or undo them, then run again."
            throw MigrationError(
                revision: revision.id, direction: direction, location: executor.location(of: failure, revision, direction), server: failure.server, outcome: outcome)
        }
    }

    /// Turns a server error into a `MigrationError` naming file and line (`RevisionExecutor.location`:
    /// without a position, the revision runs again statement by statement in a transaction rolled
    /// back, to find the statement that fails).
    private func annotate(_ error: Error, revision: Revision, direction: MigrationError.Direction, applied: [RunReport.Step], batch: Bool) -> Error {
        let failure: RevisionExecutor.Failure
        if let sectionFailure = error as? RevisionExecutor.Failure {
            failure = sectionFailure
        } else if let server = error as? PostgresError, server.kind == .server {
            failure = RevisionExecutor.Failure(server: server)  // (at COMMIT: a deferred constraint)
        } else {
            return error
        }
        let server = failure.server
        let location = executor.location(of: failure, revision, direction)
        let current = batch ? (applied.first.map { _ in "the revision before this run" } ?? "unchanged") : (applied.last?.revision.id ?? "unchanged")
        let outcome = batch
            ? "The whole run was one transaction and was rolled back: the database and its version table are as before the run."
            : "This revision's transaction was rolled back; the version table is at \(current == "unchanged" ? "the revision it had before the run" : current)."
        return MigrationError(revision: revision.id, direction: direction, location: location, server: server, outcome: outcome)
    }

}
