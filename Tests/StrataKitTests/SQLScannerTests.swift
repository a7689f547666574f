import XCTest
@testable import StrataKit

final class SQLScannerTests: XCTestCase {
    func testSplitsOnlyOnPlainSemicolons() {
        let sql = """
            CREATE TABLE t (a text DEFAULT 'x;y', "we;ird" int);
            -- a comment; with a semicolon
            INSERT INTO t VALUES (E'it\\'s;', 1); /* nested /* ; */ still ; comment */
            CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$
            BEGIN
              PERFORM 1; RETURN 2;
            END $$;
            CREATE FUNCTION g() RETURNS text AS $fn$ SELECT $$;$$::text; $fn$ LANGUAGE sql;
            SELECT $1, a$b FROM t;
            CREATE INDEX CONCURRENTLY i ON t (a)
            """
        let statements = SQLScanner(sql).statements()
        XCTAssertEqual(statements.count, 6)
        XCTAssertEqual(statements[0].text, "CREATE TABLE t (a text DEFAULT 'x;y', \"we;ird\" int)")
        XCTAssertEqual(statements[1].text, "INSERT INTO t VALUES (E'it\\'s;', 1)")
        XCTAssertEqual(statements[1].line, 2)
        XCTAssertTrue(statements[2].text.hasPrefix("CREATE FUNCTION f()"), "a statement starts at its first code, after comments: \(statements[2].text)")
        XCTAssertTrue(statements[2].text.hasSuffix("END $$"))
        XCTAssertEqual(statements[3].text, "CREATE FUNCTION g() RETURNS text AS $fn$ SELECT $$;$$::text; $fn$ LANGUAGE sql")
        XCTAssertEqual(statements[4].text, "SELECT $1, a$b FROM t")
        XCTAssertEqual(statements[5].text, "CREATE INDEX CONCURRENTLY i ON t (a)")
        XCTAssertEqual(statements[5].line, 9)
    }

    func testStandardStringsKeepBackslashes() {
        // With standard_conforming_strings (the default) a backslash in '' is just a character.
        let statements = SQLScanner("SELECT 'C:\\'; SELECT 2;").statements()
        XCTAssertEqual(statements.map(\.text), ["SELECT 'C:\\'", "SELECT 2"])
    }

    func testCommentOnlyScriptHasNoStatements() {
        XCTAssertTrue(SQLScanner("-- nothing\n/* here */\n\n").statements().isEmpty)
        XCTAssertTrue(SQLScanner("").statements().isEmpty)
    }

    func testMetaCommandLines() {
        let sql = "SELECT 1;\n\\i x.sql\n  \\set a 1\nSELECT '\n\\in string';\n$$\n\\in dollar\n$$;\n"
        XCTAssertEqual(SQLScanner(sql).metaCommandLines(), [1, 2])
    }
}
