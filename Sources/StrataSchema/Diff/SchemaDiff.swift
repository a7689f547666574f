/// The differences between two snapshots, as data (formatters render it: `DiffText`, `DiffJSON`).
///
/// Objects are matched by identity. An added or removed object is one change; its sub-objects
/// (a new table's columns, ...) are not listed again. For objects on both sides every attribute
/// that differs is one change, except a column's `position`: a column counts as moved only when
/// its order relative to the other columns both sides have changed, so a column added or
/// dropped before it does not make it "moved". Table contents are compared where both sides have
/// them. Changes are in a fixed order: by object (kind, then name), then change kind, then
/// attribute; differing table contents come last.
public struct SchemaDiff: Hashable, Codable, Sendable {
    public var changes: [SchemaChange]

    public init(changes: [SchemaChange]) {
        self.changes = changes.sorted(by: SchemaChange.order)
    }

    public var isEmpty: Bool { changes.isEmpty }

    /// Compares `old` with `new`.
    public init(from old: Snapshot, to new: Snapshot) {
        var changes: [SchemaChange] = []
        var tablesWithColumns = Set<ObjectID>()

        for (id, oldObject) in old.objects {
            guard let newObject = new.objects[id] else {
                if !Self.isCollapsed(oldObject, of: old, missingFrom: new) {
                    changes.append(SchemaChange(.removed, id))
                }
                continue
            }
            if oldObject == newObject { continue }
            let isColumn = id.kind == .column
            if isColumn, let table = oldObject.parent { tablesWithColumns.insert(table) }
            Self.compareAttributes(oldObject.attributes, newObject.attributes, of: id, skipPosition: isColumn, into: &changes)
        }
        for (id, newObject) in new.objects where old.objects[id] == nil {
            if !Self.isCollapsed(newObject, of: new, missingFrom: old) {
                changes.append(SchemaChange(.added, id))
            }
            if id.kind == .column, let table = newObject.parent, old.objects[table] != nil {
                tablesWithColumns.insert(table)
            }
        }
        for (id, oldObject) in old.objects where id.kind == .column && new.objects[id] == nil {
            if let table = oldObject.parent, new.objects[table] != nil { tablesWithColumns.insert(table) }
        }
        if !tablesWithColumns.isEmpty {
            changes += ColumnMoves.find(in: tablesWithColumns, old: old, new: new)
        }

        for (table, oldData) in old.data {
            guard let newData = new.data[table], newData != oldData else { continue }
            if oldData.rows != newData.rows {
                changes.append(SchemaChange(.data, table, attribute: "rows", old: String(oldData.rows), new: String(newData.rows)))
            } else {
                changes.append(SchemaChange(.data, table, attribute: "hash", old: oldData.hash, new: newData.hash))
            }
        }
        self.init(changes: changes)
    }

    private static func compareAttributes(
        _ old: Attributes, _ new: Attributes, of id: ObjectID, skipPosition: Bool, into changes: inout [SchemaChange]
    ) {
        // Both lists are sorted by name: walk them together.
        var i = old.startIndex
        var j = new.startIndex
        while i < old.endIndex || j < new.endIndex {
            let oldAttribute = i < old.endIndex ? old[i] : nil
            let newAttribute = j < new.endIndex ? new[j] : nil
            let name: String
            var oldValue: String?
            var newValue: String?
            if let o = oldAttribute, let n = newAttribute, o.name == n.name {
                name = o.name
                oldValue = o.value
                newValue = n.value
                i += 1
                j += 1
            } else if let o = oldAttribute, newAttribute.map({ o.name < $0.name }) ?? true {
                name = o.name
                oldValue = o.value
                i += 1
            } else if let n = newAttribute {
                name = n.name
                newValue = n.value
                j += 1
            } else {
                break
            }
            if oldValue == newValue || (skipPosition && name == "position") { continue }
            changes.append(SchemaChange(.changed, id, attribute: name, old: oldValue, new: newValue))
        }
    }

    /// An added (removed) object whose parent is added (removed) too is part of that change.
    private static func isCollapsed(_ object: SchemaObject, of own: Snapshot, missingFrom other: Snapshot) -> Bool {
        // (A scoped snapshot may hold a sub-object without its parent: an index the scope named
        // alone. It is a change of its own.)
        guard let parent = object.parent, own.objects[parent] != nil else { return false }
        return other.objects[parent] == nil
    }
}
