import StrataPostgres

/// A revision that failed on the server: the server's fields plus where in which file.
public struct MigrationError: Error, Sendable, CustomStringConvertible, ExitCoded {
    public enum Direction: String, Sendable { case up, down }

    public var revision: String
    public var direction: Direction
    /// `file:line` of the failing statement (or of the section when it cannot be told).
    public var location: String
    public var server: PostgresError
    /// What state the database was left in, in one sentence.
    public var outcome: String
    /// An Alembic downgrade that raised from its own code, not from the server: irreversible by
    /// design, not broken.
    public var irreversible = false

    public var exitCode: Int32 { 3 }

    public var description: String {
        var lines = ["revision \(revision) (\(direction.rawValue)) failed at \(location): \(server.description)"]
        lines.append(outcome)
        return lines.joined(separator: "\n")
    }
}

/// Maps server positions back to revision files.
enum SourceLocation {
    /// `file:line` for a one-based character position inside a section body.
    static func of(position: Int?, in body: String, firstLine: Int, file: String) -> String {
        guard let position, position > 0 else { return "\(file):\(firstLine)" }
        var line = firstLine
        var count = 1
        for scalar in body.unicodeScalars {
            if count >= position { break }
            if scalar == "\n" { line += 1 }
            count += 1
        }
        return "\(file):\(line)"
    }
}
