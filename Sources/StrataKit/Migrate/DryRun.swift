import Foundation
import StrataPostgres

/// `upgrade --dry-run`: the pending revisions in one transaction against the real target, with
/// deferred constraints forced and the locks each revision took; then everything is rolled back.
public struct DryRunReport: Sendable, Codable {
    /// A lock a revision took: the relation and the mode.
    public struct Lock: Sendable, Codable, Hashable {
        public var relation: String
        public var mode: String
        /// What the mode blocks for other sessions while the transaction runs.
        public var blocks: String
    }

    public struct Entry: Sendable, Codable {
        public enum Status: String, Sendable, Codable { case ok, failed, notDryRunnable = "not-dry-runnable", notReached = "not-reached" }
        public var revision: String
        public var message: String?
        public var status: Status
        public var milliseconds: Double?
        /// The strongest lock taken on each relation that existed before the run (only those
        /// can block other sessions).
        public var locks: [Lock]
        /// Relations the revision created and locked (no other session can be waiting on them).
        public var newRelations: Int
        /// The server error, with file:line, when the revision failed.
        public var error: String?
    }

    public var entries: [Entry]
    public var from: String?
    public var to: String?
    /// Always true: a dry run commits nothing.
    public var rolledBack: Bool

    public var failed: Bool { entries.contains { $0.status == .failed } }

    static func blocks(_ mode: String) -> String {
        switch mode {
        case "AccessExclusiveLock": return "reads and writes"
        case "ExclusiveLock", "ShareRowExclusiveLock", "ShareLock": return "writes"
        case "ShareUpdateExclusiveLock": return "schema changes and VACUUM"
        default: return "nothing ordinary"
        }
    }
}

extension Migrator {
    /// PostgreSQL's table-level lock modes, weakest first.
    static let lockModes = ["AccessShareLock", "RowShareLock", "RowExclusiveLock", "ShareUpdateExclusiveLock",
                            "ShareLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock"]

    /// Relation locks this session holds now, by relation oid, with the strongest mode held.
    /// Catalog relations and the version table are left out.
    private func heldLocks(excluding versionTable: String) throws -> [String: (relation: String, mode: String)] {
        let result = try connection.query("""
            SELECT l.relation::text,
                   coalesce(quote_ident(n.nspname) || '.' || quote_ident(c.relname), 'relation ' || l.relation::text || ' (dropped)'),
                   l.mode
            FROM pg_catalog.pg_locks l
            LEFT JOIN pg_catalog.pg_class c ON c.oid = l.relation
            LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND l.granted
              AND coalesce(n.nspname, '') NOT IN ('pg_catalog', 'information_schema')
              AND coalesce(n.nspname, '') NOT LIKE 'pg_toast%'
              AND l.relation IS DISTINCT FROM to_regclass($1)
            """, [versionTable])
        var locks: [String: (relation: String, mode: String)] = [:]
        for row in result.rows {
            guard let oid = row[0], let relation = row[1], let mode = row[2] else { continue }
            let rank = Self.lockModes.firstIndex(of: mode) ?? 0
            if let existing = locks[oid], (Self.lockModes.firstIndex(of: existing.mode) ?? 0) >= rank { continue }
            locks[oid] = (relation, mode)
        }
        return locks
    }

    /// Runs the pending revisions up to `target` in one transaction and rolls it back.
    public func dryRun(to target: String = "head") throws -> DryRunReport {
        let state = try self.state()
        if !state.unknown.isEmpty {
            throw StrataError.usage("the version table records revision(s) the history does not have: \(state.unknown.joined(separator: ", "))")
        }
        // A database behind a squash point replays the archived revisions first (with --from-archive).
        var replay: [Revision] = []
        var position = state.position
        if let behind = state.behind {
            _ = try checkReplayable(behind)
            replay = behind.replay
            position = history.position(of: behind.initRevision.id) ?? position
        }
        let goal = try upgradeTarget(target, from: position)
        guard goal >= position else {
            throw StrataError.usage("\(target) is behind the current revision \(state.current?.id ?? "base"); a dry run only upgrades")
        }
        let pending = replay + Array(history.revisions[(position + 1)..<(goal + 1)])
        let tableName = qualifiedVersionTable
        var entries: [DryRunReport.Entry] = []
        try connection.execute("BEGIN")
        defer { _ = try? connection.execute("ROLLBACK") }
        // Relations that exist before the run: only locks on those can block other sessions.
        let existing = Set(try connection.query("SELECT oid::text FROM pg_catalog.pg_class").rows.compactMap { $0[0] })
        try connection.execute(versionTableCreateSQL)
        var failed = false
        for (index, revision) in pending.enumerated() {
            options.progress?(index + 1, pending.count, revision)
            if failed {
                entries.append(.init(revision: revision.id, message: revision.message, status: .notReached, milliseconds: nil, locks: [], newRelations: 0, error: nil))
                continue
            }
            guard revision.transactional else {
                entries.append(.init(revision: revision.id, message: revision.message, status: .notDryRunnable, milliseconds: nil, locks: [], newRelations: 0,
                                     error: "non-transactional: its statements cannot run inside the dry run's transaction"))
                continue
            }
            let before = try heldLocks(excluding: tableName)
            try connection.execute("SAVEPOINT strata_dry_run")
            let t0 = Date()
            do {
                try executor.runWhole(revision, .up)
                // Deferred constraints would only fire at COMMIT, which never comes: fire them now.
                try connection.execute("SET CONSTRAINTS ALL IMMEDIATE")
                let ms = Date().timeIntervalSince(t0) * 1000
                try recordVersion(revision, ms)
                let after = try heldLocks(excluding: tableName)
                var taken: [DryRunReport.Lock] = []
                var created = 0
                for (oid, lock) in after where before[oid]?.mode != lock.mode {
                    if existing.contains(oid) {
                        taken.append(DryRunReport.Lock(relation: lock.relation, mode: lock.mode, blocks: DryRunReport.blocks(lock.mode)))
                    } else if before[oid] == nil {
                        created += 1
                    }
                }
                taken.sort { $0.relation < $1.relation }
                try connection.execute("RELEASE SAVEPOINT strata_dry_run")
                try connection.execute(RevisionExecutor.resetSession())
                entries.append(.init(revision: revision.id, message: revision.message, status: .ok, milliseconds: ms, locks: taken, newRelations: created, error: nil))
            } catch {
                let failure = error as? RevisionExecutor.Failure ?? (error as? PostgresError).map { RevisionExecutor.Failure(server: $0) }
                guard let failure, failure.server.kind == .server else { throw error }
                _ = try? connection.execute("ROLLBACK TO SAVEPOINT strata_dry_run")
                let location = executor.location(of: failure, revision, .up)
                entries.append(.init(revision: revision.id, message: revision.message, status: .failed, milliseconds: Date().timeIntervalSince(t0) * 1000, locks: [], newRelations: 0,
                                     error: "\(location): \(failure.server.description)"))
                failed = true
            }
        }
        return DryRunReport(entries: entries, from: state.current?.id, to: pending.last?.id, rolledBack: true)
    }

}
