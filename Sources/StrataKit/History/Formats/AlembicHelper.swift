import Foundation
import StrataPostgres
#if canImport(Glibc)
import Glibc
#endif

/// The revision files of an Alembic history, written to a directory of strata's own: the helper
/// loads exactly the revisions of the history it runs (the squashed history before its files are
/// written, the original one from an archive), never the project's directory as it is.
final class AlembicTree: @unchecked Sendable {
    let directory: URL
    /// The revision files (the helper's `version_locations`).
    var versions: URL { directory.appendingPathComponent("versions") }
    /// The helper's own source (a file, so that `ps` shows its name rather than its text).
    var helper: URL { directory.appendingPathComponent("strata_alembic_helper.py") }

    init(_ revisions: [Revision]) throws(StrataError) {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("strata-alembic-\(getpid())-\(UUID().uuidString.prefix(8))")
        // Removed on Ctrl-C and SIGTERM too, with the scratch databases (registered first: a
        // signal while the files are written still finds it).
        let path = directory.path
        Cleanup.register(path) { try? FileManager.default.removeItem(atPath: path) }
        do {
            try FileManager.default.createDirectory(at: versions, withIntermediateDirectories: true)
            for revision in revisions {
                let name = revision.fileName ?? "\(revision.id).py"
                try Data(revision.upSQL.utf8).write(to: versions.appendingPathComponent((name as NSString).lastPathComponent))
            }
            try Data(AlembicHelper.source).write(to: helper)
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw .environment("cannot write the Alembic revisions to \(directory.path): \(error.localizedDescription)")
        }
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
        Cleanup.unregister(directory.path)
    }
}

/// One long-lived Python process that runs Alembic revision steps on one database, through the
/// project's own Alembic and env.py (`Resources/alembic_helper.py`, compiled into the binary). Starting Python,
/// SQLAlchemy and env.py for every step is what makes Alembic stairways slow: here env.py runs
/// once and every step after it is one request on its connection.
final class AlembicHelper {
    /// The helper's Python source.
    static var source: [UInt8] { PackageResources.alembic_helper_py }

    struct Reply: Decodable {
        var ok: Bool
        var rows: [[String?]]?
        var message: String?
        var sqlstate: String?
        var type: String?
        var line: Int?
        var irreversible: Bool?
        var traceback: String?
        var fatal: Bool?
    }

    private struct Request: Encodable {
        var op = "step"
        var rev: String
        var up: Bool
        var record: Bool
        var capture: [String]?
    }

    let project: AlembicProject
    let tree: AlembicTree
    /// The migrations directory as the user names it (for `file:line`).
    let display: String
    private let pid: pid_t
    private let requestFD: Int32
    private let replyFD: Int32
    private let log: URL
    private var buffer = Data()
    private var closed = false
    private var connected = false
    private var password: String?

    /// Starts the helper: it imports Alembic and loads the revisions while the caller makes the
    /// database; `connect` then points it at one.
    init(project: AlembicProject, tree: AlembicTree, display: String) throws {
        self.project = project
        self.tree = tree
        self.display = display
        var environment = ProcessInfo.processInfo.environment
        for key in environment.keys where key.hasPrefix("PG") { environment[key] = nil }
        environment["PYTHONUNBUFFERED"] = "1"
        environment["PYTHONDONTWRITEBYTECODE"] = "1"
        environment["STRATA_ALEMBIC_REPLY"] = "3"
        environment["STRATA_ALEMBIC_INI"] = project.ini.path
        environment["STRATA_ALEMBIC_VERSIONS"] = tree.versions.path
        environment["STRATA_ALEMBIC_X"] = Self.json(project.xArguments)
        environment["STRATA_ALEMBIC_URL_ENV"] = Self.json(project.urlEnvironment)
        if let driver = project.driver { environment["STRATA_ALEMBIC_DRIVER"] = driver }

        // A helper that died must be an EPIPE on write, not the end of strata (SIGPIPE).
        signal(SIGPIPE, SIG_IGN)
        var requestPipe: [Int32] = [-1, -1]
        var replyPipe: [Int32] = [-1, -1]
        guard pipe(&requestPipe) == 0, pipe(&replyPipe) == 0 else {
            throw StrataError.environment("cannot create a pipe for the Alembic helper: \(String(cString: strerror(errno)))")
        }
        for fd in requestPipe + replyPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        log = FileManager.default.temporaryDirectory.appendingPathComponent("strata-alembic-\(getpid())-\(UUID().uuidString.prefix(8)).log")
        let logPath = log.path
        Cleanup.register(logPath) { unlink(logPath) }
        let logFD = open(logPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        let python = project.pythonExecutable
        let child: pid_t
        do {
            guard logFD >= 0 else { throw StrataError.environment("cannot create \(logPath): \(String(cString: strerror(errno)))") }
            // From alembic.ini's directory (Alembic's `prepend_sys_path = .`); requests on stdin,
            // replies on descriptor 3, whatever env.py prints into the log.
            child = try Subprocess.spawn(
                python, [tree.helper.path], environment: environment, outputFD: logFD,
                workingDirectory: project.projectDirectory.path, inputFD: requestPipe[0], passFD: replyPipe[1])
        } catch {
            for fd in requestPipe + replyPipe + [logFD] where fd >= 0 { Glibc.close(fd) }
            try? FileManager.default.removeItem(at: log)
            throw StrataError.environment("cannot start the project's Python \(python) (\(error)); set `[alembic] python` in strata.toml to the Python whose Alembic runs this project")
        }
        Glibc.close(logFD)
        Glibc.close(requestPipe[0])
        Glibc.close(replyPipe[1])
        pid = child
        requestFD = requestPipe[1]
        replyFD = replyPipe[0]
        // Ctrl-C or SIGTERM: no helper outlives strata.
        let spawned = child
        Cleanup.register("alembic-helper-\(spawned)") { kill(spawned, SIGKILL) }
    }

    deinit { close() }

    private static func json<T: Encodable>(_ value: T) -> String {
        (try? JSONEncoder().encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
    }

    /// Points the helper at `database` (once): the connection parameters go over the pipe, never
    /// into the environment or the command line.
    func connect(_ database: ConnectionString) throws {
        precondition(!connected, "an Alembic helper connects once")
        let parameters = (try? database.parameters()) ?? [:]
        password = parameters["password"]
        let request: [String: String] = [
            "op": "connect", "dbname": parameters["dbname"] ?? database.database ?? "", "host": parameters["host"] ?? "",
            "port": parameters["port"] ?? "", "user": parameters["user"] ?? "", "password": parameters["password"] ?? "",
        ]
        _ = try send(Data(Self.json(request).utf8))
        connected = true
    }

    /// Sends one request line and returns the helper's answer (a failure of the helper itself
    /// throws; a failed step comes back as a reply that is not ok).
    private func send(_ request: Data) throws -> Reply {
        var line = request
        line.append(0x0A)
        let sent = line.withUnsafeBytes { raw -> Bool in
            var offset = 0
            while offset < raw.count {
                let n = write(requestFD, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 { return false }
                offset += n
            }
            return true
        }
        guard sent, let reply = try readReply() else {
            // Ctrl-C: the cleanup stopped the helper and ends the process; nothing to say.
            while Cleanup.isTerminating { sleep(60) }
            let tail = logTail
            throw StrataError.environment("the Alembic helper (\(project.pythonExecutable)) stopped" + (tail.isEmpty ? "" : ":\n\(tail)"))
        }
        if reply.fatal == true {
            var message = redact(reply.message ?? "the Alembic helper failed")
            if let traceback = reply.traceback { message += "\n" + redact(traceback).trimmingCharacters(in: .whitespacesAndNewlines) }
            throw StrataError.environment(message)
        }
        return reply
    }

    /// Stops the process (it closes its connection) and waits for it.
    func close() {
        guard !closed else { return }
        closed = true
        let quit = Data("{\"op\":\"quit\"}\n".utf8)
        _ = quit.withUnsafeBytes { write(requestFD, $0.baseAddress, $0.count) }
        Glibc.close(requestFD)
        Glibc.close(replyFD)
        var status: Int32 = 0
        // The helper leaves at once on quit or on the closed pipe; a stuck one is killed.
        for attempt in 0..<200 {
            let done = waitpid(pid, &status, WNOHANG)
            if done == pid || done < 0 { break }
            if attempt == 100 { kill(pid, SIGKILL) }
            usleep(10_000)
        }
        try? FileManager.default.removeItem(at: log)
        Cleanup.unregister(log.path)
        Cleanup.unregister("alembic-helper-\(pid)")
    }

    /// What the helper wrote to its stdout and stderr (env.py's and Alembic's logging), the end of it.
    private var logTail: String {
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return redact(String(text.suffix(2000)).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Runs `revision` one step in `direction`: its own transaction, the version table updated when
    /// `record`. `capture` (settings, query, statement name, PREPARE) runs inside the step's
    /// transaction.
    @discardableResult
    func step(_ revision: Revision, _ direction: MigrationError.Direction, record: Bool, capture: [String]? = nil) throws -> Reply {
        guard !closed, connected else { throw StrataError.environment("the Alembic helper is not connected") }
        let reply = try send(Data(Self.json(Request(rev: revision.id, up: direction == .up, record: record, capture: capture)).utf8))
        if reply.ok { return reply }
        let file = "\(display)/\(revision.fileName ?? revision.id)"
        let sectionLine = direction == .up ? revision.upLine : (revision.downLine ?? revision.upLine)
        let location = "\(file):\(reply.line ?? sectionLine)"
        var message = redact(reply.message ?? "failed")
        if reply.sqlstate == nil, let type = reply.type { message = "\(type): \(message)" }
        var error = MigrationError(
            revision: revision.id, direction: direction, location: location,
            server: PostgresError(kind: .server, message: message, sqlState: reply.sqlstate),
            outcome: "The revision's transaction was rolled back.")
        error.irreversible = reply.irreversible == true
        throw error
    }

    /// What the helper says may hold a URL env.py printed or raised: never its password.
    private func redact(_ text: String) -> String {
        var out = ConnectionString.redact(text)
        if let secret = password, !secret.isEmpty { out = out.replacingOccurrences(of: secret, with: "********") }
        return out
    }

    private func readReply() throws -> Reply? {
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = buffer[buffer.startIndex..<newline]
                buffer.removeSubrange(buffer.startIndex...newline)
                return try? JSONDecoder().decode(Reply.self, from: line)
            }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = chunk.withUnsafeMutableBytes { read(replyFD, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return nil }
            buffer.append(contentsOf: chunk[0..<n])
        }
    }
}

/// Alembic helpers started ahead of the databases they will run on: Python, SQLAlchemy, Alembic
/// and the revision modules load (about half a second) while strata starts its server and makes
/// the databases. Helpers not taken are stopped with the pool.
public final class AlembicHelperPool: @unchecked Sendable {
    let project: AlembicProject
    let tree: AlembicTree
    let display: String
    private let lock = NSLock()
    private var ready: [AlembicHelper] = []
    /// How many helpers the caller said it needs at once (`prewarm`), and how many it took.
    private var planned = 0
    private var taken = 0

    /// A pool for `history` (its revision files written for the helpers), or nil when it is not
    /// an Alembic history. The one way helpers are made: the migrator's, the stairway's, `deployed
    /// fix`'s.
    public init?(history: History, display: String) throws {
        guard let project = history.revisions.first(where: { $0.alembic != nil })?.alembic else { return nil }
        self.project = project
        self.tree = try AlembicTree(history.revisions)
        self.display = display
    }

    /// Starts helpers until `count` wait unconnected.
    public func prewarm(_ count: Int) {
        lock.lock()
        defer { lock.unlock() }
        planned = max(planned, count)
        while ready.count < count, let helper = try? AlembicHelper(project: project, tree: tree, display: display) {
            ready.append(helper)
        }
    }

    /// A helper connected to `database`: a waiting one, else a new one. Once more are taken than
    /// were planned (a stairway building a state again after a finding), a waiting one taken is
    /// replaced at once (its imports then run while this one works), so the next rebuild does not
    /// wait for Python; the planned ones are not (their imports would compete with the jobs for
    /// the processors: 1.9 -> 3.0 s on a 100-revision stairway with 2 jobs on 2 processors).
    func take(for database: ConnectionString) throws -> AlembicHelper {
        lock.lock()
        let waiting = ready.popLast()
        taken += 1
        let replace = taken > planned
        lock.unlock()
        if waiting != nil, replace, let spare = try? AlembicHelper(project: project, tree: tree, display: display) {
            lock.lock()
            ready.append(spare)
            lock.unlock()
        }
        let helper = try waiting ?? AlembicHelper(project: project, tree: tree, display: display)
        try helper.connect(database)
        return helper
    }

    deinit {
        for helper in ready { helper.close() }
    }
}
