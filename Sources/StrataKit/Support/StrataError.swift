/// The errors strata reports, each a full sentence, each with the exit code of DESIGN §9.
public enum StrataError: Error, Sendable, CustomStringConvertible {
    /// Revision files that cannot be used (exit 2).
    case invalidFiles([RevisionFileError])
    /// The command needs a linear history and this one is not (exit 2).
    case nonLinear([Finding])
    /// Unusable input or arguments (exit 2).
    case usage(String)
    /// A configuration file problem (exit 2).
    case configuration(file: String, line: Int?, message: String)
    /// The environment failed: a file could not be written, a tool is missing (exit 3).
    case environment(String)
    /// The database failed (exit 3).
    case database(String)

    public var exitCode: Int32 {
        switch self {
        case .invalidFiles, .nonLinear, .usage, .configuration: return 2
        case .environment, .database: return 3
        }
    }

    public var description: String {
        switch self {
        case .invalidFiles(let errors):
            return errors.map(\.description).joined(separator: "\n")
        case .nonLinear(let findings):
            let errors = findings.filter { $0.severity == .error }
            return "the history is not linear:\n" + errors.map { finding in
                "  " + (finding.file.map { "\($0)\(finding.line.map { ":\($0)" } ?? ""): " } ?? "") + finding.message
            }.joined(separator: "\n")
        case .usage(let message), .environment(let message), .database(let message):
            return message
        case .configuration(let file, let line, let message):
            return "\(file)\(line.map { ":\($0)" } ?? ""): \(message)"
        }
    }
}
