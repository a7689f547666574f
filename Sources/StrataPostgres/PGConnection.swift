import CLibPQ
import Foundation

/// One libpq connection (`PGconn *`), closed with `PQfinish` in `deinit` or by `close()`.
///
/// Synchronous and not thread-safe: use one connection from one thread at a time. To stop a
/// running statement from another thread (e.g. on Ctrl-C) use a `PGCanceller`.
public final class PGConnection {
    private var handle: OpaquePointer?
    /// Owns the notice handlers; libpq holds an unretained pointer to it (see `noticeTrampoline`).
    /// Results keep it alive too, because libpq copies the notice hooks into every `PGresult`.
    private let notices = NoticeBox()
    private let target: ConnectionString

    /// Names of the statements callers prepared on this connection (callers keep it up to date;
    /// a DEALLOCATE the server ran for someone else is not seen here).
    public var preparedStatements = Set<String>()

    /// Server NOTICE / WARNING / INFO messages as text, e.g. `NOTICE: table "x" does not exist, skipping`
    /// (plus `DETAIL:` / `HINT:` lines when present). Called on the thread running the statement.
    public var noticeHandler: ((String) -> Void)? {
        get { notices.text }
        set { notices.text = newValue }
    }

    /// The same notices with all fields (`severity`, `sqlState`, `detail`, `hint`, `position`, ...).
    public var structuredNoticeHandler: ((PostgresError) -> Void)? {
        get { notices.structured }
        set { notices.structured = newValue }
    }

    /// Connects, or throws `PostgresError(kind: .connection)` with any password redacted.
    ///
    /// - Parameters:
    ///   - applicationName: sent as `application_name` (shows in `pg_stat_activity`).
    ///   - options: run-time settings for this session, e.g. `["lock_timeout": "5s"]`, sent in the
    ///     startup packet through the `options` keyword (`-c key=value`), after any options the
    ///     connection string already carries.
    public init(
        _ conn: ConnectionString, applicationName: String = "strata", options: [String: String] = [:]
    ) throws {
        target = conn
        var parameters: [String: String] = [:]
        if !conn.raw.isEmpty, conn.raw.contains("=") || conn.isURL {
            parameters = try conn.parameters()  // validates, and gives any existing `options`
        }
        var keywords: [String] = []
        var values: [String] = []
        if parameters["connect_timeout"] == nil, ProcessInfo.processInfo.environment["PGCONNECT_TIMEOUT"] == nil {
            keywords.append("connect_timeout")
            values.append("10")
        }
        keywords.append("dbname")  // expanded: its keywords override the ones before it
        values.append(conn.raw)
        keywords.append("application_name")
        values.append(applicationName)
        if !options.isEmpty {
            let ours = options.sorted { $0.key < $1.key }
                .map { "-c " + Self.escapeOption("\($0.key)=\($0.value)") }
                .joined(separator: " ")
            keywords.append("options")
            values.append([parameters["options"], ours].compactMap { $0 }.joined(separator: " "))
        }

        let connection = withCStrings(keywords) { keywordPointers in
            withCStrings(values) { valuePointers in
                PQconnectdbParams(keywordPointers, valuePointers, 1)
            }
        }
        guard let connection else {
            throw PostgresError(kind: .connection, message: "libpq could not allocate a connection")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = Self.text(PQerrorMessage(connection)) ?? "could not connect"
            PQfinish(connection)
            throw PostgresError(kind: .connection, message: conn.redact(inMessage: message))
        }
        handle = connection
        PQsetNoticeReceiver(connection, noticeTrampoline, Unmanaged.passUnretained(notices).toOpaque())
    }

    deinit {
        close()
    }

    // MARK: - Statements

    /// Runs `sql` with the simple query protocol (`PQexec`). It may hold several statements; they
    /// run in one implicit transaction unless the text has its own `BEGIN`/`COMMIT`. Returns the
    /// result of the last statement; throws the first error with all diagnostic fields.
    @discardableResult
    public func execute(_ sql: String) throws -> PGResult {
        let connection = try liveHandle()
        return try check(PQexec(connection, sql), connection)
    }

    /// Runs `sql`, which may hold several statements, in one round trip (`PQsendQuery`) and
    /// returns every statement's result in order. The server skips what follows a failing
    /// statement; the first error is thrown after the connection is drained, so it stays usable.
    public func executeAll(_ sql: String) throws -> [PGResult] {
        let connection = try liveHandle()
        guard PQsendQuery(connection, sql) == 1 else {
            let message = Self.text(PQerrorMessage(connection)) ?? "could not send the query"
            throw PostgresError(
                kind: PQstatus(connection) == CONNECTION_OK ? .client : .connection, message: target.redact(inMessage: message))
        }
        var results: [PGResult] = []
        var failure: Error?
        while let next = PQgetResult(connection) {
            do {
                let result = try check(next, connection)
                if failure == nil { results.append(result) }
            } catch {
                if failure == nil { failure = error }
            }
        }
        if let failure { throw failure }
        return results
    }

    /// Runs one statement with `$1`, `$2`, ... bound to `params` (`PQexecParams`, text format;
    /// `nil` is SQL NULL). Values are never interpolated into the SQL text.
    @discardableResult
    public func query(_ sql: String, _ params: [String?] = []) throws -> PGResult {
        let connection = try liveHandle()
        let copies: [UnsafeMutablePointer<CChar>?] = params.map { $0.flatMap { strdup($0) } }
        defer { copies.forEach { free($0) } }
        let pointers = copies.map { UnsafePointer($0) }
        let result = pointers.withUnsafeBufferPointer { buffer in
            PQexecParams(connection, sql, Int32(params.count), nil, buffer.baseAddress, nil, nil, 0)
        }
        return try check(result, connection)
    }

    // MARK: - State

    /// The server process serving this connection (`pg_backend_pid()`), 0 when closed.
    public var backendPID: Int32 {
        guard let handle else { return 0 }
        return PQbackendPID(handle)
    }

    /// E.g. 150018 for 15.18 (`PQserverVersion`), 0 when closed.
    public var serverVersionNumber: Int {
        guard let handle else { return 0 }
        return Int(PQserverVersion(handle))
    }

    /// True unless the connection is idle outside a transaction (also true when the state is unknown).
    public var inTransaction: Bool {
        guard let handle else { return false }
        return PQtransactionStatus(handle) != PQTRANS_IDLE
    }

    /// True inside a transaction that already failed (only ROLLBACK is accepted).
    public var inFailedTransaction: Bool {
        guard let handle else { return false }
        return PQtransactionStatus(handle) == PQTRANS_INERROR
    }

    /// True when closed or when the connection to the server was lost.
    public var isBroken: Bool {
        guard let handle else { return true }
        return PQstatus(handle) != CONNECTION_OK
    }

    /// A `ParameterStatus` value the server reported, e.g. `server_version`, `TimeZone`.
    public func parameterStatus(_ name: String) -> String? {
        guard let handle else { return nil }
        return PQparameterStatus(handle, name).map { String(cString: $0) }
    }

    /// The connection string this connection was opened with (print it, not its `raw`).
    public var connectionString: ConnectionString { target }

    /// Something another thread may use to cancel the statement this connection is running.
    public func makeCanceller() -> PGCanceller? {
        guard let handle, let cancel = PQgetCancel(handle) else { return nil }
        return PGCanceller(cancel)
    }

    /// Closes the connection (`PQfinish`). Idempotent.
    public func close() {
        if let handle {
            PQfinish(handle)
            self.handle = nil
        }
    }

    // MARK: - Private

    private func liveHandle() throws -> OpaquePointer {
        guard let handle else {
            throw PostgresError(kind: .client, message: "the connection is closed")
        }
        return handle
    }

    private func check(_ result: OpaquePointer?, _ connection: OpaquePointer) throws -> PGResult {
        guard let result else {
            let message = Self.text(PQerrorMessage(connection)) ?? "no result from the server"
            throw PostgresError(
                kind: PQstatus(connection) == CONNECTION_OK ? .client : .connection,
                message: target.redact(inMessage: message))
        }
        let wrapped = PGResult(result, keepAlive: notices)
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY, PGRES_SINGLE_TUPLE:
            return wrapped
        case PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_COPY_BOTH:
            abandonCopy(connection, status: PQresultStatus(result))
            throw PostgresError(
                kind: .client, message: "COPY to or from the client is not supported here; use INSERT or server-side COPY")
        case PGRES_FATAL_ERROR, PGRES_NONFATAL_ERROR, PGRES_BAD_RESPONSE:
            var error = PostgresError(result: result)
            if error.sqlState == nil {
                error.kind = PQstatus(connection) == CONNECTION_OK ? .client : .connection
            }
            error.message = target.redact(inMessage: error.message)
            throw error
        default:
            throw PostgresError(
                kind: .client, message: "unexpected result status \(String(cString: PQresStatus(PQresultStatus(result))))")
        }
    }

    /// Leaves COPY mode so the connection stays usable, and drains the remaining results.
    private func abandonCopy(_ connection: OpaquePointer, status: ExecStatusType) {
        if status == PGRES_COPY_IN || status == PGRES_COPY_BOTH {
            _ = PQputCopyEnd(connection, "strata does not send COPY data")
        }
        if status == PGRES_COPY_OUT || status == PGRES_COPY_BOTH {
            var buffer: UnsafeMutablePointer<CChar>?
            while PQgetCopyData(connection, &buffer, 0) > 0 {
                PQfreemem(buffer)
                buffer = nil
            }
        }
        while let next = PQgetResult(connection) {
            PQclear(next)
        }
    }

    private static func escapeOption(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: " ", with: "\\ ")
    }

    static func text(_ pointer: UnsafePointer<CChar>?) -> String? {
        guard let pointer else { return nil }
        let value = String(cString: pointer).trimmingCharacters(in: .whitespacesAndNewlines)
        return value.isEmpty ? nil : value
    }
}

// MARK: - Notices

/// Holds the Swift closures the C notice receiver forwards to.
final class NoticeBox {
    var text: ((String) -> Void)?
    var structured: ((PostgresError) -> Void)?
}

/// libpq calls this for every NOTICE/WARNING/INFO; `arg` is the connection's `NoticeBox`, alive
/// as long as the connection or any of its results (both retain it).
private let noticeTrampoline: PQnoticeReceiver = { arg, result in
    guard let arg, let result else { return }
    let box = Unmanaged<NoticeBox>.fromOpaque(arg).takeUnretainedValue()
    guard box.text != nil || box.structured != nil else { return }
    let notice = PostgresError(result: result)
    box.structured?(notice)
    if let handler = box.text {
        var text = "\(notice.severity ?? "NOTICE"): \(notice.message)"
        if let detail = notice.detail { text += "\nDETAIL: \(detail)" }
        if let hint = notice.hint { text += "\nHINT: \(hint)" }
        handler(text)
    }
}

// MARK: - Cancel

/// Cancels whatever its connection is running (`PQcancel`); safe to use from another thread,
/// including a signal-handling queue.
public final class PGCanceller: @unchecked Sendable {
    private let handle: OpaquePointer
    private let lock = NSLock()

    init(_ handle: OpaquePointer) {
        self.handle = handle
    }

    deinit {
        PQfreeCancel(handle)
    }

    /// Asks the server to cancel the running statement; true when the request was sent.
    @discardableResult
    public func cancel() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        var buffer = [CChar](repeating: 0, count: 256)
        return PQcancel(handle, &buffer, Int32(buffer.count)) == 1
    }
}

// MARK: - Server errors from results

extension PostgresError {
    /// All diagnostic fields of an error or notice result.
    init(result: OpaquePointer) {
        func field(_ code: Character) -> String? {
            guard let ascii = code.asciiValue else { return nil }
            return PQresultErrorField(result, Int32(ascii)).map { String(cString: $0) }
        }
        let primary = field("M") ?? PGConnection.text(PQresultErrorMessage(result)) ?? "unknown error"
        self.init(
            kind: .server,
            message: primary,
            sqlState: field("C"),
            severity: field("V") ?? field("S"),
            detail: field("D"),
            hint: field("H"),
            position: field("P").flatMap { Int($0) },
            context: field("W"))
        internalPosition = field("p").flatMap { Int($0) }
        internalQuery = field("q")
        schemaName = field("s")
        tableName = field("t")
        columnName = field("c")
        dataTypeName = field("d")
        constraintName = field("n")
    }
}

// MARK: - C strings

/// Calls `body` with a NULL-terminated array of C strings that live for the duration of the call.
private func withCStrings<Result>(
    _ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> Result
) -> Result {
    let array = UnsafeMutablePointer<UnsafePointer<CChar>?>.allocate(capacity: strings.count + 1)
    let copies: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    defer {
        copies.forEach { free($0) }
        array.deallocate()
    }
    for (index, copy) in copies.enumerated() {
        (array + index).initialize(to: UnsafePointer(copy))
    }
    (array + strings.count).initialize(to: nil)
    return body(array)
}
