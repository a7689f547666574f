import Foundation

/// POSIX ustar archives: what strata's archives are inside the gzip layer, readable by plain
/// `tar -xzf`. Deterministic: the same entries give the same bytes.
public enum Tar {
    public struct Entry: Sendable, Hashable {
        public var path: String
        public var data: Data
        public var mode: Int
        /// Seconds since 1970.
        public var modified: Int

        public init(path: String, data: Data, mode: Int = 0o644, modified: Int = 0) {
            self.path = path
            self.data = data
            self.mode = mode
            self.modified = modified
        }
    }

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    static let block = 512

    public static func write(_ entries: [Entry]) throws(Failure) -> Data {
        var out = Data()
        for entry in entries {
            var header = [UInt8](repeating: 0, count: block)
            let (prefix, name) = try split(entry.path)
            put(name, at: 0, width: 100, in: &header)
            put(octal(entry.mode, width: 8), at: 100, width: 8, in: &header)
            put(octal(0, width: 8), at: 108, width: 8, in: &header)
            put(octal(0, width: 8), at: 116, width: 8, in: &header)
            put(octal(entry.data.count, width: 12), at: 124, width: 12, in: &header)
            put(octal(entry.modified, width: 12), at: 136, width: 12, in: &header)
            header[156] = UInt8(ascii: "0")
            put("ustar", at: 257, width: 6, in: &header)
            put("00", at: 263, width: 2, in: &header)
            put("strata", at: 265, width: 32, in: &header)
            put("strata", at: 297, width: 32, in: &header)
            put(prefix, at: 345, width: 155, in: &header)
            for i in 148..<156 { header[i] = 0x20 }
            let sum = header.reduce(0) { $0 + Int($1) }
            put(String(sum, radix: 8).leftPadded(to: 6, with: "0") + "\0 ", at: 148, width: 8, in: &header)
            out.append(contentsOf: header)
            out.append(entry.data)
            let padding = (block - entry.data.count % block) % block
            out.append(contentsOf: [UInt8](repeating: 0, count: padding))
        }
        out.append(contentsOf: [UInt8](repeating: 0, count: block * 2))
        return out
    }

    public static func read(_ data: Data) throws(Failure) -> [Entry] {
        let bytes = [UInt8](data)
        var entries: [Entry] = []
        var offset = 0
        while offset + block <= bytes.count {
            let header = Array(bytes[offset..<(offset + block)])
            if header.allSatisfy({ $0 == 0 }) { return entries }
            let stored = Int(field(header, 148, 8).trimmingCharacters(in: CharacterSet(charactersIn: " \0")), radix: 8)
            var check = header
            for i in 148..<156 { check[i] = 0x20 }
            guard stored == check.reduce(0, { $0 + Int($1) }) else {
                throw Failure(description: "tar header checksum mismatch at byte \(offset)")
            }
            let name = field(header, 0, 100)
            let prefix = field(header, 345, 155)
            let path = prefix.isEmpty ? name : prefix + "/" + name
            guard let size = Int(field(header, 124, 12).trimmingCharacters(in: CharacterSet(charactersIn: " \0")), radix: 8),
                  let mode = Int(field(header, 100, 8).trimmingCharacters(in: CharacterSet(charactersIn: " \0")), radix: 8)
            else { throw Failure(description: "unreadable tar header for \(path)") }
            let modified = Int(field(header, 136, 12).trimmingCharacters(in: CharacterSet(charactersIn: " \0")), radix: 8) ?? 0
            let start = offset + block
            guard start + size <= bytes.count else { throw Failure(description: "the tar data ends inside \(path)") }
            let type = header[156]
            if type == UInt8(ascii: "0") || type == 0 {
                entries.append(Entry(path: path, data: Data(bytes[start..<(start + size)]), mode: mode, modified: modified))
            }
            offset = start + size + (block - size % block) % block
        }
        throw Failure(description: "the tar data has no end marker")
    }

    private static func split(_ path: String) throws(Failure) -> (String, String) {
        let utf8 = Array(path.utf8)
        if utf8.count <= 100 { return ("", path) }
        guard let slash = path.lastIndex(of: "/") else { throw Failure(description: "path too long for ustar: \(path)") }
        let prefix = String(path[..<slash]), name = String(path[path.index(after: slash)...])
        guard prefix.utf8.count <= 155, name.utf8.count <= 100 else { throw Failure(description: "path too long for ustar: \(path)") }
        return (prefix, name)
    }

    private static func octal(_ value: Int, width: Int) -> String {
        String(value, radix: 8).leftPadded(to: width - 1, with: "0")
    }

    private static func put(_ text: String, at offset: Int, width: Int, in header: inout [UInt8]) {
        for (i, byte) in text.utf8.prefix(width).enumerated() { header[offset + i] = byte }
    }

    private static func field(_ header: [UInt8], _ offset: Int, _ width: Int) -> String {
        let slice = header[offset..<(offset + width)]
        let end = slice.firstIndex(of: 0) ?? (offset + width)
        return String(decoding: header[offset..<end], as: UTF8.self)
    }
}

extension String {
    func leftPadded(to width: Int, with pad: Character) -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
