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

    /// Runs cluster-wide SQL (roles) on the admin connection.
    public static func admin(_ sql: String) throws {
        try shared().withAdmin { try $0.execute(sql) }
    }
}
