/// The revision graph built from `down_revision` links. Pure: built from revisions, it never
/// reads a file, and nothing in it depends on file names or directory order.
public struct RevisionGraph: Sendable {
    /// Every revision, in a deterministic order (by id, then file name).
    public let revisions: [Revision]
    /// The first revision for each id (duplicates are in `duplicates`).
    public let byID: [String: Revision]
    /// Ids declared by more than one file, with every revision that declares them.
    public let duplicates: [String: [Revision]]
    /// Ids an init revision replaces, mapped to that init revision's id: a `down_revision`
    /// naming one of them points at the init revision.
    public let replacedBy: [String: String]
    /// Children of each id, sorted.
    public let children: [String: [String]]

    public init(_ revisions: [Revision]) {
        let sorted = revisions.sorted { ($0.id, $0.fileName ?? "") < ($1.id, $1.fileName ?? "") }
        var byID: [String: Revision] = [:]
        var all: [String: [Revision]] = [:]
        var replacedBy: [String: String] = [:]
        for revision in sorted {
            all[revision.id, default: []].append(revision)
            if byID[revision.id] == nil { byID[revision.id] = revision }
            for old in revision.replaces where replacedBy[old] == nil { replacedBy[old] = revision.id }
        }
        var children: [String: [String]] = [:]
        for revision in byID.values {
            for parent in revision.parents {
                let resolved = byID[parent] != nil ? parent : (replacedBy[parent] ?? parent)
                children[resolved, default: []].append(revision.id)
            }
        }
        for key in children.keys { children[key]?.sort() }
        self.revisions = sorted
        self.byID = byID
        self.duplicates = all.filter { $0.value.count > 1 }
        self.replacedBy = replacedBy
        self.children = children
    }

    /// The parent ids of a revision, with replaced ids resolved to their init revision.
    public func parents(of id: String) -> [String] {
        guard let revision = byID[id] else { return [] }
        return revision.parents.map { byID[$0] != nil ? $0 : (replacedBy[$0] ?? $0) }
    }

    /// Parent ids that name no revision (and no replaced id).
    public func danglingParents(of id: String) -> [String] {
        parents(of: id).filter { byID[$0] == nil }
    }

    /// Revisions without a parent, sorted.
    public var roots: [String] {
        byID.values.filter { $0.parents.isEmpty }.map(\.id).sorted()
    }

    /// Revisions without a child, sorted; revisions on a cycle are not heads.
    public var heads: [String] {
        let cyclic = Set(cycles().joined())
        return byID.keys.filter { (children[$0] ?? []).isEmpty && !cyclic.contains($0) }.sorted()
    }

    /// Every cycle, each as the ids along it, starting from its smallest id.
    public func cycles() -> [[String]] {
        // Follow first parents; with merges rejected separately this finds every ring.
        var state: [String: Int] = [:]  // 1 on the current path, 2 done
        var found: [[String]] = []
        for start in byID.keys.sorted() where state[start] == nil {
            var path: [String] = []
            var current: String? = start
            while let id = current, byID[id] != nil {
                if state[id] == 2 { break }
                if state[id] == 1 {
                    if let at = path.firstIndex(of: id) {
                        var ring = Array(path[at...])
                        if let smallest = ring.indices.min(by: { ring[$0] < ring[$1] }) {
                            ring = Array(ring[smallest...] + ring[..<smallest])
                        }
                        found.append(ring)
                    }
                    break
                }
                state[id] = 1
                path.append(id)
                current = parents(of: id).first
            }
            for id in path { state[id] = 2 }
        }
        return found.sorted { $0.first ?? "" < $1.first ?? "" }
    }

    /// The ancestors of `id` along first parents, nearest first, `id` itself included.
    /// Every revision `id` builds on, through all parents of merges (not `id` itself).
    public func ancestors(of id: String) -> Set<String> {
        var seen: Set<String> = []
        var stack = parents(of: id)
        while let next = stack.popLast() {
            if seen.insert(next).inserted { stack += parents(of: next) }
        }
        return seen
    }

    public func lineage(of id: String) -> [String] {
        var out: [String] = []
        var seen: Set<String> = []
        var current: String? = id
        while let next = current, byID[next] != nil, seen.insert(next).inserted {
            out.append(next)
            current = parents(of: next).first
        }
        return out
    }

    /// The nearest common ancestor of two revisions, if they have one.
    public func forkPoint(_ a: String, _ b: String) -> String? {
        let ancestorsOfA = Set(lineage(of: a))
        return lineage(of: b).first { ancestorsOfA.contains($0) }
    }

    /// The revisions from the root to the single head, when the graph is linear (one root,
    /// one head, no branch, no merge, no cycle, no duplicate, no dangling parent).
    public func linearOrder() -> [Revision]? {
        if byID.isEmpty { return [] }
        guard duplicates.isEmpty, roots.count == 1, let root = roots.first else { return nil }
        var order: [Revision] = []
        var current = root
        while let revision = byID[current] {
            guard revision.parents.count <= 1 else { return nil }
            order.append(revision)
            let next = children[current] ?? []
            if next.isEmpty { break }
            guard next.count == 1 else { return nil }
            current = next[0]
        }
        return order.count == byID.count ? order : nil
    }

    /// An order to apply a graph with branches joined by merges (Alembic's early years): every
    /// revision after all its parents, siblings by id. Nil unless the graph has one root and one
    /// head, no cycle, no duplicate and no dangling parent.
    public func topologicalOrder() -> [Revision]? {
        guard duplicates.isEmpty, roots.count == 1, heads.count == 1, cycles().isEmpty,
              !byID.keys.contains(where: { !danglingParents(of: $0).isEmpty }) else { return nil }
        var waiting: [String: Int] = [:]
        for (id, revision) in byID { waiting[id] = Set(revision.parents).count }
        var ready = roots.sorted()
        var order: [Revision] = []
        while !ready.isEmpty {
            let id = ready.removeFirst()
            guard let revision = byID[id] else { continue }
            order.append(revision)
            for child in (children[id] ?? []).sorted() {
                waiting[child, default: 0] -= 1
                if waiting[child] == 0 { ready.append(child) }
            }
            ready.sort()
        }
        return order.count == byID.count ? order : nil
    }
}
