/// The part of TOML that `strata.toml` uses: `[table]` headers, `key = value` with basic and
/// literal strings, integers, booleans and arrays of those, and `#` comments. Anything else is an
/// error with its line, never silently ignored.
public enum TOMLSubset {
    public enum Value: Sendable, Equatable {
        case string(String)
        case integer(Int)
        case boolean(Bool)
        case array([Value])
    }

    public struct ParseError: Error, Sendable, Equatable {
        public var line: Int
        public var message: String
    }

    /// `"table.key"` (or `"key"` at the top) → value and its line.
    public static func parse(_ text: String) throws(ParseError) -> [String: (value: Value, line: Int)] {
        var result: [String: (value: Value, line: Int)] = [:]
        var table = ""
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = index + 1
            var scanner = Scanner(chars: Array(rawLine), line: lineNumber)
            scanner.skipSpace()
            if scanner.atEndOrComment { continue }
            if scanner.peek == "[" {
                scanner.advance()
                scanner.skipSpace()
                let name = try scanner.key()
                scanner.skipSpace()
                guard scanner.peek == "]" else { throw ParseError(line: lineNumber, message: "expected `]` to close the table header") }
                scanner.advance()
                scanner.skipSpace()
                guard scanner.atEndOrComment else { throw ParseError(line: lineNumber, message: "unexpected text after the table header") }
                table = name
                continue
            }
            let key = try scanner.key()
            scanner.skipSpace()
            guard scanner.peek == "=" else { throw ParseError(line: lineNumber, message: "expected `=` after `\(key)`") }
            scanner.advance()
            scanner.skipSpace()
            let value = try scanner.value()
            scanner.skipSpace()
            guard scanner.atEndOrComment else { throw ParseError(line: lineNumber, message: "unexpected text after the value of `\(key)`") }
            let full = table.isEmpty ? key : "\(table).\(key)"
            if let previous = result[full] {
                throw ParseError(line: lineNumber, message: "`\(full)` is set twice (first on line \(previous.line))")
            }
            result[full] = (value, lineNumber)
        }
        return result
    }

    struct Scanner {
        var chars: [Character]
        var index = 0
        let line: Int

        init(chars: [Character], line: Int) {
            self.chars = chars
            self.line = line
        }

        var peek: Character? { index < chars.count ? chars[index] : nil }
        var atEndOrComment: Bool { peek == nil || peek == "#" || peek == "\r" }
        mutating func advance() { index += 1 }
        mutating func skipSpace() { while peek == " " || peek == "\t" { advance() } }

        func fail(_ message: String) -> ParseError { ParseError(line: line, message: message) }

        mutating func key() throws(ParseError) -> String {
            var key = ""
            while let c = peek, c.isASCII, c.isLetter || c.isNumber || c == "_" || c == "-" || c == "." {
                key.append(c)
                advance()
            }
            guard !key.isEmpty else { throw fail("expected a key (letters, digits, `_`, `-`)") }
            return key
        }

        mutating func value() throws(ParseError) -> Value {
            switch peek {
            case "\"":
                advance()
                var s = ""
                while let c = peek {
                    advance()
                    if c == "\"" { return .string(s) }
                    if c == "\\" {
                        guard let e = peek else { break }
                        advance()
                        switch e {
                        case "n": s.append("\n")
                        case "t": s.append("\t")
                        case "\\": s.append("\\")
                        case "\"": s.append("\"")
                        default: throw fail("unknown escape `\\\(e)` in a string")
                        }
                        continue
                    }
                    s.append(c)
                }
                throw fail("unterminated string")
            case "'":
                advance()
                var s = ""
                while let c = peek {
                    advance()
                    if c == "'" { return .string(s) }
                    s.append(c)
                }
                throw fail("unterminated string")
            case "[":
                advance()
                var items: [Value] = []
                skipSpace()
                while peek != "]" {
                    items.append(try value())
                    skipSpace()
                    if peek == "," { advance(); skipSpace() } else if peek != "]" { throw fail("expected `,` or `]` in the array") }
                }
                advance()
                return .array(items)
            default:
                var word = ""
                while let c = peek, c != " ", c != "\t", c != "#", c != ",", c != "]", c != "\r" {
                    word.append(c)
                    advance()
                }
                if word == "true" { return .boolean(true) }
                if word == "false" { return .boolean(false) }
                if let n = Int(word.replacingOccurrences(of: "_", with: "")) { return .integer(n) }
                throw fail(word.isEmpty ? "expected a value" : "cannot read `\(word)`: expected a quoted string, a number, true or false")
            }
        }
    }
}
