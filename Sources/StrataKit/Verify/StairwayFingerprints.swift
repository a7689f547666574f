import Foundation
import StrataPostgres
import StrataSchema

/// The stairway on a server where the recorder runs (DESIGN §5): fingerprints of what each step
/// touched, and scoped reflections only to explain a difference.
extension StairwayVerifier {

    func runFingerprinted(_ first: Session, _ range: Range<Int>, _ progress: Progress, mark: (String) -> Void) throws -> Stretch {
        var stretch = Stretch()
        var session = first
        /// A fresh database with revisions 0…index applied; fingerprints of everything in it.
        func rebuild(at index: Int) throws -> [CatalogRef: StepRecorder.Entry] {
            session.close()
            scratch.drop(session.database)
            session = try self.session(at: index, record: true)
            return try StepRecorder.allEntries(on: session.connection)
        }
        /// Where the time of the differences went (for `STRATA_STAIRWAY_TIMING`).
        var spent = (explaining: 0.0, separately: 0.0)
        var live: [CatalogRef: StepRecorder.Entry] = [:]
        var children: [CatalogRef: Set<CatalogRef>] = [:]
        /// Starts over from the entries of a whole database.
        func restart(_ entries: [CatalogRef: StepRecorder.Entry]) {
            live = entries
            children = [:]
            for (ref, entry) in live { if let owner = entry.owner { children[owner, default: []].insert(ref) } }
        }
        restart(try StepRecorder.allEntries(on: session.connection))
        mark("fingerprinted")
        /// Stores a step's entries (a touched owner's sub-objects the step did not list are gone);
        /// returns what they replaced.
        func apply(_ step: Touched) throws -> Previous {
            var touched = step
            // Objects that print something of a touched object that changed (a rename) change too.
            var refresh = Set<CatalogRef>()
            for (ref, new) in touched.entries {
                guard let new, let old = live[ref], old.renamed(in: new) else { continue }
                refresh.formUnion(touched.dependents[ref] ?? [])
                refresh.formUnion(children[ref] ?? [])  // its indexes print its name and its columns'
            }
            if !refresh.isEmpty {
                let more = try StepRecorder.entries(of: refresh, on: session.connection)
                touched.entries.merge(more.entries) { first, _ in first }
                touched.wholes.formUnion(more.wholes)
            }
            var entries = touched.entries
            for ref in touched.wholes {
                for child in children[ref] ?? [] where entries[child] == nil && !touched.quiet.contains(child) { entries[child] = .some(nil) }
            }
            return put(entries)
        }
        /// Sets entries; returns what they replaced (`put` of that undoes it).
        @discardableResult
        func put(_ entries: Previous) -> Previous {
            var previous: Previous = [:]
            for (ref, entry) in entries {
                let old = live[ref]
                previous[ref] = .some(old)
                if let owner = old?.owner { children[owner]?.remove(ref) }
                if let owner = entry?.owner { children[owner, default: []].insert(ref) }
                live[ref] = entry
            }
            return previous
        }
        func known() -> Set<CatalogRef> { Set(live.keys.filter { $0.classID != 0 }) }

        /// Checks a revision in one transaction, each step after a savepoint (`checksInOneTransaction`),
        /// with two captures. The down's covers what the up touched too (nothing takes the event
        /// log between them) and is compared with the entries before the up. When the down restored
        /// every object, the second up runs on the state the first ran on, in the same transaction
        /// (the same `now()`): it must succeed, and its capture and COMMIT come in its own round
        /// trip; the job goes on from it. When the down differs, the second up runs too, and the
        /// differences are explained by rolling back to the savepoints and reflecting what the steps
        /// touched: before the up against after the down, after the first up against after the
        /// second. Nothing is built again from the ups. Nil when the revision must be checked in a
        /// transaction per step after all (an error only one transaction causes,
        /// `needsSeparateTransactions`): the database and the entries are then back to the state
        /// before the revision.
        func inOneTransaction(_ index: Int, _ revision: Revision, _ report: @escaping (Finding.Kind, String) -> Void) throws -> Bool? {
            let connection = session.connection
            var replaced: [Previous] = []  // what each applied capture replaced
            /// Runs a step after `savepoint`; with `capture`, applies what it touched and returns
            /// what that replaced; with `commit`, commits the revision in the same round trip.
            @discardableResult
            func run(_ direction: MigrationError.Direction, _ savepoint: String, capture: Bool = true, commit: Bool = false) throws -> Previous {
                let touched: Touched?
                do {
                    touched = try savepointStep(session, revision, direction, savepoint: savepoint, capture: capture, commit: commit, known: known)
                } catch let lost as TransactionLost {
                    try rollBack()  // (its COMMIT failed: nothing of the revision stayed)
                    throw lost
                }
                guard connection.inTransaction == !commit else {
                    // The revision ended the transaction itself: build the state before it again.
                    restart(try rebuild(at: index - 1))
                    replaced = []
                    throw TransactionLost()
                }
                guard let touched else { return [:] }
                let previous = try apply(touched)
                replaced.append(previous)
                return previous
            }
            /// Back to the state before the revision, database and entries, to check it a step per
            /// transaction.
            func rollBack() throws {
                if connection.inTransaction { _ = try? connection.execute("ROLLBACK") }
                try connection.execute(session.reset)
                for previous in replaced.reversed() { put(previous) }
                replaced = []
            }
            /// Commits the revision's transaction. Should COMMIT fail after all, nothing of it stays:
            /// the revision is checked a step per transaction.
            func commit() throws {
                do {
                    try connection.execute("COMMIT; " + session.reset)
                } catch let error as PostgresError where error.kind == .server {
                    try rollBack()
                    throw TransactionLost()
                }
            }
            /// Goes on from the state after the up (a step after it failed): rolled back to it, the
            /// event log holds what the up touched again (the down's capture took it in the
            /// savepoint), so one capture gives the up's entries; then COMMIT.
            func keepUp() throws {
                let message = "ROLLBACK TO SAVEPOINT strata_down; " + StepRecorder.settings + "; EXECUTE \(StepRecorder.captureStatement); COMMIT; "
                    + session.reset
                let results: [PGResult]
                do {
                    results = try connection.executeAll(message)
                } catch let error as PostgresError where error.sqlState == "26000" {
                    // The up ran DEALLOCATE ALL: prepare the capture again.
                    try connection.execute("ROLLBACK TO SAVEPOINT strata_down")
                    try StepRecorder.prepareCapture(on: connection)
                    results = try connection.executeAll(message)
                }
                for previous in replaced.reversed() { put(previous) }
                replaced = []
                _ = try apply(try touched(in: results, session, known: known))
            }
            /// Explains what the down (and the second up, when it ran) changed, from scoped
            /// reflections at the savepoints, newest first, and commits the state after the up. The
            /// down's reflections cover the objects whose fingerprints differ (equal fingerprints
            /// mean equal reflections); the second up's, every object a step touched. When every
            /// object the down changed did not exist before the up (what it left behind), the state
            /// before the up is the one after the down without them: no reflection there, and the
            /// up need not run again (`keepUp`).
            func explainDown(reupRan: Bool, differing: Previous) throws {
                let explaining = Date()
                defer { spent.explaining += Date().timeIntervalSince(explaining) }
                let scope = Self.reflectionScope(of: replaced), downScope = Self.reflectionScope(of: [differing])
                var changes: (down: [SchemaChange], reup: [SchemaChange]) = ([], [])
                let afterReup = reupRan ? try reflect(session, scope: scope) : nil
                if reupRan { try connection.execute("ROLLBACK TO SAVEPOINT strata_reup") }
                let afterDown = try reflect(session, scope: downScope)
                if let afterReup {
                    try connection.execute("ROLLBACK TO SAVEPOINT strata_down")
                    changes.reup = SchemaDiff(from: try reflect(session, scope: scope), to: afterReup).changes
                }
                if differing.values.allSatisfy({ $0 == nil }) {
                    changes.down = SchemaDiff(from: Self.without(downScope, afterDown), to: afterDown).changes
                    try keepUp()
                } else {
                    try connection.execute("ROLLBACK TO SAVEPOINT strata_up")
                    changes.down = SchemaDiff(from: try reflect(session, scope: downScope), to: afterDown).changes
                    for previous in replaced.reversed() { put(previous) }
                    replaced = []
                    try run(.up, "strata_up")
                    try commit()
                }
                var found = downFindings(changes.down, revision) + reupFindings(changes.reup, revision)
                if found.isEmpty {
                    // What differs is outside what the steps touched as reflection scopes it: compare
                    // whole databases, built again.
                    found = try explain(index, down: true, reup: false)
                }
                found.forEach { report($0.0, $0.1) }
            }
            var downDiffers = false
            var differing: Previous = [:]  // what the down's capture replaced that it changed
            do {
                return try check(revision, RevisionCheck(
                    up: { try run(.up, "strata_up", capture: false) },
                    upFailed: { try connection.execute("ROLLBACK; " + session.reset) },
                    down: {
                        let beforeDown = try run(.down, "strata_down")
                        downDiffers = Self.downDiffers(beforeUp: [:], beforeDown: beforeDown, now: live)
                        if downDiffers { differing = beforeDown.filter { $0.value != live[$0.key] } }
                        return downDiffers
                    },
                    downFailed: keepUp,
                    reup: {
                        try run(.up, "strata_reup", commit: !downDiffers)
                        return false  // (compared by reflection when the down differs)
                    },
                    reupFailed: { downDiffers in try downDiffers ? explainDown(reupRan: false, differing: differing) : keepUp() },
                    settle: { downDiffers, _ in if downDiffers { try explainDown(reupRan: true, differing: differing) } },
                    passes: { Self.needsSeparateTransactions($0.server) }
                ), report)
            } catch let error as MigrationError where Self.needsSeparateTransactions(error.server) {
                try rollBack()
                return nil
            } catch is TransactionLost {
                return nil
            }
        }

        /// What copies and checks have cost so far in this job, and how many revisions differed: a
        /// copy is taken when it costs less than what it is expected to save.
        var costs = (copy: 0.06, copies: 0, failing: 0, started: Date(), checked: 0)
        /// A copy of the job's database as it is now (the state before the revision about to run),
        /// the job's session opened again; nil when the copy would cost more than it is expected to
        /// save: without it, a difference costs building the state before the revision twice (about
        /// a fifth of a checked revision per up before it), and a difference happens about as often
        /// as it did so far (one in eight to start with). Never for an Alembic revision: every one is
        /// checked a step per transaction, in the helper.
        func copy(before revision: Revision, at index: Int) throws -> ConnectionString? {
            guard revision.isReversible, revision.batching != .alembic, let name = session.database.database else { return nil }
            let perRevision = costs.checked > 0 ? Date().timeIntervalSince(costs.started) / Double(costs.checked) : 0.01
            let likelihood = Double(costs.failing + 1) / Double(costs.checked + 8)
            guard Self.copyBeforeSeparateSteps ?? (likelihood * 2 * Double(index) * perRevision / 5 > costs.copy) else { return nil }
            let started = Date()
            session.close()
            let copy = try scratch.database("strata_stairway_saved", template: name)
            session = try Session(session.database)
            try session.resumeRecording()
            // (dropping it costs about half as much again)
            costs.copy = (costs.copy * Double(costs.copies + 1) + 1.5 * Date().timeIntervalSince(started)) / Double(costs.copies + 2)
            costs.copies += 1
            return copy
        }

        try eachRevision(in: range, &stretch, progress) { index, revision, found in
            try withoutActuallyEscaping(found) { found in
            var differs = false
            let report = { (kind: Finding.Kind, message: String) in
                differs = true
                found(kind, message)
            }
            defer {
                costs.checked += 1
                if differs { costs.failing += 1 }
            }
            if Self.checksInOneTransaction(revision), let goOn = try inOneTransaction(index, revision, report) { return goOn }

            // A step per transaction: a difference cannot be rolled back. It is explained, and the job
            // goes on, in a copy of the database taken before the revision (else in one built again).
            var saved = try copy(before: revision, at: index)
            defer { if let saved { scratch.drop(saved) } }
            var beforeUp: Previous = [:], afterUp: Previous = [:], beforeDown: Previous = [:], beforeReup: Previous = [:]
            var downScope = Set<CatalogRef>(), afterDown: Snapshot?

            /// Reports what differs, exactly, from reflections, and goes on from the state the ups
            /// build when `again` (the second up failed or built something else; else the second up's
            /// state is what a clean revision leaves too).
            func explain(down downDiffers: Bool, reup reupDiffers: Bool, rebuild again: Bool) throws {
                let explaining = Date()
                defer { spent.separately += Date().timeIntervalSince(explaining) }
                guard let copy = saved else {
                    // No copy: build the state before the revision twice.
                    try self.explain(index, down: downDiffers, reup: reupDiffers).forEach { report($0.0, $0.1) }
                    if again { restart(try rebuild(at: index)) }
                    return
                }
                let reupScope = reupDiffers ? Self.reflectionScope(of: [beforeUp, beforeDown, beforeReup]) : nil
                let afterReup = try reupScope.map { try reflect(session, scope: $0) }
                let there = try Session(copy)
                var adopted = false
                defer { if !adopted { there.close() } }
                if let afterDown {
                    downFindings(SchemaDiff(from: try reflect(there, scope: downScope), to: afterDown).changes, revision).forEach { report($0.0, $0.1) }
                }
                guard again else { return }  // (a second up that built something else is always built again)
                // The up in the copy, tracked: the entries go back to the state before the revision
                // (the copy's), and take the up's.
                try there.resumeRecording()
                for previous in [beforeReup, beforeDown, beforeUp] { put(previous) }
                let upThere = try apply(try step(there, revision, .up, known: known))
                if let afterReup, let reupScope {
                    let afterUp = try reflect(there, scope: reupScope.union(Self.reflectionScope(of: [upThere])))
                    reupFindings(SchemaDiff(from: afterUp, to: afterReup).changes, revision).forEach { report($0.0, $0.1) }
                }
                session.close()
                scratch.drop(session.database)
                session = there
                adopted = true
                saved = nil
            }

            return try check(revision, RevisionCheck(
                up: {
                    beforeUp = try apply(try step(session, revision, .up, known: known))
                    afterUp = Self.states(of: beforeUp.keys, in: live)
                },
                down: {
                    beforeDown = try apply(try step(session, revision, .down, known: known))
                    let differs = Self.downDiffers(beforeUp: beforeUp, beforeDown: beforeDown, now: live)
                    // What the down left, to compare with the copy (the job's database moves on). The
                    // copy has the same OIDs: both reflect what the steps touched.
                    downScope = Self.reflectionScope(of: [beforeUp, beforeDown])
                    afterDown = differs && saved != nil ? try reflect(session, scope: downScope) : nil
                    return differs
                },
                // A transactional down was rolled back: the database is as after the up. A
                // non-transactional one may have kept its first statements: build that state again.
                downFailed: { if !revision.isTransactional(.down) { restart(try rebuild(at: index)) } },
                reup: {
                    beforeReup = try apply(try step(session, revision, .up, known: known))
                    return Self.reupDiffers(beforeUp: beforeUp, afterUp: afterUp, beforeDown: beforeDown, beforeReup: beforeReup, now: live)
                },
                reupFailed: { try explain(down: $0, reup: false, rebuild: true) },
                settle: { downDiffers, reupDiffers in
                    if downDiffers || reupDiffers { try explain(down: downDiffers, reup: reupDiffers, rebuild: reupDiffers) }
                }
            ), report)
            }
        }

        // Backstop: what was tracked must equal the fingerprints of the whole database.
        mark(String(format: "checked (differences: %.3f s in one transaction, %.3f s a step per transaction)", spent.explaining, spent.separately))
        let full = try StepRecorder.allEntries(on: session.connection)
        let tracked = Set(live.values), actual = Set(full.values)
        let trackedIdentities = Set(tracked.map(\.identity)), actualIdentities = Set(actual.map(\.identity))
        var missed: [(String, String)] = actual.subtracting(tracked).map { ($0.identity, trackedIdentities.contains($0.identity) ? "changed" : "appeared") }
        missed += tracked.subtracting(actual).filter { !actualIdentities.contains($0.identity) }.map { ($0.identity, "vanished") }
        let last = history.revisions[range.lowerBound + max(0, stretch.checked - 1)].id
        for (identity, what) in missed.sorted(by: { $0.0 < $1.0 }) {
            stretch.findings.append(Finding(revision: last, file: nil, kind: .backstop,
                                            message: "the full comparison at the end found what the per-step tracking missed: \(identity) \(what)"))
        }
        session.close()
        scratch.drop(session.database)
        return stretch
    }

    /// What `apply` replaced: the entries of the objects a step touched, before it.
    typealias Previous = [CatalogRef: StepRecorder.Entry?]

    /// The entries of `refs` now.
    static func states(of refs: Dictionary<CatalogRef, StepRecorder.Entry?>.Keys, in live: [CatalogRef: StepRecorder.Entry]) -> Previous {
        refs.reduce(into: Previous()) { $0[$1] = .some(live[$1]) }
    }

    /// Whether the objects the up or the down touched differ from before the up (`now`: after the down).
    static func downDiffers(beforeUp: Previous, beforeDown: Previous, now live: [CatalogRef: StepRecorder.Entry]) -> Bool {
        let touched = Set(beforeUp.keys).union(beforeDown.keys)
        return !sameStates(touched.map { beforeUp[$0] ?? beforeDown[$0] ?? nil }, touched.map { live[$0] })
    }

    /// Whether the objects any step touched differ after the second up (`now`) from after the first
    /// (`afterUp`); rows by their count only (inserted again, they take new identity values).
    static func reupDiffers(
        beforeUp: Previous, afterUp: Previous, beforeDown: Previous, beforeReup: Previous, now live: [CatalogRef: StepRecorder.Entry]
    ) -> Bool {
        let touched = Set(beforeUp.keys).union(beforeDown.keys).union(beforeReup.keys)
        let afterFirstUp = touched.map { ref -> StepRecorder.Entry? in
            if beforeUp[ref] != nil { return afterUp[ref] ?? nil }
            return beforeDown[ref] ?? beforeReup[ref] ?? nil
        }
        return !sameStates(afterFirstUp, touched.map { live[$0] }, rowCountsOnly: true)
    }

    /// Tests set this to take (true) or skip (false) the copy before every revision checked a step
    /// per transaction, whatever it costs.
    nonisolated(unsafe) static var copyBeforeSeparateSteps: Bool?

    /// The scope that reflects what steps touched (their entries' refs; a table's contents, class
    /// 0, as the table).
    static func reflectionScope(of steps: [[CatalogRef: StepRecorder.Entry?]]) -> Set<CatalogRef> {
        Set(steps.flatMap(\.keys).map { $0.classID == 0 ? CatalogRef.relation($0.objectID) : $0 })
    }

    /// Whether the stairway checks `revision` in one transaction (`inOneTransaction`): both its
    /// sections run in a transaction and leave transaction control to the runner. Otherwise every
    /// step commits, and a difference makes the job build the state after the up again.
    static func checksInOneTransaction(_ revision: Revision) -> Bool {
        guard revision.batching != .alembic, revision.isReversible, revision.isTransactional(.up), revision.isTransactional(.down) else {
            return false
        }
        return ![revision.upSQL, revision.downSQL ?? ""].contains { sql in
            SQLScanner(sql).statements().contains { Revision.controlsTransaction($0.text) }
        }
    }

    /// Errors that one transaction around the up, the down and the second up can cause where a
    /// transaction per step would not: a new enum value used in the transaction that added it
    /// (55P04), pending trigger events of deferred constraints (55006), a statement that refuses a
    /// transaction block or a subtransaction (class 25, 0A000, 2D000, 3B), a prepared statement
    /// the revision deallocated (26000). The revision is then checked a step per transaction.
    static func needsSeparateTransactions(_ error: PostgresError) -> Bool {
        guard let state = error.sqlState else { return false }
        return ["55P04", "55006", "0A000", "26000", "2D000"].contains(state) || state.hasPrefix("25") || state.hasPrefix("3B")
    }

    /// The revision's SQL ended the transaction the stairway checks it in, or its COMMIT failed.
    struct TransactionLost: Error {}

    /// One step of a revision checked in one transaction: BEGIN (for the first), a savepoint, the
    /// section, the deferred constraints' check, the capture (when `capture`) and a reset of the
    /// session's settings that keeps the transaction open (or COMMIT and the session's reset, when
    /// `commit`), in one round trip. A server error in the section throws the step's
    /// `MigrationError`; the caller rolls back. `TransactionLost` when the COMMIT failed.
    func savepointStep(
        _ session: Session, _ revision: Revision, _ direction: MigrationError.Direction, savepoint: String, capture: Bool = true,
        commit: Bool = false, known: () -> Set<CatalogRef>
    ) throws -> Touched? {
        let executor = RevisionExecutor(connection: session.connection, directoryDisplay: directoryDisplay)
        let prefix = (session.connection.inTransaction ? "" : "BEGIN; ") + "SAVEPOINT \(savepoint);\n"
        var suffix = Self.deferredCheck
        if capture { suffix += StepRecorder.settings + "; EXECUTE \(StepRecorder.captureStatement); " }
        // (a reset valid in a transaction: the next step starts as after a COMMIT)
        suffix += commit ? "COMMIT; " + session.reset : Self.resetSession(flushStatistics: false)
        let results: [PGResult]
        do {
            results = try executor.runWhole(revision, direction, prefix: prefix, suffix: suffix)
        } catch let failure as RevisionExecutor.Failure {
            // An error in the section leaves the transaction open; only a failed COMMIT ends it.
            guard session.connection.inTransaction else { throw TransactionLost() }
            // Located on the state before the step (an error without a position runs the section
            // again there); the caller rolls back further as it needs.
            var location = executor.file(revision, direction)
            if !Self.needsSeparateTransactions(failure.server) {
                _ = try? session.connection.execute("ROLLBACK TO SAVEPOINT \(savepoint)")
                location = executor.location(of: failure, revision, direction)
            }
            throw MigrationError(revision: revision.id, direction: direction, location: location, server: failure.server, outcome: "")
        }
        return capture ? try touched(in: results, session, known: known) : nil
    }

    /// Checks the deferred constraints where the step would commit, without making them immediate
    /// for the next steps (the savepoint rolled back restores their modes): a step that leaves one
    /// violated fails as its COMMIT would.
    static let deferredCheck = "SAVEPOINT strata_deferred; SET CONSTRAINTS ALL IMMEDIATE; ROLLBACK TO SAVEPOINT strata_deferred; RELEASE SAVEPOINT strata_deferred; "


    /// `snapshot` without the objects `refs` name and what belongs to them: the state before an
    /// up, from a scoped reflection after the down, when every object the down changed is one
    /// the up created (`refs`). Every other object it holds has the fingerprint it had before
    /// the up, so the reflection too.
    static func without(_ refs: Set<CatalogRef>, _ snapshot: Snapshot) -> Snapshot {
        let named = Set(snapshot.objects.values.filter { $0.catalog.map(refs.contains) ?? false }.map(\.id))
        let gone = snapshot.slice(named)
        var before = snapshot
        for id in gone.objects.keys { before.remove(id) }
        for id in gone.data.keys { before.data.removeValue(forKey: id) }
        return before
    }

    /// Whether two states of the same objects are equal, object for object by identity (an
    /// object dropped and created again has another OID but the same identity).
    static func sameStates(_ a: [StepRecorder.Entry?], _ b: [StepRecorder.Entry?], rowCountsOnly: Bool = false) -> Bool {
        func counted(_ entries: [StepRecorder.Entry?]) -> [StepRecorder.Entry: Int] {
            var counts: [StepRecorder.Entry: Int] = [:]
            for case var entry? in entries {
                if rowCountsOnly, entry.identity.hasPrefix("rows of "), let colon = entry.fingerprint.firstIndex(of: ":") {
                    entry.fingerprint = String(entry.fingerprint[..<colon])
                }
                counts[entry, default: 0] += 1
            }
            return counts
        }
        return counted(a) == counted(b)
    }

    /// The exact differences around revision `index`, from full reflections in a database of
    /// its own built to the revision before: before the up against after the down (`down`), and
    /// after the first up against after the second (`reup`).
    func explain(_ index: Int, down: Bool, reup: Bool) throws -> [(Finding.Kind, String)] {
        let revision = history.revisions[index]
        let session = try Session(try scratch.database("strata_stairway_explain"))
        defer {
            session.close()
            scratch.drop(session.database)
        }
        for earlier in history.revisions[0..<index] { _ = try step(session, earlier, .up, track: false) }
        var findings: [(Finding.Kind, String)] = []
        do {
            let before = try reflect(session, scope: nil)
            _ = try step(session, revision, .up, track: false)
            let afterUp = try reflect(session, scope: nil)
            _ = try step(session, revision, .down, track: false)
            let afterDown = try reflect(session, scope: nil)
            if down { findings += downFindings(SchemaDiff(from: before, to: afterDown).changes, revision) }
            if reup {
                _ = try step(session, revision, .up, track: false)
                findings += reupFindings(SchemaDiff(from: afterUp, to: try reflect(session, scope: nil)).changes, revision)
            }
        } catch let error as MigrationError {
            findings.append((.error, "\(error.direction == .up ? "up" : "down") failed at \(error.location): \(error.server.description)"))
        }
        return findings
    }

}
