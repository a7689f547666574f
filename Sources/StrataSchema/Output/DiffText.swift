import Foundation

/// The text form of a diff: one line per change.
///
///     + enum public.order_status
///     - column public.users.email
///     ~ column public.users.email: type text → citext
///     ~ column public.users.email: default (none) → ''::text
///     ~ column public.users.email moved from position 3 to 7
///     ~ data public.users: rows 2 → 3
///     ~ data public.users: content hash 1b2c3d4e → 5f6a7b8c (same row count)
///
/// A value with line breaks (function bodies, view definitions) shows only its first differing
/// line: `~ view public.v: definition line 3: FROM a; → FROM b;`. JSON carries the full values.
public enum DiffText {
    public static func render(_ diff: SchemaDiff) -> String {
        var output = ""
        for change in diff.changes {
            output += line(change)
            output += "\n"
        }
        return output
    }

    public static func line(_ change: SchemaChange) -> String {
        let object = change.object.description
        switch change.kind {
        case .added:
            return "+ " + object
        case .removed:
            return "- " + object
        case .moved:
            return "~ \(object) moved from position \(change.old ?? "?") to \(change.new ?? "?")"
        case .data:
            let table = "data " + change.object.name
            if change.attribute == "rows" {
                return "~ \(table): rows \(change.old ?? "?") → \(change.new ?? "?")"
            }
            return "~ \(table): content hash \(short(change.old)) → \(short(change.new)) (same row count)"
        case .changed:
            let attribute = change.attribute ?? "?"
            let old = change.old
            let new = change.new
            if old?.contains("\n") == true || new?.contains("\n") == true {
                let oldLines = (old ?? "").split(separator: "\n", omittingEmptySubsequences: false)
                let newLines = (new ?? "").split(separator: "\n", omittingEmptySubsequences: false)
                var index = 0
                while index < oldLines.count, index < newLines.count, oldLines[index] == newLines[index] { index += 1 }
                let before = index < oldLines.count && old != nil ? display(trimmed(oldLines[index])) : "(none)"
                let after = index < newLines.count && new != nil ? display(trimmed(newLines[index])) : "(none)"
                return "~ \(object): \(attribute) line \(index + 1): \(before) → \(after)"
            }
            return "~ \(object): \(attribute) \(value(old)) → \(value(new))"
        }
    }

    private static func value(_ text: String?) -> String {
        guard let text else { return "(none)" }
        return display(text)
    }

    private static func display(_ text: String) -> String {
        text.isEmpty ? "\"\"" : text
    }

    private static func trimmed(_ line: Substring) -> String {
        line.trimmingCharacters(in: .whitespaces)
    }

    private static func short(_ hash: String?) -> String {
        String((hash ?? "?").prefix(8))
    }
}
