import Foundation
import XCTest
@testable import StrataKit

/// The tools' small rules, each against the value docs/formats gives from the tool's source.
final class ToolRuleTests: XCTestCase {
    func testGooseSplitsAsGooseDoes() {
        // A statement ends with a line whose last word before a `--` comment ends with `;`.
        let sql = "SELECT 1; -- done\nSELECT 2;--not the end\nSELECT 3;\n-- a comment\n\nSELECT 4; SELECT 5;\n-- +goose StatementBegin\nCREATE FUNCTION f() RETURNS int AS $$\nBEGIN RETURN 1; END;\n$$ LANGUAGE plpgsql;\n-- +goose StatementEnd\n"
        let statements = GooseSQL.statements(sql)
        XCTAssertEqual(statements.map(\.text), [
            "SELECT 1; -- done",
            "SELECT 2;--not the end\nSELECT 3;",
            "SELECT 4; SELECT 5;",
            "CREATE FUNCTION f() RETURNS int AS $$\nBEGIN RETURN 1; END;\n$$ LANGUAGE plpgsql;",
        ])
        XCTAssertEqual(statements.map(\.line), [0, 1, 5, 7])
        XCTAssertNotNil(GooseSQL.check("SELECT 1\n"), "an unfinished statement is goose's error")
    }

    func testGooseEnvsub() throws {
        let env = ["SCHEMA": "app"]
        let fail: (String) -> RevisionFileError = { RevisionFileError(file: "f", line: 1, message: $0) }
        XCTAssertEqual(try GooseSQL.substitute("CREATE SCHEMA ${SCHEMA}; -- $SCHEMA ${MISSING:-x} ${MISSING-y}", environment: env, fail: fail),
                       "CREATE SCHEMA app; -- app x y")
        XCTAssertThrowsError(try GooseSQL.substitute("${MISSING}", environment: env, fail: fail))
    }

    func testFlywayChecksumVectors() {
        // docs/formats/flyway.md §2: CRC-32 of the lines without terminators, BOM dropped, signed.
        XCTAssertEqual(DeployedDatabases.flywayChecksum(Data("SELECT 1;".utf8)), 78787420)
        XCTAssertEqual(DeployedDatabases.flywayChecksum(Data("SELECT 1;\r\n".utf8)), 78787420)
        XCTAssertEqual(DeployedDatabases.flywayChecksum(Data([0xEF, 0xBB, 0xBF] + Array("SELECT 1;\n".utf8))), 78787420)
        XCTAssertEqual(DeployedDatabases.flywayChecksum(Data("CREATE TABLE t (id int);\nSELECT 1;\n".utf8)), -1645056791)
        XCTAssertEqual(DeployedDatabases.flywayChecksum(Data()), 0)
    }

    func testFlywayVersions() throws {
        let v = { (s: String) in try XCTUnwrap(FlywayVersion(s)) }
        XCTAssertEqual(try v("1.0"), try v("1"))
        XCTAssertEqual(try v("1_1"), try v("1.1"))
        XCTAssertEqual(try v("01"), try v("1"))
        XCTAssertLessThan(try v("1.9"), try v("1.10"))
        XCTAssertLessThan(try v("2"), try v("10"))
        XCTAssertNil(FlywayVersion("1.a"))
        XCTAssertTrue(FormatReader.mustRunOutsideTransaction("create  unique index concurrently i on t (a)"))
        XCTAssertTrue(FormatReader.mustRunOutsideTransaction("VACUUM t"))
        XCTAssertFalse(FormatReader.mustRunOutsideTransaction("CREATE INDEX i ON t (a)"))
    }

    func testGolangMigrateNamesAndDbmateMarkers() {
        XCTAssertEqual(FormatReader.golangDirection("a.up.b.down.sql")?.up, false, "the greedy title: the last direction wins")
        XCTAssertEqual(FormatReader.golangDirection("create_users.up.sql")?.title, "create_users")
        XCTAssertNil(FormatReader.golangDirection("create_users.sql"))
        XCTAssertTrue(DbmateFile.marker("-- migrate:up", "up"))
        XCTAssertTrue(DbmateFile.marker("--migrate:up transaction:false", "up"))
        XCTAssertFalse(DbmateFile.marker("-- migrate:upx", "up"))
        XCTAssertFalse(DbmateFile.marker(" -- migrate:up", "up"))
        XCTAssertFalse(DbmateFile.transactional("-- migrate:up transaction:false"))
        XCTAssertTrue(DbmateFile.transactional("-- migrate:up transaction:FALSE"), "only the exact lowercase value turns it off")
    }
}
