import StrataPostgres
import XCTest

final class ConnectionStringTests: XCTestCase {
    // MARK: - Redaction (table: input → expected description)

    func testRedactionCases() {
        let cases: [(String, String)] = [
            ("postgres://alice:s3cret@db.example.com:5432/app", "postgres://alice:***@db.example.com:5432/app"),
            ("postgresql://alice:s3cret@localhost/app?sslmode=require", "postgresql://alice:***@localhost/app?sslmode=require"),
            ("postgresql://alice@localhost/app", "postgresql://alice@localhost/app"),
            ("postgresql://localhost/app", "postgresql://localhost/app"),
            ("postgresql://alice:p%40ss@localhost/app", "postgresql://alice:***@localhost/app"),
            // A raw @ or / in the password: everything up to the last @ before the query is hidden.
            ("postgresql://alice:p@ss/w@localhost/app", "postgresql://alice:***@localhost/app"),
            ("postgresql://localhost/app?user=alice&password=s3cret&sslmode=disable",
             "postgresql://localhost/app?user=alice&password=***&sslmode=disable"),
            ("postgresql://localhost/app?password=s3cret", "postgresql://localhost/app?password=***"),
            ("host=localhost user=alice password=s3cret dbname=app", "host=localhost user=alice password=*** dbname=app"),
            ("host=localhost password = 's3 cr\\'et' dbname=app", "host=localhost password = '***' dbname=app"),
            ("password='unterminated secret", "password='***'"),
            ("host=x sslpassword=keypass", "host=x sslpassword=***"),
            ("PGPASSWORD=s3cret psql", "PGPASSWORD=*** psql"),
            ("host=localhost dbname=app", "host=localhost dbname=app"),
        ]
        for (input, expected) in cases {
            XCTAssertEqual(ConnectionString(input).description, expected, "input: \(input)")
            XCTAssertFalse(ConnectionString(input).description.contains("s3cret"), input)
        }
    }

    func testRedactFreeText() {
        let text = """
            could not connect using "postgresql://bob:hunter22@db:5432/x", also tried \
            host=db password='hunter33' and postgres://carol:hunter44@other/y?password=hunter55 (end)
            """
        let redacted = ConnectionString.redact(text)
        for secret in ["hunter22", "hunter33", "hunter44", "hunter55"] {
            XCTAssertFalse(redacted.contains(secret), "\(secret) leaked in: \(redacted)")
        }
        XCTAssertTrue(redacted.contains("postgresql://bob:***@db:5432/x"), redacted)
        XCTAssertTrue(redacted.contains("postgres://carol:***@other/y?password=***"), redacted)
        XCTAssertTrue(redacted.contains("password='***'"), redacted)
        XCTAssertTrue(redacted.hasSuffix("(end)"), redacted)
    }

    func testRedactLeavesOrdinaryTextAlone() {
        let text = "FATAL:  password authentication failed for user \"alice\""
        XCTAssertEqual(ConnectionString.redact(text), text)
    }

    // MARK: - Database

    func testDatabaseName() {
        XCTAssertEqual(ConnectionString("postgresql://u:p@h:5432/app%20db?sslmode=disable").database, "app db")
        XCTAssertEqual(ConnectionString("host=h dbname='my db'").database, "my db")
        XCTAssertEqual(ConnectionString("postgresql://h?dbname=other").database, "other")
        XCTAssertNil(ConnectionString("postgresql://h").database)
        XCTAssertNil(ConnectionString("host=h").database)
        XCTAssertEqual(ConnectionString("mydb").database, "mydb")
    }

    func testWithDatabaseURL() {
        let url = ConnectionString("postgresql://u:p@h:5432/app?sslmode=require&dbname=zzz&application_name=a")
        let other = url.withDatabase("scratch_1")
        XCTAssertEqual(other.raw, "postgresql://u:p@h:5432/scratch_1?sslmode=require&application_name=a")
        XCTAssertEqual(other.database, "scratch_1")
        XCTAssertEqual(ConnectionString("postgres://h").withDatabase("a b").raw, "postgres://h/a%20b")
        XCTAssertEqual(ConnectionString("postgres://h").withDatabase("a b").database, "a b")
        XCTAssertEqual(
            ConnectionString("postgresql://%2Fvar%2Frun%2Fpostgresql/app").withDatabase("x").raw,
            "postgresql://%2Fvar%2Frun%2Fpostgresql/x")
    }

    func testWithDatabaseKeywords() throws {
        let keywords = ConnectionString("host=/tmp/sock port=5433 user=alice password='pw word' dbname=app")
        let other = keywords.withDatabase("it's")
        XCTAssertEqual(other.database, "it's")
        let parameters = try other.parameters()
        XCTAssertEqual(parameters["host"], "/tmp/sock")
        XCTAssertEqual(parameters["port"], "5433")
        XCTAssertEqual(parameters["password"], "pw word")
        XCTAssertFalse(other.description.contains("pw word"))
        XCTAssertEqual(ConnectionString("host=h").withDatabase("d").database, "d")
        XCTAssertEqual(ConnectionString("").withDatabase("d").raw, "dbname=d")
    }

    func testInvalidStringErrorIsRedacted() {
        XCTAssertThrowsError(try ConnectionString("postgresql://u:topsecret@[::1/db").parameters()) { error in
            let text = "\(error)"
            XCTAssertFalse(text.contains("topsecret"), text)
            XCTAssertEqual((error as? PostgresError)?.kind, .connection)
        }
    }

    // MARK: - Quoting

    func testQuoting() {
        XCTAssertEqual(quoteIdentifier("users"), "\"users\"")
        XCTAssertEqual(quoteIdentifier("we\"ird"), "\"we\"\"ird\"")
        XCTAssertEqual(quoteLiteral("it's"), "'it''s'")
        XCTAssertEqual(quoteLiteral("a\\b'c"), "E'a\\\\b''c'")
        XCTAssertEqual(quoteLiteral(""), "''")
    }

    // MARK: - Error text

    func testErrorDescriptionAndLocation() {
        var error = PostgresError(
            kind: .server, message: "relation \"x\" does not exist", sqlState: "42P01", severity: "ERROR",
            detail: "d", hint: "h", position: 13)
        XCTAssertEqual(error.description, "ERROR 42P01: relation \"x\" does not exist\nDETAIL: d\nHINT: h")
        let sql = "SELECT 'é';\nSELEC 1"
        XCTAssertEqual(error.location(in: sql)?.line, 2)
        XCTAssertEqual(error.location(in: sql)?.column, 1)
        error.position = nil
        XCTAssertNil(error.location(in: sql))
        XCTAssertEqual(PostgresError(kind: .connection, message: "no route").description, "no route")
    }
}
