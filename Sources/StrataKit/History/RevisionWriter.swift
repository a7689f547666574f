import Foundation

/// Writes revision files in format v1. What it writes, `RevisionParser` reads back into the same
/// revision, and rendering that again gives the same bytes.
public enum RevisionWriter {
    /// The file's text.
    public static func render(_ revision: Revision) -> String {
        var out = ""
        out += "-- revision: \(revision.id)\n"
        out += "-- down_revision: \(revision.parents.isEmpty ? "none" : revision.parents.joined(separator: ", "))\n"
        if let message = revision.message { out += "-- message: \(singleLine(message))\n" }
        if let created = revision.created { out += "-- created: \(created)\n" }
        if !revision.transactional { out += "-- transactional: false\n" }
        if !revision.replaces.isEmpty { out += "-- replaces: \(revision.replaces.joined(separator: ", "))\n" }
        if let archive = revision.archive { out += "-- archive: \(archive)\n" }
        out += "\n\(RevisionParser.upMarker)\n"
        out += revision.upSQL
        if let down = revision.downSQL {
            out += "\(RevisionParser.downMarker)\n"
            out += down
        }
        return out
    }

    /// The file name strata gives a revision: `<id>_<slug>.sql`.
    public static func fileName(id: String, message: String?) -> String {
        let slug = slug(message ?? "")
        return slug.isEmpty ? "\(id).sql" : "\(id)_\(slug).sql"
    }

    /// Lowercase words joined by `_`, at most 48 characters.
    public static func slug(_ message: String) -> String {
        var words: [String] = []
        var current = ""
        for ch in message.lowercased() {
            if ch.isASCII && (ch.isLetter || ch.isNumber) {
                current.append(ch)
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        var slug = ""
        for word in words {
            let next = slug.isEmpty ? word : slug + "_" + word
            if next.count > 48 { break }
            slug = next
        }
        return slug
    }

    /// Normalises a section body as strata writes it: the SQL, then one blank line.
    public static func sectionBody(_ sql: String) -> String {
        let trimmed = sql.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? "\n\n" : trimmed + "\n\n"
    }

    /// A new revision as `strata new` writes it.
    public static func newRevision(id: String, parent: String?, message: String, created: Date, transactional: Bool = true, up: String = "", down: String = "") -> Revision {
        var down = sectionBody(down)
        // The last section ends with a single newline.
        down.removeLast()
        return Revision(
            id: id, parents: parent.map { [$0] } ?? [], message: singleLine(message),
            created: iso8601(created), transactional: transactional,
            upSQL: sectionBody(up), downSQL: down
        )
    }

    /// `2026-11-20T10:00:00Z`.
    public static func iso8601(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    static func singleLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(in: .whitespaces)
    }

    /// Rewrites one header value in a file's text and leaves every other byte alone (used to
    /// re-point `down_revision` without touching the SQL the user wrote).
    public static func replacingHeader(_ key: String, with value: String, in text: String, line: Int) -> String? {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard line >= 1, line <= lines.count,
              let (existing, _) = RevisionParser.headerLine(lines[line - 1].trimmingCharacters(in: .whitespaces)),
              existing == key
        else { return nil }
        lines[line - 1] = Substring("-- \(key): \(value)")
        return lines.joined(separator: "\n")
    }
}
