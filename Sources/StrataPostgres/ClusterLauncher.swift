import CLibPQ
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs initdb and the postmaster for one cluster directory, as the right user.
struct ClusterLauncher {
    let installation: PostgresInstallation
    let runAs: ServerUser?
    let directory: String
    let processes: ClusterProcesses

    var dataPath: String { "\(directory)/data" }
    var logPath: String { "\(directory)/postgres.log" }

    /// The options every cache entry was made with; part of the cache key.
    static func initdbOptions(majorVersion: Int) -> [String] {
        var options = ["--no-sync", "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C"]
        // 1 MB WAL segments instead of 16 MB: the copied cluster is 28 MB instead of 39 MB,
        // which makes every cached start ~7 ms faster; nothing a migration can see changes.
        if majorVersion >= 11 { options.append("--wal-segsize=1") }
        if majorVersion >= 14 { options.append("--no-instructions") }
        return options
    }

    /// `initdb -D data --no-sync -A trust -U postgres -E UTF8 --locale=C --wal-segsize=1`.
    func initdb() throws {
        let command = try wrapped(tool: "initdb", ["-D", dataPath] + Self.initdbOptions(majorVersion: installation.majorVersion))
        let result: (status: Int32, output: String)
        do {
            result = try Subprocess.run(
                command.executable, command.arguments, workingDirectory: directory, started: processes.setHelper)
        } catch let failure as Subprocess.Failure {
            throw EmbeddedServerError(
                "Could not run initdb for the throwaway PostgreSQL cluster: \(failure.message).",
                commandLine: Subprocess.commandLine(command.executable, command.arguments))
        }
        guard result.status == 0 else {
            throw EmbeddedServerError(
                "initdb failed with exit status \(result.status) while creating the throwaway PostgreSQL cluster in \(dataPath).",
                commandLine: Subprocess.commandLine(command.executable, command.arguments),
                logTail: EmbeddedServerError.tail(result.output))
        }
    }

    /// As root, a copied data directory must belong to the server user (`cp -a` keeps the owner
    /// of the cached copy, which is right unless the cache was made for another user).
    func fixOwnership() throws {
        guard let runAs else { return }
        var info = stat()
        guard stat(dataPath, &info) == 0 else {
            throw EmbeddedServerError("The copied data directory \(dataPath) is missing.")
        }
        guard info.st_uid != runAs.uid || info.st_gid != runAs.gid else { return }
        let chown = Subprocess.which("chown") ?? "/bin/chown"
        let arguments = ["-R", "\(runAs.uid):\(runAs.gid)", dataPath]
        let result = try Subprocess.run(chown, arguments, started: processes.setHelper)
        guard result.status == 0 else {
            throw EmbeddedServerError(
                "Could not give the data directory to \(runAs.name).",
                commandLine: Subprocess.commandLine(chown, arguments), logTail: EmbeddedServerError.tail(result.output))
        }
    }

    /// Starts `postgres` directly and waits (polling every 2 ms) until it accepts connections.
    func startPostmaster(settings extra: [String: String]) throws {
        var settings: [(String, String)] = [
            ("listen_addresses", ""),
            ("port", "5432"),
            ("unix_socket_permissions", "0700"),
            ("fsync", "off"),
            ("synchronous_commit", "off"),
            ("full_page_writes", "off"),
            ("max_connections", "40"),
            // Lock table = max_locks_per_transaction × (max_connections + ...): keep room for a
            // whole history applied in one transaction (each CREATE TABLE takes several locks).
            ("max_locks_per_transaction", "512"),
            ("shared_buffers", "64MB"),
            ("huge_pages", "off"),
            ("logging_collector", "off"),
            ("log_checkpoints", "off"),
            ("autovacuum", "off"),
        ]
        if installation.majorVersion >= 11 { settings.append(("jit", "off")) }
        #if os(Linux)
            // Keep dynamic shared memory inside the cluster directory so it goes with it.
            if directory.hasPrefix("/dev/shm/") { settings.append(("dynamic_shared_memory_type", "mmap")) }
        #endif
        for (key, value) in extra.sorted(by: { $0.key < $1.key }) {
            settings.removeAll { $0.0 == key }
            settings.append((key, value))
        }
        var arguments = ["-D", dataPath, "-k", directory]
        for (key, value) in settings {
            arguments += ["-c", "\(key)=\(value)"]
        }
        // The parent-death signal is tied to the spawning thread; only the main thread lives as
        // long as the process, so only then does a SIGKILLed strata take its server with it.
        let command = try wrapped(tool: "postgres", arguments, parentDeathSignal: Thread.isMainThread)
        let commandLine = Subprocess.commandLine(command.executable, command.arguments)

        let logFD = open(logPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard logFD >= 0 else {
            throw EmbeddedServerError("Could not create the server log \(logPath): \(String(cString: strerror(errno))).")
        }
        let pid: pid_t
        do {
            pid = try Subprocess.spawn(
                command.executable, command.arguments, environment: Subprocess.childEnvironment(),
                outputFD: logFD, newProcessGroup: true, workingDirectory: directory)
        } catch let failure as Subprocess.Failure {
            close(logFD)
            throw EmbeddedServerError("Could not start the PostgreSQL server: \(failure.message).", commandLine: commandLine)
        }
        close(logFD)
        guard processes.setServer(child: pid, postmaster: command.execsTool ? pid : nil) else {
            kill(pid, SIGKILL)
            Subprocess.waitForExit(pid)
            throw EmbeddedServerError("The throwaway PostgreSQL server was stopped while it was starting.")
        }

        let ping = ConnectionString.keywords([
            "host": directory, "port": "5432", "user": "postgres", "dbname": "postgres", "connect_timeout": "5",
        ]).raw
        let deadline = Date().addingTimeInterval(60)
        while true {
            if let status = Subprocess.exitStatusIfExited(pid) {
                processes.clearServer()
                throw EmbeddedServerError(
                    "The PostgreSQL server exited with status \(status) while starting in \(directory).",
                    commandLine: commandLine, logTail: logTail())
            }
            if PQping(ping) == PQPING_OK { break }
            if processes.isStopped {
                throw EmbeddedServerError("The throwaway PostgreSQL server was stopped while it was starting.")
            }
            if Date() > deadline {
                throw EmbeddedServerError(
                    "The PostgreSQL server in \(directory) did not accept connections within 60 seconds.",
                    commandLine: commandLine, logTail: logTail())
            }
            usleep(2000)
        }
        if !command.execsTool, let postmaster = postmasterPIDFromFile() {
            processes.setPostmaster(postmaster)
        }
    }

    // MARK: - Helpers

    /// The command that runs `tool` from the installation as the server user: through
    /// `setpriv` (which execs the tool, so the spawned pid is the tool's) or, without setpriv,
    /// `runuser` (which stays the parent). Non-root runs the tool directly, or through setpriv
    /// only to set a parent-death signal.
    private func wrapped(tool: String, _ arguments: [String], parentDeathSignal: Bool = false) throws
        -> (executable: String, arguments: [String], execsTool: Bool)
    {
        let path = installation.tool(tool).path
        let setpriv = Subprocess.which("setpriv")
        let deathSignal = parentDeathSignal ? ["--pdeathsig=SIGQUIT"] : []
        guard let runAs else {
            if let setpriv, !deathSignal.isEmpty {
                return (setpriv, deathSignal + ["--", path] + arguments, true)
            }
            return (path, arguments, true)
        }
        if let setpriv {
            let identity = ["--reuid=\(runAs.uid)", "--regid=\(runAs.gid)", "--init-groups"]
            return (setpriv, identity + deathSignal + ["--", path] + arguments, true)
        }
        if let runuser = Subprocess.which("runuser") {
            return (runuser, ["-u", runAs.name, "--", path] + arguments, false)
        }
        throw EmbeddedServerError(
            "PostgreSQL refuses to run as root and neither setpriv nor runuser was found to run \(tool) as \(runAs.name); run strata as an ordinary user or install util-linux.")
    }

    private func postmasterPIDFromFile() -> pid_t? {
        guard let text = try? String(contentsOfFile: "\(dataPath)/postmaster.pid", encoding: .utf8),
            let first = text.split(separator: "\n").first
        else { return nil }
        return pid_t(first.trimmingCharacters(in: .whitespaces))
    }

    private func logTail() -> String {
        EmbeddedServerError.tail((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "")
    }
}
