import Foundation
import XCTest
@testable import StrataKit

/// A revision literal for graph and lint tables.
func rev(_ id: String, parent: String? = nil, parents: [String]? = nil, down: Bool = true, file: String? = nil, replaces: [String] = [], created: String? = nil) -> Revision {
    Revision(
        id: id, parents: parents ?? (parent.map { [$0] } ?? []), created: created, replaces: replaces,
        upSQL: "SELECT 1;\n", downSQL: down ? "SELECT 1;\n" : nil,
        headerLines: ["revision": 1, "down_revision": 2], fileName: file ?? "\(id)_x.sql"
    )
}

/// A fresh temporary directory, removed when the test ends.
func temporaryDirectory(_ test: XCTestCase) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("strata-test-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
}

/// The fixtures folder copied into the test bundle.
func fixturesURL() throws -> URL {
    try XCTUnwrap(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
}

/// Writes a revision file as strata would.
@discardableResult
func writeRevision(_ directory: URL, id: String, parent: String?, up: String = "SELECT 1;", down: String? = "SELECT 1;", name: String? = nil, extraHeader: String = "") throws -> URL {
    var text = "-- revision: \(id)\n-- down_revision: \(parent ?? "none")\n-- message: \(id)\n\(extraHeader)\n-- migrate:up\n\(up)\n\n"
    if let down { text += "-- migrate:down\n\(down)\n" }
    let url = directory.appendingPathComponent(name ?? "\(id)_rev.sql")
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url
}
