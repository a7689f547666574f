import Foundation

/// Reads revision files in format v1 (DESIGN §1). Pure: it is given bytes, never opens a file.
public enum RevisionParser {
    /// Header keys format v1 knows, in the order the writer emits them.
    public static let headerKeys = ["revision", "down_revision", "message", "created", "transactional", "replaces", "archive"]

    static let upMarker = "-- migrate:up"
    static let downMarker = "-- migrate:down"

    /// Parses one file. `file` is the name used in error messages; the revision's `fileName`
    /// is its last path component.
    public static func parse(_ data: Data, file: String) throws(RevisionFileError) -> Revision {
        func fail(_ line: Int, _ message: String) -> RevisionFileError {
            RevisionFileError(file: file, line: line, message: message)
        }
        let bytes = [UInt8](data)
        if let bad = firstInvalidUTF8(bytes) {
            let line = bytes[..<bad].reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
            throw fail(line, "the file is not valid UTF-8 (invalid byte 0x\(String(bytes[bad], radix: 16, uppercase: true)) at byte \(bad)); expected UTF-8 text")
        }
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
            throw fail(1, "the file is empty; expected a header (-- revision: ID, -- down_revision: ID|none) and a `-- migrate:up` section")
        }

        // Line starts (byte offsets), so that sections can be cut out byte for byte.
        var lineStarts = [0]
        for (i, b) in bytes.enumerated() where b == 0x0A && i + 1 < bytes.count { lineStarts.append(i + 1) }
        /// The line's bytes without surrounding blanks and the line break (work on bytes: this
        /// loop sees every line of every file, so it must not build strings it does not need).
        func trimmedRange(_ index: Int) -> Range<Int> {
            var start = lineStarts[index]
            var end = index + 1 < lineStarts.count ? lineStarts[index + 1] : bytes.count
            while end > start && (bytes[end - 1] == 0x0A || bytes[end - 1] == 0x0D || bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09) { end -= 1 }
            while start < end && (bytes[start] == 0x20 || bytes[start] == 0x09) { start += 1 }
            return start..<end
        }

        // MARK: Header block and section markers
        var header: [String: (value: String, line: Int)] = [:]
        var headerOrder: [String] = []
        var headerState = 0  // 0 before the block, 1 inside, 2 after
        var upMarkerLine: Int?
        var downMarkerLine: Int?

        for index in 0..<lineStarts.count {
            let lineNumber = index + 1
            let range = trimmedRange(index)
            let isComment = range.count >= 2 && bytes[range.lowerBound] == 0x2D && bytes[range.lowerBound + 1] == 0x2D
            if !isComment {
                guard upMarkerLine == nil else { continue }  // section bodies are checked below
                if headerState == 1 { headerState = 2 }
                if range.isEmpty { continue }
                let first = bytes[range.lowerBound]
                if first == 0x2A || (first == 0x2F && range.count > 1 && bytes[range.lowerBound + 1] == 0x2A) { continue }  // a block comment
                throw fail(lineNumber, "SQL before `-- migrate:up`; expected the header, comments, then `-- migrate:up`")
            }
            let trimmed = String(decoding: bytes[range], as: UTF8.self)
            if let marker = sectionMarker(trimmed) {
                switch marker {
                case .up:
                    if let first = upMarkerLine {
                        throw fail(lineNumber, "`-- migrate:up` appears a second time (first on line \(first)); expected exactly one up section")
                    }
                    if let down = downMarkerLine {
                        throw fail(lineNumber, "`-- migrate:up` comes after `-- migrate:down` (line \(down)); expected the up section first")
                    }
                    upMarkerLine = lineNumber
                case .down:
                    if let first = downMarkerLine {
                        throw fail(lineNumber, "`-- migrate:down` appears a second time (first on line \(first)); expected at most one down section")
                    }
                    if upMarkerLine == nil {
                        throw fail(lineNumber, "`-- migrate:down` comes before `-- migrate:up`; expected the up section first")
                    }
                    downMarkerLine = lineNumber
                case .unknown(let name):
                    throw fail(lineNumber, "unknown section marker `-- migrate:\(name)`; expected `-- migrate:up` or `-- migrate:down`")
                }
                headerState = 2
                continue
            }
            guard upMarkerLine == nil else { continue }

            if let (key, value) = headerLine(trimmed) {
                let known = headerKeys.contains(key)
                if headerState == 2 {
                    if known {
                        throw fail(lineNumber, "header key `\(key)` stands outside the header block; expected it inside the header, the first block of `-- key: value` lines (no blank line inside it)")
                    }
                    continue
                }
                headerState = 1
                guard known else {
                    let hint = closestKey(key).map { " (did you mean `\($0)`?)" } ?? ""
                    throw fail(lineNumber, "unknown header key `\(key)`\(hint); expected one of: \(headerKeys.joined(separator: ", "))")
                }
                if let previous = header[key] {
                    throw fail(lineNumber, "header key `\(key)` is repeated (first on line \(previous.line)); expected it once")
                }
                header[key] = (value, lineNumber)
                headerOrder.append(key)
                continue
            }
            if headerState == 1 { headerState = 2 }
        }

        guard let upLineNumber = upMarkerLine else {
            throw fail(lineStarts.count, "no `-- migrate:up` line; expected a `-- migrate:up` line before the up SQL")
        }

        // MARK: Header values
        let firstHeaderLine = headerOrder.first.flatMap { header[$0]?.line } ?? 1
        guard let revision = header["revision"] else {
            throw fail(firstHeaderLine, "the header has no `revision` key; expected `-- revision: ID` in the first block of `-- key: value` lines")
        }
        guard RevisionID.isValid(revision.value) else {
            throw fail(revision.line, "invalid revision id `\(revision.value)`; expected 1 to 64 characters from A-Z, a-z, 0-9 and _")
        }
        guard let down = header["down_revision"] else {
            throw fail(firstHeaderLine, "the header has no `down_revision` key; expected `-- down_revision: ID` (or `none` for the first revision)")
        }
        var parents: [String] = []
        if down.value != "none" {
            parents = splitIDs(down.value)
            if parents.isEmpty {
                throw fail(down.line, "empty `down_revision`; expected the parent's id, or `none` for the first revision")
            }
            for parent in parents where !RevisionID.isValid(parent) {
                throw fail(down.line, "invalid down_revision id `\(parent)`; expected 1 to 64 characters from A-Z, a-z, 0-9 and _, or `none`")
            }
        }
        var transactional = true
        if let value = header["transactional"] {
            switch value.value {
            case "true": transactional = true
            case "false": transactional = false
            default: throw fail(value.line, "`transactional: \(value.value)`; expected `true` or `false`")
            }
        }
        if let created = header["created"], !isISO8601(created.value) {
            throw fail(created.line, "`created: \(created.value)` is not an ISO 8601 timestamp; expected a form like 2026-11-20T10:00:00Z")
        }
        var replaces: [String] = []
        if let value = header["replaces"] {
            replaces = splitIDs(value.value)
            if replaces.isEmpty {
                throw fail(value.line, "empty `replaces`; expected the ids this init revision replaces, separated by commas")
            }
            for id in replaces where !RevisionID.isValid(id) {
                throw fail(value.line, "invalid id `\(id)` in `replaces`; expected 1 to 64 characters from A-Z, a-z, 0-9 and _")
            }
        }
        if let value = header["archive"], value.value.isEmpty {
            throw fail(value.line, "empty `archive`; expected the archive file name")
        }

        // MARK: Sections, byte for byte
        let upStart = upLineNumber < lineStarts.count ? lineStarts[upLineNumber] : bytes.count
        let upEnd: Int
        var downSQL: String?
        var downFirstLine: Int?
        if let downLineNumber = downMarkerLine {
            upEnd = lineStarts[downLineNumber - 1]
            let downStart = downLineNumber < lineStarts.count ? lineStarts[downLineNumber] : bytes.count
            downSQL = String(decoding: bytes[downStart...].prefix(bytes.count - downStart), as: UTF8.self)
            downFirstLine = downLineNumber + 1
        } else {
            upEnd = bytes.count
        }
        let upSQL = String(decoding: bytes[upStart..<upEnd], as: UTF8.self)

        for line in SQLScanner(upSQL).metaCommandLines() {
            throw fail(upLineNumber + 1 + line, "psql meta-command (a line starting with `\\`); strata runs SQL over libpq, not psql: expected plain SQL")
        }
        if let downSQL, let downFirstLine {
            for line in SQLScanner(downSQL).metaCommandLines() {
                throw fail(downFirstLine + line, "psql meta-command (a line starting with `\\`); strata runs SQL over libpq, not psql: expected plain SQL")
            }
        }

        var headerLines: [String: Int] = [:]
        for (key, entry) in header { headerLines[key] = entry.line }
        let fileName = file.split(separator: "/").last.map(String.init) ?? file
        return Revision(
            id: revision.value, parents: parents, message: header["message"]?.value,
            created: header["created"]?.value, transactional: transactional, replaces: replaces,
            archive: header["archive"]?.value, upSQL: upSQL, downSQL: downSQL,
            upLine: upLineNumber + 1, downLine: downFirstLine, headerLines: headerLines, fileName: fileName
        )
    }

    // MARK: - Pieces

    enum Marker: Equatable { case up, down, unknown(String) }

    static func sectionMarker(_ trimmed: String) -> Marker? {
        guard trimmed.hasPrefix("--") else { return nil }
        let rest = trimmed.dropFirst(2).drop(while: { $0 == " " || $0 == "\t" })
        guard rest.hasPrefix("migrate:") else { return nil }
        var name = rest.dropFirst("migrate:".count)
        while name.last == " " || name.last == "\t" { name = name.dropLast() }
        switch String(name) {
        case "up": return .up
        case "down": return .down
        default: return .unknown(String(name))
        }
    }

    /// `-- key: value` → (key, value); `nil` when the line is not of that shape.
    static func headerLine(_ trimmed: String) -> (String, String)? {
        guard trimmed.hasPrefix("--") else { return nil }
        let rest = trimmed.dropFirst(2).drop(while: { $0 == " " || $0 == "\t" })
        guard let colon = rest.firstIndex(of: ":") else { return nil }
        let key = rest[..<colon]
        guard let first = key.first, first.isLetter || first == "_",
              key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
        else { return nil }
        var value = rest[rest.index(after: colon)...]
        while value.first == " " || value.first == "\t" { value = value.dropFirst() }
        while value.last == " " || value.last == "\t" { value = value.dropLast() }
        return (String(key), String(value))
    }

    static func splitIDs(_ value: String) -> [String] {
        value.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" }).map(String.init)
    }

    static func closestKey(_ key: String) -> String? {
        let lowered = key.lowercased()
        if headerKeys.contains(lowered) { return lowered }
        let scored = headerKeys.map { ($0, editDistance(lowered, $0)) }.min { $0.1 < $1.1 }
        guard let best = scored, best.1 <= 3 else { return nil }
        return best.0
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(b.count, 1) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }

    /// ISO 8601: a date, optionally with a time and a zone (`2026-11-20`, `2026-11-20T10:00:00Z`,
    /// `2026-11-20T10:00:00.123+01:00`).
    static func isISO8601(_ s: String) -> Bool {
        let c = Array(s.utf8)
        func digits(_ range: Range<Int>) -> Bool {
            range.upperBound <= c.count && c[range].allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
        }
        guard c.count >= 10, digits(0..<4), c[4] == 0x2D, digits(5..<7), c[7] == 0x2D, digits(8..<10) else { return false }
        let month = Int(String(decoding: c[5..<7], as: UTF8.self)) ?? 0
        let day = Int(String(decoding: c[8..<10], as: UTF8.self)) ?? 0
        guard (1...12).contains(month), (1...31).contains(day) else { return false }
        if c.count == 10 { return true }
        guard c[10] == 0x54 || c[10] == 0x20, c.count >= 16, digits(11..<13), c[13] == 0x3A, digits(14..<16) else { return false }
        var i = 16
        if i < c.count && c[i] == 0x3A {
            guard digits((i + 1)..<(i + 3)) else { return false }
            i += 3
            if i < c.count && (c[i] == 0x2E || c[i] == 0x2C) {
                i += 1
                let start = i
                while i < c.count && c[i] >= 0x30 && c[i] <= 0x39 { i += 1 }
                guard i > start else { return false }
            }
        }
        if i == c.count { return true }
        if c[i] == 0x5A { return i + 1 == c.count }
        guard c[i] == 0x2B || c[i] == 0x2D, digits((i + 1)..<(i + 3)) else { return false }
        i += 3
        if i < c.count && c[i] == 0x3A { i += 1 }
        if i == c.count { return true }
        return digits(i..<(i + 2)) && i + 2 == c.count
    }

    /// The offset of the first byte that is not part of valid UTF-8, or `nil`.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b < 0x80 { i += 1; continue }
            var need = 0
            var minimum: UInt32 = 0
            var scalar: UInt32 = 0
            if b & 0xE0 == 0xC0 { need = 1; minimum = 0x80; scalar = UInt32(b & 0x1F) }
            else if b & 0xF0 == 0xE0 { need = 2; minimum = 0x800; scalar = UInt32(b & 0x0F) }
            else if b & 0xF8 == 0xF0 { need = 3; minimum = 0x10000; scalar = UInt32(b & 0x07) }
            else { return i }
            guard i + need < n else { return i }
            for k in 1...need {
                let cont = bytes[i + k]
                guard cont & 0xC0 == 0x80 else { return i }
                scalar = scalar << 6 | UInt32(cont & 0x3F)
            }
            if scalar < minimum || scalar > 0x10FFFF || (scalar >= 0xD800 && scalar <= 0xDFFF) { return i }
            i += need + 1
        }
        return nil
    }
}
