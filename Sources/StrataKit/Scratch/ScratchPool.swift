import Foundation
import StrataPostgres

/// Where strata makes its scratch databases: the embedded throwaway server (default) or a
/// configured server (`--scratch-url`). Every database it hands out is dropped on `close()`, and
/// the embedded server is removed with it (also on Ctrl-C, through `Cleanup`).
public final class ScratchPool {
    public let server: ScratchServer
    /// The installation of the embedded server (its pg_dump is the one squash uses).
    public let installation: PostgresInstallation?
    public let serverMajor: Int
    private var made: [ConnectionString] = []
    private var closed = false
    /// Guards `made` and `closed`: jobs of a stairway make and drop databases at the same time.
    private let lock = NSLock()

    public init(server: ScratchServer, installation: PostgresInstallation?, serverMajor: Int) {
        self.server = server
        self.installation = installation
        self.serverMajor = serverMajor
    }

    /// The embedded server, or the server at `url` when one is configured.
    public static func open(url: String?) throws -> ScratchPool {
        if let url {
            let external = try ExternalScratchServer(ConnectionString(url))
            let probe = try PGConnection(ConnectionString(url))
            let major = probe.serverVersionNumber / 10000
            probe.close()
            return ScratchPool(server: external, installation: nil, serverMajor: major)
        }
        let embedded = try EmbeddedServer.start()
        return ScratchPool(server: embedded, installation: embedded.installation, serverMajor: embedded.installation.majorVersion)
    }

    /// A fresh empty database.
    public func database(_ prefix: String = "strata_scratch", template: String? = nil) throws -> ConnectionString {
        let database = try server.createDatabase(prefix: prefix, template: template)
        lock.withLock { made.append(database) }
        return database
    }

    public func drop(_ database: ConnectionString) {
        try? server.dropDatabase(database)
        lock.withLock { made.removeAll { $0 == database } }
    }

    public func close() {
        let databases: [ConnectionString]? = lock.withLock {
            guard !closed else { return nil }
            closed = true
            defer { made = [] }
            return made
        }
        guard let databases else { return }
        for database in databases.reversed() { try? server.dropDatabase(database) }
        server.close()
    }

    deinit { close() }
}
