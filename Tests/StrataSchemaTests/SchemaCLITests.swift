import Foundation
import StrataPostgres
import StrataTestSupport
import XCTest

/// `strata schema dump` and `strata schema diff`, run as the real binary (STYLE 15).
final class SchemaCLITests: XCTestCase {
    struct Run {
        var stdout: String
        var stderr: String
        var status: Int32
    }

    /// The built `strata` next to the test bundle (or `$STRATA_BIN`).
    static var binary: URL {
        if let explicit = ProcessInfo.processInfo.environment["STRATA_BIN"] { return URL(fileURLWithPath: explicit) }
        let bundle = Bundle(for: SchemaCLITests.self).bundleURL
        for candidate in [bundle.appendingPathComponent("strata"), bundle.deletingLastPathComponent().appendingPathComponent("strata")]
        where FileManager.default.isExecutableFile(atPath: candidate.path) {
            return candidate
        }
        return bundle.deletingLastPathComponent().appendingPathComponent("strata")
    }

    func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Run {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("strata-schema-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let outURL = directory.appendingPathComponent("out")
        let errURL = directory.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "DATABASE_URL")
        env.merge(environment) { $1 }
        process.environment = env
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        return Run(
            stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self),
            status: process.terminationStatus)
    }

    private func database(_ sql: String) throws -> ConnectionString {
        let url = try freshDatabase(self)
        let connection = try PGConnection(url)
        try connection.execute(sql)
        connection.close()
        return url
    }

    func testDiffExitCodesAndFormats() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: Self.binary.path), "strata is not built")
        let a = try database("CREATE TABLE users (id int, email text); INSERT INTO users VALUES (1, 'a');")
        let b = try database("CREATE TABLE users (id int, email text NOT NULL, name text); INSERT INTO users VALUES (1, 'b');")
        let same = try database("CREATE TABLE users (id int, email text); INSERT INTO users VALUES (1, 'a');")

        let equal = try run(["schema", "diff", a.raw, same.raw])
        XCTAssertEqual(equal.status, 0, equal.stderr)
        XCTAssertEqual(equal.stdout, "no differences\n")

        let different = try run(["schema", "diff", a.raw, b.raw, "--data"])
        XCTAssertEqual(different.status, 1, different.stderr)
        XCTAssertEqual(different.stdout, """
            ~ column public.users.email: not_null false → true
            + column public.users.name

            """.replacingOccurrences(of: "\n\n", with: "\n") + "~ data public.users: content hash \(try hashPrefix(a)) → \(try hashPrefix(b)) (same row count)\n")

        let json = try run(["schema", "diff", a.raw, b.raw, "--format", "json"])
        XCTAssertEqual(json.status, 1)
        let decoded = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        XCTAssertEqual(decoded?["equal"] as? Bool, false)
        XCTAssertEqual((decoded?["changes"] as? [[String: Any]])?.count, 2)
        XCTAssertEqual((decoded?["changes"] as? [[String: Any]])?.first?["attribute"] as? String, "not_null")

        let quiet = try run(["schema", "diff", a.raw, same.raw, "--quiet"])
        XCTAssertEqual(quiet.status, 0)
        XCTAssertEqual(quiet.stdout, "")
    }

    func testDumpUsesTheDatabaseURLAndLeavesTheVersionTableOut() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: Self.binary.path), "strata is not built")
        let url = try database("CREATE TABLE t (a int); CREATE TABLE strata_version (revision text); INSERT INTO t VALUES (1);")
        let dump = try run(["schema", "dump", "--data"], environment: ["DATABASE_URL": url.raw])
        XCTAssertEqual(dump.status, 0, dump.stderr)
        XCTAssertTrue(dump.stdout.contains("table public.t\n"), dump.stdout)
        XCTAssertFalse(dump.stdout.contains("strata_version"), dump.stdout)
        XCTAssertTrue(dump.stdout.contains("data public.t: 1 row, md5 "), dump.stdout)

        let explicit = try run(["schema", "dump", url.raw, "--format", "json"])
        XCTAssertEqual(explicit.status, 0, explicit.stderr)
        XCTAssertTrue(explicit.stdout.contains("\"id\": \"column public.t.a\""), explicit.stdout)
        let again = try run(["schema", "dump", url.raw, "--format", "json"])
        XCTAssertEqual(again.stdout, explicit.stdout, "the dump is deterministic")
    }

    func testConnectionFailuresExitThreeWithoutThePassword() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: Self.binary.path), "strata is not built")
        let server = try TestServer.shared()
        let missing = "host=\(server.socketDirectory.path) port=\(server.port) user=postgres password=hunter22 dbname=no_such_db"
        let dump = try run(["schema", "dump", missing])
        XCTAssertEqual(dump.status, 3)
        XCTAssertTrue(dump.stderr.contains("cannot connect to"), dump.stderr)
        XCTAssertTrue(dump.stderr.contains("no_such_db"), dump.stderr)
        XCTAssertFalse(dump.stderr.contains("hunter22"), dump.stderr)

        let a = try database("CREATE TABLE t (a int);")
        let diff = try run(["schema", "diff", a.raw, missing])
        XCTAssertEqual(diff.status, 3)
        XCTAssertFalse(diff.stderr.contains("hunter22"), diff.stderr)

        let noURL = try run(["schema", "dump"])
        XCTAssertEqual(noURL.status, 2)
        XCTAssertTrue(noURL.stderr.contains("DATABASE_URL"), noURL.stderr)
    }

    private func hashPrefix(_ url: ConnectionString) throws -> String {
        let connection = try PGConnection(url)
        defer { connection.close() }
        let hash = try connection.query("SELECT md5(string_agg(t::text, E'\\n' ORDER BY t::text COLLATE \"C\")) FROM ONLY public.users t")[0, 0] ?? ""
        return String(hash.prefix(8))
    }
}
