import Foundation
import StrataPostgres
import StrataSchema

/// `strata verify stairway` (DESIGN §5): for each revision, upgrade one, downgrade one and
/// compare with the state before; upgrade again, which must succeed, and compare with the first
/// upgrade (in one transaction, only when the down did not restore everything: otherwise the
/// second up runs on the state the first ran on).
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

    func file(_ revision: Revision) -> String { "\(directoryDisplay)/\(revision.fileName ?? revision.id)" }

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

    /// One revision's check: the skeleton every path of the stairway fills in (`runFingerprinted`,
    /// in one transaction or a step per transaction, and `runReflecting`). The path's closures run
    /// the steps and compare; `check` runs them in order and reports a failed step in the same
    /// words on every path.
    struct RevisionCheck {
        /// Runs the up.
        var up: () throws -> Void
        /// After a failed up.
        var upFailed: () throws -> Void = {}
        /// After the up of a revision without a down.
        var irreversible: () throws -> Void = {}
        /// Runs the down; whether the state differs from the one before the up.
        var down: () throws -> Bool
        /// After a failed down: back to the state after the up.
        var downFailed: () throws -> Void = {}
        /// Runs the up again; whether it built something else than the first.
        var reup: () throws -> Bool
        /// After a failed second up, with whether the down differed: report what differs and go on
        /// from the state the ups build.
        var reupFailed: (Bool) throws -> Void
        /// After the three steps, with whether the down and the second up differed: report what
        /// differs and go on from the state the ups build.
        var settle: (Bool, Bool) throws -> Void
        /// Step errors that are not findings: `check` throws them (the path checks the revision
        /// another way).
        var passes: (MigrationError) -> Bool = { _ in false }
    }

    /// Runs `steps` for `revision`; false when later revisions cannot be checked (its up failed).
    func check(_ revision: Revision, _ steps: RevisionCheck, _ report: (Finding.Kind, String) -> Void) throws -> Bool {
        do {
            try steps.up()
        } catch let error as MigrationError where !steps.passes(error) {
            try steps.upFailed()
            report(.error, "up failed at \(error.location): \(error.server.description)")
            return false  // later revisions build on this one: the stairway cannot go on
        }
        guard revision.isReversible else {
            if !noDowns { report(.error, Self.noDown(revision)) }
            try steps.irreversible()
            return true
        }
        let downDiffers: Bool
        do {
            downDiffers = try steps.down()
        } catch let error as MigrationError where !steps.passes(error) {
            report(.error, Self.downFailed(error))
            try steps.downFailed()
            return true
        }
        let reupDiffers: Bool
        do {
            reupDiffers = try steps.reup()
        } catch let error as MigrationError where !steps.passes(error) {
            report(.error, "up failed the second time, after the down, at \(error.location): \(error.server.description)")
            try steps.reupFailed(downDiffers)
            return true
        }
        try steps.settle(downDiffers, reupDiffers)
        return true
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
