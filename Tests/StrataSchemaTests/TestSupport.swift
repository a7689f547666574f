import Foundation
import StrataPostgres
import StrataTestSupport
import StrataSchema
import XCTest


/// A fresh database dropped when the test ends.
func freshDatabase(_ test: XCTestCase) throws -> ConnectionString {
    let server = try TestServer.shared()
    let database = try server.createDatabase(prefix: "schema", template: nil)
    test.addTeardownBlock { try? server.dropDatabase(database) }
    return database
}

/// Builds `sql` in a fresh database and hands `read` a connection to it; the database is
/// dropped right away.
func withBuilt<T>(_ sql: String, _ read: (PGConnection) throws -> T) throws -> T {
    let server = try TestServer.shared()
    let database = try server.createDatabase(prefix: "schema", template: nil)
    defer { try? server.dropDatabase(database) }
    let connection = try PGConnection(database)
    defer { connection.close() }
    if !sql.isEmpty { try connection.execute(sql) }
    return try read(connection)
}

/// Builds `sql` in a fresh database and reflects it.
func reflect(_ sql: String, options: ReflectionOptions = ReflectionOptions()) throws -> Snapshot {
    try withBuilt(sql) { try SchemaReflector.reflect($0, options: options) }
}

/// The diff of two states, as text lines.
func diffLines(_ a: Snapshot, _ b: Snapshot) -> [String] {
    DiffText.render(SchemaDiff(from: a, to: b)).split(separator: "\n").map(String.init)
}

/// Creates a role once per cluster (roles are cluster-wide; the name is the caller's to keep unique).
func ensureRole(_ name: String) throws {
    try TestServer.admin("""
        DO $$ BEGIN CREATE ROLE \(quoteIdentifier(name)) NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$
        """)
}
