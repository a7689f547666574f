/// The JSON form of a diff: `{"equal": bool, "changes": [{"change", "object", "kind", "name",
/// "attribute", "old", "new"}]}`; `SchemaDiff`'s `Codable` conformance reads it back.
public enum DiffJSON {
    public static func render(_ diff: SchemaDiff) -> String {
        var writer = JSONWriter(capacity: diff.changes.count * 160)
        writer.raw("{\n")
        writer.key("equal", indent: 1)
        writer.raw(diff.isEmpty ? "true,\n" : "false,\n")
        writer.key("changes", indent: 1)
        writer.raw(diff.changes.isEmpty ? "[]\n}\n" : "[\n")
        for (index, change) in diff.changes.enumerated() {
            writer.raw("    {")
            let fields: [(String, String?)] = [
                ("change", change.kind.rawValue), ("object", change.object.description),
                ("kind", change.object.kind.rawValue), ("name", change.object.name),
                ("attribute", change.attribute), ("old", change.old), ("new", change.new),
            ]
            for (position, field) in fields.enumerated() {
                writer.string(field.0)
                writer.raw(": ")
                writer.optionalString(field.1)
                if position < fields.count - 1 { writer.raw(", ") }
            }
            writer.raw(index == diff.changes.count - 1 ? "}\n  ]\n}\n" : "},\n")
        }
        return writer.output
    }
}
