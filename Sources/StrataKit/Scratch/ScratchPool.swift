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
        made.append(database)
        return database
    }

    public func drop(_ database: ConnectionString) {
        try? server.dropDatabase(database)
        made.removeAll { $0 == database }
    }

    public func close() {
        guard !closed else { return }
        closed = true
        for database in made.reversed() { try? server.dropDatabase(database) }
        made = []
        server.close()
    }

    deinit { close() }
}
