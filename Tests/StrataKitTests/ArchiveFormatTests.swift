import Foundation
import XCTest
@testable import StrataKit

final class ArchiveFormatTests: XCTestCase {
    func testTarGzRoundTripAndPlainTarReadsIt() throws {
        let long = "archive-name/" + String(repeating: "d", count: 90) + "/" + String(repeating: "f", count: 60) + ".sql"
        let entries = [
            Tar.Entry(path: "archive-name/manifest.json", data: Data("{\"a\":1}\n".utf8), modified: 1_700_000_000),
            Tar.Entry(path: "archive-name/r1_create.sql", data: Data(String(repeating: "SELECT 1;\n", count: 300).utf8), modified: 1_700_000_000),
            Tar.Entry(path: "archive-name/empty.sql", data: Data(), modified: 1_700_000_000),
            Tar.Entry(path: long, data: Data("x".utf8), modified: 1_700_000_000),
        ]
        let gz = try Gzip.compress(try Tar.write(entries))
        XCTAssertEqual(try Tar.read(try Gzip.decompress(gz)), entries)
        XCTAssertEqual(try Gzip.compress(try Tar.write(entries)), gz, "deterministic bytes")

        let dir = try temporaryDirectory(self)
        let file = dir.appendingPathComponent("a.tar.gz")
        try gz.write(to: file)
        let list = try runTool("/bin/tar", ["-tzf", file.path], in: dir).stdout
        XCTAssertEqual(list.split(separator: "\n").map(String.init), entries.map(\.path))
        try runTool("/bin/tar", ["-xzf", file.path], in: dir)
        for entry in entries {
            XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent(entry.path)), entry.data)
        }
        // And strata reads what GNU tar writes.
        let made = dir.appendingPathComponent("gnu.tar.gz")
        try runTool("/bin/tar", ["-czf", made.path, "archive-name/manifest.json", "archive-name/r1_create.sql"], in: dir)
        let read = try Tar.read(try Gzip.decompress(try Data(contentsOf: made)))
        XCTAssertEqual(read.map(\.path), ["archive-name/manifest.json", "archive-name/r1_create.sql"])
        XCTAssertEqual(read[1].data, entries[1].data)
    }

    func testCorruptDataIsRejected() throws {
        let gz = try Gzip.compress(try Tar.write([Tar.Entry(path: "a", data: Data("hello".utf8))]))
        XCTAssertThrowsError(try Gzip.decompress(gz.prefix(gz.count / 2)))
        var flipped = gz
        flipped[flipped.count / 2] ^= 0xFF
        XCTAssertThrowsError(try Tar.read(try Gzip.decompress(flipped)))
        XCTAssertThrowsError(try Gzip.decompress(Data("not gzip".utf8)))
    }
}
