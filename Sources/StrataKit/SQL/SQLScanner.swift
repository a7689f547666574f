/// A lexical scanner for PostgreSQL SQL text that knows where strings, quoted identifiers,
/// dollar quotes and comments begin and end.
///
/// It never parses SQL; it only answers the two questions strata has to get exactly right:
/// where one statement ends (a `;` outside every literal and comment) and whether a line
/// starts in plain SQL (so a leading `\` is a psql meta-command, not text inside a string).
/// Splitting on `;` naively breaks every plpgsql function body, which is why this exists.
public struct SQLScanner: Sendable {
    /// One statement of a script, with where it starts.
    public struct Statement: Sendable, Hashable {
        /// The statement text, trimmed of surrounding whitespace, without the final `;`.
        public var text: String
        /// Zero-based line (within the scanned text) where the statement's first character is.
        public var line: Int
        /// UTF-8 byte offset of the statement's first character within the scanned text.
        public var offset: Int
    }

    private let bytes: [UInt8]

    public init(_ text: String) {
        self.bytes = Array(text.utf8)
    }

    // MARK: - Byte classes

    private static func isIdentifierByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F || b >= 0x80
    }

    private static func isTagStart(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F || b >= 0x80
    }

    private static func isSpace(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == 0x0C || b == 0x0B
    }

    // MARK: - Token walk

    /// What the walker reports to its visitor.
    private enum Event {
        /// A `;` in plain SQL at this byte offset.
        case semicolon(Int)
        /// The first non-blank byte of a line that begins in plain SQL (offset, line).
        case lineStart(Int, Int)
        /// A byte of code (not comment, not whitespace) at this offset, on this line.
        case code(Int, Int)
    }

    /// Walks the text once, calling `visit` for statement ends, plain line starts and code bytes.
    private func walk(_ visit: (Event) -> Void) {
        let n = bytes.count
        var i = 0
        var line = 0
        var atLineStart = true

        /// Advance over `count` bytes that belong to a literal or comment, counting newlines.
        func skip(to end: Int) {
            while i < end {
                if bytes[i] == 0x0A { line += 1 }
                i += 1
            }
        }

        while i < n {
            let b = bytes[i]
            if b == 0x0A {
                line += 1
                i += 1
                atLineStart = true
                continue
            }
            if atLineStart && (b == 0x20 || b == 0x09 || b == 0x0D) {
                i += 1
                continue
            }
            if atLineStart {
                visit(.lineStart(i, line))
                atLineStart = false
            }
            switch b {
            case 0x2D where i + 1 < n && bytes[i + 1] == 0x2D:  // -- comment to end of line
                var j = i + 2
                while j < n && bytes[j] != 0x0A { j += 1 }
                skip(to: j)
            case 0x2F where i + 1 < n && bytes[i + 1] == 0x2A:  // /* nested */ comment
                var depth = 1
                var j = i + 2
                while j < n && depth > 0 {
                    if bytes[j] == 0x2F && j + 1 < n && bytes[j + 1] == 0x2A {
                        depth += 1
                        j += 2
                    } else if bytes[j] == 0x2A && j + 1 < n && bytes[j + 1] == 0x2F {
                        depth -= 1
                        j += 2
                    } else {
                        j += 1
                    }
                }
                skip(to: j)
            case 0x27:  // 'string' — E'' strings allow backslash escapes
                visit(.code(i, line))
                let escapes = i > 0 && (bytes[i - 1] == 0x45 || bytes[i - 1] == 0x65)
                    && (i < 2 || !Self.isIdentifierByte(bytes[i - 2]))
                var j = i + 1
                while j < n {
                    if escapes && bytes[j] == 0x5C {
                        j += 2
                        continue
                    }
                    if bytes[j] == 0x27 {
                        if j + 1 < n && bytes[j + 1] == 0x27 {
                            j += 2
                            continue
                        }
                        j += 1
                        break
                    }
                    j += 1
                }
                skip(to: min(j, n))
            case 0x22:  // "quoted identifier"
                visit(.code(i, line))
                var j = i + 1
                while j < n {
                    if bytes[j] == 0x22 {
                        if j + 1 < n && bytes[j + 1] == 0x22 {
                            j += 2
                            continue
                        }
                        j += 1
                        break
                    }
                    j += 1
                }
                skip(to: min(j, n))
            case 0x24 where i == 0 || !Self.isIdentifierByte(bytes[i - 1]):  // $tag$ ... $tag$
                visit(.code(i, line))
                var j = i + 1
                if j < n && Self.isTagStart(bytes[j]) {
                    while j < n && Self.isIdentifierByte(bytes[j]) { j += 1 }
                }
                guard j < n && bytes[j] == 0x24 else {
                    i += 1  // a positional parameter such as $1, or a lone $
                    continue
                }
                let tag = bytes[i...j]
                var k = j + 1
                var closed = n
                while k < n {
                    if bytes[k] == 0x24 && k + tag.count <= n && bytes[k..<(k + tag.count)].elementsEqual(tag) {
                        closed = k + tag.count
                        break
                    }
                    k += 1
                }
                skip(to: closed)
            case 0x3B:
                visit(.semicolon(i))
                i += 1
            default:
                if !Self.isSpace(b) { visit(.code(i, line)) }
                i += 1
            }
        }
    }

    // MARK: - Public questions

    /// Zero-based numbers of the lines that start, in plain SQL, with a backslash: psql
    /// meta-commands such as `\i` or `\connect`, which libpq cannot run.
    public func metaCommandLines() -> [Int] {
        var lines: [Int] = []
        walk { event in
            if case .lineStart(let offset, let line) = event, bytes[offset] == 0x5C {
                lines.append(line)
            }
        }
        return lines
    }

    /// Whether the script holds any code (not only comments and whitespace).
    public var hasCode: Bool {
        var found = false
        walk { event in
            if case .code = event { found = true }
        }
        return found
    }

    /// The statements of the script, split at `;` outside literals and comments.
    /// Statements made only of comments and whitespace are left out.
    public func statements() -> [Statement] {
        var result: [Statement] = []
        var firstCode: Int?
        var firstLine = 0
        func close(at end: Int) {
            guard let first = firstCode else { return }
            let line = firstLine
            let text = String(decoding: bytes[first..<end], as: UTF8.self).trimmingTrailingWhitespace()
            result.append(Statement(text: text, line: line, offset: first))
            firstCode = nil
        }
        walk { event in
            switch event {
            case .code(let offset, let line):
                if firstCode == nil {
                    firstCode = offset
                    firstLine = line
                }
            case .semicolon(let offset):
                close(at: offset)
            case .lineStart:
                break
            }
        }
        close(at: bytes.count)
        return result
    }
}

extension String {
    func trimmingTrailingWhitespace() -> String {
        var s = Substring(self)
        while let last = s.last, last.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
