import StrataPostgres

/// Turns catalog query results into objects. Generic over the queries: the first six columns
/// are the identity (see Queries/README.md), every other column is an attribute named by its
/// alias, NULL meaning "not set".
struct SnapshotBuilder {
    private(set) var objects: [ObjectID: SchemaObject] = [:]

    static let fixedColumns = ["kind", "name", "parent_kind", "parent_name", "classid", "objid"]
    static let unitSeparator: Character = "\u{1F}"
    static let recordSeparator: Character = "\u{1E}"

    init() {
        objects.reserveCapacity(4096)
    }

    mutating func load(_ result: PGResult, query: String) throws {
        let names = result.columnNames
        guard names.count >= Self.fixedColumns.count, Array(names.prefix(Self.fixedColumns.count)) == Self.fixedColumns else {
            throw SchemaReflectionError.malformedResult(
                query: query, message: "the first columns must be \(Self.fixedColumns.joined(separator: ", "))")
        }
        // Attribute columns in name order, so each object's attributes come out sorted.
        var attributeColumns: [(index: Int, name: String)] = []
        var extraColumn: Int?
        var indexDefinitionColumn: Int?
        for index in Self.fixedColumns.count..<names.count {
            switch names[index] {
            case "_extra": extraColumn = index
            case "_indexdef": indexDefinitionColumn = index
            default: attributeColumns.append((index, names[index]))
            }
        }
        attributeColumns.sort { $0.name < $1.name }
        let methodColumn = attributeColumns.firstIndex { $0.name == "method" }

        var lastKindText = ""
        var lastKind = ObjectKind.schema
        var lastParentText = ""
        var lastParentKind: ObjectKind?
        objects.reserveCapacity(objects.count + result.rowCount)

        for row in 0..<result.rowCount {
            guard let kindText = result[row, 0], let name = result[row, 1] else {
                throw SchemaReflectionError.malformedResult(query: query, message: "row \(row) has no kind or name")
            }
            if kindText != lastKindText {
                guard let kind = ObjectKind(rawValue: kindText) else {
                    throw SchemaReflectionError.malformedResult(query: query, message: "unknown kind \(kindText)")
                }
                lastKind = kind
                lastKindText = kindText
            }
            var parent: ObjectID?
            if let parentKindText = result[row, 2], let parentName = result[row, 3] {
                if parentKindText != lastParentText {
                    lastParentKind = ObjectKind(rawValue: parentKindText)
                    lastParentText = parentKindText
                }
                if let parentKind = lastParentKind { parent = ObjectID(parentKind, parentName) }
            }
            var catalog: CatalogRef?
            if let classText = result[row, 4], let objectText = result[row, 5],
                let classID = UInt32(classText), let objectID = UInt32(objectText)
            {
                catalog = CatalogRef(classID: classID, objectID: objectID)
            }

            var list: [Attributes.Attribute] = []
            list.reserveCapacity(attributeColumns.count)
            var method: String?
            for (position, column) in attributeColumns.enumerated() {
                if let value = result[row, column.index] {
                    list.append(Attributes.Attribute(column.name, value))
                    if position == methodColumn { method = value }
                }
            }
            var attributes = Attributes(uncheckedSorted: list)
            if let extraColumn, let extra = result[row, extraColumn] {
                for entry in extra.split(separator: Self.recordSeparator) {
                    let pair = entry.split(separator: Self.unitSeparator, maxSplits: 1, omittingEmptySubsequences: false)
                    if pair.count == 2 { attributes[String(pair[0])] = String(pair[1]) }
                }
            }
            if let indexDefinitionColumn, let definition = result[row, indexDefinitionColumn] {
                attributes["key"] = IndexKeyList.extract(from: definition, method: method ?? "")
            }
            let id = ObjectID(lastKind, name)
            objects[id] = SchemaObject(id, parent: parent, attributes: attributes, catalog: catalog)
        }
    }
}
