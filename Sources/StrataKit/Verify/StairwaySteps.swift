import Foundation
import StrataPostgres
import StrataSchema

/// A stairway job's session and its steps: one section of one revision, run through the
/// `RevisionExecutor` (or the project's Alembic), and what it touched.
extension StairwayVerifier {
    /// The runner's reset, but keeping prepared statements (the reflection's and the capture's
    /// survive between steps; a revision that PREPAREs is rare, and its statement cannot change the
    /// schema), with JIT off (compiling the capture's plan would cost more than running it), and the
    /// per-transaction statistics flushed so that the next step's count only that step.
    static func resetSession(flushStatistics: Bool) -> String {
        RevisionExecutor.resetSession(keepingPrepared: true) + "; SET jit = off"
            + (flushStatistics ? "; SELECT pg_catalog.pg_stat_force_next_flush()" : "")
    }

    final class Session {
        let database: ConnectionString
        let connection: PGConnection
        let tracker: ChangeTracker
        /// Event triggers record what each step touched (`StepRecorder`); else every step is scanned.
        private(set) var recording = false
        /// Why the recorder could not be installed, when the user should hear of it.
        private(set) var recorderNote: String?
        let reset: String
        /// Runs an Alembic history's steps (started at the first one).
        var alembic: AlembicHelper?
        init(_ database: ConnectionString) throws {
            self.database = database
            connection = try PGConnection(database)
            tracker = ChangeTracker(connection: connection)
            // pg_stat_force_next_flush() is new in PostgreSQL 15; before, the counters may also hold
            // earlier steps' writes, which only makes the sets larger.
            let flush = connection.serverVersionNumber >= 150000
            reset = StairwayVerifier.resetSession(flushStatistics: flush)
            try connection.execute(reset)
        }

        /// Stops the Alembic helper and closes the connection.
        func close() {
            alembic?.close()
            alembic = nil
            connection.close()
        }

        /// Takes up the recorder a copy of a recording database holds: prepares the capture.
        func resumeRecording() throws {
            try StepRecorder.prepareCapture(on: connection)
            try StepRecorder.clearLog(on: connection)
            recording = true
        }

        /// Installs the recorder (when the server lets us).
        func record() throws {
            do {
                recording = try StepRecorder.install(on: connection)
            } catch let unavailable as StepRecorder.Unavailable {
                recording = false
                recorderNote = unavailable.description
            }
        }
    }

    /// A session on a new scratch database with revisions 0…`index` applied (none when `index`
    /// is -1), the recorder installed after them when `record`.
    func session(at index: Int, record: Bool) throws -> Session {
        let database = try scratch.database("strata_stairway")
        let session: Session
        do {
            session = try Session(database)
        } catch {
            scratch.drop(database)
            throw error
        }
        do {
            if index >= 0 {
                for revision in history.revisions[0...index] { _ = try step(session, revision, .up, track: false) }
            }
            if record { try session.record() }
            return session
        } catch {
            session.close()
            scratch.drop(database)
            throw error
        }
    }

    /// What a step touched: catalog refs, and with the recorder their entries after the step.
    /// (`known`, the refs of every object the caller knows, is only needed when the catalogs are
    /// scanned: a closure, so that the other steps do not build it.)
    struct Touched {
        var refs: Set<CatalogRef>
        var entries: [CatalogRef: StepRecorder.Entry?] = [:]
        /// The refs reached themselves (all their indexes are among the entries).
        var wholes: Set<CatalogRef> = []
        /// Objects that refer to touched ones, by the touched object.
        var dependents: [CatalogRef: Set<CatalogRef>] = [:]
        /// Indexes reached through their table, unchanged (no entries).
        var quiet: Set<CatalogRef> = []
    }

    /// Runs one section in its own transaction (or statement by statement when the revision is
    /// not transactional); returns what it touched (nothing when `track` is false). A
    /// transactional section with the recorder is one round trip: BEGIN, the section, the
    /// capture, COMMIT and the session reset.
    func step(
        _ session: Session, _ revision: Revision, _ direction: MigrationError.Direction, known: () -> Set<CatalogRef> = { [] }, track: Bool = true,
        retried: Bool = false
    ) throws -> Touched {
        if revision.batching == .alembic { return try alembicStep(session, revision, direction, known: known, track: track) }
        let executor = RevisionExecutor(connection: session.connection, directoryDisplay: directoryDisplay)
        let transactional = revision.isTransactional(direction)  // scans a whole-file section: once per step
        // A section that runs DEALLOCATE ALL takes the prepared capture with it: then the capture
        // is sent whole, and prepared again for the next steps.
        let capture = retried ? try StepRecorder.captureSQL(on: session.connection) : "EXECUTE \(StepRecorder.captureStatement)"
        defer { if retried { try? StepRecorder.prepareCapture(on: session.connection) } }
        do {
            if transactional && (session.recording || !track) {
                let results = try executor.runWhole(
                    revision, direction, prefix: "BEGIN;\n", suffix: (track ? StepRecorder.settings + "; " + capture + "; " : "") + "COMMIT; " + session.reset)
                guard track else { return Touched(refs: []) }
                return try touched(in: results, session, known: known)
            }
            if !track {
                try executor.runStatements(revision, direction)
                try session.connection.execute(session.reset)
                return Touched(refs: [])
            }
            let from = try session.tracker.nextXID()
            let knownRefs = known()
            var written = Set<CatalogRef>()
            if transactional {
                let results = try executor.runWhole(revision, direction, prefix: "BEGIN;\n", suffix: ChangeTracker.writtenTablesSQL + "; COMMIT; " + session.reset)
                written = ChangeTracker.writtenTables(in: results)
            } else {
                let counted = try ChangeTracker.rowCounts(on: session.connection)
                try executor.runStatements(revision, direction)
                try session.connection.execute(session.reset)
                if session.recording { try StepRecorder.clearLog(on: session.connection) }
                if let counted, let counts = try ChangeTracker.rowCounts(on: session.connection) {
                    written = Set(counts.filter { counted[$0.key] != $0.value }.keys.map(CatalogRef.relation))
                } else {
                    written = Set(knownRefs.filter { $0.classID == CatalogRef.pgClass })  // check every table's rows
                }
            }
            let touched = try session.tracker.touched(from: from, known: knownRefs)
            guard session.recording else { return Touched(refs: touched.union(written)) }
            // A table whose rows may have changed needs its contents entry (class 0), not its whole
            // entry again: fingerprinting every relation after each non-transactional step made
            // them cost 0.2 s each in a 1,000-revision history. (A touched table's entries come
            // with its contents: a TRUNCATE, which counts no rows, writes its catalog row.)
            let refs = touched.union(written.map { CatalogRef(classID: 0, objectID: $0.objectID) })
            let more = try StepRecorder.entries(of: refs, on: session.connection)
            return Touched(refs: refs, entries: more.entries, wholes: more.wholes)
        } catch let failure as RevisionExecutor.Failure
            where failure.server.sqlState == "26000" && failure.server.message.contains(StepRecorder.captureStatement) && session.recording && !retried
        {
            // The section ran DEALLOCATE ALL: its transaction was rolled back; run it again.
            _ = try? session.connection.execute("ROLLBACK")
            _ = try? session.connection.execute(session.reset)
            return try step(session, revision, direction, known: known, track: track, retried: true)
        } catch let failure as RevisionExecutor.Failure {
            _ = try? session.connection.execute("ROLLBACK")
            _ = try? session.connection.execute(session.reset)
            throw MigrationError(
                revision: revision.id, direction: direction, location: executor.location(of: failure, revision, direction), server: failure.server, outcome: "")
        }
    }

    /// What the capture among a round trip's `results` says the step touched.
    func touched(in results: [PGResult], _ session: Session, known: () -> Set<CatalogRef>) throws -> Touched {
        guard let capture = StepRecorder.capture(in: results) else {
            throw PostgresError(kind: .client, message: "the step's capture returned no result")
        }
        return try touched(by: capture, session, known: known)
    }

    /// What a capture says a step touched; when the log may be incomplete, with the catalogs'
    /// scan since the step's transaction began.
    func touched(by capture: StepRecorder.Capture, _ session: Session, known: () -> Set<CatalogRef>) throws -> Touched {
        var touched = Touched(
            refs: Set(capture.entries.keys), entries: capture.entries, wholes: capture.wholes, dependents: capture.dependents,
            quiet: capture.quiet)
        if capture.needsScan {
            let scanned = try session.tracker.touched(from: capture.xid, known: known())
            let more = try StepRecorder.entries(of: scanned, on: session.connection)
            touched.refs.formUnion(scanned)
            touched.entries.merge(more.entries) { first, _ in first }
            touched.wholes.formUnion(more.wholes)
        }
        return touched
    }

    /// An Alembic revision's step, run by the project's Alembic in the session's helper (its own
    /// connection; the version table left alone): with the recorder, the capture runs inside the
    /// step's transaction on that connection; without it, the catalogs are scanned after it.
    func alembicStep(
        _ session: Session, _ revision: Revision, _ direction: MigrationError.Direction, known: () -> Set<CatalogRef>, track: Bool
    ) throws -> Touched {
        let helper: AlembicHelper
        if let running = session.alembic {
            helper = running
        } else {
            guard let pool = alembicHelpers else {
                throw StrataError.environment("cannot write the Alembic revisions to a temporary directory")
            }
            helper = try pool.take(for: session.database)
            session.alembic = helper
        }
        guard track else {
            try helper.step(revision, direction, record: false)
            return Touched(refs: [])
        }
        if session.recording {
            // The runner's session reset is not the helper's (its connection is env.py's): JIT off
            // for the capture (compiling its plan cost about 3 s a step where the server has JIT),
            // and the statistics flushed when the step's transaction ends, so that the next step's
            // per-transaction counts are its own (PostgreSQL 15+).
            let flush = session.connection.serverVersionNumber >= 150000 ? "; SELECT pg_catalog.pg_stat_force_next_flush()" : ""
            let capture = ["SET LOCAL jit = off; " + StepRecorder.settings + flush, "EXECUTE \(StepRecorder.captureStatement)",
                           StepRecorder.captureStatement,
                           "PREPARE \(StepRecorder.captureStatement) AS " + (try StepRecorder.captureSQL(on: session.connection))]
            let reply = try helper.step(revision, direction, record: false, capture: capture)
            return try touched(by: StepRecorder.capture(rows: reply.rows ?? []), session, known: known)
        }
        let from = try session.tracker.nextXID()
        let knownRefs = known()
        try helper.step(revision, direction, record: false)
        let touched = try session.tracker.touched(from: from, known: knownRefs)
        return Touched(refs: touched.union(knownRefs.filter { $0.classID == CatalogRef.pgClass }))
    }
}
