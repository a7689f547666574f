import Foundation

/// The result of `strata lint`: parse errors and rule findings, ready to format.
public struct LintReport: Sendable, Codable {
    public var findings: [Finding]
    public var files: Int
    public var revisions: Int
    /// Whether some file could not be read (exit 2, unusable input).
    public var unusableInput: Bool

    public var errors: Int { findings.filter { $0.severity == .error }.count }
    public var warnings: Int { findings.filter { $0.severity == .warning }.count }

    /// Lints a migrations directory: every file error and every rule finding in one run.
    public static func run(_ directory: MigrationDirectory) -> LintReport {
        let parse = directory.errors.map { error in
            Finding(rule: "file-format", severity: .error, message: error.message, file: error.file, line: error.line)
        }
        let findings = parse + directory.lint()
        return LintReport(
            findings: findings, files: directory.revisions.count + directory.errors.count,
            revisions: directory.revisions.count, unusableInput: !parse.isEmpty
        )
    }

    /// Exit code per DESIGN §9: 2 unusable input, 1 findings (errors; warnings too when strict), 0 clean.
    public func exitCode(strict: Bool) -> Int32 {
        if unusableInput { return 2 }
        if errors > 0 || (strict && warnings > 0) { return 1 }
        return 0
    }

    public enum Format: String, Sendable, CaseIterable { case text, json, github }

    public func render(_ format: Format) -> String {
        switch format {
        case .text:
            var lines = findings.map { finding in
                let place = finding.file.map { "\($0)\(finding.line.map { ":\($0)" } ?? ""): " } ?? ""
                return "\(place)\(finding.severity.rawValue) [\(finding.rule)] \(finding.message)"
            }
            let summary = findings.isEmpty
                ? "\(revisions) revisions, no findings"
                : "\(revisions) revisions: \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")"
            lines.append(summary)
            return lines.joined(separator: "\n") + "\n"
        case .json:
            struct Document: Encodable {
                var findings: [Finding]
                var errors: Int
                var warnings: Int
                var revisions: Int
                var files: Int
                var rules: [String]
            }
            let document = Document(findings: findings, errors: errors, warnings: warnings, revisions: revisions, files: files, rules: LintRule.all.map(\.id))
            return JSONText.encode(document)
        case .github:
            return findings.map { finding in
                var properties: [String] = []
                if let file = finding.file { properties.append("file=\(GitHubAnnotation.escapeProperty(file))") }
                if let line = finding.line { properties.append("line=\(line)") }
                properties.append("title=\(GitHubAnnotation.escapeProperty("strata lint: \(finding.rule)"))")
                let level = finding.severity == .error ? "error" : "warning"
                return "::\(level) \(properties.joined(separator: ","))::\(GitHubAnnotation.escapeData(finding.message))\n"
            }.joined()
        }
    }
}

/// GitHub Actions workflow-command escaping.
public enum GitHubAnnotation {
    public static func escapeData(_ s: String) -> String {
        s.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D").replacingOccurrences(of: "\n", with: "%0A")
    }

    public static func escapeProperty(_ s: String) -> String {
        escapeData(s).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }
}

/// Deterministic JSON (sorted keys, pretty printed) for every `--format json`.
public enum JSONText {
    public static func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return "{}\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
