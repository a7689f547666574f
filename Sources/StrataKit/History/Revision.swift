import Foundation

/// One revision file, parsed (format v1, DESIGN §1).
public struct Revision: Sendable, Hashable {
    /// The revision id from the header.
    public var id: String
    /// The `down_revision` ids: empty for a root, one for an ordinary revision, more for a merge
    /// (which lint rejects; the parser accepts it so lint can say so clearly).
    public var parents: [String]
    public var message: String?
    /// The `created` timestamp exactly as written (ISO 8601).
    public var created: String?
    /// `false` for revisions whose statements cannot run in a transaction.
    public var transactional: Bool
    /// For an init revision made by squash: the ids it replaces, oldest first.
    public var replaces: [String]
    /// For an init revision made by squash: the archive file holding the replaced revisions.
    public var archive: String?
    /// The up section, byte for byte: everything after the `-- migrate:up` line up to the
    /// `-- migrate:down` line (or the end of the file).
    public var upSQL: String
    /// The down section, byte for byte, or `nil` when the file has none (irreversible).
    public var downSQL: String?
    /// One-based line number of the first line of the up section in the file.
    public var upLine: Int
    /// One-based line number of the first line of the down section in the file.
    public var downLine: Int?
    /// One-based line of each header key, for messages that point at the header.
    public var headerLines: [String: Int]
    /// The file's name (no directory), when the revision came from a file. In a tool's layout:
    /// the path of the file holding the up section, relative to the migrations directory.
    public var fileName: String?
    /// The file holding the down section when it is not `fileName` (golang-migrate, sqlx, Flyway
    /// `U` files, diesel's `down.sql`), relative to the migrations directory.
    public var downFileName: String?
    /// Every file (and file inside a migration's directory) that makes up this revision, relative
    /// to the migrations directory: what a squash archives byte for byte. Empty: `[fileName]`.
    public var sourceFiles: [String] = []
    /// How a section goes to the server outside a transaction (the tool's own semantics).
    public var batching: Batching = .statements
    /// The down section's own transaction choice, when the format sets it apart from the up's
    /// (dbmate's `-- migrate:down transaction:false`).
    public var downTransactional: Bool?
    /// For an init revision made by squash in a tool's layout: how many revisions it replaces
    /// (its archive's manifest lists them; the tool's file has room for one comment line).
    public var squashCount: Int?
    /// An Alembic revision (issue 13): the project whose Alembic runs it. Its up and down
    /// "sections" are the Python file's text; the helper runs them (`AlembicHelper`).
    public var alembic: AlembicProject?
    /// Alembic's `branch_labels` and `depends_on`, as written.
    public var branchLabels: [String] = []
    public var dependsOn: [String] = []

    public init(
        id: String, parents: [String], message: String? = nil, created: String? = nil,
        transactional: Bool = true, replaces: [String] = [], archive: String? = nil,
        upSQL: String, downSQL: String?, upLine: Int = 1, downLine: Int? = nil,
        headerLines: [String: Int] = [:], fileName: String? = nil
    ) {
        self.id = id
        self.parents = parents
        self.message = message
        self.created = created
        self.transactional = transactional
        self.replaces = replaces
        self.archive = archive
        self.upSQL = upSQL
        self.downSQL = downSQL
        self.upLine = upLine
        self.downLine = downLine
        self.headerLines = headerLines
        self.fileName = fileName
    }

    /// Whether squash made this revision (it replaces archived revisions).
    public var isSquashInit: Bool { !replaces.isEmpty || squashCount != nil }

    /// The files of this revision, relative to the migrations directory.
    public var files: [String] { sourceFiles.isEmpty ? (fileName.map { [$0] } ?? []) : sourceFiles }

    /// Whether a direction runs in a transaction.
    public func isTransactional(_ direction: MigrationError.Direction) -> Bool {
        let declared = direction == .down ? (downTransactional ?? transactional) : transactional
        guard !declared, batching == .whole else { return declared }
        // A simple query that holds several statements is one implicit transaction on the server:
        // BEGIN … COMMIT around it changes nothing (a statement that cannot run in a transaction
        // fails either way), and the runner records the revision in the same transaction. A lone
        // statement (CREATE INDEX CONCURRENTLY) or a file with its own transaction control is sent
        // as it is.
        let statements = SQLScanner(direction == .up ? upSQL : (downSQL ?? "")).statements()
        return statements.count > 1 && !statements.contains { statement in
            FormatReader.mustRunOutsideTransaction(statement.text) || Self.controlsTransaction(statement.text)
        }
    }

    static func controlsTransaction(_ statement: String) -> Bool {
        let word = statement.prefix(20).uppercased().split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == ";" }).first.map(String.init) ?? ""
        return ["BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT", "SAVEPOINT", "RELEASE", "PREPARE"].contains(word)
    }

    /// The statements a section is sent as when it runs outside a transaction, the way its tool
    /// sends them: strata's scanner splits (format v1, Flyway), the whole section as one simple
    /// query (golang-migrate, diesel, dbmate, sqlx, Prisma), or goose's own line-based split.
    public func statements(_ direction: MigrationError.Direction) -> [SQLScanner.Statement] {
        let sql = direction == .up ? upSQL : (downSQL ?? "")
        switch batching {
        case .statements: return SQLScanner(sql).statements()
        case .whole:
            guard SQLScanner(sql).hasCode else { return [] }
            return [SQLScanner.Statement(text: sql, line: 0, offset: 0)]
        case .goose: return GooseSQL.statements(sql)
        case .alembic: return []
        }
    }

    /// The file a direction's section is in.
    public func file(_ direction: MigrationError.Direction) -> String? {
        direction == .down ? (downFileName ?? fileName) : fileName
    }

    /// The single parent, or `nil` for a root (and for a merge, which is not linear).
    public var downRevision: String? { parents.count == 1 ? parents[0] : nil }

    /// Whether the revision can be downgraded.
    public var isReversible: Bool { downSQL != nil }

    /// The revision's display name: the file name when known, else the id.
    public var displayName: String { fileName ?? id }

    /// SHA-256 (hex) over the up and down sections: what the version table records and what
    /// `upgrade` compares. The header is left out on purpose, so that re-pointing
    /// `down_revision` (squash, `strata rebase`) does not count as a changed revision.
    public var checksum: String {
        var data = Data(upSQL.utf8)
        data.append(0)
        if let downSQL { data.append(contentsOf: Array(downSQL.utf8)) }
        return SHA256Hex.of(data)
    }

    /// The one-based file line of a zero-based line within the up section.
    public func fileLine(upLine offset: Int) -> Int { upLine + offset }

    /// The one-based file line of a zero-based line within the down section.
    public func fileLine(downLine offset: Int) -> Int { (downLine ?? upLine) + offset }
}

/// How a section is sent to the server outside a transaction (see `Revision.statements`).
public enum Batching: String, Sendable, Hashable, Codable {
    case statements, whole, goose
    /// A Python file run by the project's Alembic (`AlembicHelper`), never sent as SQL.
    case alembic
}

/// The rules for revision ids: `[A-Za-z0-9_]{1,64}`.
public enum RevisionID {
    public static let maximumLength = 64

    public static func isValid(_ id: String) -> Bool {
        guard !id.isEmpty, id.utf8.count <= maximumLength else { return false }
        return id.utf8.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F
        }
    }

    /// A fresh id: 12 lowercase hex characters.
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<12).map { _ in String(Int.random(in: 0..<16, using: &generator), radix: 16) }.joined()
    }
}
