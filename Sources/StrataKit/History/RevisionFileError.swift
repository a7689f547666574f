/// A revision file that cannot be used, with the file, the line and what was expected there.
public struct RevisionFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file as the user named it (relative to the working directory when possible).
    public var file: String
    /// One-based line number.
    public var line: Int
    /// A full sentence saying what is wrong and what was expected.
    public var message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { "\(file):\(line): \(message)" }
}
