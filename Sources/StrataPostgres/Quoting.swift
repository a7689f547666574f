import Foundation

/// `name` as an SQL identifier: `"..."` with embedded double quotes doubled.
public func quoteIdentifier(_ name: String) -> String {
    "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}

/// `value` as an SQL string literal: `'...'` with embedded single quotes doubled. When the value
/// holds a backslash it uses the `E'...'` form with backslashes doubled, which reads the same
/// whatever `standard_conforming_strings` is.
public func quoteLiteral(_ value: String) -> String {
    let quoted = value.replacingOccurrences(of: "'", with: "''")
    guard value.contains("\\") else { return "'" + quoted + "'" }
    return "E'" + quoted.replacingOccurrences(of: "\\", with: "\\\\") + "'"
}
