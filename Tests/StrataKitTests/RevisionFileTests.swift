import Foundation
import XCTest
@testable import StrataKit

final class RevisionFileTests: XCTestCase {
    /// The corpus of malformed files: each must fail with its message and line.
    func testMalformedCorpus() throws {
        let directory = try fixturesURL().appendingPathComponent("malformed")
        struct Expectation: Decodable { var file: String; var line: Int; var message: String }
        let expectations = try JSONDecoder().decode([Expectation].self, from: Data(contentsOf: directory.appendingPathComponent("expected.json")))
        XCTAssertGreaterThanOrEqual(expectations.count, 20)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".sql") }
        XCTAssertEqual(Set(files), Set(expectations.map(\.file)), "every fixture has an expectation")
        for expectation in expectations {
            let data = try Data(contentsOf: directory.appendingPathComponent(expectation.file))
            do {
                let revision = try RevisionParser.parse(data, file: "migrations/\(expectation.file)")
                XCTFail("\(expectation.file) parsed as \(revision.id); expected an error")
            } catch {
                XCTAssertEqual(error.file, "migrations/\(expectation.file)")
                XCTAssertEqual(error.line, expectation.line, "\(expectation.file): \(error.message)")
                XCTAssertTrue(error.message.contains(expectation.message), "\(expectation.file): «\(error.message)» lacks «\(expectation.message)»")
                XCTAssertTrue(error.message.contains("expected"), "\(expectation.file): the message says what was expected: \(error.message)")
                XCTAssertTrue(error.description.hasPrefix("migrations/\(expectation.file):\(expectation.line): "))
            }
        }
    }

    func testParsesTheDesignExample() throws {
        let text = """
            -- revision: 7c1e2f9a4b3d
            -- down_revision: 1a2b3c4d5e6f
            -- message: add last_login to users
            -- created: 2026-11-20T10:00:00Z

            -- migrate:up
            ALTER TABLE users ADD COLUMN last_login timestamptz;
            CREATE INDEX ix_users_last_login ON users (last_login);

            -- migrate:down
            DROP INDEX ix_users_last_login;
            ALTER TABLE users DROP COLUMN last_login;

            """
        let r = try RevisionParser.parse(Data(text.utf8), file: "x.sql")
        XCTAssertEqual(r.id, "7c1e2f9a4b3d")
        XCTAssertEqual(r.parents, ["1a2b3c4d5e6f"])
        XCTAssertEqual(r.message, "add last_login to users")
        XCTAssertEqual(r.created, "2026-11-20T10:00:00Z")
        XCTAssertTrue(r.transactional)
        XCTAssertEqual(r.upLine, 7)
        XCTAssertEqual(r.downLine, 11)
        XCTAssertEqual(r.upSQL, "ALTER TABLE users ADD COLUMN last_login timestamptz;\nCREATE INDEX ix_users_last_login ON users (last_login);\n\n")
        XCTAssertEqual(r.downSQL, "DROP INDEX ix_users_last_login;\nALTER TABLE users DROP COLUMN last_login;\n")
        XCTAssertEqual(r.headerLines["down_revision"], 2)
        XCTAssertEqual(RevisionWriter.render(r), text, "the canonical layout round-trips byte for byte")
    }

    func testWriterRoundTripsByteForByte() throws {
        let revisions = [
            RevisionWriter.newRevision(id: "abc123abc123", parent: nil, message: "first", created: Date(timeIntervalSince1970: 0), up: "CREATE TABLE t (id int);", down: "DROP TABLE t;"),
            RevisionWriter.newRevision(id: "def", parent: "abc123abc123", message: "concurrently\nsplit line", created: Date(timeIntervalSince1970: 1_700_000_000), transactional: false,
                                       up: "CREATE INDEX CONCURRENTLY i ON t (id);", down: "DROP INDEX CONCURRENTLY i;"),
            Revision(id: "init_1", parents: [], message: "squashed", replaces: ["a", "b", "c"], archive: "2026-11-20_a_c.tar.gz",
                     upSQL: "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\n\n", downSQL: nil),
            Revision(id: "x", parents: ["init_1"], upSQL: "", downSQL: ""),
        ]
        for revision in revisions {
            let text = RevisionWriter.render(revision)
            let parsed = try RevisionParser.parse(Data(text.utf8), file: "r.sql")
            XCTAssertEqual(RevisionWriter.render(parsed), text)
            XCTAssertEqual(parsed.id, revision.id)
            XCTAssertEqual(parsed.parents, revision.parents)
            XCTAssertEqual(parsed.message, revision.message)
            XCTAssertEqual(parsed.transactional, revision.transactional)
            XCTAssertEqual(parsed.replaces, revision.replaces)
            XCTAssertEqual(parsed.archive, revision.archive)
            XCTAssertEqual(parsed.upSQL, revision.upSQL)
            XCTAssertEqual(parsed.downSQL, revision.downSQL)
            XCTAssertEqual(parsed.checksum, revision.checksum)
        }
        XCTAssertEqual(revisions[1].message, "concurrently split line", "messages are one line")
    }

    func testFreeCommentsAndMetaLookalikesInsideLiterals() throws {
        let text = """
            -- A note above the header is free text.
            -- revision: r1
            -- down_revision: none
            -- transactional: false

            -- Free text between header and sections.
            -- migrate:up
            INSERT INTO t VALUES ('a
            \\not a meta command, inside a string');
            CREATE FUNCTION f() RETURNS text AS $body$
            \\also inside a dollar quote
            $body$ LANGUAGE sql;
            /* block
            \\inside a comment */
            -- migrate:down
            DROP FUNCTION f();
            """
        let r = try RevisionParser.parse(Data(text.utf8), file: "r.sql")
        XCTAssertFalse(r.transactional)
        XCTAssertEqual(r.upLine, 8)
    }

    func testChecksumIgnoresHeader() throws {
        var a = rev("a")
        let before = a.checksum
        a.parents = ["other"]
        a.message = "changed"
        XCTAssertEqual(a.checksum, before)
        a.upSQL += "SELECT 2;\n"
        XCTAssertNotEqual(a.checksum, before)
    }

    func testRevisionIDs() {
        XCTAssertTrue(RevisionID.isValid("a"))
        XCTAssertTrue(RevisionID.isValid(String(repeating: "Z", count: 64)))
        XCTAssertFalse(RevisionID.isValid(String(repeating: "Z", count: 65)))
        XCTAssertFalse(RevisionID.isValid(""))
        XCTAssertFalse(RevisionID.isValid("a-b"))
        XCTAssertFalse(RevisionID.isValid("é"))
        let id = RevisionID.generate()
        XCTAssertEqual(id.count, 12)
        XCTAssertTrue(id.allSatisfy { $0.isHexDigit && !$0.isUppercase })
    }

    func testISO8601() {
        for good in ["2026-11-20", "2026-11-20T10:00:00Z", "2026-11-20T10:00Z", "2026-11-20T10:00:00.123+01:00", "2026-11-20 10:00:00-0500"] {
            XCTAssertTrue(RevisionParser.isISO8601(good), good)
        }
        for bad in ["2026-11-2", "2026/11/20", "2026-00-10", "2026-11-20T10", "2026-11-20T10:00:00X", "now"] {
            XCTAssertFalse(RevisionParser.isISO8601(bad), bad)
        }
    }
}
