import Foundation
import StrataPostgres

/// The test suites' PostgreSQL: one embedded server per test process (the same code path users
/// get), started on first use and stopped at exit; each test makes its own database on it.
public enum TestServer {
    nonisolated(unsafe) private static var server: EmbeddedServer?
    private static let lock = NSLock()

    public static func shared() throws -> EmbeddedServer {
        lock.lock()
        defer { lock.unlock() }
        if let server { return server }
        let started = try EmbeddedServer.start()
        atexit { Cleanup.runAll() }
        server = started
        return started
    }

    /// The server's major version (14, 15, ...), for tests of what only newer servers have.
    public static func major() throws -> Int {
        try shared().withAdmin { $0.serverVersionNumber / 10000 }
    }

    /// Whether SQL condition `condition` holds on the server (e.g. that it was built with ICU).
    public static func holds(_ condition: String) throws -> Bool {
        try value(condition) == "t"
    }

    /// The value of SQL expression `expression` on the server (e.g. an extension's default version).
    public static func value(_ expression: String) throws -> String? {
        try shared().withAdmin { try $0.query("SELECT \(expression)")[0, 0] }
    }

    /// Runs cluster-wide SQL (roles) on the admin connection.
    public static func admin(_ sql: String) throws {
        try shared().withAdmin { try $0.execute(sql) }
    }
}
