import Foundation
import XCTest
@testable import StrataKit

/// End-to-end tests of the built binary for the file-only commands: stdout, stderr, exit code.
final class CLIFileCommandTests: XCTestCase {
    func testInitNewLintHistory() throws {
        let dir = try temporaryDirectory(self)
        var r = try CLI.run(["init"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "created strata.toml\ncreated migrations/\ncreated archive/\ncreated migrations/strata.sum\nnext: strata new \"first revision\"\n")
        r = try CLI.run(["new", "create users"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("created migrations/"))
        XCTAssertTrue(r.stdout.hasSuffix("_create_users.sql\n"))
        r = try CLI.run(["new", "--quiet", "add email"], in: dir)
        let second = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let revisions = try MigrationDirectory.load(dir.appendingPathComponent("migrations")).history().revisions
        XCTAssertEqual(revisions.count, 2)
        XCTAssertEqual(revisions[1].parents, [revisions[0].id], "new puts the revision on top of the head")
        XCTAssertEqual("migrations/" + (revisions[1].fileName ?? ""), second)

        r = try CLI.run(["lint"], in: dir)
        XCTAssertEqual(r.status, 0, "warnings alone do not fail: \(r.stdout)")
        XCTAssertTrue(r.stdout.contains("warning [empty-up]"))
        XCTAssertEqual(try CLI.run(["lint", "--strict"], in: dir).status, 1)

        r = try CLI.run(["history"], in: dir)
        let lines = r.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 2)
        XCTAssertTrue(lines[0].hasPrefix("1  \(revisions[0].id)  "))
        XCTAssertTrue(lines[0].hasSuffix("create users"))
        XCTAssertTrue(lines[1].hasSuffix("add email  (head)"))
    }

    func testTwoHeadsAreNamedAndRebaseFixesThem() throws {
        let dir = try temporaryDirectory(self)
        let migrations = dir.appendingPathComponent("migrations")
        try FileManager.default.createDirectory(at: migrations, withIntermediateDirectories: true)
        try writeRevision(migrations, id: "aaa1", parent: nil, extraHeader: "-- created: 2026-01-01T00:00:00Z\n")
        try writeRevision(migrations, id: "bbb2", parent: "aaa1", extraHeader: "-- created: 2026-01-02T00:00:00Z\n")
        try writeRevision(migrations, id: "ccc3", parent: "aaa1", extraHeader: "-- created: 2026-01-03T00:00:00Z\n")
        var r = try CLI.run(["lint"], in: dir)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stdout.contains("migrations/ccc3_rev.sql:1: error [multiple-heads] 2 heads: bbb2 (migrations/bbb2_rev.sql) and ccc3 (migrations/ccc3_rev.sql); they fork at aaa1 (migrations/aaa1_rev.sql). Put one branch on top of the other: strata rebase ccc3 --onto bbb2"), r.stdout)

        r = try CLI.run(["lint", "--format", "json"], in: dir)
        XCTAssertEqual(r.status, 1)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let findings = try XCTUnwrap(json["findings"] as? [[String: Any]])
        XCTAssertEqual(findings.first?["rule"] as? String, "multiple-heads")
        XCTAssertEqual(findings.first?["fix"] as? String, "strata rebase ccc3 --onto bbb2")
        XCTAssertEqual(json["errors"] as? Int, 1)

        r = try CLI.run(["lint", "--format", "github"], in: dir)
        XCTAssertTrue(r.stdout.hasPrefix("::error file=migrations/ccc3_rev.sql,line=1,title=strata lint%3A multiple-heads::2 heads"), r.stdout)

        r = try CLI.run(["rebase", "ccc3", "--onto", "bbb2"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "migrations/ccc3_rev.sql: down_revision is now bbb2\n")
        let text = try String(contentsOf: migrations.appendingPathComponent("ccc3_rev.sql"), encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("-- revision: ccc3\n-- down_revision: bbb2\n-- message: ccc3\n"))
        r = try CLI.run(["lint"], in: dir)
        XCTAssertEqual(r.status, 0, r.stdout)
        XCTAssertEqual(r.stdout, "3 revisions, no findings\n")
    }

    func testMalformedFileIsUnusableInput() throws {
        let dir = try temporaryDirectory(self)
        let migrations = dir.appendingPathComponent("migrations")
        try FileManager.default.createDirectory(at: migrations, withIntermediateDirectories: true)
        try writeRevision(migrations, id: "aaa1", parent: nil)
        try "-- revision: bbb2\n-- down_revison: aaa1\n\n-- migrate:up\nSELECT 1;\n".write(to: migrations.appendingPathComponent("bbb2_x.sql"), atomically: true, encoding: .utf8)
        var r = try CLI.run(["lint"], in: dir)
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stdout.contains("migrations/bbb2_x.sql:2: error [file-format] unknown header key `down_revison` (did you mean `down_revision`?)"), r.stdout)
        r = try CLI.run(["history"], in: dir)
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stdout, "")
        XCTAssertTrue(r.stderr.hasPrefix("strata: migrations/bbb2_x.sql:2: unknown header key"), r.stderr)
        // `new` refuses too and writes nothing.
        let before = try FileManager.default.contentsOfDirectory(atPath: migrations.path).sorted()
        XCTAssertEqual(try CLI.run(["new", "x"], in: dir).status, 2)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: migrations.path).sorted(), before)
    }

    func testStaleSumAndHash() throws {
        let dir = try temporaryDirectory(self)
        let migrations = dir.appendingPathComponent("migrations")
        try FileManager.default.createDirectory(at: migrations, withIntermediateDirectories: true)
        try writeRevision(migrations, id: "aaa1", parent: nil)
        var r = try CLI.run(["lint"], in: dir)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stdout.contains("error [sum] migrations/strata.sum is missing; run `strata hash`"), r.stdout)
        r = try CLI.run(["hash"], in: dir)
        XCTAssertEqual(r.stdout, "wrote migrations/strata.sum\n")
        XCTAssertEqual(try CLI.run(["lint"], in: dir).status, 0)
        XCTAssertEqual(try CLI.run(["hash"], in: dir).stdout, "migrations/strata.sum is up to date\n")
        try writeRevision(migrations, id: "aaa1", parent: nil, up: "SELECT 42;")
        r = try CLI.run(["lint"], in: dir)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stdout.contains("migrations/strata.sum:2: error [sum] migrations/strata.sum is stale (first difference at aaa1_rev.sql)"), r.stdout)
    }

    func testConfigPathsAreRelativeToTheConfigFile() throws {
        let dir = try temporaryDirectory(self)
        let project = dir.appendingPathComponent("project")
        let revisions = project.appendingPathComponent("db/revs")
        try FileManager.default.createDirectory(at: revisions, withIntermediateDirectories: true)
        try "migrations = \"db/revs\"\n".write(to: project.appendingPathComponent("strata.toml"), atomically: true, encoding: .utf8)
        try writeRevision(revisions, id: "aaa1", parent: nil)
        let elsewhere = dir.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        // From a subdirectory: found by walking up.
        let sub = project.appendingPathComponent("db")
        XCTAssertTrue(try CLI.run(["history"], in: sub).stdout.contains("aaa1"))
        // From elsewhere with --config: still relative to the file.
        let r = try CLI.run(["history", "--config", "../project/strata.toml"], in: elsewhere)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("aaa1"))
    }

    func testBadArgumentsExitTwo() throws {
        let dir = try temporaryDirectory(self)
        var r = try CLI.run(["lint", "--format", "xml"], in: dir)
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("'xml' is invalid"), r.stderr)
        r = try CLI.run(["no-such-command"], in: dir)
        XCTAssertEqual(r.status, 2)
        r = try CLI.run(["--help"], in: dir)
        XCTAssertEqual(r.status, 0)
        XCTAssertTrue(r.stdout.contains("USAGE: strata"))
        r = try CLI.run(["lint"], in: dir)
        XCTAssertEqual(r.status, 2, "a missing migrations directory is unusable input")
        XCTAssertTrue(r.stderr.contains("migrations directory migrations does not exist"), r.stderr)
    }

    func testGraphFormats() throws {
        let dir = try temporaryDirectory(self)
        let migrations = dir.appendingPathComponent("migrations")
        try FileManager.default.createDirectory(at: migrations, withIntermediateDirectories: true)
        try writeRevision(migrations, id: "aaa1", parent: nil, extraHeader: "-- created: 2026-01-01T00:00:00Z\n")
        try writeRevision(migrations, id: "bbb2", parent: "aaa1", extraHeader: "-- created: 2026-01-02T00:00:00Z\n")
        var r = try CLI.run(["graph"], in: dir)
        XCTAssertEqual(r.stdout, """
            digraph strata {
              rankdir=BT;
              node [shape=box, fontname="monospace"];
              "aaa1" [label="aaa1\\naaa1"];
              "bbb2" [label="bbb2\\nbbb2"];
              "bbb2" -> "aaa1";
            }

            """)
        r = try CLI.run(["graph", "--format", "mermaid"], in: dir)
        XCTAssertEqual(r.stdout, "graph BT\n  r_aaa1[\"aaa1<br/>aaa1\"]\n  r_bbb2[\"bbb2<br/>bbb2\"]\n  r_bbb2 --> r_aaa1\n")
    }
}
