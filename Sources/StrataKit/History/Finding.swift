/// One lint result: a rule, a severity, a sentence, and where.
public struct Finding: Sendable, Hashable, Codable {
    public enum Severity: String, Sendable, Codable, Comparable {
        case warning, error
        public static func < (a: Severity, b: Severity) -> Bool { a == .warning && b == .error }
    }

    public var rule: String
    public var severity: Severity
    public var message: String
    /// The file, as the user names it (relative to the working directory when possible).
    public var file: String?
    public var line: Int?
    /// The revision ids the finding is about.
    public var revisions: [String]
    /// A command that fixes it, when there is one.
    public var fix: String?

    public init(rule: String, severity: Severity, message: String, file: String? = nil, line: Int? = nil, revisions: [String] = [], fix: String? = nil) {
        self.rule = rule
        self.severity = severity
        self.message = message
        self.file = file
        self.line = line
        self.revisions = revisions
        self.fix = fix
    }
}
