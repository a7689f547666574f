import Foundation
import XCTest
@testable import StrataKit

/// Crash safety of `strata squash` (README "Crash safety"): a fault injected before each of the
/// eight write steps (`STRATA_FAULT_AT=k`, exit 86) never loses a revision, and
/// `strata squash --resume` leaves exactly the original tree or exactly the squashed one.
final class SquashCrashTests: XCTestCase {
    private let journal = "migrations/" + SquashCommit.journalName

    /// What one fault point did: everything is run first (two fault points at a time), then checked.
    private struct FaultRun {
        var crashed: CLI.Result
        var treeAfterCrash: [String: Data]
        var refusals: [(command: [String], result: CLI.Result)] = []
        var treeAfterRefusals: [String: Data] = [:]
        var resumed: CLI.Result
        var treeAfterResume: [String: Data]
        var again: CLI.Result
        var treeAfterAgain: [String: Data]
    }

    func testEveryFaultPointIsUndoneOrFinished() throws {
        // The reference is the same squash without a fault.
        let (original, reference) = try SquashedStandard.copies(self)
        let before = try treeSnapshot(original)
        let originalFiles = try revisionFiles(original)
        let referenceInit = try theInitRevision(reference)

        let projects = try (1...8).map { _ in try copyProject(self, original) }
        let scratch = try scratchArguments()
        let journal = self.journal
        let lock = NSLock()
        nonisolated(unsafe) var runs: [Int: Result<FaultRun, Error>] = [:]
        DispatchQueue.concurrentPerform(iterations: 8) { index in
            let k = index + 1, project = projects[index]
            let result = Result { () throws -> FaultRun in
                let crashed = try CLI.run(["squash", "--keep", "3", "--name", "sq1"] + scratch, in: project, environment: ["STRATA_FAULT_AT": "\(k)"])
                var run = FaultRun(crashed: crashed, treeAfterCrash: try treeSnapshot(project), resumed: crashed, treeAfterResume: [:], again: crashed, treeAfterAgain: [:])
                if FileManager.default.fileExists(atPath: project.appendingPathComponent(journal).path) {
                    // Every other command must refuse to work on the half-written tree.
                    for command in [["lint"], ["hash"], ["history"], ["new", "more"], ["archive", "restore"], ["upgrade", "--sql"]] {
                        run.refusals.append((command, try CLI.run(command, in: project)))
                    }
                    run.treeAfterRefusals = try treeSnapshot(project)
                }
                run.resumed = try CLI.run(["squash", "--resume"], in: project)
                run.treeAfterResume = try treeSnapshot(project)
                run.again = try CLI.run(["squash", "--resume"], in: project)
                run.treeAfterAgain = try treeSnapshot(project)
                return run
            }
            lock.lock()
            runs[k] = result
            lock.unlock()
        }

        // Until the archive is written and checked (steps 1–3) the squash is undone; after that
        // (steps 4–8) it is finished.
        let expected: [Int: String] = [1: "original", 2: "original", 3: "original", 4: "squashed", 5: "squashed", 6: "squashed", 7: "squashed", 8: "squashed"]
        var matrix: [(Int, String, String)] = []
        for k in 1...8 {
            let run = try XCTUnwrap(runs[k]).get()
            let project = projects[k - 1]
            XCTAssertEqual(run.crashed.status, 86, "k=\(k): \(run.crashed.stderr)")
            XCTAssertTrue(run.crashed.stderr.contains("fault injected before write step \(k)"), "k=\(k): \(run.crashed.stderr)")

            try assertNoRevisionLost(run.treeAfterCrash, originalFiles, "k=\(k)")

            let pending = run.treeAfterCrash[journal] != nil
            for (command, refused) in run.refusals {
                XCTAssertEqual(refused.status, 2, "k=\(k) \(command): \(refused.stdout)\(refused.stderr)")
                XCTAssertTrue(refused.stderr.contains("strata squash --resume"), "k=\(k) \(command): \(refused.stderr)")
                XCTAssertTrue(refused.stderr.contains(SquashCommit.journalName), "k=\(k) \(command): \(refused.stderr)")
            }
            if pending { assertSameTree(run.treeAfterCrash, run.treeAfterRefusals, "k=\(k): a refused command") }

            XCTAssertEqual(run.resumed.status, 0, "k=\(k): \(run.resumed.stderr)")
            let outcome: String
            if run.treeAfterResume == before {
                outcome = "original"
                XCTAssertTrue(run.resumed.stdout.hasPrefix(pending ? "undid the interrupted squash sq1" : "no interrupted squash"), "k=\(k): \(run.resumed.stdout)")
            } else {
                outcome = "squashed"
                XCTAssertTrue(run.resumed.stdout.hasPrefix("finished the interrupted squash sq1"), "k=\(k): \(run.resumed.stdout)")
                try assertSquashed(project, like: reference, referenceInit: referenceInit, originalFiles: originalFiles, "k=\(k)")
            }
            matrix.append((k, pending ? "journal pending" : "no journal", outcome))
            XCTAssertEqual(outcome, expected[k], "k=\(k)")

            // Resuming again is a no-op.
            XCTAssertEqual(run.again.status, 0)
            XCTAssertEqual(run.again.stdout, "no interrupted squash\n")
            assertSameTree(run.treeAfterResume, run.treeAfterAgain, "k=\(k): second resume")
        }
        print("squash crash matrix (fault before write step k → state after the crash → tree after `squash --resume`):")
        for (k, pending, outcome) in matrix { print("  k=\(k)  \(pending.padding(toLength: 16, withPad: " ", startingAt: 0))→ \(outcome)") }
    }

    /// The next plain `strata squash` undoes an interrupted squash whose archive was not complete
    /// and stops (the tree changed under the command line); run again, it squashes normally.
    func testNextSquashUndoesAnIncompleteSquashThenSquashes() throws {
        let project = try SquashedStandard.copies(self).original
        let originalFiles = try revisionFiles(project)
        let crashed = try strataWithScratch(["squash", "--keep", "3", "--name", "sq1"], in: project, environment: ["STRATA_FAULT_AT": "3"])
        XCTAssertEqual(crashed.status, 86, crashed.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: project.appendingPathComponent("archive/sq1.tar.gz").path), "step 2 wrote the archive")
        let next = try strataWithScratch(["squash", "--keep", "3", "--name", "sq1"], in: project)
        XCTAssertEqual(next.status, 0, next.stderr)
        XCTAssertTrue(next.stdout.hasPrefix("undid the interrupted squash sq1"), next.stdout)
        XCTAssertFalse(next.stdout.contains("squashed 5 revisions into "), next.stdout)
        XCTAssertEqual(try revisionFiles(project), originalFiles, "undone: the original tree")
        let again = try strataWithScratch(["squash", "--keep", "3", "--name", "sq1"], in: project)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stdout.contains("squashed 5 revisions into "), again.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: project.appendingPathComponent(journal).path))
        let initRevision = try theInitRevision(project)
        XCTAssertEqual(initRevision.replaces, SquashFixture.ids(1...5))
        XCTAssertEqual(try CLI.run(["lint"], in: project).status, 0)
        let verified = try CLI.run(["archive", "verify"], in: project)
        XCTAssertEqual(verified.status, 0, verified.stdout + verified.stderr)
        try assertNoRevisionLost(try treeSnapshot(project), originalFiles, "after the next squash")
    }

    /// A damaged journal is not guessed at: a clear error, nothing touched.
    func testUnreadableJournalIsReportedNotGuessed() throws {
        let project = try squashProject(self)
        let journalURL = project.appendingPathComponent(journal)
        try Data("{ not json".utf8).write(to: journalURL)
        let before = try treeSnapshot(project)
        let resumed = try CLI.run(["squash", "--resume"], in: project)
        XCTAssertEqual(resumed.status, 3, resumed.stdout + resumed.stderr)
        XCTAssertTrue(resumed.stderr.contains("is unreadable") && resumed.stderr.contains("interrupted squash"), resumed.stderr)
        assertSameTree(before, try treeSnapshot(project), "an unreadable journal")
    }

    // MARK: - Checks

    /// Every original revision file's bytes are in `migrations/` or in the archive (read with
    /// plain `tar -xzf`; the oldest kept file may be in `kept/`, re-pointed in the tree).
    private func assertNoRevisionLost(_ tree: [String: Data], _ originals: [String: Data], _ label: String, file: StaticString = #filePath, line: UInt = #line) throws {
        var archived: [String: Data] = [:]
        if let archive = tree["archive/sq1.tar.gz"] {
            let copy = try temporaryDirectory(self).appendingPathComponent("sq1.tar.gz")
            try archive.write(to: copy)
            archived = try extractArchive(self, copy)
        }
        for (name, data) in originals {
            let inTree = tree["migrations/\(name)"] == data
            let inArchive = archived["sq1/revisions/\(name)"] == data || archived["sq1/kept/\(name)"] == data
            XCTAssertTrue(inTree || inArchive, "\(label): \(name) is neither in migrations/ nor in the archive", file: file, line: line)
        }
    }

    /// The tree is the squashed state: what the reference squash made, up to the init revision's
    /// random id and creation time.
    private func assertSquashed(_ project: URL, like reference: URL, referenceInit: Revision, originalFiles: [String: Data], _ label: String) throws {
        let initRevision = try theInitRevision(project)
        XCTAssertEqual(initRevision.replaces, SquashFixture.ids(1...5), label)
        XCTAssertEqual(initRevision.archive, "sq1.tar.gz", label)
        XCTAssertEqual(initRevision.parents, [], label)
        XCTAssertEqual(initRevision.message, referenceInit.message, label)
        XCTAssertEqual(initRevision.upSQL, referenceInit.upSQL, "\(label): the init revision's up section")
        XCTAssertEqual(initRevision.downSQL, referenceInit.downSQL, "\(label): the init revision's down section")

        let files = try revisionFiles(project)
        let referenceFiles = try revisionFiles(reference)
        let initName = try XCTUnwrap(initRevision.fileName)
        let referenceInitName = try XCTUnwrap(referenceInit.fileName)
        XCTAssertEqual(Set(files.keys).subtracting([initName]), Set(referenceFiles.keys).subtracting([referenceInitName]), label)
        XCTAssertEqual(Set(files.keys).subtracting([initName]), ["r06_rev.sql", "r07_rev.sql", "r08_rev.sql"], label)
        // Kept files: byte for byte, except the first kept one's down_revision line.
        XCTAssertEqual(files["r07_rev.sql"], originalFiles["r07_rev.sql"], label)
        XCTAssertEqual(files["r08_rev.sql"], originalFiles["r08_rev.sql"], label)
        let r06 = String(decoding: try XCTUnwrap(originalFiles["r06_rev.sql"]), as: UTF8.self)
        let repointed = r06.replacingOccurrences(of: "-- down_revision: r05\n", with: "-- down_revision: \(initRevision.id)\n")
        XCTAssertNotEqual(repointed, r06)
        XCTAssertEqual(files["r06_rev.sql"].map { String(decoding: $0, as: UTF8.self) }, repointed, "\(label): only r06's down_revision line changes")

        let tree = try treeSnapshot(project)
        XCTAssertNil(tree[journal], "\(label): the journal is gone")
        XCTAssertEqual(tree.keys.filter { $0.hasPrefix("archive/") && $0 != "archive/" }, ["archive/sq1.tar.gz"], label)
        XCTAssertEqual(Set(tree.keys.filter { $0.hasPrefix("migrations/") }),
                       Set(["migrations/", "migrations/strata.sum", "migrations/\(initName)", "migrations/r06_rev.sql", "migrations/r07_rev.sql", "migrations/r08_rev.sql"]), label)

        let lint = try CLI.run(["lint", "--strict"], in: project)
        XCTAssertEqual(lint.status, 0, "\(label): \(lint.stdout)\(lint.stderr)")
        let verify = try CLI.run(["archive", "verify"], in: project)
        XCTAssertEqual(verify.status, 0, "\(label): \(verify.stdout)\(verify.stderr)")
        // The archive holds the squashed files byte for byte.
        let archived = try extractArchive(self, project.appendingPathComponent("archive/sq1.tar.gz"))
        for id in SquashFixture.ids(1...5) {
            XCTAssertEqual(archived["sq1/revisions/\(id)_rev.sql"], originalFiles["\(id)_rev.sql"], "\(label): \(id) in the archive")
        }
        XCTAssertEqual(archived["sq1/kept/r06_rev.sql"], originalFiles["r06_rev.sql"], label)
    }
}
