/// Where a database stands against a history, read from its version table.
///
/// After a squash, a deployed database may record revisions the history no longer has:
/// the last squashed id (the squash point) means "at the init revision"; an older squashed id
/// means the database is behind the squash point, and the archived revisions must be replayed
/// (`upgrade --from-archive`). Squashes chain, so ids are resolved through the expanded history
/// (archives included) when the init revisions' `replaces` lists do not name them.
public struct DatabaseState: Sendable {
    public var rows: [VersionTable.Row]
    /// The newest applied revision in history order, `nil` at base.
    public var current: Revision?
    /// Zero-based position of `current` in the history; -1 at base.
    public var position: Int
    /// Recorded ids that neither the history nor its archives have.
    public var unknown: [String]
    /// Applied revisions whose file changed since (checksum differs).
    public var changed: [Revision]
    /// Revisions before `current` without a version row.
    public var missing: [Revision]
    /// Recorded ids that an init revision replaced: rewritten to the init revision on upgrade.
    public var replacedRows: [String]
    /// Set when the database is between squashed revisions.
    public var behind: Behind?

    public struct Behind: Sendable {
        /// The init revision the database has not reached.
        public var initRevision: Revision
        /// The newest squashed revision the database has.
        public var appliedID: String
        /// The archived revisions to replay to reach the squash point (known once the archive was read).
        public var replay: [Revision]
    }

    init(rows: [VersionTable.Row], history: History, expanded: ExpandedHistory? = nil) {
        self.rows = rows
        var position = -1
        var unknown: [String] = []
        var changed: [Revision] = []
        var recorded: Set<String> = []
        var replacedRows: [String] = []
        var behindCandidates: [(initIndex: Int, expandedIndex: Int, id: String)] = []

        // Direct knowledge: ids the current init revisions replace.
        var replacedBy: [String: (initIndex: Int, isSquashPoint: Bool)] = [:]
        for (index, revision) in history.revisions.enumerated() {
            for (j, id) in revision.replaces.enumerated() { replacedBy[id] = (index, j == revision.replaces.count - 1) }
        }
        // Expanded knowledge (archives): position of every original id, and for each init
        // revision the expanded index of its squash point.
        var expandedIndex: [String: Int] = [:]
        var initEnds: [(initIndex: Int, end: Int)] = []
        if let expanded {
            for (i, r) in expanded.revisions.enumerated() { expandedIndex[r.id] = i }
            var cursor = -1
            for (index, revision) in history.revisions.enumerated() {
                if revision.replaces.isEmpty {
                    cursor = expandedIndex[revision.id] ?? cursor
                } else {
                    // The init's span ends right before the next kept revision in expanded order.
                    let next = index + 1 < history.revisions.count ? expandedIndex[history.revisions[index + 1].id] : nil
                    cursor = (next ?? expanded.revisions.count) - 1
                    initEnds.append((index, cursor))
                }
            }
        }

        for row in rows {
            recorded.insert(row.revision)
            if let index = history.position(of: row.revision) {
                position = max(position, index)
                let revision = history.revisions[index]
                if let checksum = row.checksum, checksum != revision.checksum { changed.append(revision) }
            } else if let replaced = replacedBy[row.revision] {
                replacedRows.append(row.revision)
                if replaced.isSquashPoint {
                    position = max(position, replaced.initIndex)
                } else {
                    behindCandidates.append((replaced.initIndex, expandedIndex[row.revision] ?? -1, row.revision))
                }
            } else if let e = expandedIndex[row.revision], let owner = initEnds.first(where: { e <= $0.end }) {
                replacedRows.append(row.revision)
                if e == owner.end {
                    position = max(position, owner.initIndex)
                } else {
                    behindCandidates.append((owner.initIndex, e, row.revision))
                }
            } else {
                unknown.append(row.revision)
            }
        }
        // Behind only if nothing recorded reaches the init revision it belongs to.
        var behind: Behind?
        if let newest = behindCandidates.max(by: { ($0.initIndex, $0.expandedIndex) < ($1.initIndex, $1.expandedIndex) }),
           newest.initIndex > position {
            var replay: [Revision] = []
            if let expanded, newest.expandedIndex >= 0, let end = initEnds.first(where: { $0.initIndex == newest.initIndex })?.end {
                replay = Array(expanded.revisions[(newest.expandedIndex + 1)...end])
            }
            behind = Behind(initRevision: history.revisions[newest.initIndex], appliedID: newest.id, replay: replay)
        }

        self.position = position
        self.current = position >= 0 ? history.revisions[position] : nil
        self.unknown = unknown
        self.changed = changed.sorted { (history.position(of: $0.id) ?? 0) < (history.position(of: $1.id) ?? 0) }
        self.replacedRows = replacedRows
        self.behind = behind
        // Revisions before the current one without a row; an init revision counts as recorded
        // when the ids it replaces are.
        self.missing = position >= 0 ? history.revisions[0..<position].filter { revision in
            if recorded.contains(revision.id) { return false }
            if !revision.replaces.isEmpty { return replacedRows.isEmpty }
            return true
        } : []
    }

    /// Whether reading the archives could explain recorded ids (so the caller should expand).
    var needsArchives: Bool { !unknown.isEmpty || (behind != nil && behind?.replay.isEmpty == true) }
}
