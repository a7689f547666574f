import Foundation

/// Somewhere to make throwaway databases: the embedded server or an existing one (`--scratch-url`).
public protocol ScratchServer: AnyObject {
    /// Creates a uniquely named database (`<prefix>_<12 hex digits>`), empty (from `template0`)
    /// or as a copy of `template`, and returns a connection string for it. The template must
    /// have no other connections while it is copied (PostgreSQL refuses with SQLSTATE 55006).
    func createDatabase(prefix: String, template: String?) throws -> ConnectionString
    /// Drops the database `conn` names, disconnecting its sessions (`WITH (FORCE)`).
    func dropDatabase(_ conn: ConnectionString) throws
    /// Releases the server: drops what it made / stops it. Idempotent.
    func close()
}

extension ScratchServer {
    /// An empty database from `template0`.
    public func createDatabase(prefix: String = "strata") throws -> ConnectionString {
        try createDatabase(prefix: prefix, template: nil)
    }
}

/// Shared SQL for both kinds of scratch server.
enum ScratchSQL {
    /// `prefix_<12 hex>`; the prefix is reduced to `[a-z0-9_]` and shortened so the name fits
    /// in PostgreSQL's 63 bytes.
    static func uniqueName(prefix: String) -> String {
        var cleaned = String(prefix.lowercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
        if cleaned.isEmpty { cleaned = "strata" }
        cleaned = String(cleaned.prefix(40))
        return cleaned + "_" + randomHex(12)
    }

    static func randomHex(_ digits: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<digits).map { _ in "0123456789abcdef".randomElement(using: &generator) ?? "0" })
    }

    /// `CREATE DATABASE`, with `STRATEGY FILE_COPY` when asked and supported (PostgreSQL 15+).
    static func create(_ name: String, template: String?, fileCopy: Bool, serverVersion: Int) -> String {
        var sql = "CREATE DATABASE \(quoteIdentifier(name)) TEMPLATE \(quoteIdentifier(template ?? "template0"))"
        if fileCopy, serverVersion >= 150000 { sql += " STRATEGY FILE_COPY" }
        return sql
    }

    /// Drops `name`, disconnecting its sessions (`WITH (FORCE)` on 13+, `pg_terminate_backend`
    /// before), after `awaitNoSessions` (which makes the drop take milliseconds).
    static func drop(_ name: String, on connection: PGConnection) throws {
        try awaitNoSessions(name, on: connection)
        if connection.serverVersionNumber >= 130000 {
            try connection.execute("DROP DATABASE IF EXISTS \(quoteIdentifier(name)) WITH (FORCE)")
        } else {
            try connection.query(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
                [name])
            try connection.execute("DROP DATABASE IF EXISTS \(quoteIdentifier(name))")
        }
    }

    /// Waits (up to 50 ms, polling at 0.5 ms) until no other session is on database `name`:
    /// after a client closed its connection its backend needs a moment to exit, and DROP
    /// DATABASE or CREATE DATABASE ... TEMPLATE `name` would otherwise sleep 100 ms (the server
    /// re-checks only that often).
    static func awaitNoSessions(_ name: String, on connection: PGConnection) throws {
        let deadline = DispatchTime.now().uptimeNanoseconds + 50_000_000
        while DispatchTime.now().uptimeNanoseconds < deadline {
            let others = try connection.query(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [name])
            if others[0, 0] == "0" { break }
            usleep(500)
        }
    }

    static func databaseName(_ conn: ConnectionString) throws -> String {
        guard let name = conn.database, !name.isEmpty else {
            throw PostgresError(kind: .client, message: "the connection string \(conn) names no database to drop")
        }
        return name
    }
}
