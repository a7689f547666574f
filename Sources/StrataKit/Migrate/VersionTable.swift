import Foundation
import StrataPostgres

/// The table that records every applied revision: id, checksum, when, how long (DESIGN §3).
public struct VersionTable: Sendable {
    public var schema: String?
    public var name: String
    /// Alembic's `alembic_version` (one `version_num` per head), which Alembic itself writes:
    /// strata only reads it.
    public var alembic = false

    /// `table` or `schema.table`.
    public init(_ qualified: String) {
        let parts = qualified.split(separator: ".", maxSplits: 1).map(String.init)
        if parts.count == 2 {
            schema = parts[0]
            name = parts[1]
        } else {
            schema = nil
            name = qualified
        }
    }

    public var qualified: String {
        (schema.map { quoteIdentifier($0) + "." } ?? "") + quoteIdentifier(name)
    }

    /// As users write it.
    public var displayName: String { (schema.map { "\($0)." } ?? "") + name }

    /// One applied revision.
    public struct Row: Sendable, Hashable {
        public var revision: String
        public var checksum: String?
        public var appliedAt: String
        public var durationMs: Double?
        public var stamped: Bool
    }

    var createSQL: String {
        guard !alembic else { return "" }
        var sql = ""
        if let schema { sql += "CREATE SCHEMA IF NOT EXISTS \(quoteIdentifier(schema));\n" }
        sql += """
            CREATE TABLE IF NOT EXISTS \(qualified) (
                revision text PRIMARY KEY,
                checksum text,
                applied_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                duration_ms double precision,
                stamped boolean NOT NULL DEFAULT false
            );
            """
        return sql
    }

    /// Creates the table if it is missing.
    func ensure(_ connection: PGConnection) throws {
        guard !alembic else { return }
        try connection.execute(createSQL)
    }

    /// Whether the table exists (without creating it: read-only callers use this).
    func exists(_ connection: PGConnection) throws -> Bool {
        let result = try connection.query("SELECT to_regclass($1) IS NOT NULL", [qualified])
        return result[0, 0] == "t"
    }

    /// Every row, or none when the table does not exist.
    func rows(_ connection: PGConnection) throws -> [Row] {
        guard try exists(connection) else { return [] }
        if alembic {
            // The heads; the caller fills in their ancestors.
            return try connection.query("SELECT version_num FROM \(qualified) ORDER BY 1").rows.map { row in
                Row(revision: row[0] ?? "", checksum: nil, appliedAt: "", durationMs: nil, stamped: false)
            }
        }
        let result = try connection.query("SELECT revision, checksum, applied_at::text, duration_ms, stamped FROM \(qualified) ORDER BY applied_at, revision")
        return (0..<result.rowCount).map { i in
            Row(revision: result[i, 0] ?? "", checksum: result[i, 1], appliedAt: result[i, 2] ?? "",
                durationMs: result[i, 3].flatMap(Double.init), stamped: result[i, 4] == "t")
        }
    }

    func insertSQL() -> String {
        "INSERT INTO \(qualified) (revision, checksum, duration_ms, stamped) VALUES ($1, $2, $3, $4)"
    }

    func record(_ connection: PGConnection, revision: Revision, durationMs: Double?, stamped: Bool = false) throws {
        guard !alembic else { return }
        try connection.query(insertSQL(), [revision.id, revision.checksum, durationMs.map { String($0) }, stamped ? "true" : "false"])
    }

    func remove(_ connection: PGConnection, revision: String) throws {
        guard !alembic else { return }
        try connection.query("DELETE FROM \(qualified) WHERE revision = $1", [revision])
    }

    /// The advisory lock key for this table: runs against one database wait for each other.
    var lockKey: String { "strata:\(displayName)" }
}
