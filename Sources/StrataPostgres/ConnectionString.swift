import CLibPQ
import Foundation

/// A libpq connection string: a `postgres://` / `postgresql://` URL or `keyword=value` conninfo.
///
/// `raw` is what libpq gets; `description` is safe to print (every password is `***`).
public struct ConnectionString: Sendable, CustomStringConvertible, Hashable {
    /// The connection string exactly as libpq receives it. Never print this; print `description`.
    public var raw: String

    public init(_ raw: String) {
        self.raw = raw
    }

    /// The connection string with every password replaced by `***`.
    public var description: String { Self.redact(raw) }

    /// True for the `postgres://` and `postgresql://` forms (libpq compares the prefix case-sensitively).
    public var isURL: Bool { Self.urlPrefixLength(raw) != nil }

    /// The database this string names, if it names one (libpq would otherwise default to the user name).
    public var database: String? {
        if let parameters = try? parameters() { return parameters["dbname"] }
        return bareDatabaseName
    }

    /// The parameters libpq reads from this string (`PQconninfoParse`): only those that are set.
    /// Throws `PostgresError(kind: .connection)` with a redacted message when libpq cannot parse it.
    public func parameters() throws -> [String: String] {
        try parsedParameters().reduce(into: [:]) { $0[$1.key] = $1.value }
    }

    /// The same server and settings, another database. URLs stay URLs (the path is replaced and any
    /// `dbname` query parameter dropped); keyword strings get their `dbname` replaced.
    public func withDatabase(_ name: String) -> ConnectionString {
        if let prefixLength = Self.urlPrefixLength(raw) {
            return ConnectionString(Self.replacingURLDatabase(raw, prefixLength: prefixLength, with: name))
        }
        if bareDatabaseName != nil {
            return ConnectionString("dbname=\(Self.conninfoValue(name))")
        }
        guard var pairs = try? parsedParameters() else {
            // libpq uses the last value of a repeated keyword.
            let separator = raw.isEmpty ? "" : " "
            return ConnectionString(raw + separator + "dbname=\(Self.conninfoValue(name))")
        }
        if let index = pairs.firstIndex(where: { $0.key == "dbname" }) {
            pairs[index].value = name
        } else {
            pairs.append((key: "dbname", value: name))
        }
        return ConnectionString(pairs.map { "\($0.key)=\(Self.conninfoValue($0.value))" }.joined(separator: " "))
    }

    /// Builds a keyword=value connection string, quoting values where libpq needs it.
    public static func keywords(_ pairs: KeyValuePairs<String, String>) -> ConnectionString {
        ConnectionString(pairs.map { "\($0.key)=\(conninfoValue($0.value))" }.joined(separator: " "))
    }

    // MARK: - Redaction

    /// Redacts every URL or conninfo password occurring anywhere in `text`: the password in URL
    /// userinfo (`postgres://user:***@host`), `?password=` / `&password=` query parameters, and
    /// `password=...` keyword pairs, quoted or not (also `sslpassword` and `PGPASSWORD=`).
    public static func redact(_ text: String) -> String {
        var result = redactURLUserinfo(text)
        result = replaceMatches(of: queryPasswordPattern, in: result) { _ in "$1***" }
        result = replaceMatches(of: keywordPasswordPattern, in: result) { value in
            value.hasPrefix("'") ? "$1'***'" : "$1***"
        }
        return result
    }

    /// The password values this string carries (from libpq's parse and from the redaction patterns),
    /// so that messages echoing them in other shapes can be scrubbed too.
    var secrets: [String] {
        var values: [String] = []
        if let parameters = try? parameters() {
            values += [parameters["password"], parameters["sslpassword"]].compactMap { $0 }
        }
        values += Self.passwordSpans(in: raw)
        var seen = Set<String>()
        return values.filter { !$0.isEmpty && seen.insert($0).inserted }
    }

    /// `redact(text)`, then any literal occurrence of this string's passwords.
    func redact(inMessage text: String) -> String {
        var result = Self.redact(text)
        for secret in secrets {
            result = Self.replaceLiteral(secret, in: result)
        }
        return result
    }

    // MARK: - Parsing helpers

    private var bareDatabaseName: String? {
        let trimmed = raw.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, !isURL, !trimmed.contains("=") else { return nil }
        return trimmed
    }

    private func parsedParameters() throws -> [(key: String, value: String)] {
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(raw, &errorMessage) else {
            var message = "could not parse the connection string"
            if let errorMessage {
                message = String(cString: errorMessage).trimmingCharacters(in: .whitespacesAndNewlines)
                PQfreemem(errorMessage)
            }
            // Not `redact(inMessage:)`: that parses again, which just failed.
            var redacted = Self.redact(message)
            for secret in Self.passwordSpans(in: raw) {
                redacted = Self.replaceLiteral(secret, in: redacted)
            }
            throw PostgresError(kind: .connection, message: redacted)
        }
        defer { PQconninfoFree(options) }
        var pairs: [(key: String, value: String)] = []
        var cursor = options
        while let keyword = cursor.pointee.keyword {
            if let value = cursor.pointee.val {
                pairs.append((key: String(cString: keyword), value: String(cString: value)))
            }
            cursor += 1
        }
        return pairs
    }

    static func urlPrefixLength(_ text: String) -> Int? {
        for prefix in ["postgresql://", "postgres://"] where text.hasPrefix(prefix) {
            return prefix.count
        }
        return nil
    }

    /// Splits after the scheme the way libpq does: the authority ends at the first `/` or `?`.
    private static func replacingURLDatabase(_ url: String, prefixLength: Int, with name: String) -> String {
        let scheme = url.prefix(prefixLength)
        let rest = url.dropFirst(prefixLength)
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        let afterAuthority = rest[authorityEnd...]
        var query = ""
        if let questionMark = afterAuthority.firstIndex(of: "?") {
            let parameters = afterAuthority[afterAuthority.index(after: questionMark)...]
                .split(separator: "&", omittingEmptySubsequences: true)
                .filter { !$0.hasPrefix("dbname=") }
            if !parameters.isEmpty { query = "?" + parameters.joined(separator: "&") }
        }
        return scheme + authority + "/" + percentEncode(name) + query
    }

    private static func percentEncode(_ text: String) -> String {
        var encoded = ""
        for byte in text.utf8 {
            let scalar = Unicode.Scalar(byte)
            if ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                || "-._~".unicodeScalars.contains(scalar)
            {
                encoded.unicodeScalars.append(scalar)
            } else {
                encoded += String(format: "%%%02X", byte)
            }
        }
        return encoded
    }

    /// A conninfo value: bare when it is safe, otherwise single-quoted with `\` escapes.
    static func conninfoValue(_ value: String) -> String {
        let needsQuotes = value.isEmpty || value.contains { $0 == " " || $0 == "'" || $0 == "\\" || $0.isWhitespace }
        guard needsQuotes else { return value }
        let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
        return "'\(escaped)'"
    }

    // MARK: - Redaction helpers

    private static let urlSchemePattern = "postgres(?:ql)?://"
    /// `?password=` / `&sslpassword=` in a URL query: the value runs to `&`, `#` or whitespace.
    private static let queryPasswordPattern = "([?&][A-Za-z_]*password=)[^&#\\s]*"
    /// `password=value`, `password = 'quoted \' value'`, `sslpassword=...`, `PGPASSWORD=...`,
    /// but not the query form above. An unterminated quote redacts to the end of the text.
    private static let keywordPasswordPattern =
        "(?<![?&])\\b([A-Za-z_]*password\\s*=\\s*)('(?:[^'\\\\]|\\\\.)*'?|[^\\s']\\S*)"

    private static func regex(_ pattern: String) -> NSRegularExpression? {
        try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
    }

    private static func replaceMatches(
        of pattern: String, in text: String, template: (String) -> String
    ) -> String {
        guard let expression = regex(pattern) else { return text }
        let source = text as NSString
        let result = NSMutableString(string: text)
        let matches = expression.matches(in: text, range: NSRange(location: 0, length: source.length))
        for match in matches.reversed() {
            let lastGroup = match.range(at: match.numberOfRanges - 1)
            let value = lastGroup.location == NSNotFound ? "" : source.substring(with: lastGroup)
            let replacement = expression.replacementString(
                for: match, in: text, offset: 0, template: template(value))
            result.replaceCharacters(in: match.range, with: replacement)
        }
        return result as String
    }

    /// In each URL (up to whitespace), the userinfo is everything before the last `@` that comes
    /// before any `?`; its password is what follows the first `:`. Taking the last `@` keeps a
    /// password containing a raw `@` or `/` hidden, at the price of hiding a little more.
    private static func redactURLUserinfo(_ text: String) -> String {
        guard let expression = regex(urlSchemePattern) else { return text }
        let source = text as NSString
        let result = NSMutableString(string: text)
        let matches = expression.matches(in: text, range: NSRange(location: 0, length: source.length))
        for match in matches.reversed() {
            let start = match.range.location + match.range.length
            var end = start
            while end < source.length, !isWhitespace(source.character(at: end)) { end += 1 }
            let token = source.substring(with: NSRange(location: start, length: end - start))
            guard let userinfo = userinfoPasswordRange(in: token) else { continue }
            result.replaceCharacters(
                in: NSRange(location: start + userinfo.location, length: userinfo.length), with: "***")
        }
        return result as String
    }

    /// Range (UTF-16, within `token`) of the password in `user:password@host...`.
    private static func userinfoPasswordRange(in token: String) -> NSRange? {
        let utf16 = Array(token.utf16)
        let queryStart = utf16.firstIndex(of: UInt16(UInt8(ascii: "?"))) ?? utf16.count
        guard let at = utf16[..<queryStart].lastIndex(of: UInt16(UInt8(ascii: "@"))),
            let colon = utf16[..<at].firstIndex(of: UInt16(UInt8(ascii: ":")))
        else { return nil }
        return NSRange(location: colon + 1, length: at - colon - 1)
    }

    private static func isWhitespace(_ unit: unichar) -> Bool {
        unit == 0x20 || unit == 0x09 || unit == 0x0A || unit == 0x0D || unit == 0x0B || unit == 0x0C
    }

    /// The literal password spans the redaction patterns would hide in `text` (quotes removed).
    static func passwordSpans(in text: String) -> [String] {
        var spans: [String] = []
        let source = text as NSString
        if let expression = regex(urlSchemePattern) {
            for match in expression.matches(in: text, range: NSRange(location: 0, length: source.length)) {
                let start = match.range.location + match.range.length
                var end = start
                while end < source.length, !isWhitespace(source.character(at: end)) { end += 1 }
                let token = source.substring(with: NSRange(location: start, length: end - start))
                if let range = userinfoPasswordRange(in: token), range.length > 0 {
                    let password = (token as NSString).substring(with: range)
                    spans.append(password)
                    if let decoded = password.removingPercentEncoding, decoded != password { spans.append(decoded) }
                }
            }
        }
        for pattern in [queryPasswordPattern, keywordPasswordPattern] {
            guard let expression = regex(pattern) else { continue }
            for match in expression.matches(in: text, range: NSRange(location: 0, length: source.length)) {
                let whole = source.substring(with: match.range)
                let key = source.substring(with: match.range(at: 1))
                var value = String(whole.dropFirst(key.count))
                if value.hasPrefix("'") {
                    value = String(value.dropFirst())
                    if value.hasSuffix("'") { value = String(value.dropLast()) }
                    value = value.replacingOccurrences(of: "\\'", with: "'")
                        .replacingOccurrences(of: "\\\\", with: "\\")
                }
                guard !value.isEmpty else { continue }
                spans.append(value)
                if let decoded = value.removingPercentEncoding, decoded != value { spans.append(decoded) }
            }
        }
        return spans
    }

    /// Replaces `secret` in `text` with `***`. Passwords shorter than four characters are only
    /// replaced where they stand alone, so that a password like `a` does not shred every word.
    static func replaceLiteral(_ secret: String, in text: String) -> String {
        guard !secret.isEmpty else { return text }
        if secret.count >= 4 { return text.replacingOccurrences(of: secret, with: "***") }
        let escaped = NSRegularExpression.escapedPattern(for: secret)
        guard let expression = try? NSRegularExpression(pattern: "(?<![A-Za-z0-9])\(escaped)(?![A-Za-z0-9])")
        else { return text }
        let range = NSRange(location: 0, length: (text as NSString).length)
        return expression.stringByReplacingMatches(in: text, range: range, withTemplate: "***")
    }
}
