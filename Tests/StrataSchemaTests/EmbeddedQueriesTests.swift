import Foundation
import XCTest
@testable import StrataSchema

/// The catalog queries are compiled into the binary; SwiftPM cannot list them, so
/// `EmbeddedQueries.files` names each one. A `.sql` file added to the folder and not to the
/// table would be missing at run time.
final class EmbeddedQueriesTests: XCTestCase {
    private var queriesDirectory: URL {
        // Tests/StrataSchemaTests/<this file> → Sources/StrataSchema/Queries
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/StrataSchema/Queries")
    }

    func testEverySQLFileIsInTheTable() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: queriesDirectory.path)
            .filter { $0.hasSuffix(".sql") }.map { String($0.dropLast(4)) }.sorted()
        XCTAssertFalse(names.isEmpty, "no .sql files in \(queriesDirectory.path)")
        let missing = names.filter { EmbeddedQueries.files[$0] == nil }
        XCTAssertEqual(missing, [], "add these to Sources/StrataSchema/Reflection/EmbeddedQueries.swift")
        let stale = EmbeddedQueries.files.keys.filter { !names.contains($0) }.sorted()
        XCTAssertEqual(stale, [], "the table names files the folder no longer has")
    }

    func testTheEmbeddedBytesAreTheFiles() throws {
        for (name, bytes) in EmbeddedQueries.files {
            let file = try Data(contentsOf: queriesDirectory.appendingPathComponent("\(name).sql"))
            XCTAssertEqual(Data(bytes), file, "\(name).sql")
        }
    }

    func testEveryQueryTheReflectorRunsIsEmbedded() {
        let needed = CatalogQueries.objectQueryNames + ["scope"] + CatalogQueries.fragmentArguments.keys.map { "_" + $0 }
        for name in needed { XCTAssertNotNil(EmbeddedQueries.text(name), "\(name).sql") }
    }
}
