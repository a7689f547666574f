import Foundation
import StrataPostgres
import XCTest

/// Statements, results, errors and notices against one real embedded server shared by the class;
/// every test gets its own fresh database.
final class PGConnectionTests: XCTestCase {
    nonisolated(unsafe) static var server: EmbeddedServer?
    private var database: ConnectionString?
    private var connection: PGConnection?

    override class func setUp() {
        super.setUp()
        server = try? EmbeddedServer.start()
    }

    override class func tearDown() {
        server?.stop()
        server = nil
        super.tearDown()
    }

    override func setUpWithError() throws {
        let server = try XCTUnwrap(Self.server, "the embedded server did not start")
        database = try server.createDatabase(prefix: "conn_test", template: nil)
        connection = try PGConnection(try XCTUnwrap(database), applicationName: "strata-test")
    }

    override func tearDownWithError() throws {
        connection?.close()
        if let database { try Self.server?.dropDatabase(database) }
    }

    private func conn() throws -> PGConnection { try XCTUnwrap(connection) }

    // MARK: - Statements

    func testMultiStatementExecuteReturnsLastResult() throws {
        let result = try conn().execute(
            "CREATE TABLE t (a int, b text); INSERT INTO t VALUES (1, 'x'), (2, NULL); SELECT a, b FROM t ORDER BY a")
        XCTAssertEqual(result.rowCount, 2)
        XCTAssertEqual(result.columnNames, ["a", "b"])
        XCTAssertEqual(result.rows, [["1", "x"], ["2", nil]])
        XCTAssertEqual(result.commandTuples, 2)
        XCTAssertEqual(try conn().execute("UPDATE t SET b = 'y'").commandTuples, 2)
        XCTAssertNil(try conn().execute("CREATE TABLE u (a int)").commandTuples)
    }

    func testMultiStatementErrorStopsAndRollsBackTheImplicitTransaction() throws {
        XCTAssertThrowsError(try conn().execute("CREATE TABLE t2 (a int); SELECT * FROM nope; CREATE TABLE t3 (a int)")) {
            XCTAssertEqual(($0 as? PostgresError)?.sqlState, "42P01")
        }
        let count = try conn().execute("SELECT count(*) FROM pg_class WHERE relname IN ('t2', 't3')")
        XCTAssertEqual(count[0, 0], "0")
    }

    func testParametersIncludingNull() throws {
        let result = try conn().query(
            "SELECT $1::text AS \"Quoted\", $2::int + 1 AS b, $3::text IS NULL AS c", ["it's; DROP TABLE x", "41", nil])
        XCTAssertEqual(result.value(0, "Quoted"), "it's; DROP TABLE x")
        XCTAssertNil(result.value(0, "quoted"), "column lookup is case-sensitive")
        XCTAssertEqual(result[0, 1], "42")
        XCTAssertEqual(result.value(0, "c"), "t")
        XCTAssertNil(result[5, 0])
        XCTAssertNil(result[0, 9])
        let null = try conn().query("SELECT $1::int AS n", [nil])
        XCTAssertNil(null[0, 0])
        XCTAssertEqual(null.rowCount, 1)
    }

    func testTransactionState() throws {
        let conn = try conn()
        XCTAssertFalse(conn.inTransaction)
        try conn.execute("BEGIN")
        XCTAssertTrue(conn.inTransaction)
        XCTAssertThrowsError(try conn.execute("SELECT 1/0"))
        XCTAssertTrue(conn.inFailedTransaction)
        try conn.execute("ROLLBACK")
        XCTAssertFalse(conn.inTransaction)
        XCTAssertGreaterThanOrEqual(conn.serverVersionNumber, 100000)
        XCTAssertGreaterThan(conn.backendPID, 0)
        XCTAssertFalse(conn.isBroken)
    }

    func testStartupOptionsAndApplicationName() throws {
        let database = try XCTUnwrap(database)
        let tuned = try PGConnection(
            database, applicationName: "strata-opts",
            options: ["lock_timeout": "1234ms", "search_path": "a, b", "statement_timeout": "5s"])
        defer { tuned.close() }
        XCTAssertEqual(try tuned.execute("SHOW lock_timeout")[0, 0], "1234ms")
        XCTAssertEqual(try tuned.execute("SHOW search_path")[0, 0], "a, b")
        XCTAssertEqual(try tuned.execute("SHOW statement_timeout")[0, 0], "5s")
        XCTAssertEqual(try tuned.execute("SHOW application_name")[0, 0], "strata-opts")
    }

    func testCOPYFromClientIsRefusedAndConnectionStaysUsable() throws {
        try conn().execute("CREATE TABLE c (a int)")
        XCTAssertThrowsError(try conn().execute("COPY c FROM STDIN")) {
            XCTAssertEqual(($0 as? PostgresError)?.kind, .client)
        }
        XCTAssertEqual(try conn().execute("SELECT 7")[0, 0], "7")
    }

    func testBrokenConnection() throws {
        let victim = try PGConnection(try XCTUnwrap(database))
        try conn().query("SELECT pg_terminate_backend($1::int)", [String(victim.backendPID)])
        XCTAssertThrowsError(try victim.execute("SELECT 1"))
        XCTAssertTrue(victim.isBroken)
        victim.close()
        XCTAssertThrowsError(try victim.execute("SELECT 1")) {
            XCTAssertEqual(($0 as? PostgresError)?.kind, .client)
        }
    }

    // MARK: - Errors

    func testUndefinedTableError() throws {
        let sql = "SELECT * FROM missing_table"
        XCTAssertThrowsError(try conn().execute(sql)) { error in
            guard let error = error as? PostgresError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.kind, .server)
            XCTAssertEqual(error.sqlState, "42P01")
            XCTAssertEqual(error.severity, "ERROR")
            XCTAssertEqual(error.message, "relation \"missing_table\" does not exist")
            XCTAssertEqual(error.position, 15)
            XCTAssertTrue(error.description.hasPrefix("ERROR 42P01: relation \"missing_table\" does not exist"))
        }
    }

    func testSyntaxErrorPositionCountsCharacters() throws {
        let sql = "SELECT 'é€😀';\nSELEC 2"
        XCTAssertThrowsError(try conn().execute(sql)) { error in
            guard let error = error as? PostgresError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.sqlState, "42601")
            XCTAssertEqual(error.position, 15)  // characters, not the 20 bytes before "SELEC"
            XCTAssertEqual(error.location(in: sql)?.line, 2)
            XCTAssertEqual(error.location(in: sql)?.column, 1)
        }
        XCTAssertThrowsError(try conn().query("SELECT 1 +", [])) {
            XCTAssertEqual(($0 as? PostgresError)?.position, 11)
        }
    }

    func testRaiseExceptionDetailHintContext() throws {
        let sql = """
            DO $$ BEGIN
              RAISE EXCEPTION 'custom failure %', 42 USING DETAIL = 'some detail', HINT = 'some hint', ERRCODE = 'P0001';
            END $$
            """
        XCTAssertThrowsError(try conn().execute(sql)) { error in
            guard let error = error as? PostgresError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.sqlState, "P0001")
            XCTAssertEqual(error.message, "custom failure 42")
            XCTAssertEqual(error.detail, "some detail")
            XCTAssertEqual(error.hint, "some hint")
            XCTAssertTrue(error.context?.contains("PL/pgSQL") ?? false, "\(error.context ?? "nil")")
            XCTAssertTrue(error.description.contains("\nDETAIL: some detail\nHINT: some hint"), error.description)
        }
    }

    func testConstraintFields() throws {
        try conn().execute("CREATE TABLE p (id int CONSTRAINT p_pk PRIMARY KEY); INSERT INTO p VALUES (1)")
        XCTAssertThrowsError(try conn().execute("INSERT INTO p VALUES (1)")) { error in
            guard let error = error as? PostgresError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.sqlState, "23505")
            XCTAssertEqual(error.constraintName, "p_pk")
            XCTAssertEqual(error.tableName, "p")
            XCTAssertEqual(error.schemaName, "public")
            XCTAssertEqual(error.detail, "Key (id)=(1) already exists.")
        }
    }

    // MARK: - Notices

    func testNoticeHandler() throws {
        let conn = try conn()
        var texts: [String] = []
        var structured: [PostgresError] = []
        conn.noticeHandler = { texts.append($0) }
        conn.structuredNoticeHandler = { structured.append($0) }
        try conn.execute("DO $$ BEGIN RAISE NOTICE 'hello %', 7; RAISE WARNING 'careful' USING HINT = 'h'; END $$")
        try conn.execute("DROP TABLE IF EXISTS never_there")
        XCTAssertEqual(texts, [
            "NOTICE: hello 7", "WARNING: careful\nHINT: h", "NOTICE: table \"never_there\" does not exist, skipping",
        ])
        XCTAssertEqual(structured.map(\.sqlState), ["00000", "01000", "00000"])
        conn.noticeHandler = nil
        try conn.execute("DO $$ BEGIN RAISE NOTICE 'unheard'; END $$")
        XCTAssertEqual(texts.count, 3)
    }

    func testResultOutlivesConnection() throws {
        let database = try XCTUnwrap(database)
        var result: PGResult?
        do {
            let shortLived = try PGConnection(database)
            shortLived.noticeHandler = { _ in }
            result = try shortLived.execute("SELECT 'kept' AS v")
        }
        XCTAssertEqual(result?.value(0, "v"), "kept")
        XCTAssertNil(result?[3, 3])
    }

    // MARK: - Scratch databases

    func testCreateCloneAndDropDatabases() throws {
        let server = try XCTUnwrap(Self.server)
        let template = try server.createDatabase(prefix: "Tpl-Source", template: nil)
        let name = try XCTUnwrap(template.database)
        XCTAssertTrue(name.hasPrefix("tpl_source_"), name)
        do {
            let setup = try PGConnection(template)
            try setup.execute("CREATE TABLE migrated (id int); INSERT INTO migrated VALUES (1)")
            setup.close()
        }
        let clone = try server.createDatabase(prefix: "clone", template: name)
        let check = try PGConnection(clone)
        XCTAssertEqual(try check.execute("SELECT count(*) FROM migrated")[0, 0], "1")
        try server.dropDatabase(clone)  // FORCE: our open connection does not block the drop
        try server.dropDatabase(template)
        let remaining = try conn().query(
            "SELECT count(*) FROM pg_database WHERE datname = ANY($1::text[])",
            ["{\(name),\(try XCTUnwrap(clone.database))}"])
        XCTAssertEqual(remaining[0, 0], "0")
        XCTAssertTrue(check.isBroken || (try? check.execute("SELECT 1")) == nil)
    }

    func testDropRightAfterCloseDoesNotWaitForTheServersRecheck() throws {
        // The server re-checks for a leaving backend only every 100 ms; dropDatabase waits for it
        // client-side instead, so a drop right after a close takes milliseconds, not 100 ms.
        let server = try XCTUnwrap(Self.server)
        var slow = 0
        for _ in 0..<8 {
            let database = try server.createDatabase(prefix: "drop_speed", template: nil)
            let connection = try PGConnection(database)
            try connection.execute("CREATE TABLE t (a int)")
            connection.close()
            let start = DispatchTime.now().uptimeNanoseconds
            try server.dropDatabase(database)
            if DispatchTime.now().uptimeNanoseconds - start >= 100_000_000 { slow += 1 }
        }
        XCTAssertLessThanOrEqual(slow, 1)
    }

    func testExternalScratchServerDropsWhatItMade() throws {
        let server = try XCTUnwrap(Self.server)
        // The URL form, as a --scratch-url would be given.
        let url = ConnectionString("postgresql://postgres@/postgres?host=\(server.socketDirectory.path)&port=5432")
        let external = try ExternalScratchServer(url)
        let first = try external.createDatabase(prefix: "ext", template: nil)
        XCTAssertTrue(first.isURL)
        XCTAssertEqual(try PGConnection(first).execute("SELECT current_database()")[0, 0], first.database)
        let second = try external.createDatabase(prefix: "ext", template: nil)
        XCTAssertNotEqual(first.database, second.database)
        try external.dropDatabase(first)
        XCTAssertEqual(external.createdDatabases, [try XCTUnwrap(second.database)])
        let open = try PGConnection(second)
        external.close()
        XCTAssertEqual(external.createdDatabases, [])
        let left = try conn().query("SELECT count(*) FROM pg_database WHERE datname LIKE 'ext\\_%'")
        XCTAssertEqual(left[0, 0], "0")
        open.close()
    }

    // MARK: - Connection failures

    func testWrongPasswordIsRedacted() throws {
        let server = try XCTUnwrap(Self.server)
        try conn().execute("CREATE ROLE strata_alice LOGIN PASSWORD 'right-horse-battery'")
        defer { _ = try? conn().execute("DROP ROLE strata_alice") }
        let hba = server.dataDirectory.appendingPathComponent("pg_hba.conf")
        let original = try String(contentsOf: hba, encoding: .utf8)
        try ("local all strata_alice scram-sha-256\n" + original).write(to: hba, atomically: false, encoding: .utf8)
        defer {
            try? original.write(to: hba, atomically: false, encoding: .utf8)
            _ = try? conn().execute("SELECT pg_reload_conf()")
        }
        try conn().execute("SELECT pg_reload_conf()")

        let socket = server.socketDirectory.path
        let attempts = [
            ConnectionString("host=\(socket) port=5432 user=strata_alice password='wrong-staple-99' dbname=postgres"),
            ConnectionString("postgresql://strata_alice:wrong-staple-99@/postgres?host=\(socket)&port=5432"),
        ]
        for attempt in attempts {
            XCTAssertThrowsError(try PGConnection(attempt)) { error in
                guard let error = error as? PostgresError else { return XCTFail("\(error)") }
                XCTAssertEqual(error.kind, .connection)
                XCTAssertTrue(error.message.contains("password authentication failed"), error.message)
                XCTAssertFalse("\(error)".contains("wrong-staple-99"))
                XCTAssertFalse(error.message.contains("wrong-staple-99"))
            }
            XCTAssertFalse(attempt.description.contains("wrong-staple-99"))
        }
        let good = try PGConnection(
            ConnectionString("host=\(socket) port=5432 user=strata_alice password=right-horse-battery dbname=postgres"))
        XCTAssertEqual(try good.execute("SELECT current_user")[0, 0], "strata_alice")
        good.close()
    }

    func testUnreachableServerIsAConnectionErrorWithoutPassword() {
        let attempts = [
            ConnectionString("host=/nonexistent/strata-socket-dir port=5432 user=u password=hunter2-secret dbname=x"),
            ConnectionString("postgresql://u:hunter2-secret@%2Fnonexistent%2Fstrata-socket-dir/x"),
        ]
        for attempt in attempts {
            XCTAssertThrowsError(try PGConnection(attempt)) { error in
                guard let error = error as? PostgresError else { return XCTFail("\(error)") }
                XCTAssertEqual(error.kind, .connection)
                XCTAssertTrue(error.message.contains("No such file or directory"), error.message)
                XCTAssertFalse("\(error)".contains("hunter2-secret"), "\(error)")
            }
        }
    }
}
