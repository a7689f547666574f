/// Where a database stands against a history, read from its version table.
public struct DatabaseState: Sendable {
    public var rows: [VersionTable.Row]
    /// The newest applied revision in history order, `nil` at base.
    public var current: Revision?
    /// Zero-based position of `current` in the history; -1 at base.
    public var position: Int
    /// Recorded ids that the history does not have.
    public var unknown: [String]
    /// Applied revisions whose file changed since (checksum differs).
    public var changed: [Revision]
    /// Revisions before `current` without a version row.
    public var missing: [Revision]

    init(rows: [VersionTable.Row], history: History) {
        self.rows = rows
        var position = -1
        var unknown: [String] = []
        var changed: [Revision] = []
        var recorded: Set<String> = []
        for row in rows {
            recorded.insert(row.revision)
            guard let index = history.position(of: row.revision) else {
                unknown.append(row.revision)
                continue
            }
            position = max(position, index)
            let revision = history.revisions[index]
            if let checksum = row.checksum, checksum != revision.checksum { changed.append(revision) }
        }
        self.position = position
        self.current = position >= 0 ? history.revisions[position] : nil
        self.unknown = unknown
        self.changed = changed.sorted { (history.position(of: $0.id) ?? 0) < (history.position(of: $1.id) ?? 0) }
        self.missing = position >= 0 ? history.revisions[0..<position].filter { !recorded.contains($0.id) } : []
    }
}
