import Foundation
import XCTest
@testable import StrataKit

final class ConfigurationTests: XCTestCase {
    func testFoundByWalkingUpAndPathsRelativeToTheFile() throws {
        let root = try temporaryDirectory(self)
        try """
            migrations = "db/revisions"
            archive = 'db/archive'
            [database]
            url_env = "APP_DB"  # comment
            version_table = "meta.versions"
            """.write(to: root.appendingPathComponent("strata.toml"), atomically: true, encoding: .utf8)
        let deep = root.appendingPathComponent("a/b/c")
        try FileManager.default.createDirectory(at: deep, withIntermediateDirectories: true)
        let config = try Configuration.load(from: deep)
        XCTAssertEqual(config.file?.path, root.appendingPathComponent("strata.toml").standardizedFileURL.path)
        XCTAssertEqual(config.migrationsDirectory.path, root.appendingPathComponent("db/revisions").standardizedFileURL.path)
        XCTAssertEqual(config.archiveDirectory.path, root.appendingPathComponent("db/archive").standardizedFileURL.path)
        XCTAssertEqual(config.databaseURLVariable, "APP_DB")
        XCTAssertEqual(config.versionTable, "meta.versions")
        XCTAssertEqual(config.databaseURL(flag: nil, environment: ["APP_DB": "postgres://x"]), "postgres://x")
        XCTAssertEqual(config.databaseURL(flag: "postgres://flag", environment: ["APP_DB": "postgres://x"]), "postgres://flag")
    }

    func testDefaultsWithoutAFile() throws {
        let root = try temporaryDirectory(self)
        let config = try Configuration.load(from: root)
        XCTAssertNil(config.file)
        XCTAssertEqual(config.migrationsDirectory.lastPathComponent, "migrations")
        XCTAssertEqual(config.databaseURLVariable, "DATABASE_URL")
    }

    func testErrorsNameFileAndLine() throws {
        let root = try temporaryDirectory(self)
        let url = root.appendingPathComponent("strata.toml")
        for (text, line, fragment) in [
            ("migrations = \"m\"\nmigratoins = \"x\"\n", 2, "unknown setting `migratoins`"),
            ("[database]\nurl_env = DATABASE_URL\n", 2, "expected a quoted string"),
            ("archive = \"a\"\narchive = \"b\"\n", 2, "set twice"),
            ("migrations = \"unterminated\n", 1, "unterminated string"),
            ("[database\n", 1, "expected `]`"),
        ] {
            try text.write(to: url, atomically: true, encoding: .utf8)
            XCTAssertThrowsError(try Configuration.read(url)) { error in
                guard case .configuration(_, let errorLine, let message) = error as? StrataError else { return XCTFail("\(error)") }
                XCTAssertEqual(errorLine, line, text)
                XCTAssertTrue(message.contains(fragment), "\(message) lacks \(fragment)")
                XCTAssertEqual((error as? StrataError)?.exitCode, 2)
            }
        }
    }

    /// `[server] postgres`: a major stays as written (string or integer), a directory is made
    /// absolute against the file's directory.
    func testServerPostgres() throws {
        let root = try temporaryDirectory(self)
        let url = root.appendingPathComponent("strata.toml")
        for (text, expected) in [
            ("[server]\npostgres = \"17\"\n", "17"),
            ("[server]\npostgres = 16\n", "16"),
            ("[server]\npostgres = \"pg/bin\"\n", root.appendingPathComponent("pg/bin").standardizedFileURL.path),
            ("[server]\npostgres = \"/opt/pg/bin\"\n", "/opt/pg/bin"),
        ] {
            try text.write(to: url, atomically: true, encoding: .utf8)
            XCTAssertEqual(try Configuration.read(url).postgres, expected, text)
        }
        XCTAssertNil(try Configuration.load(from: try temporaryDirectory(self)).postgres)
        try "[server]\npostgres = \"\"\n".write(to: url, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try Configuration.read(url)) { error in
            guard case .configuration(_, 2, let message) = error as? StrataError else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("`server.postgres` is empty"), message)
        }
        for text in ["[server]\npostgres = 0\n", "[server]\npostgres = -1\n"] {
            try text.write(to: url, atomically: true, encoding: .utf8)
            XCTAssertThrowsError(try Configuration.read(url), text) { error in
                guard case .configuration(_, 2, let message) = error as? StrataError else { return XCTFail("\(error)") }
                XCTAssertTrue(message.contains("must be a major version such as 17"), message)
            }
        }
    }
}
