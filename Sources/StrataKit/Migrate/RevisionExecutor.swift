import StrataPostgres

/// Runs a revision's sections on a connection, the one way every command does: upgrade and
/// downgrade (and through the migrator squash, its proof and verify), the dry run, the stairway and
/// `deployed fix`. A transactional section is sent whole, as one simple query, between what the
/// caller wraps it in (BEGIN or a savepoint before it; the bookkeeping, a capture or COMMIT after
/// it); a non-transactional one statement by statement, as its format splits it. A server error
/// comes back as a `Failure` that `location` turns into the revision file's `file:line`: the
/// server's position inside the failing statement (its own statement for a non-transactional
/// section), or, when the server gave none (a constraint violation, say), the statement found by
/// running the section again statement by statement in a transaction or savepoint rolled back.
struct RevisionExecutor {
    let connection: PGConnection
    /// How revision files are named in messages (the migrations directory as the user gave it).
    let directoryDisplay: String

    /// A server error in a section.
    struct Failure: Error {
        /// The server's error; its position counts from the start of the section (or of the
        /// failing statement, for a section run statement by statement).
        var server: PostgresError
        /// The failing statement of a section run statement by statement: its index, and its
        /// first line and text within the section.
        var statement: (index: Int, line: Int, text: String)?
    }

    /// What the runner resets after every revision, so that the next starts as in a new session:
    /// settings (also SET LOCAL in a transaction that goes on), role, temporary tables, cursors,
    /// LISTENs and, unless `keepingPrepared`, prepared statements. Valid inside a transaction too.
    static func resetSession(keepingPrepared: Bool = false) -> String {
        "RESET ALL; RESET SESSION AUTHORIZATION; DISCARD TEMP; " + (keepingPrepared ? "" : "DEALLOCATE ALL; ") + "CLOSE ALL; UNLISTEN *"
    }

    /// A section's SQL and the line of the file it starts at.
    static func section(_ revision: Revision, _ direction: MigrationError.Direction) -> (sql: String, firstLine: Int) {
        direction == .up ? (revision.upSQL, revision.upLine) : (revision.downSQL ?? "", revision.downLine ?? revision.upLine)
    }

    /// The revision file of a section, as messages name it.
    func file(_ revision: Revision, _ direction: MigrationError.Direction) -> String {
        "\(directoryDisplay)/\(revision.file(direction) ?? revision.id)"
    }

    /// Sends `prefix`, the section and `suffix` as one simple query; its results.
    @discardableResult
    func runWhole(_ revision: Revision, _ direction: MigrationError.Direction, prefix: String = "", suffix: String = "") throws -> [PGResult] {
        let (sql, _) = Self.section(revision, direction)
        let body = SQLScanner(sql).hasCode ? sql + (suffix.isEmpty ? "" : "\n;\n") : ""
        guard !(prefix + body + suffix).isEmpty else { return [] }
        do {
            return try connection.executeAll(prefix + body + suffix)
        } catch var error as PostgresError where error.kind == .server {
            // Positions count from the start of what was sent: make them relative to the section.
            if let position = error.position { error.position = max(1, position - prefix.count) }
            throw Failure(server: error)
        }
    }

    /// Runs the section statement by statement, each on its own (outside any transaction, or in
    /// the caller's).
    func runStatements(_ revision: Revision, _ direction: MigrationError.Direction) throws {
        for (index, statement) in revision.statements(direction).enumerated() {
            do {
                try connection.execute(statement.text)
            } catch let error as PostgresError where error.kind == .server {
                throw Failure(server: error, statement: (index, statement.line, statement.text))
            }
        }
    }

    /// Runs the section the way it runs outside the stairway's and the dry run's transactions: whole
    /// in a transaction of its own with `record` (the bookkeeping) before COMMIT, or statement by
    /// statement and then `record` in a transaction of its own; the session reset after it.
    func apply(_ revision: Revision, _ direction: MigrationError.Direction, record: String = "") throws {
        do {
            if revision.isTransactional(direction) {
                try runWhole(revision, direction, prefix: "BEGIN;\n", suffix: record + "COMMIT")
            } else {
                try runStatements(revision, direction)
                if !record.isEmpty { try connection.execute("BEGIN;\n" + record + "COMMIT") }
            }
            try connection.execute(Self.resetSession())
        } catch {
            if connection.inTransaction { _ = try? connection.execute("ROLLBACK") }
            throw error
        }
    }

    /// `file:line` of a failure. Call it on the state the section failed on (its transaction or
    /// savepoint rolled back): an error without a position in a section sent whole runs the
    /// section again, statement by statement, in a transaction or savepoint rolled back after it
    /// (never a cancelled statement, nor a section that controls its own transaction).
    func location(of failure: Failure, _ revision: Revision, _ direction: MigrationError.Direction) -> String {
        let (sql, firstLine) = Self.section(revision, direction)
        let file = file(revision, direction)
        if let statement = failure.statement {
            return SourceLocation.of(position: failure.server.position, in: statement.text, firstLine: firstLine + statement.line, file: file)
        }
        if let position = failure.server.position {
            return SourceLocation.of(position: position, in: sql, firstLine: firstLine, file: file)
        }
        if let line = failingStatementLine(sql, sqlState: failure.server.sqlState) { return "\(file):\(firstLine + line)" }
        return "\(file):\(firstLine)"
    }

    /// The line (within the section) of the first statement that fails with `sqlState` when the
    /// section runs statement by statement; nothing stays of the run.
    private func failingStatementLine(_ sql: String, sqlState: String?) -> Int? {
        guard sqlState != "57014", !connection.isBroken, !connection.inFailedTransaction else { return nil }
        let statements = SQLScanner(sql).statements()
        guard statements.count > 1, !statements.contains(where: { Revision.controlsTransaction($0.text) }) else {
            return statements.count == 1 ? statements[0].line : nil
        }
        let nested = connection.inTransaction
        var line: Int?
        do {
            try connection.execute(nested ? "SAVEPOINT strata_locate" : "BEGIN")
            for statement in statements {
                do {
                    try connection.execute(statement.text)
                } catch let error as PostgresError {
                    if error.sqlState == sqlState { line = statement.line }
                    break
                }
            }
        } catch {}
        _ = try? connection.execute(nested ? "ROLLBACK TO SAVEPOINT strata_locate; RELEASE SAVEPOINT strata_locate" : "ROLLBACK")
        return line
    }
}
