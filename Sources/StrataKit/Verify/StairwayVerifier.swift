import Foundation
import StrataPostgres
import StrataSchema

/// `strata verify stairway` (DESIGN §5): for each revision, upgrade one, downgrade one and
/// compare with the state before; upgrade again and compare with the first upgrade.
///
/// It never takes a whole-schema snapshot per step (that makes a stairway O(N²)). On a server
/// where it may create event triggers (a superuser: the embedded server), each step reports
/// what it touched and those objects' fingerprints in the step's own round trip
/// (`StepRecorder`); the verifier keeps the fingerprints of every object and compares, per
/// revision, the touched objects before the up with after the down, and after the first up with
/// after the second. A revision whose fingerprints differ is explained exactly, by a reflection
/// diff, without building any state again from the ups: a revision whose sections run in a
/// transaction is checked in one, each step after a savepoint, and rolled back to them to reflect
/// what the steps touched (`StairwayFingerprints.swift`); before any other revision the job may
/// copy its database, in which the difference is explained and the job goes on. Elsewhere it keeps an in-memory
/// model of the reflected database and reflects only what each step touched (`ChangeTracker`).
/// Either way a full comparison at the end must agree with what was tracked, so a gap in the
/// tracking can never pass silently. Several jobs check stretches of the history at the same
/// time, each in a scratch database of its own (`jobs`, `stretches`).
public struct StairwayVerifier {
    public struct Finding: Sendable, Codable {
        public enum Kind: String, Sendable, Codable {
            /// The down left something behind or removed too much.
            case leftover
            /// An object that existed before the up is different after the down: the up changed
            /// it (an index predicate, a function body, a grant) and the down did not restore it.
            case changed
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
        /// What the user should know about how the check ran (not findings: they do not fail it).
        public var notes: [String] = []
        /// Revisions with nothing to check after their up: the layout keeps no down sections.
        public var unchecked: [String] = []
        /// Findings of kinds the user allowed (`--allow column-order`): printed, not failing.
        public var warnings: [Finding] = []
        public var passed: Bool { findings.isEmpty }

        /// Moves the findings of `kinds` to the warnings; a revision whose every finding moved no
        /// longer fails.
        public mutating func allow(_ kinds: Set<Finding.Kind>) {
            guard !kinds.isEmpty else { return }
            warnings += findings.filter { kinds.contains($0.kind) }
            findings.removeAll { kinds.contains($0.kind) }
            let failing = Set(findings.map(\.revision))
            failedRevisions.removeAll { !failing.contains($0) }
        }
    }

    public let history: History
    public let scratch: ScratchPool
    public let directoryDisplay: String
    /// Called after each revision with the number of revisions done, their total and the revision
    /// (from the jobs' threads, one call at a time).
    public var progress: ((Int, Int, Revision) -> Void)?
    /// How many scratch databases check the history at the same time, each a stretch of it.
    public var jobs = StairwayVerifier.defaultJobs
    /// The history's layout has no down sections (Prisma; sqlx with simple migrations only):
    /// a revision without one is not a finding, there is just nothing to check after its up.
    public var noDowns = false

    /// One job per processor, at most 8.
    public static var defaultJobs: Int { max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8)) }
    /// The fewest revisions a job checks (a job costs a database, the recorder and a full
    /// fingerprint at each end); tests lower it to cut small histories.
    var minimumStretch = 12

    public init(history: History, scratch: ScratchPool, directoryDisplay: String) {
        self.history = history
        self.scratch = scratch
        self.directoryDisplay = directoryDisplay
        // An error writing the files comes back at the first step (the pool is nil then).
        alembicHelpers = try? AlembicHelperPool(history: history, display: directoryDisplay)
    }

    /// An Alembic history's helpers (the caller may start them early: `prewarm`).
    public var alembicHelpers: AlembicHelperPool?

    /// How many jobs a run over `revisions` revisions uses with `jobs` allowed (what to prewarm).
    public static func plannedJobs(revisions: Int, jobs: Int = defaultJobs) -> Int {
        stretches(from: 0, to: revisions, jobs: jobs).count
    }

    /// The runner's reset, but keeping prepared statements (the reflection's and the capture's
    /// survive between steps; a revision that PREPAREs is rare, and its statement cannot change the
    /// schema), with JIT off (compiling the capture's plan would cost more than running it), and the
    /// per-transaction statistics flushed so that the next step's count only that step.
    static func resetSession(flushStatistics: Bool) -> String {
        RevisionExecutor.resetSession(keepingPrepared: true) + "; SET jit = off"
            + (flushStatistics ? "; SELECT pg_catalog.pg_stat_force_next_flush()" : "")
    }

    func file(_ revision: Revision) -> String { "\(directoryDisplay)/\(revision.fileName ?? revision.id)" }

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
                guard let capture = StepRecorder.capture(in: results) else {
                    throw PostgresError(kind: .client, message: "the step's capture returned no result")
                }
                return try touched(by: capture, session, known: known)
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
                try executor.runStatements(revision, direction)
                try session.connection.execute(session.reset)
                if session.recording { try StepRecorder.clearLog(on: session.connection) }
                written = Set(knownRefs.filter { $0.classID == CatalogRef.pgClass })  // no per-transaction stats: check every table's rows
            }
            let touched = try session.tracker.touched(from: from, known: knownRefs)
            guard session.recording else { return Touched(refs: touched.union(written)) }
            // A table whose rows may have changed needs its contents entry (class 0), not its whole
            // entry again: fingerprinting every relation after each non-transactional step made
            // them cost 0.2 s each in a 1,000-revision history.
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

    func reflect(_ session: Session, scope: Set<CatalogRef>?) throws -> Snapshot {
        let options = ReflectionOptions(scope: scope.map { .objects(Array($0)) } ?? .everything, includeData: true, excludedTables: [])
        return try SchemaReflector.reflect(session.connection, options: options)
    }

    /// The model with the slice `partial` covers replaced by `partial`.
    func apply(_ partial: Snapshot, to model: Snapshot) -> Snapshot {
        var updated = model
        let old = model.slice(matching: partial)
        for id in old.objects.keys { updated.remove(id) }
        for id in old.data.keys { updated.data.removeValue(forKey: id) }
        for object in partial.objects.values { updated.insert(object) }
        for (id, contents) in partial.data { updated.data[id] = contents }
        updated.scope = nil
        return updated
    }

    func refs(_ snapshot: Snapshot) -> Set<CatalogRef> {
        Set(snapshot.objects.values.compactMap(\.catalog))
    }

    /// The finding of a revision without a down section (an Alembic downgrade that only raises).
    static func noDown(_ revision: Revision) -> String {
        revision.batching == .alembic ? "irreversible by design: its downgrade() only raises" : "no down section: the revision is irreversible"
    }

    /// The finding of a down that failed, or that raised on purpose (an Alembic downgrade).
    static func downFailed(_ error: MigrationError) -> String {
        error.irreversible
            ? "irreversible by design: its downgrade raises at \(error.location) (\(error.server.message)); the revision cannot be downgraded"
            : "down failed at \(error.location): \(error.server.description)"
    }

    /// The findings of a down compared with the state before its up.
    func downFindings(_ changes: [SchemaChange], _ revision: Revision) -> [(Finding.Kind, String)] {
        changes.map { change in
            switch change.kind {
            case .added: return (.leftover, "\(change.object) remains after the downgrade of \(revision.id)")
            case .removed: return (.leftover, "\(change.object) is missing after the downgrade of \(revision.id) (it existed before the upgrade)")
            case .changed: return (.changed, "\(change.object) is not restored by the downgrade of \(revision.id): \(change.attribute ?? "") \(change.old ?? "(none)") → \(change.new ?? "(none)")")
            case .moved: return (.columnOrder, "\(change.object) moved from position \(change.old ?? "?") to \(change.new ?? "?") after the downgrade of \(revision.id)")
            case .data: return (.data, "\(change.object): rows differ after the downgrade of \(revision.id) (\(change.attribute ?? "") \(change.old ?? "") → \(change.new ?? ""))")
            }
        }
    }

    /// The findings of a second up compared with the first. Rows inserted again get new identity
    /// and serial values; only a different row count is a finding here (the down comparison checks
    /// contents exactly).
    func reupFindings(_ changes: [SchemaChange], _ revision: Revision) -> [(Finding.Kind, String)] {
        changes.compactMap { change in
            if change.kind == .data && change.attribute == "hash" { return nil }
            return (change.kind == .moved ? .columnOrder : .reupDiffers, "after down and up again, \(revision.id) builds something else: \(DiffText.line(change))")
        }
    }

    /// What one job found in its stretch of the history.
    struct Stretch {
        var findings: [Finding] = []
        var failed: [String] = []
        var checked = 0
        /// An up failed: later revisions build on it, so the stairway cannot go on.
        var halted = false
        var notes: [String] = []
    }

    /// Counts the revisions every job has done, for `progress`.
    final class Progress: @unchecked Sendable {
        private let lock = NSLock()
        private var done = 0
        private let total: Int
        private let report: ((Int, Int, Revision) -> Void)?
        init(total: Int, _ report: ((Int, Int, Revision) -> Void)?) {
            self.total = total
            self.report = report
        }
        func did(_ revision: Revision) {
            lock.withLock {
                done += 1
                report?(done, total, revision)
            }
        }
    }

    /// Calls `body` for each revision of `range` (it returns false to stop) with a `report` that
    /// records a finding against the revision; a revision with findings failed.
    func eachRevision(
        in range: Range<Int>, _ stretch: inout Stretch, _ progress: Progress,
        _ body: (Int, Revision, (Finding.Kind, String) -> Void) throws -> Bool
    ) throws {
        for index in range {
            let revision = history.revisions[index]
            var found: [Finding] = []
            let goOn = try body(index, revision) { kind, message in
                found.append(Finding(revision: revision.id, file: file(revision), kind: kind, message: message))
            }
            progress.did(revision)
            stretch.checked += 1
            stretch.findings += found
            if !found.isEmpty { stretch.failed.append(revision.id) }
            if !goOn {
                stretch.halted = true
                return
            }
        }
    }

    /// Runs the stairway from `since` (or the first revision). With several `jobs`, the history
    /// is cut into stretches, each checked in a scratch database of its own that first applies
    /// the ups of the revisions before it; a revision is checked on the same state either way
    /// (after a revision that fails, its job rebuilds that state from the ups).
    public func run(since: String? = nil) throws -> Report {
        let started = Date()
        var startIndex = 0
        if let since { startIndex = history.position(of: try history.resolve(since).id) ?? 0 }
        let stretches = Self.stretches(from: startIndex, to: history.count, jobs: jobs, minimum: minimumStretch)
        alembicHelpers?.prewarm(stretches.count)
        let progress = Progress(total: history.count - startIndex, self.progress)
        let results: [Stretch]
        if stretches.count <= 1 {
            results = [try check(stretches[0], progress)]
        } else {
            let slots = ResultSlots<Stretch>(count: stretches.count)
            let verifier = UncheckedBox(self)
            DispatchQueue.concurrentPerform(iterations: stretches.count) { index in
                slots.set(index, Result { try verifier.value.check(stretches[index], progress) })
            }
            results = try slots.values().map { try $0.get() }
        }
        var report = Report(checked: 0, failedRevisions: [], findings: [], seconds: 0)
        for result in results {
            report.checked += result.checked
            report.findings += result.findings
            report.failedRevisions += result.failed.filter { !report.failedRevisions.contains($0) }
            report.notes += result.notes.filter { !report.notes.contains($0) }
            if result.halted { break }  // later stretches built on what failed
        }
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    /// Cuts revisions `start..<end` into at most `jobs` stretches that take about as long. Checking
    /// revision `i` costs `1 + i / end` (the schema grows: later revisions have more to scan and
    /// fingerprint, measured about twice as much at the end of a history), and a stretch first
    /// applies the ups before it (`fastForward` of that cost each), so later stretches are
    /// shorter. A stretch has at least `minimum` revisions.
    static func stretches(from start: Int, to end: Int, jobs: Int, fastForward: Double = 0.12, minimum: Int = 12) -> [Range<Int>] {
        let count = max(1, min(jobs, (end - start) / minimum))
        guard count > 1 else { return [start..<end] }
        // before[i]: the cost of checking revisions 0..<i
        var before = [0.0]
        for index in 0..<end { before.append(before[index] + checkCost(index, of: end)) }
        // With at most `time` per job, where each of `count` jobs gets (each as far as it can).
        func bounds(_ time: Double) -> [Int] {
            var result = [start]
            for _ in 0..<count {
                let from = result.last!
                var to = from
                let budget = time - fastForward * before[from]
                while to < end && before[to + 1] - before[from] <= budget { to += 1 }
                result.append(max(min(from + 1, end), to))
            }
            return result
        }
        var low = 0.0, high = before[end] - before[start]
        while high - low > 0.25 {
            let middle = (low + high) / 2
            if bounds(middle).last! >= end { high = middle } else { low = middle }
        }
        let cut = bounds(high)
        return zip(cut, cut.dropFirst()).map { $0..<$1 }.filter { !$0.isEmpty }
    }

    /// The model's cost of checking revision `index` of a history of `count`.
    static func checkCost(_ index: Int, of count: Int) -> Double { 1 + Double(index) / Double(max(1, count)) }

    /// Checks the revisions of `range` in a scratch database of its own.
    private func check(_ range: Range<Int>, _ progress: Progress) throws -> Stretch {
        guard !range.isEmpty else { return Stretch() }
        let clock = Date()
        func time(_ what: String) {
            guard Self.timing else { return }
            let line = String(format: "stairway job %d..<%d: %@ after %.3f s\n", range.lowerBound, range.upperBound, what, Date().timeIntervalSince(clock))
            FileHandle.standardError.write(Data(line.utf8))
        }
        defer { time("done") }
        let session: Session
        do {
            session = try self.session(at: range.lowerBound - 1, record: !Self.reflectEveryStep)
            time("ready")
        } catch let error as MigrationError {
            // The ups before the stretch failed where the job checking them did not stop: say so.
            let index = history.position(of: error.revision) ?? range.lowerBound
            let revision = history.revisions[index]
            let message = "up failed at \(error.location) while building the state before \(history.revisions[range.lowerBound].id): \(error.server.description)"
            return Stretch(findings: [Finding(revision: revision.id, file: file(revision), kind: .error, message: message)],
                           failed: [revision.id], checked: 0, halted: true)
        }
        var stretch = session.recording ? try runFingerprinted(session, range, progress, mark: time) : try runReflecting(session, range, progress)
        if let note = session.recorderNote { stretch.notes.append(note) }
        return stretch
    }

    /// Tests set this to check the path servers without event triggers take.
    nonisolated(unsafe) static var reflectEveryStep = false

    /// Each job's times on standard error, when `STRATA_STAIRWAY_TIMING` is set.
    static let timing = ProcessInfo.processInfo.environment["STRATA_STAIRWAY_TIMING"] != nil

}

/// Hands a value the jobs only read to their threads.
private struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
