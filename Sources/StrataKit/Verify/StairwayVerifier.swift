import Foundation
import StrataPostgres
import StrataSchema

/// `strata verify stairway` (DESIGN §5): for each revision, upgrade one, downgrade one and
/// compare with the state before; upgrade again and compare with the first upgrade.
///
/// It does not take a whole-schema snapshot per step (that makes a stairway O(N²)): it keeps an
/// in-memory model of the database, and after each step reflects only what the step touched
/// (`ChangeTracker`), comparing and updating that slice of the model. A full reflection at the
/// end must equal the model; if it does not, the difference is reported as a failure, so a gap in
/// the tracking can never pass silently.
public struct StairwayVerifier {
    public struct Finding: Sendable, Codable {
        public enum Kind: String, Sendable, Codable {
            /// The down left something behind, removed too much or changed an object.
            case leftover
            /// A column's position differs after the down (or the re-up): its own kind, so it can
            /// be told from real losses.
            case columnOrder = "column-order"
            /// Table contents differ after the down.
            case data
            /// The second up built something else than the first.
            case reupDiffers = "reup-differs"
            /// A section failed on the server.
            case error
            /// The end-of-run full comparison found what the targeted snapshots missed.
            case backstop
        }

        public var revision: String
        public var file: String?
        public var kind: Kind
        public var message: String
    }

    public struct Report: Sendable, Codable {
        public var checked: Int
        public var failedRevisions: [String]
        public var findings: [Finding]
        public var seconds: Double
        public var passed: Bool { findings.isEmpty }
    }

    public let history: History
    public let scratch: ScratchPool
    public let directoryDisplay: String
    public var progress: ((Int, Int, Revision) -> Void)?

    public init(history: History, scratch: ScratchPool, directoryDisplay: String) {
        self.history = history
        self.scratch = scratch
        self.directoryDisplay = directoryDisplay
    }

    /// The runner's reset, but keeping prepared statements (the reflection's and the capture's
    /// survive between steps; a revision that PREPAREs is rare, and its statement cannot change the
    /// schema), with JIT off (compiling the capture's plan would cost more than running it), and the
    /// per-transaction statistics flushed so that the next step's count only that step.
    static func resetSession(flushStatistics: Bool) -> String {
        "RESET ALL; SET jit = off; RESET SESSION AUTHORIZATION; DISCARD TEMP; CLOSE ALL; UNLISTEN *"
            + (flushStatistics ? "; SELECT pg_catalog.pg_stat_force_next_flush()" : "")
    }

    private func file(_ revision: Revision) -> String { "\(directoryDisplay)/\(revision.fileName ?? revision.id)" }

    private final class Session {
        let database: ConnectionString
        let connection: PGConnection
        let tracker: ChangeTracker
        /// Event triggers record what each step touched (`StepRecorder`); else every step is scanned.
        let recording: Bool
        let reset: String
        init(_ database: ConnectionString) throws {
            self.database = database
            connection = try PGConnection(database)
            tracker = ChangeTracker(connection: connection)
            // pg_stat_force_next_flush() is new in PostgreSQL 15; before, the counters may also hold
            // earlier steps' writes, which only makes the sets larger.
            let flush = connection.serverVersionNumber >= 150000
            reset = StairwayVerifier.resetSession(flushStatistics: flush)
            try connection.execute(reset)
            recording = try StepRecorder.install(on: connection)
        }
    }

    /// Runs one section in its own transaction (or statement by statement when the revision is
    /// not transactional); returns the refs it touched. A transactional section with the recorder
    /// is one round trip: BEGIN, the section, the capture, COMMIT and the session reset.
    private func step(_ session: Session, _ revision: Revision, _ direction: MigrationError.Direction, known: Set<CatalogRef>) throws -> Set<CatalogRef> {
        let sql = direction == .up ? revision.upSQL : (revision.downSQL ?? "")
        let firstLine = direction == .up ? revision.upLine : (revision.downLine ?? revision.upLine)
        let prefix = "BEGIN;\n"
        let body = SQLScanner(sql).hasCode ? prefix + sql + "\n;" : prefix
        do {
            if revision.transactional && session.recording {
                let results = try session.connection.executeAll(
                    body + "EXECUTE \(StepRecorder.captureStatement); COMMIT; " + session.reset)
                guard let capture = StepRecorder.capture(in: results) else {
                    throw PostgresError(kind: .client, message: "the step's capture returned no result")
                }
                guard capture.needsScan else { return capture.refs }
                return try capture.refs.union(session.tracker.touched(from: capture.xid, known: known))
            }
            let from = try session.tracker.nextXID()
            var written = Set<CatalogRef>()
            if revision.transactional {
                let results = try session.connection.executeAll(
                    body + ChangeTracker.writtenTablesSQL + "; COMMIT; " + session.reset)
                written = ChangeTracker.writtenTables(in: results)
            } else {
                for statement in SQLScanner(sql).statements() { try session.connection.execute(statement.text) }
                try session.connection.execute(session.reset)
                if session.recording { try StepRecorder.clearLog(on: session.connection) }
                written = Set(known.filter { $0.classID == CatalogRef.pgClass })  // no per-transaction stats: check every table's rows
            }
            return try session.tracker.touched(from: from, known: known).union(written)
        } catch var error as PostgresError {
            _ = try? session.connection.execute("ROLLBACK")
            _ = try? session.connection.execute(session.reset)
            if revision.transactional, let position = error.position { error.position = max(1, position - prefix.count) }
            let location = SourceLocation.of(position: error.position, in: sql, firstLine: firstLine, file: file(revision))
            throw MigrationError(revision: revision.id, direction: direction, location: location, server: error, outcome: "")
        }
    }

    private func reflect(_ session: Session, scope: Set<CatalogRef>?) throws -> Snapshot {
        let options = ReflectionOptions(scope: scope.map { .objects(Array($0)) } ?? .everything, includeData: true, excludedTables: [])
        return try SchemaReflector.reflect(session.connection, options: options)
    }

    /// The model with the slice `partial` covers replaced by `partial`.
    private func apply(_ partial: Snapshot, to model: Snapshot) -> Snapshot {
        var updated = model
        let old = model.slice(matching: partial)
        for id in old.objects.keys { updated.remove(id) }
        for id in old.data.keys { updated.data.removeValue(forKey: id) }
        for object in partial.objects.values { updated.insert(object) }
        for (id, contents) in partial.data { updated.data[id] = contents }
        updated.scope = nil
        return updated
    }

    private func refs(_ snapshot: Snapshot) -> Set<CatalogRef> {
        Set(snapshot.objects.values.compactMap(\.catalog))
    }

    /// Runs the stairway from `since` (or the first revision).
    public func run(since: String? = nil) throws -> Report {
        let started = Date()
        var startIndex = 0
        if let since { startIndex = history.position(of: try history.resolve(since).id) ?? 0 }
        var findings: [Finding] = []
        var failed: [String] = []

        var session = try Session(try scratch.database("strata_stairway"))
        /// Builds a fresh database at position `index` (revisions 0…index applied) and reflects it.
        func rebuild(at index: Int) throws -> Snapshot {
            session.connection.close()
            scratch.drop(session.database)
            session = try Session(try scratch.database("strata_stairway"))
            if index >= 0 {
                for revision in history.revisions[0...index] { _ = try step(session, revision, .up, known: []) }
            }
            return try reflect(session, scope: nil)
        }
        var model: Snapshot
        if startIndex > 0 {
            model = try rebuild(at: startIndex - 1)
        } else {
            model = try reflect(session, scope: nil)
        }

        let pending = Array(history.revisions[startIndex...])
        for (offset, revision) in pending.enumerated() {
            progress?(offset + 1, pending.count, revision)
            let index = startIndex + offset
            var revisionFailed = false
            func report(_ kind: Finding.Kind, _ message: String) {
                findings.append(Finding(revision: revision.id, file: file(revision), kind: kind, message: message))
                revisionFailed = true
            }

            // 1. Up.
            let upTouched: Set<CatalogRef>
            do {
                upTouched = try step(session, revision, .up, known: refs(model))
            } catch let error as MigrationError {
                report(.error, "up failed at \(error.location): \(error.server.description)")
                failed.append(revision.id)
                // Later revisions build on this one: the stairway cannot go on.
                break
            }
            let afterUp = try reflect(session, scope: upTouched)
            let modelUp = apply(afterUp, to: model)

            // 2. Down, compared with the state before the up.
            guard revision.isReversible else {
                report(.error, "no down section: the revision is irreversible")
                failed.append(revision.id)
                model = modelUp
                continue
            }
            let downTouched: Set<CatalogRef>
            do {
                downTouched = try step(session, revision, .down, known: refs(modelUp))
            } catch let error as MigrationError {
                report(.error, "down failed at \(error.location): \(error.server.description)")
                failed.append(revision.id)
                model = modelUp  // the down's transaction was rolled back: the database is as after the up
                continue
            }
            let scopeDown = upTouched.union(downTouched)
            let afterDown = try reflect(session, scope: scopeDown)
            for change in SchemaDiff(from: model.slice(matching: afterDown), to: afterDown).changes {
                switch change.kind {
                case .added: report(.leftover, "\(change.object) remains after the downgrade of \(revision.id)")
                case .removed: report(.leftover, "\(change.object) is missing after the downgrade of \(revision.id) (it existed before the upgrade)")
                case .changed: report(.leftover, "\(change.object) differs after the downgrade of \(revision.id): \(change.attribute ?? "") \(change.old ?? "(none)") → \(change.new ?? "(none)")")
                case .moved: report(.columnOrder, "\(change.object) moved from position \(change.old ?? "?") to \(change.new ?? "?") after the downgrade of \(revision.id)")
                case .data: report(.data, "\(change.object): rows differ after the downgrade of \(revision.id) (\(change.attribute ?? "") \(change.old ?? "") → \(change.new ?? ""))")
                }
            }
            let modelDown = apply(afterDown, to: modelUp)

            // 3. Up again, compared with the first up.
            let reupTouched: Set<CatalogRef>
            do {
                reupTouched = try step(session, revision, .up, known: refs(modelDown))
            } catch let error as MigrationError {
                report(.error, "up failed the second time, after the down, at \(error.location): \(error.server.description)")
                failed.append(revision.id)
                model = try rebuild(at: index)
                continue
            }
            let afterReup = try reflect(session, scope: scopeDown.union(reupTouched))
            for change in SchemaDiff(from: modelUp.slice(matching: afterReup), to: afterReup).changes {
                // Rows inserted again get new identity and serial values; only a different row
                // count is a finding here (the down comparison above checks contents exactly).
                if change.kind == .data && change.attribute == "hash" { continue }
                let line = DiffText.line(change)
                report(change.kind == .moved ? .columnOrder : .reupDiffers, "after down and up again, \(revision.id) builds something else: \(line)")
            }
            model = apply(afterReup, to: modelDown)
            if revisionFailed { failed.append(revision.id) }
        }

        // Backstop: the model must equal a full reflection of the database.
        let full = try reflect(session, scope: nil)
        var modelWithoutScope = model
        modelWithoutScope.scope = nil
        let missed = SchemaDiff(from: modelWithoutScope, to: full).changes
        for change in missed {
            findings.append(Finding(revision: history.head?.id ?? "", file: nil, kind: .backstop,
                                    message: "the full comparison at the end found what the targeted snapshots missed: \(DiffText.line(change))"))
        }
        session.connection.close()
        scratch.drop(session.database)
        return Report(checked: pending.count, failedRevisions: failed, findings: findings, seconds: Date().timeIntervalSince(started))
    }
}
