import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Child processes through `posix_spawn`, reaped with `waitpid` on their own pid only (never
/// `waitpid(-1)`), so they do not interfere with Foundation's `Process` elsewhere in the program.
public enum Subprocess {
    public struct Failure: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Starts `executable` with `arguments`; stdin is `inputFD` (or /dev/null), stdout and stderr
    /// go to `outputFD` (or /dev/null), and `passFD` becomes the child's descriptor 3 (a channel
    /// of its own: the Alembic helper's replies). Signals the parent may ignore
    /// (SIGINT/SIGTERM/SIGHUP after `Cleanup.installSignalHandlers`, SIGPIPE) get their default
    /// action back in the child, and its signal mask is cleared. With `newProcessGroup` the
    /// terminal's Ctrl-C does not reach it: the parent decides how it stops.
    public static func spawn(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String],
        outputFD: Int32? = nil,
        newProcessGroup: Bool = false,
        workingDirectory: String? = nil,
        inputFD: Int32? = nil,
        passFD: Int32? = nil
    ) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let inputFD {
            posix_spawn_file_actions_adddup2(&actions, inputFD, 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        if let outputFD {
            posix_spawn_file_actions_adddup2(&actions, outputFD, 1)
            posix_spawn_file_actions_adddup2(&actions, outputFD, 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        if let passFD { posix_spawn_file_actions_adddup2(&actions, passFD, 3) }
        #if os(Linux)
            // As root the tool runs as another user, who may not be allowed into our cwd.
            if let workingDirectory, let addChdir = GNUSpawn.addChdir {
                _ = addChdir(&actions, workingDirectory)
            }
            // Descriptors without FD_CLOEXEC (e.g. other connections) must not leak into the server.
            if let addClosefrom = GNUSpawn.addClosefrom {
                _ = addClosefrom(&actions, passFD == nil ? 3 : 4)
            }
        #endif

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD] {
            sigaddset(&defaults, signal)
        }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        var flags = Int32(POSIX_SPAWN_SETSIGDEF) | Int32(POSIX_SPAWN_SETSIGMASK)
        if newProcessGroup {
            flags |= Int32(POSIX_SPAWN_SETPGROUP)
            posix_spawnattr_setpgroup(&attributes, 0)
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] =
            environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard status == 0 else {
            throw Failure(message: "could not start \(executable): \(String(cString: strerror(status)))")
        }
        return pid
    }

    /// Runs a command to completion and returns its exit status (128 + signal when killed) and its
    /// combined stdout and stderr. `started` sees the pid, so a cleanup can kill the child.
    static func run(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String] = childEnvironment(),
        workingDirectory: String? = nil,
        started: ((pid_t?) -> Void)? = nil
    ) throws -> (status: Int32, output: String) {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else {
            throw Failure(message: "could not create a pipe: \(String(cString: strerror(errno)))")
        }
        let readFD = fds[0]
        let writeFD = fds[1]
        _ = fcntl(readFD, F_SETFD, FD_CLOEXEC)
        _ = fcntl(writeFD, F_SETFD, FD_CLOEXEC)
        let pid: pid_t
        do {
            pid = try spawn(
                executable, arguments, environment: environment, outputFD: writeFD, workingDirectory: workingDirectory)
        } catch {
            close(readFD)
            close(writeFD)
            throw error
        }
        started?(pid)
        close(writeFD)
        var output = Data()
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(readFD, $0.baseAddress, $0.count) }
            if count > 0 {
                output.append(contentsOf: buffer[0..<count])
            } else if count == 0 || errno != EINTR {
                break
            }
        }
        close(readFD)
        let status = waitForExit(pid)
        started?(nil)
        return (status, String(decoding: output, as: UTF8.self))
    }

    /// Blocks until `pid` exits; its exit status, or 128 + signal number.
    @discardableResult
    static func waitForExit(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return -1 }
        }
        return decode(status)
    }

    /// Non-blocking: the exit status if `pid` has exited (and is now reaped), else nil.
    /// A pid that is not our child (already reaped) counts as exited with status -1.
    static func exitStatusIfExited(_ pid: pid_t) -> Int32? {
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { return decode(status) }
            if result == 0 { return nil }
            if errno == EINTR { continue }
            return -1
        }
    }

    /// Waits up to `timeout` seconds for `pid` to exit; true when it did.
    static func waitForExit(_ pid: pid_t, timeout: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if exitStatusIfExited(pid) != nil { return true }
            usleep(1000)
        }
        return exitStatusIfExited(pid) != nil
    }

    private static func decode(_ status: Int32) -> Int32 {
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    /// This process's environment without the `PG*` variables (PGDATA, PGPORT, PGOPTIONS, ...)
    /// that would change what initdb and postgres do, and with C messages.
    static func childEnvironment() -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PG") }
        environment["LC_ALL"] = "C"
        environment["LANG"] = "C"
        return environment
    }

    /// The first executable called `name` in `$PATH`.
    static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(name)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        for directory in ["/usr/bin", "/bin", "/usr/sbin", "/sbin"] {
            let candidate = "\(directory)/\(name)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// A command line for messages: arguments with spaces or quotes are single-quoted.
    static func commandLine(_ executable: String, _ arguments: [String]) -> String {
        ([executable] + arguments).map { argument in
            let plain = !argument.isEmpty
                && argument.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:,+@%".contains($0) }
            return plain ? argument : "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }.joined(separator: " ")
    }
}

#if os(Linux)
    /// glibc's `posix_spawn_file_actions_addchdir_np` (2.29+) and `..._addclosefrom_np` (2.34+):
    /// GNU extensions the Glibc module does not import, looked up at run time.
    private enum GNUSpawn {
        typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, UnsafePointer<CChar>?) -> Int32
        typealias AddClosefrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32

        static let addChdir: AddChdir? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addchdir_np")
            .map { unsafeBitCast($0, to: AddChdir.self) }
        static let addClosefrom: AddClosefrom? = dlsym(
            UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np"
        ).map { unsafeBitCast($0, to: AddClosefrom.self) }
    }
#endif
