import CLibPQ
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A throwaway PostgreSQL cluster for scratch databases (DESIGN §7).
///
/// `start()` makes a private 0700 directory `strata-<pid>-<random>` on a RAM-backed file system
/// (`/dev/shm` when writable, else `$TMPDIR`), fills `data/` by copying a cached initdb'd cluster
/// (or running `initdb`), and runs `postgres` directly with a unix socket in that directory, no
/// TCP and no durability (`fsync=off`, ...). As root it runs initdb and the server as `postgres`
/// (or `nobody`). `stop()` (also run by `Cleanup` on exit, Ctrl-C and SIGTERM, and by `deinit`)
/// kills the server and removes the directory; a later `start()` removes directories left by a
/// process that was SIGKILLed.
public final class EmbeddedServer: ScratchServer {
    public struct Options: Sendable {
        /// Copy a cached initdb'd cluster instead of running initdb (making the cache the first time).
        public var useCache: Bool = true
        /// Default: `$STRATA_CACHE_DIR`, else `$XDG_CACHE_HOME/strata`, else `~/.cache/strata`.
        public var cacheDirectory: URL? = nil
        /// Default: `PostgresInstallation.find(postgres)`.
        public var installation: PostgresInstallation? = nil
        /// Which installation when `installation` is not given: a major version or a binary
        /// directory (`--postgres`); `nil`: `$STRATA_POSTGRES`, else the newest.
        public var postgres: String? = nil
        /// Where the cluster directory goes. Default: `/dev/shm` if writable, else `$TMPDIR`, else `/tmp`.
        public var baseDirectory: URL? = nil
        /// Extra server settings (`-c key=value`), applied after strata's own.
        public var settings: [String: String] = [:]
        public init() {}
    }

    public let installation: PostgresInstallation
    /// The private cluster directory (`strata-<pid>-<random>`); also the unix socket directory.
    public let directory: URL
    public var dataDirectory: URL { directory.appendingPathComponent("data") }
    public var socketDirectory: URL { directory }
    public var logFile: URL { directory.appendingPathComponent("postgres.log") }
    public let port = 5432
    /// The cluster's superuser (trust authentication over the private socket).
    public let superuser = "postgres"
    /// Seconds per start-up phase: `locate`, `remove-stale`, `copy` or `initdb` (+ `cache-store`
    /// the first time), `start` (spawn until the server accepts connections), `first-connection`.
    public private(set) var timings: [(phase: String, seconds: Double)] = []
    /// The postmaster's process id.
    public var postmasterPID: Int32 { processes.postmasterPID ?? 0 }

    private let processes: ClusterProcesses
    private let cleanupID: String
    private let adminLock = NSLock()
    private var admin: PGConnection?

    // MARK: - Start

    /// Starts a server and waits until it accepts connections. Throws `EmbeddedServerError`
    /// (with the command line and the log tail) or `PostgresError`; leaves nothing behind on error.
    public static func start(_ options: Options = .init()) throws -> EmbeddedServer {
        var clock = PhaseClock()
        let installation = try options.installation ?? PostgresInstallation.find(options.postgres)
        clock.mark("locate")

        let base = try options.baseDirectory?.path ?? ClusterDirectory.defaultBase()
        ClusterDirectory.removeStale(in: base)
        clock.mark("remove-stale")

        let runAs = ServerUser.forCurrentProcess()
        let directory = try ClusterDirectory.create(in: base, owner: runAs)
        let processes = ClusterProcesses(directory: directory)
        let cleanupID = "embedded-postgres-" + (directory as NSString).lastPathComponent
        Cleanup.register(cleanupID) { processes.stop() }

        do {
            let launcher = ClusterLauncher(installation: installation, runAs: runAs, directory: directory, processes: processes)
            let cache = options.useCache ? ClusterCache(options: options, installation: installation) : nil
            var usedCache = false
            if let cache, try cache.copyCachedCluster(to: launcher.dataPath, processes: processes) {
                usedCache = true
                clock.mark("copy")
                try launcher.fixOwnership()
            } else {
                try launcher.initdb()
                clock.mark("initdb")
                if let cache {
                    cache.store(from: launcher.dataPath, processes: processes)
                    clock.mark("cache-store")
                }
            }

            do {
                try launcher.startPostmaster(settings: options.settings)
            } catch let firstError as EmbeddedServerError where usedCache {
                // Maybe the cache entry is damaged: retry once from a fresh initdb. If that works,
                // the entry was the problem and goes (the next start makes a new one); if not, the
                // cause lies elsewhere (e.g. a bad setting) and the entry stays.
                processes.killPostmaster()
                ClusterDirectory.rmdirRecursively(launcher.dataPath)
                try launcher.initdb()
                clock.mark("initdb")
                do {
                    try launcher.startPostmaster(settings: options.settings)
                } catch {
                    throw firstError
                }
                cache?.discard()
            }
            clock.mark("start")

            let server = EmbeddedServer(
                installation: installation, directory: directory, processes: processes, cleanupID: cleanupID)
            server.admin = try PGConnection(server.connectionString(), applicationName: "strata-admin")
            clock.mark("first-connection")
            server.timings = clock.phases
            return server
        } catch {
            processes.stop()
            Cleanup.unregister(cleanupID)
            throw error
        }
    }

    private init(installation: PostgresInstallation, directory: String, processes: ClusterProcesses, cleanupID: String) {
        self.installation = installation
        self.directory = URL(fileURLWithPath: directory, isDirectory: true)
        self.processes = processes
        self.cleanupID = cleanupID
    }

    deinit {
        stop()
    }

    // MARK: - Use

    /// Connection string for `database` over the private unix socket, as the superuser.
    public func connectionString(database: String = "postgres") -> ConnectionString {
        ConnectionString.keywords([
            "host": directory.path, "port": String(port), "user": superuser, "dbname": database,
        ])
    }

    /// `CREATE DATABASE <prefix>_<hex> TEMPLATE template0|<template> STRATEGY FILE_COPY`
    /// (FILE_COPY is far cheaper than WAL_LOG on tmpfs with fsync off; see ANCHORS E).
    public func createDatabase(prefix: String, template: String?) throws -> ConnectionString {
        let name = ScratchSQL.uniqueName(prefix: prefix)
        _ = try withAdmin { admin in
            if let template { try ScratchSQL.awaitNoSessions(template, on: admin) }
            try admin.execute(
                ScratchSQL.create(name, template: template, fileCopy: true, serverVersion: admin.serverVersionNumber))
        }
        return connectionString(database: name)
    }

    public func dropDatabase(_ conn: ConnectionString) throws {
        let name = try ScratchSQL.databaseName(conn)
        try withAdmin { try ScratchSQL.drop(name, on: $0) }
    }

    /// Runs `body` with the server's admin connection to `postgres` (serialised; reconnects if broken).
    public func withAdmin<Result>(_ body: (PGConnection) throws -> Result) throws -> Result {
        adminLock.lock()
        defer { adminLock.unlock() }
        if processes.isStopped {
            throw EmbeddedServerError("The embedded PostgreSQL server in \(directory.path) has been stopped.")
        }
        if admin?.isBroken ?? true {
            admin?.close()
            admin = try PGConnection(connectionString(), applicationName: "strata-admin")
        }
        guard let admin else { throw PostgresError(kind: .client, message: "no admin connection") }
        return try body(admin)
    }

    /// The last `lines` lines of the server log.
    public func logTail(lines: Int = 20) -> String {
        let text = (try? String(contentsOfFile: logFile.path, encoding: .utf8)) ?? ""
        return EmbeddedServerError.tail(text, lines: lines)
    }

    // MARK: - Stop

    /// Stops the server (immediate shutdown; it is throwaway) and removes its directory. Idempotent.
    public func stop() {
        adminLock.lock()
        admin?.close()
        admin = nil
        adminLock.unlock()
        processes.stop()
        Cleanup.unregister(cleanupID)
    }

    /// Same as `stop()`.
    public func close() {
        stop()
    }

    /// Removes `strata-*` cluster directories whose owning process is gone (killing a server
    /// still running there). `start()` does this; returns the directories removed.
    @discardableResult
    public static func removeStaleClusters(in baseDirectory: URL? = nil) -> [String] {
        guard let base = baseDirectory?.path ?? (try? ClusterDirectory.defaultBase()) else { return [] }
        return ClusterDirectory.removeStale(in: base)
    }
}

// MARK: - Phase timings

struct PhaseClock {
    private var last = DispatchTime.now().uptimeNanoseconds
    private(set) var phases: [(phase: String, seconds: Double)] = []

    mutating func mark(_ phase: String) {
        let now = DispatchTime.now().uptimeNanoseconds
        phases.append((phase, Double(now - last) / 1e9))
        last = now
    }
}

// MARK: - Server user

/// Who runs initdb and postgres: nil means "this process's user"; as root, `postgres` if it
/// exists, else `nobody` (both refuse to run as root).
struct ServerUser: Sendable {
    var name: String
    var uid: uid_t
    var gid: gid_t

    static func forCurrentProcess() -> ServerUser? {
        guard geteuid() == 0 else { return nil }
        for name in ["postgres", "nobody"] {
            if let entry = getpwnam(name) {
                return ServerUser(name: name, uid: entry.pointee.pw_uid, gid: entry.pointee.pw_gid)
            }
        }
        return nil
    }
}

// MARK: - Processes (shared with the cleanup action)

/// The processes and directory of one cluster. `stop()` may run on the signal-handling thread
/// while the main thread is still starting or using the server, so everything is under a lock.
final class ClusterProcesses: @unchecked Sendable {
    let directory: String
    private let lock = NSLock()
    private var stopped = false
    /// The process we spawned for the server (setpriv execs into postgres, so usually the postmaster).
    private var serverChild: pid_t?
    private var postmaster: pid_t?
    /// initdb / cp while they run.
    private var helper: pid_t?

    init(directory: String) {
        self.directory = directory
    }

    var isStopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopped
    }

    var postmasterPID: pid_t? {
        lock.lock()
        defer { lock.unlock() }
        return postmaster
    }

    var serverChildPID: pid_t? {
        lock.lock()
        defer { lock.unlock() }
        return serverChild
    }

    /// Records the spawned server; false (and the caller must kill it) if `stop()` already ran.
    func setServer(child: pid_t, postmaster: pid_t?) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        serverChild = child
        self.postmaster = postmaster ?? child
        return !stopped
    }

    func setPostmaster(_ pid: pid_t) {
        lock.lock()
        postmaster = pid
        lock.unlock()
    }

    /// Forgets a server process that has already exited (and been reaped).
    func clearServer() {
        lock.lock()
        serverChild = nil
        postmaster = nil
        lock.unlock()
    }

    func setHelper(_ pid: pid_t?) {
        lock.lock()
        helper = pid
        let killNow = stopped && pid != nil
        lock.unlock()
        if killNow, let pid { kill(pid, SIGKILL) }
    }

    /// Kills the server without removing the directory (used before retrying a start).
    func killPostmaster() {
        lock.lock()
        defer { lock.unlock() }
        terminateServer()
    }

    /// Immediate shutdown, wait (SIGKILL after 5 s), remove the directory. Idempotent.
    func stop() {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return }
        stopped = true
        if let helper {
            kill(helper, SIGKILL)
        }
        terminateServer()
        try? FileManager.default.removeItem(atPath: directory)
        if FileManager.default.fileExists(atPath: directory) {
            _ = try? Subprocess.run("/bin/rm", ["-rf", directory])
        }
    }

    /// Caller holds the lock.
    private func terminateServer() {
        guard let child = serverChild else { return }
        let target = postmaster ?? child
        kill(target, SIGQUIT)
        if !Subprocess.waitForExit(child, timeout: 5) {
            kill(target, SIGKILL)
            kill(child, SIGKILL)
            Subprocess.waitForExit(child)
        }
        if target != child {
            // Not our child (e.g. started through runuser): wait until it is gone.
            var waited = 0
            while kill(target, 0) == 0, waited < 5000 {
                usleep(1000)
                waited += 1
            }
        }
        serverChild = nil
        postmaster = nil
    }
}
