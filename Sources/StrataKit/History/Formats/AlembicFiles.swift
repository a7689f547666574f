import Foundation

/// An Alembic project (issue 13): where its `alembic.ini` is, where its revision files are, and
/// how strata runs them (the project's own Python, its env.py, its plugins).
public struct AlembicProject: Sendable, Hashable {
    /// The `alembic.ini` file.
    public var ini: URL
    /// `script_location`: the directory holding env.py.
    public var scriptLocation: URL
    /// `version_locations`, or `<script_location>/versions`.
    public var versionLocations: [URL]
    /// The Python that runs the project's Alembic: `[alembic] python`, else `.venv/bin/python`
    /// next to alembic.ini, else `python3` on PATH.
    public var python: String?
    /// Environment variables strata sets to the scratch database's URL for env.py
    /// (`[alembic] url_env`; the database URL's variable by default).
    public var urlEnvironment: [String] = []
    /// More `-x` arguments (`{url}` is replaced by the scratch database's URL).
    public var xArguments: [String] = []
    /// The SQLAlchemy driver name (`postgresql+psycopg`): `[alembic] driver`, else the ini's URL's,
    /// else the first of psycopg2, psycopg, asyncpg that imports.
    public var driver: String?
    /// Alembic's version table (`[deployed] table`; env.py's `version_table`).
    public var versionTable = "alembic_version"

    /// The directory alembic.ini is in: where Alembic runs (`prepend_sys_path = .`).
    public var projectDirectory: URL { ini.deletingLastPathComponent() }

    /// Reads `alembic.ini`'s `[alembic]` section.
    public static func load(ini: URL) throws(StrataError) -> AlembicProject {
        guard let data = FileManager.default.contents(atPath: ini.path) else {
            throw .usage("cannot read \(DisplayPath.of(ini)); point `[alembic] ini` in strata.toml at the project's alembic.ini")
        }
        let here = ini.deletingLastPathComponent().standardizedFileURL.path
        var section = ""
        var values: [String: (String, Int)] = [:]
        var lastKey: String?
        for (index, raw) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix(";") { continue }
            if trimmed.hasPrefix("[") && trimmed.hasSuffix("]") {
                section = String(trimmed.dropFirst().dropLast())
                lastKey = nil
                continue
            }
            guard section == "alembic" else { continue }
            if line.first == " " || line.first == "\t", let key = lastKey {
                // A continuation line (configparser): appended with a newline.
                values[key]?.0 += "\n" + trimmed
                continue
            }
            guard let eq = line.firstIndex(where: { $0 == "=" || $0 == ":" }) else { continue }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces).lowercased()
            values[key] = (line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces), index + 1)
            lastKey = key
        }
        func value(_ key: String) -> String? {
            values[key].map { $0.0.replacingOccurrences(of: "%(here)s", with: here).replacingOccurrences(of: "%%", with: "%") }
        }
        guard let location = value("script_location"), !location.isEmpty else {
            throw .usage("\(DisplayPath.of(ini)) has no `script_location` in its [alembic] section")
        }
        if location.contains(":") && !location.hasPrefix("/") {
            throw .usage("\(DisplayPath.of(ini)):\(values["script_location"]?.1 ?? 1): script_location \(location) is a package resource; strata reads a directory (write it as a path)")
        }
        func resolve(_ path: String) -> URL {
            path.hasPrefix("/") ? URL(fileURLWithPath: path) : URL(fileURLWithPath: here).appendingPathComponent(path)
        }
        let script = resolve(location).standardizedFileURL
        var versions: [URL] = [script.appendingPathComponent("versions")]
        if let list = value("version_locations"), !list.isEmpty {
            let separator = value("version_path_separator") ?? value("path_separator")
            let parts: [String]
            switch separator {
            case "os"?, ":"?: parts = list.split(separator: ":").map(String.init)
            case ";"?: parts = list.split(separator: ";").map(String.init)
            case "newline"?: parts = list.split(separator: "\n").map(String.init)
            default: parts = list.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\n" }).map(String.init)  // space, and the legacy split
            }
            versions = parts.map { resolve($0.trimmingCharacters(in: .whitespaces)).standardizedFileURL }.filter { !$0.path.isEmpty }
        }
        return AlembicProject(ini: ini.standardizedFileURL, scriptLocation: script, versionLocations: versions)
    }

    /// The project holding `directory` (a version location, or the project itself): the nearest
    /// `alembic.ini` at it or above it (three levels at most).
    public static func find(from directory: URL) -> URL? {
        var url = directory.standardizedFileURL
        for _ in 0..<4 {
            let ini = url.appendingPathComponent("alembic.ini")
            if FileManager.default.fileExists(atPath: ini.path) { return ini }
            url = url.deletingLastPathComponent()
        }
        return nil
    }

    /// The Python to run: configured, else the project's `.venv`, else `python3` on PATH.
    public var pythonExecutable: String {
        if let python, !python.isEmpty {
            if python.hasPrefix("/") { return python }
            return python.contains("/") ? projectDirectory.appendingPathComponent(python).path : Self.onPath(python)
        }
        for candidate in [".venv/bin/python", "venv/bin/python"] {
            let path = projectDirectory.appendingPathComponent(candidate).path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return Self.onPath("python3")
    }

    /// `name` found on PATH (posix_spawn takes a path), else `name` as it is.
    static func onPath(_ name: String) -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) } ?? name
    }
}

/// Reads Alembic revision files without running Python: their module-level `revision`,
/// `down_revision`, `branch_labels` and `depends_on` assignments, literal values only.
enum AlembicFiles {
    struct Parsed {
        var revision: String?
        var downRevisions: [String] = []
        var branchLabels: [String] = []
        var dependsOn: [String] = []
        var lines: [String: Int] = [:]
        var message: String?
        var created: String?
        var upgradeLine: Int?
        var downgradeLine: Int?
        /// The downgrade does nothing but raise: irreversible by design.
        var downgradeRaises = false
        var usesAutocommit = false
    }

    struct ParseError: Error {
        var line: Int
        var message: String
    }

    /// The names strata reads; any other module-level assignment is left alone.
    static let names: Set<String> = ["revision", "down_revision", "branch_labels", "depends_on"]

    static func parse(_ text: String) throws(ParseError) -> Parsed {
        var parsed = Parsed()
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
        var index = 0
        var openQuote: String?  // inside a triple-quoted string that spans lines
        var sawCode = false
        var inDowngrade = false
        var downgradeStatements: [Substring] = []
        while index < lines.count {
            let line = lines[index]
            let number = index + 1
            index += 1
            if let quote = openQuote {
                if line.range(of: quote) != nil { openQuote = nil }
                continue
            }
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let indented = trimmed.count != line.count
            // The module docstring: message and Create Date.
            if !sawCode, !indented, let quote = ["\"\"\"", "'''"].first(where: { trimmed.hasPrefix($0) }) {
                var body = [Substring(trimmed.dropFirst(3))]
                var closed = body[0].range(of: quote) != nil
                if closed { body[0] = body[0][..<body[0].range(of: quote)!.lowerBound] }
                while !closed && index < lines.count {
                    let next = lines[index]
                    index += 1
                    if let range = next.range(of: quote) {
                        body.append(next[..<range.lowerBound])
                        closed = true
                    } else {
                        body.append(next)
                    }
                }
                sawCode = true
                parsed.message = body.first(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }).map { $0.trimmingCharacters(in: .whitespaces) }
                if let created = body.first(where: { $0.hasPrefix("Create Date:") }) {
                    parsed.created = created.dropFirst("Create Date:".count).trimmingCharacters(in: .whitespaces)
                }
                continue
            }
            sawCode = true
            if !indented {
                inDowngrade = false
                if trimmed.hasPrefix("def upgrade(") || trimmed.hasPrefix("def upgrade (") { parsed.upgradeLine = number }
                if trimmed.hasPrefix("def downgrade(") || trimmed.hasPrefix("def downgrade (") {
                    parsed.downgradeLine = number
                    inDowngrade = true
                }
            } else if inDowngrade {
                downgradeStatements.append(trimmed)
            }
            if trimmed.contains("autocommit_block") { parsed.usesAutocommit = true }
            // A triple-quoted string opened on this line and not closed on it.
            for quote in ["\"\"\"", "'''"] {
                var count = 0
                var rest = line[...]
                while let range = rest.range(of: quote) {
                    count += 1
                    rest = rest[range.upperBound...]
                }
                if count % 2 == 1 {
                    openQuote = quote
                    if inDowngrade { downgradeStatements.append("\"\"\"") }
                    break
                }
            }
            guard !indented else { continue }
            // A module-level assignment to one of the names.
            guard let name = names.first(where: { trimmed.hasPrefix($0) }) else { continue }
            var rest = trimmed.dropFirst(name.count).drop { $0 == " " }
            if rest.hasPrefix(":") {
                // An annotation: skip to the `=` outside brackets.
                var depth = 0
                var cut: Substring.Index?
                for i in rest.indices {
                    let c = rest[i]
                    if c == "[" || c == "(" { depth += 1 } else if c == "]" || c == ")" { depth -= 1 } else if c == "=" && depth == 0 { cut = i; break }
                }
                guard let cut else { continue }  // annotated without a value
                rest = rest[rest.index(after: cut)...]
            } else if rest.hasPrefix("=") && !rest.hasPrefix("==") {
                rest = rest.dropFirst()
            } else {
                continue
            }
            // The value may continue on the next lines while a bracket is open.
            var value = String(rest)
            while Self.openBrackets(value) > 0 && index < lines.count {
                value += "\n" + lines[index]
                index += 1
            }
            openQuote = nil
            let literal = try Self.literal(value, line: number, name: name)
            parsed.lines[name] = number
            switch name {
            case "revision":
                guard literal.count == 1, let id = literal.first else {
                    throw ParseError(line: number, message: "`revision` must be one string")
                }
                parsed.revision = id
            case "down_revision": parsed.downRevisions = literal
            case "branch_labels": parsed.branchLabels = literal
            default: parsed.dependsOn = literal
            }
        }
        let code = downgradeStatements.filter { !$0.hasPrefix("#") && !$0.hasPrefix("\"\"\"") && !$0.hasPrefix("'''") }
        parsed.downgradeRaises = code.first.map { $0.hasPrefix("raise ") || $0 == "raise" } ?? false
        return parsed
    }

    static func openBrackets(_ text: String) -> Int {
        var depth = 0
        var quote: Character?
        for c in text {
            if let q = quote {
                if c == q { quote = nil }
                continue
            }
            switch c {
            case "'", "\"": quote = c
            case "(", "[": depth += 1
            case ")", "]": depth -= 1
            case "#": return depth
            default: break
            }
        }
        return depth
    }

    /// A literal: a string, None, or a tuple or list of strings (a trailing comment allowed).
    static func literal(_ text: String, line: Int, name: String) throws(ParseError) -> [String] {
        let chars = Array(text)
        var i = 0
        func skip() {
            while i < chars.count {
                if chars[i] == " " || chars[i] == "\t" || chars[i] == "\n" || chars[i] == "\\" { i += 1; continue }
                if chars[i] == "#" {
                    while i < chars.count && chars[i] != "\n" { i += 1 }
                    continue
                }
                break
            }
        }
        func computed() -> ParseError {
            let shown = text.split(separator: "\n").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            return ParseError(line: line, message: "`\(name)` is computed (`\(shown)`); strata reads revision files without running them: write it as a string, None, or a tuple of strings")
        }
        func string() throws(ParseError) -> String {
            if i < chars.count, "rRuU".contains(chars[i]), i + 1 < chars.count, chars[i + 1] == "'" || chars[i + 1] == "\"" { i += 1 }
            guard i < chars.count, chars[i] == "'" || chars[i] == "\"" else { throw computed() }
            let quote = chars[i]
            i += 1
            var out = ""
            while i < chars.count && chars[i] != quote {
                if chars[i] == "\\" && i + 1 < chars.count { i += 1 }
                if chars[i] == "\n" { throw computed() }
                out.append(chars[i])
                i += 1
            }
            guard i < chars.count else { throw computed() }
            i += 1
            return out
        }
        skip()
        var values: [String] = []
        if i + 4 <= chars.count, String(chars[i..<i + 4]) == "None" {
            i += 4
        } else if i < chars.count, chars[i] == "(" || chars[i] == "[" {
            let close: Character = chars[i] == "(" ? ")" : "]"
            i += 1
            skip()
            while i < chars.count && chars[i] != close {
                values.append(try string())
                skip()
                if i < chars.count && chars[i] == "," {
                    i += 1
                    skip()
                } else if i < chars.count && chars[i] != close {
                    throw computed()
                }
            }
            guard i < chars.count else { throw computed() }
            i += 1
        } else {
            values.append(try string())
        }
        skip()
        guard i == chars.count else { throw computed() }
        return values
    }

    /// The first line squash writes into an init revision (a comment: Alembic ignores it).
    static let markerPrefix = "# strata:squash "
}

extension FormatReader {
    /// Alembic: every `*.py` file (not `__init__`, not an editor's `.#` lock) at the top of the
    /// directory is a revision; its graph comes from its module-level assignments.
    func alembic(_ tree: SourceTree) -> Result {
        var revisions: [Revision] = []
        var errors: [RevisionFileError] = []
        for name in tree.topLevel where name.hasSuffix(".py") && !name.hasPrefix("__init__") && !name.hasPrefix(".#") {
            guard let data = tree.files[name] else { continue }
            let text = Self.text(data)
            let parsed: AlembicFiles.Parsed
            do {
                parsed = try AlembicFiles.parse(text)
            } catch {
                errors.append(self.error(name, error.line, error.message))
                continue
            }
            guard let id = parsed.revision else {
                errors.append(self.error(name, 1, "no module-level `revision = \"…\"`: Alembic cannot load this file as a revision"))
                continue
            }
            var revision = Revision(
                id: id, parents: parsed.downRevisions, message: parsed.message, created: parsed.created,
                transactional: !parsed.usesAutocommit, upSQL: text, downSQL: parsed.downgradeRaises || parsed.downgradeLine == nil ? nil : text,
                upLine: parsed.upgradeLine ?? 1, downLine: parsed.downgradeLine, headerLines: parsed.lines, fileName: name)
            revision.batching = .alembic
            revision.alembic = settings.alembic
            revision.branchLabels = parsed.branchLabels
            revision.dependsOn = parsed.dependsOn
            Self.markInit(&revision, fileStart: data.prefix(512), prefix: AlembicFiles.markerPrefix)
            revisions.append(revision)
        }
        return Result(revisions: dropDuplicates(revisions, errors: &errors, what: "revision id"), errors: errors)
    }
}
