import Foundation
import StrataPostgres

/// Where strata makes its scratch databases: the embedded throwaway server (default) or a
/// configured server (`--scratch-url`). Every database it hands out is dropped on `close()`, and
/// the embedded server is removed with it (also on Ctrl-C, through `Cleanup`).
public final class ScratchPool {
    public let server: ScratchServer
    /// The installation whose pg_dump squash uses: the embedded server's, or with a scratch URL
    /// the one `--postgres`/`[server] postgres` picked (`nil` when nothing was picked:
    /// `PgDump.locate` then takes `$STRATA_POSTGRES`'s or the newest).
    public let installation: PostgresInstallation?
    public let serverMajor: Int
    private var made: [ConnectionString] = []
    /// How many databases the pool has handed out (what a stairway's findings cost, in tests).
    private(set) var handedOut = 0
    private var closed = false
    /// Guards `made` and `closed`: jobs of a stairway make and drop databases at the same time.
    private let lock = NSLock()

    public init(server: ScratchServer, installation: PostgresInstallation?, serverMajor: Int) {
        self.server = server
        self.installation = installation
        self.serverMajor = serverMajor
    }

    /// The embedded server, or the server at `url` when one is configured. `postgres` picks the
    /// installation (a major version or a binary directory; `PostgresInstallation.find`).
    public static func open(url: String?, postgres: String? = nil) throws -> ScratchPool {
        if let url {
            let installation = try postgres.map { try PostgresInstallation.find($0) }
            let external = try ExternalScratchServer(ConnectionString(url))
            let probe = try PGConnection(ConnectionString(url))
            let major = probe.serverVersionNumber / 10000
            probe.close()
            return ScratchPool(server: external, installation: installation, serverMajor: major)
        }
        var options = EmbeddedServer.Options()
        options.postgres = postgres
        let embedded = try EmbeddedServer.start(options)
        return ScratchPool(server: embedded, installation: embedded.installation, serverMajor: embedded.installation.majorVersion)
    }

    /// A fresh empty database.
    public func database(_ prefix: String = "strata_scratch", template: String? = nil) throws -> ConnectionString {
        let database = try server.createDatabase(prefix: prefix, template: template)
        lock.withLock {
            made.append(database)
            handedOut += 1
        }
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
