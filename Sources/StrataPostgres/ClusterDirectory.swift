import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The private `strata-<pid>-<random>` directories embedded clusters live in, and the removal
/// of those whose owner died without cleaning up (SIGKILL, power loss of the container, ...).
enum ClusterDirectory {
    static let prefix = "strata-"
    /// `owner.pid` holds "<pid> <process start time>" so a reused pid is not mistaken for the owner.
    static let ownerFile = "owner.pid"
    /// Unix socket paths are limited to 107 bytes (`sun_path`).
    private static let socketPathLimit = 107

    /// `/dev/shm` when writable (RAM-backed: file creation there is ~27× cheaper), else `$TMPDIR`,
    /// else `/tmp`, provided the socket path fits.
    static func defaultBase() throws -> String {
        var candidates: [String] = []
        #if os(Linux)
            candidates.append("/dev/shm")
        #endif
        if let tmp = ProcessInfo.processInfo.environment["TMPDIR"], !tmp.isEmpty {
            candidates.append(tmp.hasSuffix("/") && tmp.count > 1 ? String(tmp.dropLast()) : tmp)
        }
        candidates.append("/tmp")
        for base in candidates where isWritableDirectory(base) && socketPathFits(base) {
            return base
        }
        throw EmbeddedServerError(
            "No writable directory for the throwaway PostgreSQL cluster was found (tried \(candidates.joined(separator: ", "))).")
    }

    /// Creates `base/strata-<pid>-<random>` with mode 0700 and `owner.pid`; as root, hands it
    /// to the server user so that the server can write its socket and data there.
    static func create(in base: String, owner: ServerUser?) throws -> String {
        for _ in 0..<20 {
            let path = "\(base)/\(prefix)\(getpid())-\(ScratchSQL.randomHex(8))"
            if mkdir(path, 0o700) == 0 {
                let identity = "\(getpid()) \(processStartTime(getpid()) ?? "0")\n"
                do {
                    try identity.write(toFile: "\(path)/\(ownerFile)", atomically: false, encoding: .utf8)
                } catch {
                    rmdirRecursively(path)
                    throw EmbeddedServerError("Could not write \(path)/\(ownerFile): \(error.localizedDescription).")
                }
                if let owner, chown(path, owner.uid, owner.gid) != 0 {
                    let reason = String(cString: strerror(errno))
                    rmdirRecursively(path)
                    throw EmbeddedServerError("Could not give \(path) to the user \(owner.name): \(reason).")
                }
                return path
            }
            if errno != EEXIST {
                throw EmbeddedServerError(
                    "Could not create the cluster directory \(path): \(String(cString: strerror(errno))).")
            }
        }
        throw EmbeddedServerError("Could not create a uniquely named cluster directory in \(base).")
    }

    /// Removes every `strata-<pid>-<hex>` directory in `base` whose owner process is gone, first
    /// stopping a server still running in it. Directories of live processes (this one included)
    /// and of other users are left alone. Returns the removed paths.
    @discardableResult
    static func removeStale(in base: String) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: base) else { return [] }
        var removed: [String] = []
        for name in names where isClusterName(name) {
            let path = "\(base)/\(name)"
            var info = stat()
            guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else { continue }
            guard geteuid() == 0 || info.st_uid == geteuid() else { continue }
            guard !ownerIsAlive(path) else { continue }
            stopLeftoverServer(dataPath: "\(path)/data")
            rmdirRecursively(path)
            if !FileManager.default.fileExists(atPath: path) { removed.append(path) }
        }
        return removed
    }

    // MARK: - Helpers

    static func isClusterName(_ name: String) -> Bool {
        guard name.hasPrefix(prefix) else { return false }
        let parts = name.dropFirst(prefix.count).split(separator: "-", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[0].allSatisfy(\.isNumber)
            && !parts[1].isEmpty && parts[1].allSatisfy(\.isHexDigit)
    }

    private static func ownerIsAlive(_ path: String) -> Bool {
        guard let text = try? String(contentsOfFile: "\(path)/\(ownerFile)", encoding: .utf8) else {
            // Being created right now, or very old: give it two minutes.
            let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
            return Date().timeIntervalSince(modified ?? .distantPast) < 120
        }
        let fields = text.split(whereSeparator: \.isWhitespace)
        guard let first = fields.first, let pid = pid_t(first) else { return false }
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        // Alive; the same process only if the start time matches too (pids get reused).
        guard fields.count > 1, fields[1] != "0", let now = processStartTime(pid) else { return true }
        return now == fields[1]
    }

    /// Stops a postmaster left running in `dataPath` and removes its SysV shared memory segment
    /// if it had to be killed. Only a process whose working directory is that data directory is
    /// touched (the postmaster chdirs there), so a reused pid is never signalled.
    private static func stopLeftoverServer(dataPath: String) {
        guard let text = try? String(contentsOfFile: "\(dataPath)/postmaster.pid", encoding: .utf8) else { return }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let first = lines.first, let pid = pid_t(first.trimmingCharacters(in: .whitespaces)) else { return }
        var killed = false
        if kill(pid, 0) == 0, isWorkingDirectory(of: pid, dataPath) {
            kill(pid, SIGQUIT)
            if !waitUntilGone(pid, seconds: 3) {
                kill(pid, SIGKILL)
                _ = waitUntilGone(pid, seconds: 2)
                killed = true
            }
        } else {
            killed = true
        }
        if killed, lines.count > 6 {
            removeSharedMemory(lines[6])
        }
    }

    private static func isWorkingDirectory(of pid: pid_t, _ path: String) -> Bool {
        #if os(Linux)
            guard let cwd = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd"),
                let real = realpath(path, nil)
            else { return false }
            defer { free(real) }
            return cwd == String(cString: real)
        #else
            return false  // the postmaster notices its lock file is gone within a minute and exits
        #endif
    }

    private static func waitUntilGone(_ pid: pid_t, seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if kill(pid, 0) != 0, errno == ESRCH { return true }
            if let state = processState(pid), state == "Z" { return true }
            usleep(2000)
        }
        return false
    }

    /// `postmaster.pid` line 7 is "<shm key> <shm id>"; remove the segment only if both match.
    private static func removeSharedMemory(_ line: String) {
        #if os(Linux)
            let fields = line.split(whereSeparator: \.isWhitespace)
            guard fields.count == 2, let key = Int32(fields[0]), let id = Int32(fields[1]) else { return }
            var info = shmid_ds()
            guard shmctl(id, IPC_STAT, &info) == 0, info.shm_perm.__key == key else { return }
            _ = shmctl(id, IPC_RMID, nil)
        #endif
    }

    /// Field 22 of /proc/<pid>/stat (start time in clock ticks since boot), nil if unknown.
    static func processStartTime(_ pid: pid_t) -> String? {
        statFields(pid).flatMap { $0.count > 19 ? $0[19] : nil }
    }

    private static func processState(_ pid: pid_t) -> String? {
        statFields(pid)?.first
    }

    /// /proc/<pid>/stat after the command name: field 3 (state) onwards.
    private static func statFields(_ pid: pid_t) -> [String]? {
        #if os(Linux)
            guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = text.lastIndex(of: ")")
            else { return nil }
            return text[text.index(after: close)...].split(separator: " ").map(String.init)
        #else
            return nil
        #endif
    }

    static func rmdirRecursively(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
        if FileManager.default.fileExists(atPath: path), let rm = Subprocess.which("rm") {
            _ = try? Subprocess.run(rm, ["-rf", path])
        }
    }

    private static func isWritableDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
            && access(path, W_OK | X_OK) == 0
    }

    private static func socketPathFits(_ base: String) -> Bool {
        // base + "/strata-" + pid (≤ 10) + "-" + 8 hex + "/.s.PGSQL.5432"
        base.utf8.count + 1 + prefix.utf8.count + 10 + 1 + 8 + 14 <= socketPathLimit
    }
}
