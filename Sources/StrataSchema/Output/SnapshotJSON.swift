/// The JSON dump of a snapshot, in the shape `Snapshot`'s `Codable` conformance reads:
/// `{"server_version", "objects": [{"id", "parent", "attributes": {...}}], "data": [{"table", "rows", "hash"}]}`.
public enum SnapshotJSON {
    public static func render(_ snapshot: Snapshot) -> String {
        var writer = JSONWriter(capacity: snapshot.count * 200)
        writer.raw("{\n")
        writer.key("server_version", indent: 1)
        writer.raw("\(snapshot.serverVersion),\n")
        writer.key("objects", indent: 1)
        let objects = snapshot.sortedObjects
        writer.raw(objects.isEmpty ? "[]" : "[\n")
        for (index, object) in objects.enumerated() {
            writer.raw("    {\n")
            writer.key("id", indent: 3)
            writer.string(object.id.description)
            writer.raw(",\n")
            writer.key("parent", indent: 3)
            writer.optionalString(object.parent?.description)
            writer.raw(",\n")
            writer.key("attributes", indent: 3)
            if object.attributes.isEmpty {
                writer.raw("{}\n")
            } else {
                writer.raw("{\n")
                for (position, attribute) in object.attributes.enumerated() {
                    writer.key(attribute.name, indent: 4)
                    writer.string(attribute.value)
                    writer.raw(position == object.attributes.count - 1 ? "\n" : ",\n")
                }
                writer.raw("      }\n")
            }
            writer.raw(index == objects.count - 1 ? "    }\n  ]" : "    },\n")
        }
        writer.raw(",\n")
        writer.key("data", indent: 1)
        let tables = snapshot.sortedDataTables
        writer.raw(tables.isEmpty ? "[]" : "[\n")
        for (index, table) in tables.enumerated() {
            guard let data = snapshot.data[table] else { continue }
            writer.raw("    {")
            writer.string("table")
            writer.raw(": ")
            writer.string(table.name)
            writer.raw(", \"rows\": \(data.rows), \"hash\": ")
            writer.string(data.hash)
            writer.raw(index == tables.count - 1 ? "}\n  ]" : "},\n")
        }
        writer.raw("\n}\n")
        return writer.output
    }
}
