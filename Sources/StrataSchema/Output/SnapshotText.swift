/// The text dump of a snapshot: one header line per object (`column public.users.email`) in the
/// canonical order, then its attributes indented, one per line (`  type: text`); a value with
/// line breaks continues on lines indented by four spaces after `name: |`. Then, when the
/// snapshot has table contents, one `data public.users: 3 rows, md5 …` line per table.
/// Equal snapshots print identical text.
public enum SnapshotText {
    public static func render(_ snapshot: Snapshot) -> String {
        var output = ""
        output.reserveCapacity(snapshot.count * 120)
        for object in snapshot.sortedObjects {
            output += object.id.kind.displayName
            output += " "
            output += object.id.name
            output += "\n"
            for attribute in object.attributes {
                output += "  "
                output += attribute.name
                if attribute.value.utf8.contains(10) {
                    output += ": |\n"
                    for line in attribute.value.split(separator: "\n", omittingEmptySubsequences: false) {
                        output += "    "
                        output += line
                        output += "\n"
                    }
                } else {
                    output += attribute.value.isEmpty ? ": \"\"\n" : ": "
                    if !attribute.value.isEmpty {
                        output += attribute.value
                        output += "\n"
                    }
                }
            }
        }
        for table in snapshot.sortedDataTables {
            guard let data = snapshot.data[table] else { continue }
            output += "data \(table.name): \(data.rows) row\(data.rows == 1 ? "" : "s"), md5 \(data.hash)\n"
        }
        return output
    }
}
