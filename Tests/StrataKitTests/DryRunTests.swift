import Foundation
import XCTest
import StrataPostgres
@testable import StrataKit

final class DryRunTests: XCTestCase {
    /// Adding NOT NULL to a column that holds NULLs fails in the dry run with the server's
    /// message, and the database is unchanged (schema and version).
    func testNotNullOnRealDataFails() throws {
        let database = try freshDatabase(self)
        let dir = try makeHistory(self, [
            ("CREATE TABLE users (id int, email text);", "DROP TABLE users;"),
            ("ALTER TABLE users ALTER COLUMN email SET NOT NULL;", "ALTER TABLE users ALTER COLUMN email DROP NOT NULL;"),
            ("CREATE TABLE later (id int);", "DROP TABLE later;"),
        ])
        let m = try migrator(dir, database)
        _ = try m.upgrade(to: "r01")
        try m.connection.execute("INSERT INTO users VALUES (1, 'a@example.com'), (2, NULL)")
        let versionBefore = try m.connection.query("SELECT revision, checksum FROM strata_version").rows
        let report = try m.dryRun()
        XCTAssertTrue(report.failed)
        XCTAssertEqual(report.entries.map(\.status), [.failed, .notReached])
        let error = try XCTUnwrap(report.entries[0].error)
        XCTAssertTrue(error.contains("23502"), error)
        XCTAssertTrue(error.contains("column \"email\" of relation \"users\" contains null values"), error)
        XCTAssertTrue(error.hasPrefix("migrations/r02_rev.sql:"), error)
        XCTAssertEqual(try m.connection.query("SELECT revision, checksum FROM strata_version").rows, versionBefore)
        XCTAssertEqual(try m.connection.query("SELECT is_nullable FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'email'")[0, 0], "YES")
        XCTAssertFalse(m.connection.inTransaction)
    }

    func testDeferredForeignKeyViolationIsCaught() throws {
        let database = try freshDatabase(self)
        let dir = try makeHistory(self, [
            ("CREATE TABLE parent (id int PRIMARY KEY);\nCREATE TABLE child (id int, parent_id int REFERENCES parent DEFERRABLE INITIALLY DEFERRED);", "DROP TABLE child;\nDROP TABLE parent;"),
            ("INSERT INTO child VALUES (1, 42);", "DELETE FROM child;"),
        ])
        let m = try migrator(dir, database)
        _ = try m.upgrade(to: "r01")
        let report = try m.dryRun()
        XCTAssertEqual(report.entries.map(\.status), [.failed])
        XCTAssertTrue(report.entries[0].error?.contains("23503") ?? false, report.entries[0].error ?? "")
        XCTAssertEqual(try m.connection.query("SELECT count(*) FROM child")[0, 0], "0")
    }

    func testCleanDryRunCommitsNothingAndReportsLocks() throws {
        let database = try freshDatabase(self)
        let dir = try makeHistory(self, [
            ("CREATE TABLE users (id int PRIMARY KEY, email text);", "DROP TABLE users;"),
            ("ALTER TABLE users ADD COLUMN last_login timestamptz;", "ALTER TABLE users DROP COLUMN last_login;"),
            ("CREATE INDEX ix_users_email ON users (email);", "DROP INDEX ix_users_email;"),
            ("CREATE INDEX CONCURRENTLY ix_users_login ON users (last_login);", "DROP INDEX CONCURRENTLY ix_users_login;"),
            ("CREATE TABLE audit (id int);", "DROP TABLE audit;"),
        ], transactional: [true, true, true, false, true])
        let m = try migrator(dir, database)
        _ = try m.upgrade(to: "r01")
        let report = try m.dryRun()
        XCTAssertFalse(report.failed)
        XCTAssertEqual(report.entries.map(\.status), [.ok, .ok, .notDryRunnable, .ok])
        XCTAssertEqual(report.entries[0].locks.map { "\($0.mode) \($0.relation)" }, ["AccessExclusiveLock public.users"])
        XCTAssertEqual(report.entries[0].locks.first?.blocks, "reads and writes")
        XCTAssertEqual(report.entries[1].locks.map(\.relation), [], "the stronger lock from r02 is already held")
        XCTAssertEqual(report.entries[3].newRelations, 1)
        XCTAssertTrue(report.rolledBack)
        XCTAssertEqual(try m.state().current?.id, "r01", "the version table is unchanged")
        XCTAssertEqual(try m.connection.query("SELECT to_regclass('audit') IS NULL AND to_regclass('ix_users_email') IS NULL")[0, 0], "t")
        XCTAssertEqual(try m.connection.query("SELECT count(*) FROM information_schema.columns WHERE table_name = 'users'")[0, 0], "2")
    }

    func testIndexOnExistingTableTakesShareLock() throws {
        let database = try freshDatabase(self)
        let dir = try makeHistory(self, [
            ("CREATE TABLE users (id int PRIMARY KEY, email text);", "DROP TABLE users;"),
            ("CREATE INDEX ix_users_email ON users (email);", "DROP INDEX ix_users_email;"),
        ])
        let m = try migrator(dir, database)
        _ = try m.upgrade(to: "r01")
        let report = try m.dryRun()
        XCTAssertEqual(report.entries[0].locks.map { "\($0.mode) \($0.relation) blocks \($0.blocks)" }, ["ShareLock public.users blocks writes"])
        XCTAssertEqual(report.entries[0].newRelations, 1)
    }
}
