import Foundation
import XCTest
@testable import StrataKit

/// Squash refuses bad input and broken environments with a clear message and the README's exit
/// code, and writes nothing: `migrations/` and `archive/` are byte for byte as before, no journal,
/// and every scratch database it made is dropped.
final class SquashRefusalTests: XCTestCase {
    /// Runs `strata squash ARGS` and checks the refusal: status, message, nothing written.
    @discardableResult
    private func assertRefused(_ project: URL, _ args: [String], status: Int32, _ fragments: [String], environment: [String: String] = [:],
                               file: StaticString = #filePath, line: UInt = #line) throws -> CLI.Result {
        let before = try treeSnapshot(project)
        let databases = try leftoverScratchDatabases()
        let r = try strataWithScratch(["squash"] + args, in: project, environment: environment)
        XCTAssertEqual(r.status, status, "\(args): \(r.stdout)\(r.stderr)", file: file, line: line)
        XCTAssertEqual(r.stdout, "", "\(args): nothing is reported as done", file: file, line: line)
        for fragment in fragments {
            XCTAssertTrue(r.stderr.contains(fragment), "\(args): expected «\(fragment)» in: \(r.stderr)", file: file, line: line)
        }
        assertSameTree(before, try treeSnapshot(project), "\(args)", file: file, line: line)
        XCTAssertEqual(try leftoverScratchDatabases(), databases, "\(args): scratch databases dropped", file: file, line: line)
        return r
    }

    func testKeepOutOfRange() throws {
        let project = try squashProject(self)
        for keep in ["-1", "7", "8", "100"] {
            try assertRefused(project, ["--keep=\(keep)"], status: 2, ["--keep \(keep) is out of range", "the history has 8 revisions", "between 0 and 6"])
        }
        try assertRefused(project, [], status: 2, ["--keep N is required"])
        try assertRefused(project, ["--keep", "many"], status: 2, ["many"])
        // The boundary is accepted: keep 6 squashes r01 and r02.
        let dryRun = try strataWithScratch(["squash", "--keep", "6", "--dry-run"], in: project)
        XCTAssertEqual(dryRun.status, 0, dryRun.stderr)
        XCTAssertTrue(dryRun.stdout.contains("  squashed   r01 … r02 (2 revisions)\n"), dryRun.stdout)
    }

    func testNonLinearHistory() throws {
        let project = try squashProject(self)
        // A second revision on top of r07: two heads (r08 and r09).
        try writeRevision(project.appendingPathComponent("migrations"), id: "r09", parent: "r07", up: "CREATE TABLE branch (id int);", down: "DROP TABLE branch;")
        _ = try CLI.run(["hash"], in: project)
        try assertRefused(project, ["--keep", "2"], status: 2, ["the history is not linear", "2 heads: r08 (migrations/r08_rev.sql) and r09 (migrations/r09_rev.sql)", "strata rebase r09 --onto r08"])
    }

    func testStaleOrMissingSum() throws {
        let project = try squashProject(self)
        let r03 = project.appendingPathComponent("migrations/r03_rev.sql")
        try (try String(contentsOf: r03, encoding: .utf8) + "-- an edit after `strata hash`\n").write(to: r03, atomically: true, encoding: .utf8)
        try assertRefused(project, ["--keep", "3"], status: 2, ["migrations/strata.sum is stale", "strata hash"])
        try FileManager.default.removeItem(at: project.appendingPathComponent("migrations/strata.sum"))
        try assertRefused(project, ["--keep", "3"], status: 2, ["migrations/strata.sum is missing", "strata hash"])
    }

    func testPgDumpMissingTooOldOrFailing() throws {
        let project = try squashProject(self)
        try assertRefused(project, ["--keep", "3"], status: 3, ["pg_dump was not found", "/nonexistent/pg_dump"], environment: ["STRATA_PG_DUMP": "/nonexistent/pg_dump"])

        let bin = try temporaryDirectory(self)
        let old = bin.appendingPathComponent("pg_dump_12")
        try "#!/bin/sh\necho 'pg_dump (PostgreSQL) 12.3'\n".write(to: old, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: old.path)
        try assertRefused(project, ["--keep", "3"], status: 3, ["\(old.path) is pg_dump (PostgreSQL) 12.3, older than the server", "install postgresql-client-"],
                          environment: ["STRATA_PG_DUMP": old.path])

        let failing = bin.appendingPathComponent("pg_dump_failing")
        try "#!/bin/sh\nif [ \"$1\" = --version ]; then echo 'pg_dump (PostgreSQL) 99.1'; exit 0; fi\necho 'pg_dump: error: simulated failure' >&2\nexit 1\n"
            .write(to: failing, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: failing.path)
        try assertRefused(project, ["--keep", "3"], status: 3, ["pg_dump failed (exit 1)", "simulated failure"], environment: ["STRATA_PG_DUMP": failing.path])
    }

    func testArchiveNameCollision() throws {
        let project = try squashProject(self)
        try Data("someone else's archive".utf8).write(to: project.appendingPathComponent("archive/sq1.tar.gz"))
        try assertRefused(project, ["--keep", "3", "--name", "sq1"], status: 2, ["archive archive/sq1.tar.gz already exists", "--name"])

        // The same name twice: the second squash (after more revisions) is refused.
        let other = try squashProject(self)
        XCTAssertEqual(try strataWithScratch(["squash", "--keep", "5", "--name", "again"], in: other).status, 0)
        try addRevision(other, "add notes", up: SquashVerifyTests.notes.up, down: SquashVerifyTests.notes.down)
        try assertRefused(other, ["--keep", "1", "--name", "again"], status: 2, ["archive archive/again.tar.gz already exists"])
    }

    func testUnwritableArchiveDirectory() throws {
        let project = try squashProject(self)
        // As root, permissions do not stop writes: make `archive` a regular file instead.
        let archive = project.appendingPathComponent("archive")
        try FileManager.default.removeItem(at: archive)
        try Data("not a directory".utf8).write(to: archive)
        try assertRefused(project, ["--keep", "3"], status: 3, ["the archive directory archive is not writable; nothing was written"])
        // An archive directory that cannot be created (its parent is a file).
        try assertRefused(project, ["--keep", "3", "--archive", "archive/sub"], status: 3, ["cannot create the archive directory archive/sub"])
    }

    func testRevisionThatFailsToApply() throws {
        // In a squashed revision: the squash point cannot be built.
        var revisions = SquashFixture.standard
        revisions[2].up = "CREATE TABLE fine (id int);\nALTER TABLE nope ADD COLUMN x int;"
        let project = try squashProject(self, revisions)
        try assertRefused(project, ["--keep", "3"], status: 3, ["revision r03 (up) failed at migrations/r03_rev.sql:7: ERROR 42P01: relation \"nope\" does not exist"])

        // In a kept revision: the proof cannot reach head.
        revisions = SquashFixture.standard
        revisions[6].up = "CREATE TABLE fine (id int);\nINSERT INTO fine VALUES ('not a number');"
        let kept = try squashProject(self, revisions)
        try assertRefused(kept, ["--keep", "3"], status: 3, ["revision r07 (up) failed at migrations/r07_rev.sql:7: ERROR 22P02"])
    }

    /// An unreachable scratch server: exit 3, the password redacted, nothing written.
    func testScratchServerUnreachable() throws {
        let project = try squashProject(self)
        let before = try treeSnapshot(project)
        let r = try CLI.run(["squash", "--keep", "3", "--scratch-url", "postgresql://nobody:secret-pw@127.0.0.1:1/postgres"], in: project)
        XCTAssertEqual(r.status, 3, r.stdout + r.stderr)
        XCTAssertTrue(r.stderr.contains("cannot connect to the scratch server"), r.stderr)
        XCTAssertFalse(r.stderr.contains("secret-pw"), r.stderr)
        assertSameTree(before, try treeSnapshot(project), "unreachable scratch server")
    }
}
