import Foundation

/// `migrations/strata.sum`: a running SHA-256 over the revision files in history order, one
/// line per file, with the total on the first line. Two branches that each add a revision both
/// rewrite the first line and append after the same last line, so git reports a conflict at
/// merge time instead of main breaking afterwards (the idea of Atlas's `atlas.sum`).
public enum SumFile {
    public static let fileName = "strata.sum"
    static let version = "strata-sum v1"

    /// One revision file's part of the sum.
    public struct Entry: Sendable, Hashable {
        public var fileName: String
        /// SHA-256 of the file's bytes.
        public var sha256: String
        public init(fileName: String, sha256: String) {
            self.fileName = fileName
            self.sha256 = sha256
        }
    }

    /// The sum file's text for files in history order.
    public static func render(_ entries: [Entry]) -> String {
        var running = SHA256Hex.of(version)
        var lines: [String] = []
        lines.reserveCapacity(entries.count)
        for entry in entries {
            running = SHA256Hex.of("\(running)\n\(entry.fileName)\n\(entry.sha256)")
            lines.append("\(entry.fileName) \(running)")
        }
        return "\(version) \(running)\n" + lines.map { $0 + "\n" }.joined()
    }

    /// How a sum file on disk compares to the files.
    public enum Status: Sendable, Equatable {
        case current
        case missing
        /// The first line (one-based) that differs, and the file it names (if any).
        case stale(line: Int, file: String?)
    }

    public static func status(expected: String, actual: String?) -> Status {
        guard let actual else { return .missing }
        if actual == expected { return .current }
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        // The first line holds the total; report the first differing file line when there is one.
        for index in 1..<max(e.count, a.count) {
            let left = index < e.count ? e[index] : nil
            let right = index < a.count ? a[index] : nil
            if left != right {
                let name = (left ?? right).flatMap { $0.split(separator: " ").first.map(String.init) }
                return .stale(line: index + 1, file: name)
            }
        }
        return .stale(line: 1, file: nil)
    }
}
