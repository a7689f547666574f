import Foundation

/// Lines of a text split on `\n` by bytes (not by grapheme), as Substrings.
func fastLines(_ text: String) -> [Substring] {
    text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).map { Substring($0) }
}

/// Whether `text` holds `needle` (ASCII), by bytes; `caseInsensitive` folds ASCII letters.
func bytesContain(_ text: String, _ needle: String, caseInsensitive: Bool = false) -> Bool {
    let n = Array(needle.utf8).map { caseInsensitive && $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }
    guard let first = n.first else { return true }
    var found = false
    text.utf8.withContiguousStorageIfAvailable { h in
        guard h.count >= n.count else { return }
        var i = 0
        let last = h.count - n.count
        while i <= last {
            var b = h[i]
            if caseInsensitive && b >= 0x61 && b <= 0x7A { b -= 0x20 }
            if b == first {
                var j = 1
                while j < n.count {
                    var c = h[i + j]
                    if caseInsensitive && c >= 0x61 && c <= 0x7A { c -= 0x20 }
                    if c != n[j] { break }
                    j += 1
                }
                if j == n.count { found = true; return }
            }
            i += 1
        }
    }
    return found
}

/// `text` without ASCII whitespace at either end, by bytes.
func fastTrim<S: StringProtocol>(_ text: S) -> String {
    let bytes = Array(text.utf8)
    func blank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == 0x0B || b == 0x0C }
    var start = 0, end = bytes.count
    while start < end && blank(bytes[start]) { start += 1 }
    while end > start && blank(bytes[end - 1]) { end -= 1 }
    return String(decoding: bytes[start..<end], as: UTF8.self)
}

/// dbmate's file: `-- migrate:up [options]`, `-- migrate:down [options]` (docs/formats,
/// pkg/dbmate/migration.go).
enum DbmateFile {
    /// `^--\s*migrate:<word>(\s*$|\s+\S+)`, by bytes.
    static func marker(_ line: Substring, _ word: String) -> Bool {
        let bytes = Array(line.utf8)
        guard bytes.count >= 2, bytes[0] == 0x2D, bytes[1] == 0x2D else { return false }
        var i = 2
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0B || b == 0x0C }
        while i < bytes.count && isSpace(bytes[i]) { i += 1 }
        let keyword = Array("migrate:\(word)".utf8)
        guard bytes.count - i >= keyword.count, Array(bytes[i..<(i + keyword.count)]) == keyword else { return false }
        i += keyword.count
        return i == bytes.count || isSpace(bytes[i])
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
        let lines = fastLines(text)
        var upIndex: Int?, downIndex: Int?
        for (index, line) in lines.enumerated() {
            if marker(line, "up") {
                if upIndex != nil {
                    throw fail(index + 1, "a second `-- migrate:up` section: strata reads one up and one down section per dbmate file; split the file in two")
                }
                upIndex = index
            } else if marker(line, "down") {
                guard upIndex != nil else { throw fail(index + 1, "`-- migrate:down` comes before `-- migrate:up` (dbmate: ErrParseWrongOrder)") }
                if downIndex != nil { throw fail(index + 1, "a second `-- migrate:down` (dbmate: ErrParseMultipleDown)") }
                downIndex = index
            } else if upIndex == nil {
                let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
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
        // Fast path: most lines are SQL; an annotation is a `--` comment holding `+goose`.
        let bytes = line.utf8
        guard let first = bytes.first(where: { $0 != 0x20 && $0 != 0x09 }), first == 0x2D else { return .none }
        let needle = Array("+goose".utf8)
        let array = Array(bytes)
        guard array.count >= needle.count,
              let at = (0...(array.count - needle.count)).first(where: { array[$0..<($0 + needle.count)].elementsEqual(needle) }) else {
            return .none
        }
        if array.first == 0x20 || array.first == 0x09 { return .some(nil) }  // leading whitespace: goose refuses
        // goose removes every `--`, then the first `+goose`, and trims.
        var rest = Array(array[..<at]) + Array(array[(at + needle.count)...])
        var cleaned: [UInt8] = []
        var i = 0
        while i < rest.count {
            if i + 1 < rest.count, rest[i] == 0x2D, rest[i + 1] == 0x2D { i += 2; continue }
            cleaned.append(rest[i]); i += 1
        }
        rest = cleaned
        let word = fastTrim(String(decoding: rest.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }, as: UTF8.self))
        switch word {
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
        var lines = fastLines(text)
        var upIndex: Int?, downIndex: Int?
        var transactional = true
        var envsub = false
        for index in lines.indices {
            let line = lines[index][...]
            switch try annotation(line) {
            case .none:
                if envsub { lines[index] = Substring(try substitute(String(lines[index]), environment: environment) { fail(index + 1, $0) }) }
                if upIndex == nil {
                    let trimmed = fastTrim(line)
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
        split(sql, build: true).statements
    }

    static func check(_ sql: String) -> (line: Int, message: String)? {
        let result = split(sql, build: false)
        if let open = result.openBlock { return (open, "missing '-- +goose StatementEnd' annotation") }
        if let stray = result.strayEnd { return (stray, "'-- +goose StatementEnd' without a StatementBegin") }
        if let rest = result.unfinished { return (rest, "unexpected unfinished SQL query: missing semicolon? (goose)") }
        return nil
    }

    /// `build: false` only checks the structure (what parsing a file needs), without making the
    /// statements' text.
    static func split(_ sql: String, build: Bool) -> (statements: [SQLScanner.Statement], openBlock: Int?, strayEnd: Int?, unfinished: Int?) {
        var out: [SQLScanner.Statement] = []
        var buffer = ""
        var pending = false  // the buffer holds a line with something on it
        var start = 0
        var inBlock: Int?
        var stray: Int?
        func emit() {
            if build {
                let text = fastTrim(buffer)
                if !text.isEmpty { out.append(SQLScanner.Statement(text: text, line: start, offset: 0)) }
            }
            buffer = ""
            pending = false
        }
        func add(_ line: Substring) {
            if build { buffer += line; buffer += "\n" }
            if !pending { pending = line.utf8.contains { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D } }
        }
        for (index, line) in fastLines(sql).enumerated() {
            if let found = try? annotation(line), let kind = found {
                if kind == .begin { inBlock = index; if buffer.isEmpty { start = index + 1 } }
                if kind == .end {
                    if inBlock == nil { stray = index } else { emit(); inBlock = nil }
                }
                continue
            }
            if inBlock != nil {
                if !pending && buffer.isEmpty { start = index }
                add(line)
                continue
            }
            if !pending {
                // Blank lines and `--` comments before a statement are dropped, as goose does.
                let bytes = Array(line.utf8)
                guard let i = bytes.firstIndex(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { continue }
                if bytes[i] == 0x2D && i + 1 < bytes.count && bytes[i + 1] == 0x2D { continue }
                start = index
            }
            add(line)
            if endsWithSemicolon(line) { emit() }
        }
        let unfinished = !pending || inBlock != nil ? nil : start
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
