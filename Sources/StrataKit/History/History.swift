/// A linear history: revisions from the root to the head.
public struct History: Sendable {
    public let revisions: [Revision]
    private let positions: [String: Int]

    public init(_ revisions: [Revision]) {
        self.revisions = revisions
        var positions: [String: Int] = [:]
        for (index, revision) in revisions.enumerated() { positions[revision.id] = index }
        self.positions = positions
    }

    public var head: Revision? { revisions.last }
    public var root: Revision? { revisions.first }
    public var isEmpty: Bool { revisions.isEmpty }
    public var count: Int { revisions.count }

    /// Zero-based position of a revision in the history.
    public func position(of id: String) -> Int? { positions[id] }

    public func revision(_ id: String) -> Revision? { positions[id].map { revisions[$0] } }

    /// What an Alembic version table's heads say is applied: every revision up to the newest head
    /// the history has, then the heads it lacks (for the caller to report).
    public func appliedThrough(heads: [String]) -> [String] {
        let newest = heads.compactMap { position(of: $0) }.max() ?? -1
        return (newest >= 0 ? revisions[0...newest].map(\.id) : []) + heads.filter { position(of: $0) == nil }
    }

    /// Resolves an id or a unique prefix of one (at least 4 characters), as users type them.
    public func resolve(_ idOrPrefix: String) throws(StrataError) -> Revision {
        if let exact = revision(idOrPrefix) { return exact }
        let matches = idOrPrefix.count >= 4 ? revisions.filter { $0.id.hasPrefix(idOrPrefix) } : []
        switch matches.count {
        case 1: return matches[0]
        case 0: throw .usage("no revision \(idOrPrefix) in the history")
        default: throw .usage("\(idOrPrefix) is ambiguous: it starts \(matches.map(\.id).joined(separator: ", "))")
        }
    }
}
