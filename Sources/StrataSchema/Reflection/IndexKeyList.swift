/// Cuts the key list out of `pg_get_indexdef()` output: `CREATE INDEX ix ON public.t USING btree
/// (a COLLATE "C" DESC, lower(b)) INCLUDE (c) WHERE (...)` → `a COLLATE "C" DESC, lower(b)`.
///
/// The key list is the parenthesised group after ` USING <method> `; the scan skips quoted
/// identifiers and string literals, so parentheses inside them do not count.
enum IndexKeyList {
    static func extract(from definition: String, method: String) -> String {
        let bytes = Array(definition.utf8)
        let marker = Array(" USING \(method) (".utf8)
        guard let start = firstIndex(of: marker, in: bytes) else { return definition }
        let open = start + marker.count - 1
        var depth = 0
        var index = open
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                index = endOfQuoted(bytes, from: index, quote: byte)
                continue
            }
            if byte == UInt8(ascii: "(") {
                depth += 1
            } else if byte == UInt8(ascii: ")") {
                depth -= 1
                if depth == 0 {
                    return String(decoding: bytes[(open + 1)..<index], as: UTF8.self)
                }
            }
            index += 1
        }
        return definition
    }

    /// The index just past a quoted run starting at `start` (a doubled quote stays inside).
    private static func endOfQuoted(_ bytes: [UInt8], from start: Int, quote: UInt8) -> Int {
        var index = start + 1
        while index < bytes.count {
            if bytes[index] == quote {
                if index + 1 < bytes.count, bytes[index + 1] == quote {
                    index += 2
                    continue
                }
                return index + 1
            }
            index += 1
        }
        return bytes.count
    }

    private static func firstIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        var index = 0
        while index <= haystack.count - needle.count {
            if haystack[index] == needle[0], Array(haystack[index..<(index + needle.count)]) == needle {
                return index
            }
            index += 1
        }
        return nil
    }
}
