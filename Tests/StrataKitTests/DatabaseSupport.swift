import Foundation
import XCTest
import StrataPostgres
import StrataTestSupport
@testable import StrataKit


/// A fresh, empty database on the test server, dropped when the test ends.
func freshDatabase(_ test: XCTestCase, template: String? = nil) throws -> ConnectionString {
    let server = try TestServer.shared()
    let database = try server.createDatabase(prefix: "t", template: template)
    test.addTeardownBlock { try? server.dropDatabase(database) }
    return database
}

/// The repository's example history as it was before strata squashed it, rebuilt from the archive.
func exampleOriginalHistory() throws -> History {
    let current = try MigrationDirectory.load(exampleMigrations()).history()
    return try ExpandedHistory.expand(current, archiveDirectory: exampleMigrations().deletingLastPathComponent().appendingPathComponent("archive")).history
}

/// The repository's example history.
func exampleMigrations() -> URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("migrations")
}

/// Counts of user objects left in a database: what "empty" means for a downgrade to base.
func leftovers(_ connection: PGConnection, ignoring versionTable: String = "strata_version") throws -> [String: [String]] {
    let queries: [String: String] = [
        "relations": "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname NOT IN ('pg_catalog','information_schema') AND n.nspname NOT LIKE 'pg_toast%' AND c.relname NOT IN ('\(versionTable)', '\(versionTable)_pkey') ORDER BY 1",
        "types": "SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname NOT IN ('pg_catalog','information_schema') AND n.nspname NOT LIKE 'pg_toast%' AND t.typrelid = 0 AND t.typelem = 0 ORDER BY 1",
        "functions": "SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname NOT IN ('pg_catalog','information_schema') ORDER BY 1",
        "extensions": "SELECT extname FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY 1",
        "schemas": "SELECT nspname FROM pg_namespace WHERE nspname NOT IN ('pg_catalog','information_schema','public') AND nspname NOT LIKE 'pg_toast%' AND nspname NOT LIKE 'pg_temp%' ORDER BY 1",
    ]
    var out: [String: [String]] = [:]
    for (kind, sql) in queries {
        let names = try connection.query(sql).rows.compactMap { $0[0] }
        if !names.isEmpty { out[kind] = names }
    }
    return out
}

/// A migrations directory in a temporary folder, from (up, down) pairs; ids r01, r02, ….
func makeHistory(_ test: XCTestCase, _ revisions: [(up: String, down: String?)], transactional: [Bool]? = nil) throws -> URL {
    let dir = try temporaryDirectory(test).appendingPathComponent("migrations")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    for (index, revision) in revisions.enumerated() {
        let id = String(format: "r%02d", index + 1)
        let parent = index == 0 ? nil : String(format: "r%02d", index)
        let extra = (transactional?[index] ?? true) ? "" : "-- transactional: false\n"
        try writeRevision(dir, id: id, parent: parent, up: revision.up, down: revision.down, extraHeader: extra)
    }
    return dir
}

func migrator(_ directory: URL, _ database: ConnectionString, options: MigrateOptions = .init()) throws -> Migrator {
    try migrator(history: try MigrationDirectory.load(directory).history(), database, options: options)
}

func migrator(history: History, _ database: ConnectionString, options: MigrateOptions = .init()) throws -> Migrator {
    let connection = try PGConnection(database)
    return try Migrator(connection: connection, history: history, options: options, directoryDisplay: "migrations")
}

/// A role on the test server (`NOLOGIN`, a random name starting with `prefix`), dropped after the test.
func temporaryRole(_ test: XCTestCase, _ prefix: String) throws -> String {
    let role = "\(prefix)_\(UInt32.random(in: 0..<UInt32.max))"
    let admin = try PGConnection(try TestServer.shared().connectionString())
    try admin.execute("CREATE ROLE \(role) NOLOGIN")
    test.addTeardownBlock {
        _ = try? admin.execute("DROP ROLE IF EXISTS \(role)")
        admin.close()
    }
    return role
}
