/// The schema of one database (or of a scoped part of it): objects keyed by identity, plus, when
/// asked for, each table's row count and content hash.
///
/// Equality covers the objects and the table data. The server version, the scope and the
/// objects' catalog OIDs are carried along but not compared.
public struct Snapshot: Hashable, Sendable {
    public private(set) var objects: [ObjectID: SchemaObject]
    /// Table contents by table identity; empty unless reflected with `includeData`.
    public var data: [ObjectID: TableData]
    /// `server_version_num`, e.g. 150018 (0 when unknown).
    public var serverVersion: Int
    /// The expanded scope this snapshot was reflected with; nil for everything.
    public var scope: ResolvedScope?

    public init(objects: [SchemaObject], data: [ObjectID: TableData] = [:], serverVersion: Int = 0, scope: ResolvedScope? = nil) {
        var byID: [ObjectID: SchemaObject] = [:]
        byID.reserveCapacity(objects.count)
        for object in objects { byID[object.id] = object }
        self.objects = byID
        self.data = data
        self.serverVersion = serverVersion
        self.scope = scope
    }

    init(byID: [ObjectID: SchemaObject], data: [ObjectID: TableData], serverVersion: Int, scope: ResolvedScope?) {
        self.objects = byID
        self.data = data
        self.serverVersion = serverVersion
        self.scope = scope
    }

    public static func == (lhs: Snapshot, rhs: Snapshot) -> Bool {
        lhs.objects == rhs.objects && lhs.data == rhs.data
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(objects)
        hasher.combine(data)
    }

    public subscript(id: ObjectID) -> SchemaObject? { objects[id] }

    public var count: Int { objects.count }

    public var isPartial: Bool { scope != nil }

    /// Adds or replaces an object.
    public mutating func insert(_ object: SchemaObject) {
        objects[object.id] = object
    }

    /// Removes an object (not its sub-objects).
    @discardableResult
    public mutating func remove(_ id: ObjectID) -> SchemaObject? {
        objects.removeValue(forKey: id)
    }

    // MARK: - Order

    /// Every object in the canonical order: by kind, then by name, except that columns follow
    /// their table's name and then their position (the table's logical column order).
    public var sortedObjects: [SchemaObject] {
        var keyed: [(key: SortKey, object: SchemaObject)] = []
        keyed.reserveCapacity(objects.count)
        for object in objects.values {
            keyed.append((SortKey(object), object))
        }
        keyed.sort { $0.key < $1.key }
        return keyed.map(\.object)
    }

    /// The table identities that have data, in name order.
    public var sortedDataTables: [ObjectID] { data.keys.sorted() }

    // MARK: - Scope and slices

    /// The objects the scope named (after expansion), without their sub-objects. For a full
    /// snapshot: every object that has no parent.
    public var scopeRoots: Set<ObjectID> {
        var roots = Set<ObjectID>()
        for object in objects.values {
            if let scope {
                if let catalog = object.catalog, scope.contains(catalog), !isDescendantInScope(object, scope) {
                    roots.insert(object.id)
                }
            } else if object.parent == nil {
                roots.insert(object.id)
            }
        }
        return roots
    }

    /// These objects and everything that belongs to them (sub-objects, their data).
    public func slice(_ identities: Set<ObjectID>) -> Snapshot {
        var kept: [ObjectID: SchemaObject] = [:]
        for object in objects.values where isIncluded(object, in: identities) {
            kept[object.id] = object
        }
        var keptData: [ObjectID: TableData] = [:]
        for (table, contents) in data where kept[table] != nil {
            keptData[table] = contents
        }
        return Snapshot(byID: kept, data: keptData, serverVersion: serverVersion, scope: scope)
    }

    /// The part of this (older, usually full) snapshot to compare with `partial`, a scoped
    /// reflection made later: the objects `partial` found (by identity) plus the objects this
    /// snapshot has under the OIDs `partial`'s scope named, so that objects dropped since show as
    /// removed. Returns the whole snapshot when `partial` is not scoped.
    public func slice(matching partial: Snapshot) -> Snapshot {
        guard let scope = partial.scope else { return self }
        var identities = partial.scopeRoots
        for object in objects.values {
            if let catalog = object.catalog, scope.contains(catalog) { identities.insert(object.id) }
        }
        var sliced = slice(identities)
        sliced.scope = scope
        if partial.data.isEmpty { sliced.data = [:] }
        return sliced
    }

    private func isIncluded(_ object: SchemaObject, in identities: Set<ObjectID>) -> Bool {
        var current: SchemaObject? = object
        var depth = 0
        while let candidate = current, depth < 8 {
            if identities.contains(candidate.id) { return true }
            guard let parent = candidate.parent else { return false }
            current = objects[parent]
            if current == nil { return identities.contains(parent) }
            depth += 1
        }
        return false
    }

    /// True when an ancestor of `object` is itself named by the scope (then `object` is not a root).
    private func isDescendantInScope(_ object: SchemaObject, _ scope: ResolvedScope) -> Bool {
        var parent = object.parent
        var depth = 0
        while let id = parent, let owner = objects[id], depth < 8 {
            if let catalog = owner.catalog, scope.contains(catalog) { return true }
            parent = owner.parent
            depth += 1
        }
        return false
    }
}

/// Sort key of the canonical order (see `Snapshot.sortedObjects`).
struct SortKey: Comparable {
    var rank: Int
    var group: String
    var position: Int
    var name: String

    init(_ object: SchemaObject) {
        rank = object.id.kind.rank
        if object.id.kind == .column, let parent = object.parent {
            group = parent.name
            position = object.attributes["position"].flatMap { Int($0) } ?? 0
        } else {
            group = object.id.name
            position = 0
        }
        name = object.id.name
    }

    static func < (lhs: SortKey, rhs: SortKey) -> Bool {
        if lhs.rank != rhs.rank { return lhs.rank < rhs.rank }
        if lhs.group != rhs.group { return lhs.group < rhs.group }
        if lhs.position != rhs.position { return lhs.position < rhs.position }
        return lhs.name < rhs.name
    }
}
