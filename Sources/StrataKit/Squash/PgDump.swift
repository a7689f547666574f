import Foundation
import StrataPostgres

/// pg_dump, the dump engine of squash (DESIGN §4 step 3), and the cleaning its plain output
/// needs before it can run through libpq as a revision.
public struct PgDump: Sendable {
    public var executable: URL
    public var majorVersion: Int
    public var versionText: String

    /// pg_dump from `installation` (the embedded server's, or the one `--postgres` picked for a
    /// scratch URL), else from `PostgresInstallation.find()` (`$STRATA_POSTGRES`, the newest);
    /// `$STRATA_PG_DUMP` overrides both. Its major version must be at least the server's: an
    /// older one is refused (exit 3), never tried.
    public static func locate(installation: PostgresInstallation?, serverMajor: Int) throws(StrataError) -> PgDump {
        var candidates: [URL] = []
        if let installation { candidates.append(installation.tool("pg_dump")) }
        if let found = try? PostgresInstallation.find() { candidates.append(found.tool("pg_dump")) }
        if let override = ProcessInfo.processInfo.environment["STRATA_PG_DUMP"], !override.isEmpty {
            candidates = [URL(fileURLWithPath: override)]
        }
        var seen: [String] = []
        for candidate in candidates where !seen.contains(candidate.path) {
            seen.append(candidate.path)
            guard FileManager.default.isExecutableFile(atPath: candidate.path) else { continue }
            let output = try ProcessRunner.run(candidate, ["--version"])
            let text = String(decoding: output.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard output.status == 0, let major = Self.major(text) else { continue }
            guard major >= serverMajor else {
                throw .environment("\(candidate.path) is \(text), older than the server (PostgreSQL \(serverMajor)); pg_dump's major version must be at least the server's: pick a newer installation (--postgres \(serverMajor) or later) or install postgresql-client-\(serverMajor) or newer")
            }
            return PgDump(executable: candidate, majorVersion: major, versionText: text)
        }
        throw .environment("pg_dump was not found (looked at: \(seen.isEmpty ? "pg_config --bindir, PATH, /usr/lib/postgresql/*/bin" : seen.joined(separator: ", "))); install it with `apt-get install postgresql-client`")
    }

    static func major(_ versionText: String) -> Int? {
        // "pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)"
        guard let range = versionText.range(of: "(PostgreSQL) ") else { return nil }
        return Int(versionText[range.upperBound...].prefix { $0.isNumber })
    }

    /// Dumps schema and data (rows as INSERTs), without the version table. Owners are dumped:
    /// `clean(_:usualOwner:)` keeps the `ALTER ... OWNER TO` of objects a revision gave to
    /// another role and drops those that name the role that ran the migrations.
    public func dump(_ database: ConnectionString, excluding versionTable: String) throws(StrataError) -> String {
        let arguments = [
            "--dbname=\(database.raw)", "--column-inserts", "--rows-per-insert=500",
            "--no-subscriptions", "--no-security-labels", "--no-tablespaces",
            "--exclude-table=\(versionTable)",
        ]
        let output = try ProcessRunner.run(executable, arguments)
        guard output.status == 0 else {
            throw .environment("pg_dump failed (exit \(output.status)): \(ConnectionString.redact(output.stderr.trimmingCharacters(in: .whitespacesAndNewlines)))")
        }
        return String(decoding: output.stdout, as: UTF8.self)
    }

    /// Session settings a dump may `SET` that every supported server knows and that matter for
    /// restoring it; any other top-level `SET` (such as `transaction_timeout`, unknown before
    /// PostgreSQL 17) is removed.
    static let keptSettings: Set<String> = [
        "statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout", "client_encoding",
        "standard_conforming_strings", "check_function_bodies", "xmloption", "client_min_messages",
        "row_security", "default_table_access_method",
    ]

    /// Makes plain pg_dump output safe and stable to run through libpq as one revision:
    /// psql meta-commands (`\restrict`, `\unrestrict`, whatever their form) go, the
    /// "Dumped from/by" lines that change with every installation go, and so do `SET`s a server
    /// may not know. Rows come as INSERTs (no `COPY … FROM stdin`). The SQL is never split on `;`.
    /// `usualOwner` (quoted as pg_dump quotes it) is the role that dumped, which ran the
    /// migrations: its `ALTER ... OWNER TO` statements go (what a revision creates belongs to
    /// whoever runs it), those naming any other role stay.
    public static func clean(_ dump: String, usualOwner: String? = nil) -> String {
        var lines = dump.components(separatedBy: "\n")
        let scanner = SQLScanner(dump)
        var drop = Set(scanner.metaCommandLines())
        if let usualOwner {
            for statement in scanner.statements()
            where statement.text.hasPrefix("ALTER ") && statement.text.hasSuffix(" OWNER TO \(usualOwner)") && !statement.text.contains("\n") {
                drop.insert(statement.line)
            }
        }
        for (index, line) in lines.enumerated() {
            if line.hasPrefix("-- Dumped from database version") || line.hasPrefix("-- Dumped by pg_dump version") {
                drop.insert(index)
            } else if line.hasPrefix("SET "), line.hasSuffix(";") {
                let name = line.dropFirst(4).prefix { $0 != " " && $0 != "=" }
                if !keptSettings.contains(String(name)) { drop.insert(index) }
            }
        }
        lines = lines.enumerated().filter { !drop.contains($0.offset) }.map(\.element)
        // Collapse the blank runs that removed lines leave behind.
        var out: [String] = []
        for line in lines where !(line.isEmpty && (out.last?.isEmpty ?? true)) { out.append(line) }
        while out.last?.isEmpty == true { out.removeLast() }
        return out.joined(separator: "\n") + "\n"
    }
}
