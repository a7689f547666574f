import Foundation
import XCTest
import StrataPostgres
import StrataTestSupport
@testable import StrataKit

/// `--postgres MAJOR|BINDIR`, `[server] postgres` and `$STRATA_POSTGRES` (DESIGN §12), end to end
/// through the built binary with real installations and servers. The parts that need two majors
/// skip when only one is installed (`make test` on a clean Debian has 15 only); with
/// `STRATA_TEST_NEEDS_MAJORS=2` (CI, after scripts/fetch-postgres.sh) they fail instead.
final class PostgresChoiceTests: XCTestCase {
    /// One installation per major, newest first.
    static let majors: [PostgresInstallation] = {
        var seen = Set<Int>()
        return PostgresInstallation.installed().installations.filter { seen.insert($0.majorVersion).inserted }
    }()

    private func needMajors(_ count: Int) throws -> [PostgresInstallation] {
        if Self.majors.count < count {
            let message = "needs \(count) PostgreSQL majors, found \(Self.majors.map(\.version)); run scripts/fetch-postgres.sh 17 18"
            if let needed = ProcessInfo.processInfo.environment["STRATA_TEST_NEEDS_MAJORS"].flatMap(Int.init), needed >= count {
                XCTFail(message)
            }
            throw XCTSkip(message)
        }
        return Self.majors
    }

    /// `$STRATA_POSTGRES` unset (empty) unless a test sets it: the matrix sets it for the process.
    private let noEnvironmentChoice = ["STRATA_POSTGRES": "", "STRATA_PG_DUMP": ""]

    private func check(_ args: [String], in directory: URL, environment: [String: String] = [:]) throws -> (CLI.Result, [String: Any]) {
        let r = try CLI.run(["server", "check", "--format", "json"] + args, in: directory, environment: noEnvironmentChoice.merging(environment) { $1 })
        let json = (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8))) as? [String: Any] ?? [:]
        return (r, json)
    }

    func testFlagPicksAMajorOrABinDirectory() throws {
        let dir = try temporaryDirectory(self)
        for installation in Set([Self.majors.first, Self.majors.last].compactMap { $0 }) {
            let major = installation.majorVersion
            let (r, json) = try check(["--postgres", "\(major)"], in: dir)
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertEqual(json["bin_directory"] as? String, installation.binDirectory.path)
            XCTAssertTrue((json["server_version"] as? String ?? "").hasPrefix("\(major)."), r.stdout)
            XCTAssertEqual(json["chosen_by"] as? String, "--postgres \(major)")
            XCTAssertEqual(json["pg_dump"] as? String, installation.tool("pg_dump").path)

            // The text report names the installation, its version and what chose it.
            let text = try CLI.run(["server", "check", "--postgres", "\(major)"], in: dir, environment: noEnvironmentChoice)
            XCTAssertEqual(text.status, 0, text.stderr)
            let lines = text.stdout.split(separator: "\n").map(String.init)
            XCTAssertTrue(lines.first?.hasPrefix("PostgreSQL \(installation.version)") ?? false, text.stdout)
            XCTAssertTrue(lines.first?.hasSuffix(" from \(installation.binDirectory.path) (--postgres \(major))") ?? false, text.stdout)
            XCTAssertTrue(lines.last?.hasPrefix("pg_dump for squash: \(installation.tool("pg_dump").path), pg_dump (PostgreSQL) \(installation.version)") ?? false, text.stdout)
        }
        // A binary directory, relative to the working directory, through a symlink to the
        // installation's root (the root works as well as its bin/).
        let installation = try XCTUnwrap(Self.majors.last)
        try FileManager.default.createSymbolicLink(at: dir.appendingPathComponent("pg"), withDestinationURL: installation.binDirectory.deletingLastPathComponent())
        for given in ["pg", "pg/bin", installation.binDirectory.path] {
            let (r, json) = try check(["--postgres", given], in: dir)
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertEqual(json["bin_directory"] as? String, installation.binDirectory.path, given)
        }
    }

    func testConfigPicksTheInstallationRelativeToTheConfigFile() throws {
        let installation = try XCTUnwrap(Self.majors.last)
        let project = try temporaryDirectory(self)
        let sub = project.appendingPathComponent("sub/deeper")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        let config = project.appendingPathComponent("strata.toml")
        for value in ["\"\(installation.majorVersion)\"", "\(installation.majorVersion)"] {
            try "[server]\npostgres = \(value)\n".write(to: config, atomically: true, encoding: .utf8)
            let (r, json) = try check([], in: sub)
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertEqual(json["bin_directory"] as? String, installation.binDirectory.path)
            XCTAssertEqual(json["chosen_by"] as? String, "[server] postgres = \"\(installation.majorVersion)\" in \(config.path)")
        }
        // A relative directory is relative to the config file, not to the working directory.
        try FileManager.default.createSymbolicLink(at: project.appendingPathComponent("pg"), withDestinationURL: installation.binDirectory.deletingLastPathComponent())
        try "[server]\npostgres = \"pg/bin\"\n".write(to: config, atomically: true, encoding: .utf8)
        let (r, json) = try check([], in: sub)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(json["bin_directory"] as? String, installation.binDirectory.path)
        XCTAssertEqual(json["chosen_by"] as? String, "[server] postgres = \"\(project.appendingPathComponent("pg/bin").standardizedFileURL.path)\" in \(config.path)")
        // Neither a string nor an integer: a config error (exit 2).
        try "[server]\npostgres = true\n".write(to: config, atomically: true, encoding: .utf8)
        let bad = try CLI.run(["server", "check"], in: sub)
        XCTAssertEqual(bad.status, 2, bad.stderr)
        XCTAssertTrue(bad.stderr.contains("strata.toml:2: `server.postgres` must be a quoted string"), bad.stderr)
    }

    /// flag > config > `$STRATA_POSTGRES` > newest. With one major the missing directories tell
    /// which one was used; with two, the server's version does.
    func testPrecedenceFlagConfigEnvironmentNewest() throws {
        let project = try temporaryDirectory(self)
        try "[server]\npostgres = \"/nonexistent-config/bin\"\n".write(to: project.appendingPathComponent("strata.toml"), atomically: true, encoding: .utf8)
        let env = ["STRATA_POSTGRES": "/nonexistent-env/bin"]
        var r = try CLI.run(["server", "check", "--postgres", "/nonexistent-flag/bin"], in: project, environment: env)
        XCTAssertEqual(r.status, 3, r.stderr)
        XCTAssertTrue(r.stderr.contains("There is no executable postgres in /nonexistent-flag/bin."), r.stderr)
        r = try CLI.run(["server", "check"], in: project, environment: env)
        XCTAssertEqual(r.status, 3, r.stderr)
        XCTAssertTrue(r.stderr.contains("/nonexistent-config/bin"), r.stderr)
        try FileManager.default.removeItem(at: project.appendingPathComponent("strata.toml"))
        r = try CLI.run(["server", "check"], in: project, environment: env)
        XCTAssertEqual(r.status, 3, r.stderr)
        XCTAssertTrue(r.stderr.contains("/nonexistent-env/bin"), r.stderr)
        let (newest, json) = try check([], in: project)
        XCTAssertEqual(newest.status, 0, newest.stderr)
        XCTAssertEqual(json["bin_directory"] as? String, PostgresInstallation.preferred(PostgresInstallation.installed().installations)?.binDirectory.path)
        XCTAssertEqual(json["chosen_by"] as? String, "newest installed")

        let majors = try needMajors(2)
        let (new, old) = (majors[0], majors[majors.count - 1])
        try "[server]\npostgres = \"\(new.majorVersion)\"\n".write(to: project.appendingPathComponent("strata.toml"), atomically: true, encoding: .utf8)
        // config (new) over the environment (old)
        var (result, report) = try check([], in: project, environment: ["STRATA_POSTGRES": "\(old.majorVersion)"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(report["bin_directory"] as? String, new.binDirectory.path)
        // flag (old) over the config (new)
        (result, report) = try check(["--postgres", "\(old.majorVersion)"], in: project)
        XCTAssertEqual(report["bin_directory"] as? String, old.binDirectory.path, result.stderr)
        // the environment (old) over the newest
        try FileManager.default.removeItem(at: project.appendingPathComponent("strata.toml"))
        (result, report) = try check([], in: project, environment: ["STRATA_POSTGRES": "\(old.majorVersion)"])
        XCTAssertEqual(report["bin_directory"] as? String, old.binDirectory.path, result.stderr)
        XCTAssertEqual(report["chosen_by"] as? String, "$STRATA_POSTGRES=\(old.majorVersion)")
    }

    func testAMajorThatIsNotInstalledListsWhatWasFound() throws {
        let project = try squashProject(self)
        let newest = try XCTUnwrap(Self.majors.first)
        var r = try CLI.run(["server", "check", "--postgres", "9"], in: project, environment: noEnvironmentChoice)
        XCTAssertEqual(r.status, 3, r.stderr)
        XCTAssertTrue(r.stderr.hasPrefix("strata: PostgreSQL 9 is not installed"), r.stderr)
        XCTAssertTrue(r.stderr.contains("Found: \(newest.version) (\(newest.binDirectory.path))"), r.stderr)
        for installation in Self.majors { XCTAssertTrue(r.stderr.contains(installation.binDirectory.path), r.stderr) }
        // The config's choice reaches squash's embedded server too.
        try "[server]\npostgres = \"9\"\n".write(to: project.appendingPathComponent("strata.toml"), atomically: true, encoding: .utf8)
        r = try CLI.run(["squash", "--keep", "3", "--dry-run"], in: project, environment: noEnvironmentChoice)
        XCTAssertEqual(r.status, 3, r.stderr)
        XCTAssertTrue(r.stderr.hasPrefix("strata: PostgreSQL 9 is not installed"), r.stderr)
        r = try CLI.run(["server", "check", "--postgres", ""], in: project)
        XCTAssertEqual(r.status, 2, r.stderr)
    }

    /// `server check --scratch-url` reports that server and the pg_dump squash would use.
    func testServerCheckWithScratchURL() throws {
        let server = try TestServer.shared()
        let dir = try temporaryDirectory(self)
        let url = server.connectionString().raw
        let (r, json) = try check(["--scratch-url", url], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(json["server"] as? String, "scratch-url")
        XCTAssertTrue((json["server_version"] as? String ?? "").hasPrefix("\(server.installation.majorVersion)."), r.stdout)
        XCTAssertNotNil(json["pg_dump"] as? String)
        XCTAssertNil(json["pg_dump_problem"])
        let text = try CLI.run(["server", "check", "--scratch-url", url], in: dir, environment: noEnvironmentChoice)
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.hasPrefix("PostgreSQL \(server.installation.version)"), text.stdout)
        XCTAssertTrue(text.stdout.contains(" (scratch server; strata did not start it)\n"), text.stdout)
        XCTAssertTrue(text.stdout.contains("\npg_dump for squash: "), text.stdout)
        // Nothing listens there: exit 3.
        let down = try CLI.run(["server", "check", "--scratch-url", "postgresql://nobody:pw-secret@127.0.0.1:1/postgres"], in: dir)
        XCTAssertEqual(down.status, 3, down.stderr)
        XCTAssertTrue(down.stderr.hasPrefix("strata: cannot connect to the scratch server"), down.stderr)
        XCTAssertFalse(down.stderr.contains("pw-secret"))
    }

    /// A pg_dump older than the scratch server is refused (exit 3): `--postgres OLD` with a newer
    /// server given by `--scratch-url`, and `$STRATA_PG_DUMP`.
    func testPgDumpOlderThanTheServerIsRefused() throws {
        let majors = try needMajors(2)
        let (new, old) = (majors[0], majors[majors.count - 1])
        var options = EmbeddedServer.Options()
        options.installation = new
        let server = try EmbeddedServer.start(options)
        defer { server.stop() }
        let url = server.connectionString().raw
        let project = try squashProject(self)
        let refusal = "\(old.tool("pg_dump").path) is pg_dump (PostgreSQL) \(old.version)"
        let older = "older than the server (PostgreSQL \(new.majorVersion)); pg_dump's major version must be at least the server's"

        var r = try CLI.run(["squash", "--keep", "3", "--dry-run", "--scratch-url", url, "--postgres", "\(old.majorVersion)"], in: project, environment: noEnvironmentChoice)
        XCTAssertEqual(r.status, 3, r.stdout + r.stderr)
        XCTAssertTrue(r.stderr.hasPrefix("strata: \(refusal)"), r.stderr)
        XCTAssertTrue(r.stderr.contains(older), r.stderr)

        r = try CLI.run(["squash", "--keep", "3", "--dry-run", "--scratch-url", url], in: project, environment: ["STRATA_PG_DUMP": old.tool("pg_dump").path, "STRATA_POSTGRES": ""])
        XCTAssertEqual(r.status, 3, r.stdout + r.stderr)
        XCTAssertTrue(r.stderr.hasPrefix("strata: \(refusal)"), r.stderr)

        // The environment's choice counts for pg_dump too when nothing else picks.
        r = try CLI.run(["squash", "--keep", "3", "--dry-run", "--scratch-url", url], in: project, environment: ["STRATA_POSTGRES": "\(old.majorVersion)", "STRATA_PG_DUMP": ""])
        XCTAssertEqual(r.status, 3, r.stdout + r.stderr)
        XCTAssertTrue(r.stderr.contains(older), r.stderr)

        // server check reports the server and refuses the pg_dump.
        let (check, json) = try check(["--scratch-url", url, "--postgres", "\(old.majorVersion)"], in: project)
        XCTAssertEqual(check.status, 3, check.stderr)
        XCTAssertTrue((json["server_version"] as? String ?? "").hasPrefix("\(new.majorVersion)."), check.stdout)
        XCTAssertEqual(json["bin_directory"] as? String, old.binDirectory.path)
        XCTAssertTrue(check.stderr.contains(older), check.stderr)

        // The newer pg_dump against the same server is taken (whether the proof then holds on
        // that major is the matrix's business).
        r = try CLI.run(["squash", "--keep", "3", "--dry-run", "--scratch-url", url, "--postgres", "\(new.majorVersion)"], in: project, environment: noEnvironmentChoice)
        XCTAssertFalse(r.stderr.contains("older than the server"), r.stderr)
        XCTAssertFalse(r.stderr.contains("pg_dump was not found"), r.stderr)
    }
}
