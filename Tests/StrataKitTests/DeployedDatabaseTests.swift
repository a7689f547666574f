import Foundation
import XCTest
import StrataPostgres
@testable import StrataKit

/// Databases deployed before a squash (README "Deployed databases after a squash"): none needs a
/// hand-written stamp. Real databases on the test server, driven through the built binary.
final class DeployedDatabaseTests: XCTestCase {
    private func run(_ args: [String], _ database: ConnectionString, in project: URL, file: StaticString = #filePath, line: UInt = #line) throws -> CLI.Result {
        try CLI.run(args + ["--database-url", database.raw], in: project)
    }

    private func upgrade(_ project: URL, _ database: ConnectionString, to target: String? = nil, file: StaticString = #filePath, line: UInt = #line) throws {
        let r = try run(["upgrade"] + (target.map { [$0] } ?? []), database, in: project)
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr, file: file, line: line)
    }

    private func schemaDump(_ project: URL, _ database: ConnectionString) throws -> String {
        let r = try CLI.run(["schema", "dump", database.raw], in: project)
        XCTAssertEqual(r.status, 0, r.stderr)
        return r.stdout
    }

    /// Schema and table contents equal (the version table left out).
    private func assertSameDatabase(_ project: URL, _ a: ConnectionString, _ b: ConnectionString, _ label: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let diff = try CLI.run(["schema", "diff", "--data", a.raw, b.raw], in: project)
        XCTAssertEqual(diff.status, 0, "\(label): \(diff.stdout)\(diff.stderr)", file: file, line: line)
    }

    func testDatabasesAtEveryPositionAfterASquash() throws {
        // The databases are deployed from the original tree; `project` is the same tree squashed.
        let (original, project) = try SquashedStandard.copies(self)
        let atSquashPoint = try freshDatabase(self), atHead = try freshDatabase(self), behind = try freshDatabase(self), inKept = try freshDatabase(self)
        try upgrade(original, atSquashPoint, to: "r05")
        try upgrade(original, atHead)
        try upgrade(original, behind, to: "r02")
        try upgrade(original, inKept, to: "r07")
        let headSchema = try schemaDump(project, atHead)
        let behindSchema = try schemaDump(project, behind)
        let initID = try theInitRevision(project).id
        let headRows = [initID, "r06", "r07", "r08"].sorted()

        // At the squash point: the database is at the init revision and carries on.
        var r = try run(["current"], atSquashPoint, in: project)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("(3 pending)"), r.stdout)
        try upgrade(project, atSquashPoint)
        XCTAssertEqual(try versionRows(atSquashPoint), headRows, "the version rows now record the init revision, not the squashed ids")
        XCTAssertTrue(try run(["current"], atSquashPoint, in: project).stdout.hasPrefix("r08 (r08) (head)"))
        try assertSameDatabase(project, atSquashPoint, atHead, "squash point → head")

        // At head: nothing to do, nothing changes in the schema.
        r = try run(["upgrade"], atHead, in: project)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "already at r08 (r08)\n")
        XCTAssertEqual(try schemaDump(project, atHead), headSchema)
        XCTAssertEqual(try versionRows(atHead), headRows)
        XCTAssertEqual(try run(["upgrade"], atHead, in: project).stdout, "already at r08 (r08)\n", "and again")

        // At an older squashed id: refused with the archive and the flag named, nothing changed …
        r = try run(["upgrade"], behind, in: project)
        XCTAssertEqual(r.status, 2, r.stdout + r.stderr)
        XCTAssertTrue(r.stderr.contains("archive/sq1.tar.gz"), r.stderr)
        XCTAssertTrue(r.stderr.contains("strata upgrade --from-archive"), r.stderr)
        XCTAssertTrue(r.stderr.contains("r02"), r.stderr)
        XCTAssertEqual(try versionRows(behind), ["r01", "r02"])
        XCTAssertEqual(try schemaDump(project, behind), behindSchema)
        // … then brought forward through the archived revisions.
        r = try run(["upgrade", "--from-archive"], behind, in: project)
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        // The output lists the replayed revisions with their archive, then the kept ones.
        let applied = r.stdout.split(separator: "\n").filter { $0.hasPrefix("  applied ") }
        XCTAssertEqual(applied.map { $0.split(separator: " ")[1] }, ["r03", "r04", "r05", "r06", "r07", "r08"], r.stdout)
        XCTAssertEqual(applied.map { $0.hasSuffix(", replayed from archive/sq1.tar.gz)") }, [true, true, true, false, false, false], r.stdout)
        XCTAssertTrue(r.stdout.split(separator: "\n").last?.hasPrefix("upgraded r02 → r08: 6 revisions in ") == true, r.stdout)
        XCTAssertEqual(try versionRows(behind), headRows)
        try assertSameDatabase(project, behind, atHead, "older squashed id → head")
        XCTAssertEqual(try run(["upgrade"], behind, in: project).stdout, "already at r08 (r08)\n")

        // In the kept revisions: an ordinary upgrade.
        try upgrade(project, inKept)
        XCTAssertEqual(try versionRows(inKept), headRows)
        try assertSameDatabase(project, inKept, atHead, "kept revision → head")

        // And a database created after the squash builds the same.
        let fresh = try freshDatabase(self)
        try upgrade(project, fresh)
        XCTAssertEqual(try versionRows(fresh), headRows)
        try assertSameDatabase(project, fresh, atHead, "fresh → head")
    }

    /// A database that was only stamped (never migrated by strata) at the squash point.
    func testStampedAtTheSquashPoint() throws {
        let (original, project) = try SquashedStandard.copies(self)
        let stamped = try freshDatabase(self), reference = try freshDatabase(self)
        // Its schema came from elsewhere (built to r05), then it was stamped.
        try upgrade(original, stamped, to: "r05")
        let connection = try PGConnection(stamped)
        try connection.execute("DROP TABLE public.strata_version")
        connection.close()
        var r = try run(["stamp", "r05"], stamped, in: original)
        XCTAssertEqual(r.status, 0, r.stderr)
        r = try run(["upgrade"], stamped, in: project)
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        try upgrade(project, reference)
        try assertSameDatabase(project, stamped, reference, "stamped at the squash point → head")
        XCTAssertEqual(try versionRows(stamped), [try theInitRevision(project).id, "r06", "r07", "r08"].sorted())
    }

    /// Two squashes in a row: databases at ids of the first and of the second archive are brought
    /// to head with `--from-archive`; one at the first squash point too.
    func testFromArchiveAcrossTwoSquashes() throws {
        let project = try squashProject(self)
        let inFirst = try freshDatabase(self), atFirstPoint = try freshDatabase(self), inSecond = try freshDatabase(self)
        try upgrade(project, inFirst, to: "r02")
        try upgrade(project, atFirstPoint, to: "r04")
        try upgrade(project, inSecond, to: "r06")

        XCTAssertEqual(try strataWithScratch(["squash", "--keep", "4", "--name", "sq1"], in: project).status, 0)
        try addRevision(project, "add notes", up: SquashVerifyTests.notes.up, down: SquashVerifyTests.notes.down)
        try addRevision(project, "add the edu plan", up: SquashVerifyTests.eduPlan.up, down: SquashVerifyTests.eduPlan.down)
        let second = try strataWithScratch(["squash", "--keep", "2", "--name", "sq2"], in: project)
        XCTAssertEqual(second.status, 0, second.stdout + second.stderr)
        let initID = try theInitRevision(project).id
        let head = try freshDatabase(self)
        try upgrade(project, head)
        let headRows = try versionRows(head)
        XCTAssertEqual(headRows.count, 3)
        XCTAssertTrue(headRows.contains(initID))

        for (label, database) in [("r02 (first archive)", inFirst), ("r04 (first squash point)", atFirstPoint), ("r06 (second archive)", inSecond)] {
            var r = try run(["upgrade"], database, in: project)
            XCTAssertEqual(r.status, 2, "\(label): \(r.stdout)\(r.stderr)")
            XCTAssertTrue(r.stderr.contains("--from-archive") && r.stderr.contains("archive/sq"), "\(label): \(r.stderr)")
            r = try run(["upgrade", "--from-archive"], database, in: project)
            XCTAssertEqual(r.status, 0, "\(label): \(r.stdout)\(r.stderr)")
            XCTAssertEqual(try versionRows(database), headRows, label)
            try assertSameDatabase(project, database, head, label)
        }
    }

    /// `upgrade --dry-run` and `current` on a database at an older squashed id. The real upgrade
    /// refuses with the archive and `--from-archive` named (exit 2); the dry run must not try to
    /// build the init revision on top of the existing schema (a misleading "already exists"
    /// failure, exit 1), and `current` must not call the database "base".
    func testDryRunAndCurrentOnADatabaseBehindTheSquashPoint() throws {
        let (original, project) = try SquashedStandard.copies(self)
        let behind = try freshDatabase(self)
        try upgrade(original, behind, to: "r02")
        let schema = try schemaDump(project, behind)

        var r = try run(["upgrade", "--dry-run"], behind, in: project)
        XCTAssertFalse(r.stdout.contains("already exists"), "the dry run applied the init revision over the existing schema: \(r.stdout)")
        XCTAssertEqual(r.status, 2, r.stdout + r.stderr)
        XCTAssertTrue(r.stderr.contains("--from-archive"), r.stderr)

        r = try run(["upgrade", "--dry-run", "--from-archive"], behind, in: project)
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("dry run passed: nothing was committed"), r.stdout)
        XCTAssertEqual(try versionRows(behind), ["r01", "r02"], "a dry run commits nothing")
        XCTAssertEqual(try schemaDump(project, behind), schema)

        r = try run(["current"], behind, in: project)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertFalse(r.stdout.hasPrefix("base"), "the database is at r02, not at base: \(r.stdout)")
        XCTAssertTrue(r.stdout.contains("r02"), r.stdout)
    }
}
