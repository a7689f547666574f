import CZlib
import Foundation

/// gzip through zlib: the one place strata touches zlib. `z_stream` lives in a class that
/// ends it in `deinit`, so no path leaks zlib's buffers.
public enum Gzip {
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    private final class Stream {
        var z = z_stream()
        let deflating: Bool
        var open = false

        init(deflating: Bool, level: Int32) throws(Failure) {
            self.deflating = deflating
            let status = deflating ? strata_deflate_init_gzip(&z, level) : strata_inflate_init_gzip(&z)
            guard status == Z_OK else { throw Failure(description: "zlib could not start (status \(status))") }
            open = true
        }

        deinit {
            if open { _ = deflating ? deflateEnd(&z) : inflateEnd(&z) }
        }
    }

    /// Compresses to the gzip format (what `tar -z` reads).
    public static func compress(_ data: Data, level: Int32 = 9) throws(Failure) -> Data {
        let stream = try Stream(deflating: true, level: level)
        let (output, status) = pump(stream, data) { z in
            let status = deflate(&z, Z_FINISH)
            return (status, status == Z_OK)
        }
        guard status == Z_STREAM_END else { throw Failure(description: "zlib could not compress (status \(status))") }
        return output
    }

    /// Decompresses gzip data; fails on anything that is not a complete gzip stream.
    public static func decompress(_ data: Data) throws(Failure) -> Data {
        let stream = try Stream(deflating: false, level: 0)
        let (output, status) = pump(stream, data) { z in
            let status = inflate(&z, Z_NO_FLUSH)
            return (status, status == Z_OK && (z.avail_in > 0 || z.avail_out == 0))
        }
        guard status == Z_STREAM_END else {
            throw Failure(description: status == Z_OK || status == Z_BUF_ERROR ? "the gzip data is truncated" : "the gzip data is corrupt (zlib status \(status))")
        }
        return output
    }

    /// Feeds `data` through the stream in 64 KiB output chunks while `step` says to go on;
    /// returns the output and zlib's last status.
    private static func pump(_ stream: Stream, _ data: Data, step: (inout z_stream) -> (Int32, Bool)) -> (Data, Int32) {
        var output = Data()
        var input = [UInt8](data)
        let chunk = 64 * 1024
        var buffer = [UInt8](repeating: 0, count: chunk)
        var status: Int32 = Z_OK
        input.withUnsafeMutableBufferPointer { inPtr in
            stream.z.next_in = inPtr.baseAddress
            stream.z.avail_in = uInt(inPtr.count)
            var goOn = true
            while goOn {
                buffer.withUnsafeMutableBufferPointer { outPtr in
                    stream.z.next_out = outPtr.baseAddress
                    stream.z.avail_out = uInt(chunk)
                    (status, goOn) = step(&stream.z)
                    if let base = outPtr.baseAddress { output.append(base, count: chunk - Int(stream.z.avail_out)) }
                }
            }
        }
        return (output, status)
    }
}
