import Foundation

/// Scratch databases on an existing server (`--scratch-url`): it creates uniquely named
/// databases there and drops every one it made on `close()`, at exit and on Ctrl-C/SIGTERM
/// (through `Cleanup`). The admin connection string needs a role with CREATEDB.
public final class ExternalScratchServer: ScratchServer {
    public let admin: ConnectionString
    private let connection: PGConnection
    private let lock = NSLock()
    private let tracked: TrackedDatabases
    private let cleanupID: String

    /// Connects to `admin` (throws `PostgresError(kind: .connection)` if it cannot).
    public init(_ admin: ConnectionString) throws {
        self.admin = admin
        connection = try PGConnection(admin, applicationName: "strata-scratch")
        tracked = TrackedDatabases(admin: admin)
        cleanupID = "scratch-databases-" + ScratchSQL.randomHex(12)
        let tracked = self.tracked
        Cleanup.register(cleanupID) { tracked.dropAllWithFreshConnection() }
    }

    deinit {
        close()
    }

    /// Creates the database with the server's default strategy (on a shared, durable server
    /// `FILE_COPY` would force checkpoints).
    public func createDatabase(prefix: String, template: String?) throws -> ConnectionString {
        let name = ScratchSQL.uniqueName(prefix: prefix)
        lock.lock()
        defer { lock.unlock() }
        tracked.insert(name)
        do {
            if let template { try ScratchSQL.awaitNoSessions(template, on: connection) }
            try connection.execute(
                ScratchSQL.create(name, template: template, fileCopy: false, serverVersion: connection.serverVersionNumber))
        } catch {
            tracked.remove(name)
            throw error
        }
        return admin.withDatabase(name)
    }

    public func dropDatabase(_ conn: ConnectionString) throws {
        let name = try ScratchSQL.databaseName(conn)
        lock.lock()
        defer { lock.unlock() }
        try ScratchSQL.drop(name, on: connection)
        tracked.remove(name)
    }

    /// The databases this server made and has not dropped yet.
    public var createdDatabases: [String] { tracked.names }

    /// Drops every database it made, then disconnects. Idempotent.
    public func close() {
        lock.lock()
        defer { lock.unlock() }
        Cleanup.unregister(cleanupID)
        for name in tracked.names {
            if (try? ScratchSQL.drop(name, on: connection)) != nil {
                tracked.remove(name)
            }
        }
        if !tracked.names.isEmpty { tracked.dropAllWithFreshConnection() }
        connection.close()
    }
}

/// The names an `ExternalScratchServer` made; shared with its cleanup action, which runs on
/// another thread and therefore uses its own connection.
private final class TrackedDatabases: @unchecked Sendable {
    private let lock = NSLock()
    private var set: Set<String> = []
    let admin: ConnectionString

    init(admin: ConnectionString) {
        self.admin = admin
    }

    var names: [String] {
        lock.lock()
        defer { lock.unlock() }
        return set.sorted()
    }

    func insert(_ name: String) {
        lock.lock()
        set.insert(name)
        lock.unlock()
    }

    func remove(_ name: String) {
        lock.lock()
        set.remove(name)
        lock.unlock()
    }

    func dropAllWithFreshConnection() {
        let names = self.names
        guard !names.isEmpty, let connection = try? PGConnection(admin, applicationName: "strata-cleanup") else {
            return
        }
        defer { connection.close() }
        for name in names where (try? ScratchSQL.drop(name, on: connection)) != nil {
            remove(name)
        }
    }
}
