/// An error reported by PostgreSQL or by libpq, with the server's diagnostic fields kept apart.
///
/// `kind` says where it came from: `.connection` (could not connect, or the connection broke),
/// `.server` (the server rejected a statement; `sqlState` is set) or `.client` (strata itself
/// could not do what was asked, e.g. an unsupported `COPY`). Connection messages never contain a
/// password: they pass through `ConnectionString.redact` before they are stored.
public struct PostgresError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable { case connection, server, client }

    public var kind: Kind
    /// Five-character SQLSTATE (`PG_DIAG_SQLSTATE`), e.g. `42P01`.
    public var sqlState: String?
    /// Non-localized severity (`ERROR`, `FATAL`, `PANIC`, `WARNING`, `NOTICE`, ...).
    public var severity: String?
    /// Primary message; for connection errors libpq's text with any password redacted.
    public var message: String
    public var detail: String?
    public var hint: String?
    /// 1-based character (not byte) offset into the query text that was sent
    /// (`PG_DIAG_STATEMENT_POSITION`). Use `location(in:)` for line and column.
    public var position: Int?
    public var context: String?
    /// Position inside an internally generated query (e.g. a PL/pgSQL statement), 1-based characters.
    public var internalPosition: Int?
    /// The internally generated query `internalPosition` points into.
    public var internalQuery: String?
    public var schemaName: String?
    public var tableName: String?
    public var columnName: String?
    public var dataTypeName: String?
    public var constraintName: String?

    public init(
        kind: Kind,
        message: String,
        sqlState: String? = nil,
        severity: String? = nil,
        detail: String? = nil,
        hint: String? = nil,
        position: Int? = nil,
        context: String? = nil
    ) {
        self.kind = kind
        self.message = message
        self.sqlState = sqlState
        self.severity = severity
        self.detail = detail
        self.hint = hint
        self.position = position
        self.context = context
    }

    /// `ERROR 42P01: relation "x" does not exist`, then `DETAIL:`, `HINT:` and `CONTEXT:` lines
    /// when the server sent them. Errors without severity or SQLSTATE print just the message.
    public var description: String {
        let prefix = [severity, sqlState].compactMap { $0 }.joined(separator: " ")
        var text = prefix.isEmpty ? message : "\(prefix): \(message)"
        if let detail { text += "\nDETAIL: \(detail)" }
        if let hint { text += "\nHINT: \(hint)" }
        if let context { text += "\nCONTEXT: \(context)" }
        return text
    }

    /// Line and column (both 1-based) of `position` inside `sql`, the exact text that was sent.
    ///
    /// The server counts characters as code points of the (UTF-8) query, so this walks
    /// Unicode scalars, not Swift `Character`s, which may merge several code points.
    public func location(in sql: String) -> (line: Int, column: Int)? {
        guard let position, position >= 1 else { return nil }
        var line = 1
        var column = 1
        var index = 1
        for scalar in sql.unicodeScalars {
            if index == position { return (line, column) }
            if scalar == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
            index += 1
        }
        // The server may point just past the end (e.g. "syntax error at end of input").
        return index == position ? (line, column) : nil
    }
}
