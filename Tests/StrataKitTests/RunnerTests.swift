import Foundation
import XCTest
import StrataPostgres
@testable import StrataKit

/// The runner against the embedded server (no mocks).
final class RunnerTests: XCTestCase {
    /// The example history — as squashed in the repository, and in its original 46-revision
    /// form rebuilt from the archive — applies to head, downgrades to an empty database, and
    /// applies again.
    func testExampleHistoryUpDownUp() throws {
        let squashed = try MigrationDirectory.load(exampleMigrations()).history()
        let original = try exampleOriginalHistory()
        XCTAssertGreaterThanOrEqual(original.count, 40)
        XCTAssertEqual(original.count, squashed.count - 1 + (squashed.root?.replaces.count ?? 0))
        for history in [original, squashed] {
            let database = try freshDatabase(self)
            let m = try migrator(history: history, database)
            let up = try m.upgrade()
            XCTAssertEqual(up.steps.count, history.count)
            XCTAssertEqual(try m.state().current?.id, history.head?.id)
            let check = try PGConnection(database)
            let tables = try check.query("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")[0, 0]
            XCTAssertGreaterThan(Int(tables ?? "0") ?? 0, 15)
            XCTAssertEqual(try check.query("SELECT count(*) FROM strata_version")[0, 0], String(history.count))
            XCTAssertEqual(try check.query("SELECT count(*) FROM pg_indexes WHERE indexname = 'ix_order_items_product_id'")[0, 0], "1", "the CONCURRENTLY index exists")

            let down = try m.downgrade(to: "base")
            XCTAssertEqual(down.steps.count, history.count)
            XCTAssertNil(try m.state().current)
            XCTAssertEqual(try leftovers(check), [:], "downgrade to base leaves nothing behind")

            _ = try m.upgrade()
            XCTAssertEqual(try m.state().current?.id, history.head?.id)
        }
    }

    func testTargetsAndStamp() throws {
        let database = try freshDatabase(self)
        let dir = try makeHistory(self, (1...5).map { ("CREATE TABLE t\($0) (id int);", "DROP TABLE t\($0);") })
        let m = try migrator(dir, database)
        XCTAssertEqual(try m.upgrade(to: "+2").to?.id, "r02")
        XCTAssertEqual(try m.upgrade(to: "r04").to?.id, "r04")
        XCTAssertEqual(try m.downgrade(to: "-1").to?.id, "r03")
        XCTAssertEqual(try m.downgrade(to: "r01").steps.map(\.revision.id), ["r03", "r02"])
        XCTAssertThrowsError(try m.upgrade(to: "+9"))
        XCTAssertThrowsError(try m.downgrade(to: "r04")) { XCTAssertTrue("\($0)".contains("ahead of the current revision")) }
        XCTAssertEqual(try m.stamp("r05")?.id, "r05")
        let state = try m.state()
        XCTAssertEqual(state.current?.id, "r05")
        XCTAssertEqual(state.rows.count, 5)
        XCTAssertTrue(state.rows.allSatisfy(\.stamped))
        XCTAssertNil(try m.stamp("base"))
        XCTAssertNil(try m.state().current)
    }

    /// An SQL error in revision 17 of 40: the error names the revision, file:line and SQLSTATE,
    /// its transaction is rolled back, and the version table says 16.
    func testFailureInRevision17Of40() throws {
        let database = try freshDatabase(self)
        var revisions: [(up: String, down: String?)] = (1...40).map { ("CREATE TABLE t\($0) (id int);", "DROP TABLE t\($0);") }
        revisions[16] = ("CREATE TABLE t17 (id int);\nINSERT INTO t17 VALUES (1);\nINSERT INTO no_such_table VALUES (1);", "DROP TABLE t17;")
        let dir = try makeHistory(self, revisions)
        let m = try migrator(dir, database)
        XCTAssertThrowsError(try m.upgrade()) { error in
            guard let failure = error as? MigrationError else { return XCTFail("\(error)") }
            XCTAssertEqual(failure.revision, "r17")
            XCTAssertEqual(failure.server.sqlState, "42P01")
            XCTAssertEqual(failure.location, "migrations/r17_rev.sql:8", "the line of the failing INSERT")
            XCTAssertTrue(failure.description.contains("r17"))
            XCTAssertTrue(failure.description.contains("42P01"))
            XCTAssertTrue(failure.description.contains("version table is at r16"), failure.description)
        }
        let state = try m.state()
        XCTAssertEqual(state.current?.id, "r16")
        XCTAssertEqual(state.rows.count, 16)
        let check = try PGConnection(database)
        XCTAssertEqual(try check.query("SELECT to_regclass('t17') IS NULL")[0, 0], "t", "r17's transaction was rolled back")
        XCTAssertEqual(try check.query("SELECT to_regclass('t16') IS NOT NULL")[0, 0], "t")
    }

    /// A runtime error has no position: the runner finds the failing statement's line anyway.
    func testRuntimeErrorIsLocated() throws {
        let database = try freshDatabase(self)
        let dir = try makeHistory(self, [
            ("CREATE TABLE t (id int NOT NULL);", "DROP TABLE t;"),
            ("INSERT INTO t VALUES (1);\nINSERT INTO t VALUES (2);\n\nINSERT INTO t VALUES (NULL);\nINSERT INTO t VALUES (3);", "DELETE FROM t;"),
        ])
        let m = try migrator(dir, database)
        XCTAssertThrowsError(try m.upgrade()) { error in
            guard let failure = error as? MigrationError else { return XCTFail("\(error)") }
            XCTAssertEqual(failure.server.sqlState, "23502")
            XCTAssertEqual(failure.location, "migrations/r02_rev.sql:9", "the INSERT of NULL")
        }
        XCTAssertEqual(try PGConnection(database).query("SELECT count(*) FROM t")[0, 0], "0")
    }

    /// In a non-transactional revision, a failing statement that is not the first is reported at
    /// its own line, with or without a position from the server.
    func testNonTransactionalFailureIsLocatedInItsStatement() throws {
        for (failing, state) in [("INSERT INTO no_such_table VALUES (1);", "42P01"), ("INSERT INTO a VALUES (NULL);", "23502")] {
            let database = try freshDatabase(self)
            let dir = try makeHistory(self, [
                ("CREATE TABLE a (id int NOT NULL);", "DROP TABLE a;"),
                ("CREATE INDEX CONCURRENTLY ix_a ON a (id);\nINSERT INTO a VALUES (1);\n\n\(failing)", "DROP INDEX CONCURRENTLY ix_a;"),
            ], transactional: [true, false])
            XCTAssertThrowsError(try migrator(dir, database).upgrade()) { error in
                guard let failure = error as? MigrationError else { return XCTFail("\(error)") }
                XCTAssertEqual(failure.server.sqlState, state)
                XCTAssertEqual(failure.location, "migrations/r02_rev.sql:10", "the line of \(failing)")
                XCTAssertTrue(failure.outcome.contains("Statements 1–2"), failure.outcome)
            }
        }
    }

    func testSingleTransactionRollsBackTheWholeRun() throws {
        let database = try freshDatabase(self)
        let dir = try makeHistory(self, [("CREATE TABLE a (id int);", "DROP TABLE a;"), ("CREATE TABLE b (id int);", "DROP TABLE b;"), ("SELECT 1/0;", "SELECT 1;")])
        var options = MigrateOptions()
        options.singleTransaction = true
        let m = try migrator(dir, database, options: options)
        XCTAssertThrowsError(try m.upgrade()) { error in
            XCTAssertEqual((error as? MigrationError)?.server.sqlState, "22012")
            XCTAssertTrue("\(error)".contains("rolled back"))
        }
        XCTAssertNil(try m.state().current)
        XCTAssertEqual(try PGConnection(database).query("SELECT to_regclass('a') IS NULL")[0, 0], "t")
    }

    /// Nothing a revision SETs leaks into the next one.
    func testCleanSessionBetweenRevisions() throws {
        let database = try freshDatabase(self)
        let dir = try makeHistory(self, [
            ("CREATE SCHEMA other;\nSET search_path = other;\nSET statement_timeout = '10s';\nSELECT pg_catalog.set_config('application_name', 'leaky', false);", "DROP SCHEMA other;"),
            ("CREATE TABLE landed (id int);\nSELECT pg_sleep(0.01);", "DROP TABLE landed;"),
        ])
        let m = try migrator(dir, database)
        _ = try m.upgrade()
        let check = try PGConnection(database)
        XCTAssertEqual(try check.query("SELECT to_regclass('public.landed') IS NOT NULL")[0, 0], "t", "search_path was reset")
        XCTAssertEqual(try m.connection.query("SHOW statement_timeout")[0, 0], "0")
        XCTAssertEqual(try m.connection.query("SHOW application_name")[0, 0], "strata")
        XCTAssertEqual(try m.state().rows.count, 2, "the version rows went to the resolved schema")
    }

    func testChangedFileIsRefusedUnlessAccepted() throws {
        let database = try freshDatabase(self)
        let dir = try makeHistory(self, [("CREATE TABLE a (id int);", "DROP TABLE a;"), ("CREATE TABLE b (id int);", "DROP TABLE b;")])
        _ = try migrator(dir, database).upgrade(to: "r01")
        try writeRevision(dir, id: "r01", parent: nil, up: "CREATE TABLE a (id bigint);", down: "DROP TABLE a;")
        XCTAssertThrowsError(try migrator(dir, database).upgrade()) { error in
            XCTAssertTrue("\(error)".contains("changed since they ran: r01"), "\(error)")
            XCTAssertTrue("\(error)".contains("--accept-changed"))
        }
        XCTAssertEqual(try migrator(dir, database).state().current?.id, "r01", "nothing ran")
        var options = MigrateOptions()
        options.acceptChanged = true
        XCTAssertEqual(try migrator(dir, database, options: options).upgrade().to?.id, "r02")
        XCTAssertTrue(try migrator(dir, database).state().changed.isEmpty, "the new checksum was recorded")
    }

    func testIrreversibleStopsDowngradeBeforeAnythingRuns() throws {
        let database = try freshDatabase(self)
        let dir = try makeHistory(self, [("CREATE TABLE a (id int);", "DROP TABLE a;"), ("CREATE TABLE b (id int);", nil), ("CREATE TABLE c (id int);", "DROP TABLE c;")])
        let m = try migrator(dir, database)
        _ = try m.upgrade()
        XCTAssertThrowsError(try m.downgrade(to: "base")) { XCTAssertTrue("\($0)".contains("cannot downgrade past r02")) }
        XCTAssertEqual(try m.state().current?.id, "r03", "nothing was reverted")
        XCTAssertEqual(try m.downgrade(to: "r02").steps.count, 1)
    }

    func testNonTransactionalRevisionRunsStatementByStatement() throws {
        let database = try freshDatabase(self)
        let dir = try makeHistory(self, [
            ("CREATE TABLE a (id int, v text);", "DROP TABLE a;"),
            ("CREATE INDEX CONCURRENTLY ix_a_id ON a (id);\nCREATE INDEX CONCURRENTLY ix_a_v ON a (v);", "DROP INDEX CONCURRENTLY ix_a_v;\nDROP INDEX CONCURRENTLY ix_a_id;"),
        ], transactional: [true, false])
        let m = try migrator(dir, database)
        _ = try m.upgrade()
        XCTAssertEqual(try m.connection.query("SELECT count(*) FROM pg_indexes WHERE tablename = 'a'")[0, 0], "2")
        _ = try m.downgrade(to: "r01")
        XCTAssertEqual(try m.connection.query("SELECT count(*) FROM pg_indexes WHERE tablename = 'a'")[0, 0], "0")
    }

    func testSQLScriptNeedsNoDatabase() throws {
        let history = try exampleOriginalHistory()
        let script = try SQLScript.upgrade(history, to: "head", versionTable: VersionTable("strata_version"))
        XCTAssertEqual(script.components(separatedBy: "\nBEGIN;\n").count - 1, history.revisions.filter(\.transactional).count)
        XCTAssertTrue(script.contains("CREATE INDEX CONCURRENTLY"))
        // The script applies with plain SQL on a real server.
        let database = try freshDatabase(self)
        let connection = try PGConnection(database)
        for statement in SQLScanner(script).statements() { try connection.execute(statement.text) }
        let m = try migrator(history: history, database)
        XCTAssertEqual(try m.state().current?.id, history.head?.id)
    }
}
