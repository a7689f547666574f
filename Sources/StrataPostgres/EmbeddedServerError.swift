import Foundation

/// Something went wrong starting, running or stopping a throwaway PostgreSQL server, told as a
/// full sentence, with the command line and the end of the server log when they help.
public struct EmbeddedServerError: Error, CustomStringConvertible, LocalizedError, Sendable {
    /// What failed, as a sentence.
    public var message: String
    /// The command that failed, if a command failed.
    public var commandLine: String?
    /// The last lines of its output or of the server log.
    public var logTail: String?

    public init(_ message: String, commandLine: String? = nil, logTail: String? = nil) {
        self.message = message
        self.commandLine = commandLine
        self.logTail = logTail
    }

    public var description: String {
        var text = message
        if let commandLine { text += "\nCommand: \(commandLine)" }
        if let logTail, !logTail.isEmpty {
            text += "\nLog (last lines):\n" + logTail.split(separator: "\n", omittingEmptySubsequences: false)
                .map { "  \($0)" }.joined(separator: "\n")
        }
        return ConnectionString.redact(text)
    }

    public var errorDescription: String? { description }

    /// The last `lines` lines of `text`.
    static func tail(_ text: String, lines: Int = 20) -> String {
        text.trimmingCharacters(in: .whitespacesAndNewlines)
            .split(separator: "\n", omittingEmptySubsequences: false)
            .suffix(lines).joined(separator: "\n")
    }
}
