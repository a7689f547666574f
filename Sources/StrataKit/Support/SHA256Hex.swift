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
