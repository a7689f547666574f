import Foundation
import XCTest
import StrataPostgres
import StrataTestSupport
@testable import StrataKit

/// The runner commands end to end: the built binary against the embedded server.
final class CLIDatabaseTests: XCTestCase {
    func testUpgradeCurrentHistoryDowngradeStamp() throws {
        let database = try freshDatabase(self)
        let dir = try makeHistory(self, (1...3).map { ("CREATE TABLE t\($0) (id int);", "DROP TABLE t\($0);") })
        let project = dir.deletingLastPathComponent()
        let env = ["DATABASE_URL": database.raw]
        var r = try CLI.run(["current"], in: project, environment: env)
        XCTAssertEqual(r.stdout, "base (3 pending)\n", r.stderr)
        r = try CLI.run(["upgrade", "+2"], in: project, environment: env)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("  applied r01  r01  ("), r.stdout)
        XCTAssertTrue(r.stdout.contains("upgraded base → r02: 2 revisions in "), r.stdout)
        r = try CLI.run(["history"], in: project, environment: env)
        XCTAssertTrue(r.stdout.contains("r02  "), r.stdout)
        XCTAssertTrue(r.stdout.split(separator: "\n")[1].hasSuffix("(current)"), r.stdout)
        r = try CLI.run(["current"], in: project, environment: env)
        XCTAssertEqual(r.stdout, "r02 (r02) (1 pending)\n")
        r = try CLI.run(["upgrade", "--quiet"], in: project, environment: env)
        XCTAssertEqual(r.stdout, "")
        XCTAssertEqual(try CLI.run(["upgrade"], in: project, environment: env).stdout, "already at r03 (r03)\n")
        r = try CLI.run(["downgrade", "base"], in: project, environment: env)
        XCTAssertTrue(r.stdout.hasSuffix("downgraded r03 → base: 3 revisions in " + (r.stdout.components(separatedBy: "revisions in ").last ?? "")), r.stdout)
        XCTAssertEqual(try CLI.run(["stamp", "head"], in: project, environment: env).stdout, "stamped r03 (r03)\n")
        XCTAssertEqual(try CLI.run(["current"], in: project, environment: env).stdout, "r03 (r03) (head)\n")
        XCTAssertEqual(try CLI.run(["downgrade", "r04"], in: project, environment: env).status, 2)
    }

    func testDryRunOutputAndExitCode() throws {
        let database = try freshDatabase(self)
        let dir = try makeHistory(self, [
            ("CREATE TABLE users (id int, email text);\nINSERT INTO users VALUES (1, NULL);", "DROP TABLE users;"),
            ("ALTER TABLE users ALTER COLUMN email SET NOT NULL;", "ALTER TABLE users ALTER COLUMN email DROP NOT NULL;"),
        ])
        let project = dir.deletingLastPathComponent()
        let env = ["DATABASE_URL": database.raw]
        XCTAssertEqual(try CLI.run(["upgrade", "r01"], in: project, environment: env).status, 0)
        var r = try CLI.run(["upgrade", "--dry-run"], in: project, environment: env)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stdout.hasPrefix("dry run: r01 → r02, 1 revision, rolled back\n  failed           r02  r02"), r.stdout)
        XCTAssertTrue(r.stdout.contains("migrations/r02_rev.sql:6: ERROR 23502: column \"email\" of relation \"users\" contains null values"), r.stdout)
        XCTAssertTrue(r.stdout.hasSuffix("dry run FAILED: nothing was committed\n"))
        r = try CLI.run(["upgrade", "--dry-run", "--format", "json"], in: project, environment: env)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(json["rolledBack"] as? Bool, true)
        XCTAssertEqual(try CLI.run(["current"], in: project, environment: env).stdout, "r01 (r01) (1 pending)\n")
    }

    func testSQLErrorNamesRevisionFileLineAndSQLState() throws {
        let database = try freshDatabase(self)
        let dir = try makeHistory(self, [("CREATE TABLE a (id int);", "DROP TABLE a;"), ("CREATE TABLE b (id int);\nALTER TABLE nope ADD COLUMN x int;", "DROP TABLE b;")])
        let r = try CLI.run(["upgrade"], in: dir.deletingLastPathComponent(), environment: ["DATABASE_URL": database.raw])
        XCTAssertEqual(r.status, 3)
        XCTAssertTrue(r.stderr.hasPrefix("strata: revision r02 (up) failed at migrations/r02_rev.sql:7: ERROR 42P01: relation \"nope\" does not exist"), r.stderr)
        XCTAssertTrue(r.stderr.contains("version table is at r01"), r.stderr)
    }

    /// Unreachable server, missing database, wrong password, missing privilege: a clear error,
    /// exit 3, no password in the output, and the database left consistent.
    func testBadConnectionsAndPrivileges() throws {
        let dir = try makeHistory(self, [("CREATE TABLE a (id int);", "DROP TABLE a;")])
        let project = dir.deletingLastPathComponent()

        var r = try CLI.run(["upgrade", "--database-url", "postgresql://app:s3cr3t-pw@127.0.0.1:1/app"], in: project)
        XCTAssertEqual(r.status, 3)
        XCTAssertTrue(r.stderr.contains("cannot connect to postgresql://app:***@127.0.0.1:1/app"), r.stderr)
        XCTAssertFalse(r.stderr.contains("s3cr3t-pw") || r.stdout.contains("s3cr3t-pw"))

        let server = try TestServer.shared()
        let missing = server.connectionString(database: "no_such_database_here")
        r = try CLI.run(["upgrade", "--database-url", missing.raw], in: project)
        XCTAssertEqual(r.status, 3)
        XCTAssertTrue(r.stderr.contains("database \"no_such_database_here\" does not exist"), r.stderr)

        // A role without CREATE on schema public (PostgreSQL 15's default for non-owners).
        let database = try freshDatabase(self)
        let admin = try PGConnection(database)
        try admin.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'strata_limited') THEN CREATE ROLE strata_limited LOGIN; END IF; END $$")
        // In keyword form a repeated keyword overrides the earlier one.
        let limitedURL = ConnectionString(database.raw + " user=strata_limited")
        r = try CLI.run(["upgrade", "--database-url", limitedURL.raw], in: project)
        XCTAssertEqual(r.status, 3, r.stdout + r.stderr)
        XCTAssertTrue(r.stderr.contains("42501") || r.stderr.contains("permission denied"), r.stderr)
        XCTAssertEqual(try admin.query("SELECT to_regclass('public.a') IS NULL")[0, 0], "t")
    }

    func testWrongPasswordIsRedacted() throws {
        // A second embedded server that asks for passwords.
        let hba = try temporaryDirectory(self).appendingPathComponent("pg_hba.conf")
        try "local all postgres trust\nlocal all all scram-sha-256\n".write(to: hba, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: hba.path)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: hba.deletingLastPathComponent().path)
        var options = EmbeddedServer.Options()
        options.settings = ["hba_file": hba.path, "password_encryption": "scram-sha-256"]
        let server = try EmbeddedServer.start(options)
        defer { server.stop() }
        let admin = try PGConnection(server.connectionString())
        try admin.execute("CREATE ROLE app LOGIN PASSWORD 'right-password'")
        let dir = try makeHistory(self, [("CREATE TABLE a (id int);", "DROP TABLE a;")])
        let socket = server.socketDirectory.path
        let url = "postgresql://app:wrong-password-123@/postgres?host=\(socket)"
        let r = try CLI.run(["upgrade", "--database-url", url], in: dir.deletingLastPathComponent())
        XCTAssertEqual(r.status, 3)
        XCTAssertTrue(r.stderr.contains("password authentication failed for user \"app\""), r.stderr)
        XCTAssertTrue(r.stderr.contains("postgresql://app:***@/postgres"), r.stderr)
        XCTAssertFalse((r.stdout + r.stderr).contains("wrong-password-123"))
        // The right password works.
        let ok = try CLI.run(["upgrade", "--database-url", "postgresql://app:right-password@/postgres?host=\(socket)"], in: dir.deletingLastPathComponent())
        XCTAssertEqual(ok.status, 3, "app may not create in public (PostgreSQL 15): \(ok.stderr)")
        XCTAssertFalse((ok.stdout + ok.stderr).contains("right-password"))
    }

    /// Two runs against one database: the second waits for the first's advisory lock.
    func testConcurrentRunsWaitForEachOther() throws {
        let database = try freshDatabase(self)
        let dir = try makeHistory(self, [("CREATE TABLE a (id int);", "DROP TABLE a;"), ("CREATE TABLE b (id int);", "DROP TABLE b;")])
        let holder = try PGConnection(database)
        try holder.query("SELECT pg_advisory_lock(hashtextextended($1, 0))", ["strata:public.strata_version"])
        let finished = DispatchSemaphore(value: 0)
        let box = ResultBox()
        let project = dir.deletingLastPathComponent()
        let url = database.raw
        DispatchQueue.global().async {
            box.result = try? CLI.run(["upgrade"], in: project, environment: ["DATABASE_URL": url])
            finished.signal()
        }
        XCTAssertEqual(finished.wait(timeout: .now() + 1.5), .timedOut, "the run waits while another holds the lock")
        XCTAssertEqual(try holder.query("SELECT to_regclass('public.a') IS NULL")[0, 0], "t")
        try holder.query("SELECT pg_advisory_unlock(hashtextextended($1, 0))", ["strata:public.strata_version"])
        XCTAssertEqual(finished.wait(timeout: .now() + 30), .success)
        XCTAssertEqual(box.result?.status, 0)
        XCTAssertTrue(box.result?.stderr.contains("another strata run holds the lock") ?? false)
        XCTAssertEqual(try holder.query("SELECT count(*) FROM strata_version")[0, 0], "2")
    }

    func testVerboseShowsServerNotices() throws {
        let database = try freshDatabase(self)
        let dir = try makeHistory(self, [("DO $$ BEGIN RAISE NOTICE 'hello from the server'; END $$;", "SELECT 1;")])
        let r = try CLI.run(["upgrade", "--verbose"], in: dir.deletingLastPathComponent(), environment: ["DATABASE_URL": database.raw])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("notice: NOTICE:  hello from the server") || r.stderr.contains("hello from the server"), r.stderr)
        let quiet = try CLI.run(["downgrade", "base"], in: dir.deletingLastPathComponent(), environment: ["DATABASE_URL": database.raw])
        XCTAssertFalse(quiet.stderr.contains("hello"))
    }
}

final class ResultBox: @unchecked Sendable {
    var result: CLI.Result?
}
