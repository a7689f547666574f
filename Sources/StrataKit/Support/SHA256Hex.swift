import Crypto
import Foundation

/// SHA-256 as lowercase hex, the one place strata hashes bytes.
public enum SHA256Hex {
    public static func of(_ data: Data) -> String {
        hex(SHA256.hash(data: data))
    }

    public static func of(_ string: String) -> String {
        of(Data(string.utf8))
    }

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// A SHA-256 whose digest can be read without ending it (Atlas's running per-file hashes).
public struct RunningSHA256 {
    private var hasher = SHA256()

    public init() {}

    public mutating func update(_ data: Data) { hasher.update(data: data) }

    /// The digest of everything so far; the hash goes on.
    public func digest() -> Data { Data(hasher.finalize()) }
}

/// The checksums tools keep of applied files (for `strata deployed`).
public enum ToolChecksum {
    /// sqlx: SHA-384 of the file's bytes, stored raw in `_sqlx_migrations.checksum` (bytea).
    public static func sha384(_ data: Data) -> Data { Data(SHA384.hash(data: data)) }

    /// Prisma: SHA-256 of the script, lowercase hex.
    public static func sha256Hex(_ data: Data) -> String { SHA256Hex.of(data) }
}
