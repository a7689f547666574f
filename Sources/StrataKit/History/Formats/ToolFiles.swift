import Foundation

/// dbmate's file: `-- migrate:up [options]`, `-- migrate:down [options]` (docs/formats,
/// pkg/dbmate/migration.go).
enum DbmateFile {
    static let up = try! NSRegularExpression(pattern: "^--\\s*migrate:up(\\s*$|\\s+\\S+)")
    static let down = try! NSRegularExpression(pattern: "^--\\s*migrate:down(\\s*$|\\s+\\S+)")

    static func matches(_ regex: NSRegularExpression, _ line: Substring) -> Bool {
        let s = String(line)
        return regex.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil
    }

    /// `transaction:false` among the marker line's options.
    static func transactional(_ marker: Substring) -> Bool {
        let options = marker.drop { $0 != ":" }.dropFirst().drop { !$0.isWhitespace }
        for token in options.split(whereSeparator: \.isWhitespace) {
            let parts = token.split(separator: ":", omittingEmptySubsequences: false)
            if parts.count == 2, parts[0] == "transaction" { return parts[1] != "false" }
        }
        return true
    }

    static func parse(_ text: String, name: String, version: String, fail: (Int, String) -> RevisionFileError) throws -> Revision {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var upIndex: Int?, downIndex: Int?
        for (index, line) in lines.enumerated() {
            if matches(up, line) {
                if upIndex != nil {
                    throw fail(index + 1, "a second `-- migrate:up` section: strata reads one up and one down section per dbmate file; split the file in two")
                }
                upIndex = index
            } else if matches(down, line) {
                guard upIndex != nil else { throw fail(index + 1, "`-- migrate:down` comes before `-- migrate:up` (dbmate: ErrParseWrongOrder)") }
                if downIndex != nil { throw fail(index + 1, "a second `-- migrate:down` (dbmate: ErrParseMultipleDown)") }
                downIndex = index
            } else if upIndex == nil {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if !trimmed.isEmpty && !trimmed.hasPrefix("--") {
                    throw fail(index + 1, "dbmate does not support statements preceding the '-- migrate:up' block")
                }
            }
        }
        guard let upIndex else { throw fail(1, "dbmate requires each migration to define an up block with '-- migrate:up'") }
        guard let downIndex else { throw fail(lines.count, "dbmate requires each migration to define a down block with '-- migrate:down'") }
        let upSQL = lines[(upIndex + 1)..<downIndex].joined(separator: "\n")
        let downSQL = lines[(downIndex + 1)...].joined(separator: "\n")
        var revision = Revision(id: version, parents: [], message: String(name.dropFirst(version.count).drop { $0 == "_" }.dropLast(4)),
                                transactional: transactional(lines[upIndex]), upSQL: upSQL + "\n", downSQL: downSQL,
                                upLine: upIndex + 2, downLine: downIndex + 2, fileName: name)
        revision.downTransactional = transactional(lines[downIndex])
        revision.batching = .whole
        return revision
    }
}

/// goose's SQL migrations (internal/sqlparser/parser.go): annotations, its line-based statement
/// split, `StatementBegin`/`End` blocks, `NO TRANSACTION`, `ENVSUB ON`/`OFF`.
public enum GooseSQL {
    enum Annotation: Equatable { case up, down, begin, end, noTransaction, envsubOn, envsubOff }

    /// The annotation on a line, or nil for SQL and ordinary comments.
    static func annotation(_ line: Substring) throws -> Annotation?? {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("--"), line.contains("+goose") else { return .none }
        if line.first == " " || line.first == "\t" { return .some(nil) }  // leading whitespace: goose refuses
        var rest = line.replacingOccurrences(of: "--", with: "")
        if let range = rest.range(of: "+goose") { rest.removeSubrange(range) }
        rest = rest.trimmingCharacters(in: .whitespaces)
        switch rest.lowercased() {
        case "up": return .some(.up)
        case "down": return .some(.down)
        case "statementbegin": return .some(.begin)
        case "statementend": return .some(.end)
        case "no transaction": return .some(.noTransaction)
        case "envsub on": return .some(.envsubOn)
        case "envsub off": return .some(.envsubOff)
        default: return .some(nil)
        }
    }

    static func parse(_ text: String, environment: [String: String], fail: (Int, String) -> RevisionFileError) throws -> Revision {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var upIndex: Int?, downIndex: Int?
        var transactional = true
        var envsub = false
        for index in lines.indices {
            let line = lines[index][...]
            switch try annotation(line) {
            case .none:
                if envsub { lines[index] = try substitute(lines[index], environment: environment) { fail(index + 1, $0) } }
                if upIndex == nil {
                    let trimmed = line.trimmingCharacters(in: .whitespaces)
                    if !trimmed.isEmpty && !trimmed.hasPrefix("--") {
                        throw fail(index + 1, "SQL before `-- +goose Up`: goose requires the file to start with the Up annotation")
                    }
                }
            case .some(nil):
                throw fail(index + 1, "\(line.trimmingCharacters(in: .whitespaces)) is not a goose annotation (goose: invalid annotation, or leading whitespace)")
            case .some(.up?):
                if upIndex != nil { throw fail(index + 1, "duplicate '-- +goose Up' annotations") }
                upIndex = index
            case .some(.down?):
                guard upIndex != nil else { throw fail(index + 1, "`-- +goose Down` before `-- +goose Up`") }
                if downIndex != nil { throw fail(index + 1, "duplicate '-- +goose Down' annotations") }
                downIndex = index
            case .some(.noTransaction?): transactional = false
            case .some(.envsubOn?): envsub = true
            case .some(.envsubOff?): envsub = false
            case .some(.begin?), .some(.end?):
                if upIndex == nil { throw fail(index + 1, "'-- +goose StatementBegin' must be defined after '-- +goose Up' or '-- +goose Down'") }
            }
        }
        guard let upIndex else { throw fail(1, "must start with '-- +goose Up' annotation") }
        let upEnd = downIndex ?? lines.count
        let upSQL = lines[(upIndex + 1)..<upEnd].joined(separator: "\n")
        let downSQL = downIndex.map { lines[($0 + 1)...].joined(separator: "\n") }
        for (sql, first) in [(upSQL, upIndex + 2)] + (downSQL.map { [($0, (downIndex ?? 0) + 2)] } ?? []) {
            if let problem = check(sql) { throw fail(first + problem.line, problem.message) }
        }
        var revision = Revision(id: "", parents: [], transactional: transactional, upSQL: upSQL, downSQL: downSQL,
                                upLine: upIndex + 2, downLine: downIndex.map { $0 + 2 })
        revision.batching = .goose
        return revision
    }

    /// goose's split of one section: outside `StatementBegin`/`End`, a statement ends with a line
    /// whose last word before any `--` comment ends with `;`; inside, the block is one statement.
    public static func statements(_ sql: String) -> [SQLScanner.Statement] {
        split(sql).statements
    }

    static func check(_ sql: String) -> (line: Int, message: String)? {
        let result = split(sql)
        if let open = result.openBlock { return (open, "missing '-- +goose StatementEnd' annotation") }
        if let stray = result.strayEnd { return (stray, "'-- +goose StatementEnd' without a StatementBegin") }
        if let rest = result.unfinished { return (rest, "unexpected unfinished SQL query: missing semicolon? (goose)") }
        return nil
    }

    static func split(_ sql: String) -> (statements: [SQLScanner.Statement], openBlock: Int?, strayEnd: Int?, unfinished: Int?) {
        var out: [SQLScanner.Statement] = []
        var buffer = ""
        var start = 0
        var inBlock: Int?
        var stray: Int?
        func emit() {
            let text = buffer.trimmingCharacters(in: .whitespacesAndNewlines)
            if !text.isEmpty { out.append(SQLScanner.Statement(text: text, line: start, offset: 0)) }
            buffer = ""
        }
        for (index, line) in sql.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if let found = try? annotation(line), let kind = found {
                if kind == .begin { inBlock = index; if buffer.isEmpty { start = index + 1 } }
                if kind == .end {
                    if inBlock == nil { stray = index } else { emit(); inBlock = nil }
                }
                continue
            }
            if inBlock != nil {
                if buffer.isEmpty { start = index }
                buffer += line + "\n"
                continue
            }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if buffer.isEmpty && (trimmed.isEmpty || trimmed.hasPrefix("--")) { continue }
            if buffer.isEmpty { start = index }
            buffer += line + "\n"
            if endsWithSemicolon(line) { emit() }
        }
        let unfinished = buffer.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty || inBlock != nil ? nil : start
        return (out, inBlock, stray, unfinished)
    }

    static func endsWithSemicolon(_ line: Substring) -> Bool {
        var last: Substring?
        for word in line.split(whereSeparator: \.isWhitespace) {
            if word.hasPrefix("--") { break }
            last = word
        }
        return last?.hasSuffix(";") ?? false
    }

    /// `${VAR}`, `$VAR`, `${VAR:-default}`, `${VAR-default}`, `${VAR?message}`; an unset
    /// variable without a default is an error here (goose would send an empty string).
    static func substitute(_ line: String, environment: [String: String], fail: (String) -> RevisionFileError) throws -> String {
        guard line.contains("$") else { return line }
        var out = ""
        let chars = Array(line)
        var i = 0
        func isNameStart(_ c: Character) -> Bool { c == "_" || (c.isASCII && c.isLetter) }
        func isName(_ c: Character) -> Bool { isNameStart(c) || c.isASCIIDigit }
        while i < chars.count {
            guard chars[i] == "$", i + 1 < chars.count else { out.append(chars[i]); i += 1; continue }
            if chars[i + 1] == "{", let close = chars[(i + 2)...].firstIndex(of: "}") {
                let inner = String(chars[(i + 2)..<close])
                let name = String(inner.prefix { isName($0) })
                let op = inner.dropFirst(name.count)
                let value = environment[name]
                if op.hasPrefix(":-") {
                    out += (value?.isEmpty == false ? value! : String(op.dropFirst(2)))
                } else if op.hasPrefix("-") {
                    out += value ?? String(op.dropFirst())
                } else if op.hasPrefix("?") {
                    guard let value else { throw fail("${\(name)}: \(op.dropFirst())") }
                    out += value
                } else {
                    guard let value else { throw fail("environment variable \(name) is not set (in a `-- +goose ENVSUB ON` section)") }
                    out += value
                }
                i = close + 1
            } else if isNameStart(chars[i + 1]) {
                var j = i + 1
                while j < chars.count && isName(chars[j]) { j += 1 }
                let name = String(chars[(i + 1)..<j])
                guard let value = environment[name] else { throw fail("environment variable \(name) is not set (in a `-- +goose ENVSUB ON` section)") }
                out += value
                i = j
            } else {
                out.append(chars[i]); i += 1
            }
        }
        return out
    }
}
