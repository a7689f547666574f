import Foundation
import XCTest
import StrataPostgres
import StrataTestSupport
@testable import StrataKit

/// Histories kept in the tools' own layouts (issue 12): each fixture in Fixtures/formats/ is
/// written as its tool documents it (README there), with a non-transactional revision, data
/// migrations and one broken down. Per format: lint, the stairway finds the broken down,
/// `squash --keep 4` in place (kept files untouched, the init takes revision k's names),
/// `verify squash`, the stairway on the squashed history, `archive restore` byte for byte.
final class HistoryFormatTests: XCTestCase {
    struct Expectation {
        var format: String
        var migrations: String
        var revisions: Int
        /// The revision whose down the stairway must flag (nil: the format has no downs).
        var broken: String?
        /// Revisions without a down section the stairway reports as irreversible.
        var irreversible: [String] = []
        /// The files the init revision is written to, relative to the migrations directory.
        var initFiles: [String]
    }

    static let expectations: [String: Expectation] = [
        "diesel": Expectation(format: "diesel", migrations: "migrations", revisions: 16, broken: "20240122161000",
                              initFiles: ["2024-02-12-091500_backfill_plans_yearly_price/up.sql", "2024-02-12-091500_backfill_plans_yearly_price/down.sql"]),
        "golang-migrate": Expectation(format: "golang-migrate", migrations: "migrations", revisions: 15, broken: "20240122160500",
                                      initFiles: ["20240212091500_backfill_plans_yearly_price.up.sql", "20240212091500_backfill_plans_yearly_price.down.sql"]),
        "dbmate": Expectation(format: "dbmate", migrations: "db/migrations", revisions: 15, broken: "20240108093000",
                              initFiles: ["20240212091500_backfill_plans_yearly_price.sql"]),
        "goose": Expectation(format: "goose", migrations: "migrations", revisions: 15, broken: "5",
                             initFiles: ["00011_backfill_plans_yearly_price.sql"]),
        "sqlx": Expectation(format: "sqlx", migrations: "migrations", revisions: 15, broken: "20240110141200",
                            initFiles: ["20240212091500_backfill_plans_yearly_price.up.sql", "20240212091500_backfill_plans_yearly_price.down.sql"]),
        "flyway": Expectation(format: "flyway", migrations: "sql", revisions: 15, broken: "2.1", irreversible: ["1"],
                              initFiles: ["V10__add_plans_yearly_price.sql", "U10__add_plans_yearly_price.sql"]),
        "prisma": Expectation(format: "prisma", migrations: "prisma/migrations", revisions: 15, broken: nil,
                              initFiles: ["20240212091500_backfill_plans_yearly_price/migration.sql"]),
    ]

    func testDiesel() throws { try squashInPlace("diesel") }
    func testGolangMigrate() throws { try squashInPlace("golang-migrate") }
    func testDbmate() throws { try squashInPlace("dbmate") }
    func testGoose() throws { try squashInPlace("goose") }
    func testSqlx() throws { try squashInPlace("sqlx") }
    func testFlyway() throws { try squashInPlace("flyway") }
    func testPrisma() throws { try squashInPlace("prisma") }

    /// A copy of a fixture project.
    func fixtureProject(_ name: String) throws -> URL {
        let source = try fixturesURL().appendingPathComponent("formats").appendingPathComponent(name)
        let project = try temporaryDirectory(self).appendingPathComponent(name)
        try FileManager.default.copyItem(at: source, to: project)
        return project
    }

    /// Every file under `directory`, by relative path (directories end in `/`).
    func snapshot(_ directory: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        let fm = FileManager.default
        for relative in try fm.subpathsOfDirectory(atPath: directory.path) {
            let url = directory.appendingPathComponent(relative)
            var isDirectory: ObjCBool = false
            _ = fm.fileExists(atPath: url.path, isDirectory: &isDirectory)
            out[isDirectory.boolValue ? relative + "/" : relative] = isDirectory.boolValue ? Data() : try Data(contentsOf: url)
        }
        return out
    }

    func squashInPlace(_ name: String) throws {
        let expected = try XCTUnwrap(Self.expectations[name])
        let project = try fixtureProject(name)
        let migrations = project.appendingPathComponent(expected.migrations)
        let before = try snapshot(migrations)

        // The history reads as the tool orders it, at least 12 revisions, lint clean of errors.
        let directory = try MigrationDirectory.load(migrations, format: HistoryFormat(name: expected.format),
                                                    settings: Configuration.read(project.appendingPathComponent("strata.toml")).formatSettings)
        XCTAssertEqual(directory.errors, [])
        let history = try directory.history()
        XCTAssertEqual(history.count, expected.revisions)
        XCTAssertGreaterThanOrEqual(history.count, 12)
        XCTAssertTrue(history.revisions.contains { !$0.isTransactional(.up) && $0.upSQL.contains("CONCURRENTLY") }, "the CREATE INDEX CONCURRENTLY revision runs outside a transaction")
        let lint = try CLI.run(["lint"], in: project)
        XCTAssertEqual(lint.status, 0, lint.stdout + lint.stderr)
        XCTAssertTrue(lint.stdout.contains("\(expected.revisions) revisions"), lint.stdout)

        // The stairway flags the broken down, and only it (and revisions without a down).
        let stairway = try strataWithScratch(["verify", "stairway", "--format", "json"], in: project)
        let report = try JSONSerialization.jsonObject(with: Data(stairway.stdout.utf8)) as? [String: Any]
        let failed = Set((report?["failedRevisions"] as? [String]) ?? [])
        XCTAssertEqual(failed, Set(([expected.broken].compactMap { $0 }) + expected.irreversible), stairway.stdout + stairway.stderr)
        XCTAssertEqual(stairway.status, failed.isEmpty ? 0 : 1, stairway.stderr)
        if expected.broken == nil {
            XCTAssertTrue(stairway.stderr.contains("nothing to check"), stairway.stderr)
            XCTAssertEqual((report?["unchecked"] as? [String])?.count, expected.revisions, "each revision is said to have nothing to check")
        } else {
            XCTAssertEqual((report?["unchecked"] as? [String]) ?? [], [])
        }

        // --dry-run proves and writes nothing.
        let dry = try strataWithScratch(["squash", "--keep", "4", "--dry-run"], in: project)
        XCTAssertEqual(dry.status, 0, dry.stdout + dry.stderr)
        XCTAssertEqual(try snapshot(migrations), before)

        // Squash in place: the init takes revision k's names, the kept files do not change.
        let squash = try strataWithScratch(["squash", "--keep", "4", "--name", "sq1"], in: project)
        XCTAssertEqual(squash.status, 0, squash.stdout + squash.stderr)
        XCTAssertTrue(squash.stdout.contains("revisions  \(expected.revisions) → 5"), squash.stdout)
        let after = try snapshot(migrations)
        let squashed = Array(history.revisions.prefix(history.count - 4))
        let kept = history.revisions.suffix(4)
        let k = try XCTUnwrap(squashed.last)
        for revision in kept {
            for file in revision.files { XCTAssertEqual(after[file], before[file], "kept file \(file) is untouched") }
        }
        for file in expected.initFiles {
            let text = String(decoding: try XCTUnwrap(after[file], "init file \(file)"), as: UTF8.self)
            if file == expected.initFiles[0] {
                XCTAssertTrue(text.hasPrefix("-- strata:squash archive=sq1.tar.gz revisions=\(squashed.count)\n"), String(text.prefix(200)))
            }
        }
        for revision in squashed.dropLast() {
            for file in revision.files { XCTAssertNil(after[file], "squashed file \(file) is gone") }
        }
        let reread = try MigrationDirectory.load(migrations, format: directory.format, settings: Configuration.read(project.appendingPathComponent("strata.toml")).formatSettings).history()
        XCTAssertEqual(reread.revisions.map(\.id), [k.id] + kept.map(\.id), "the init revision has revision k's identity")
        XCTAssertTrue(reread.revisions[0].isSquashInit)

        // The archive holds every squashed file byte for byte.
        let archive = try SquashArchive.read(project.appendingPathComponent("archive/sq1.tar.gz"))
        XCTAssertEqual(Set(archive.files.keys), Set(squashed.flatMap(\.files)))
        for (file, data) in archive.files { XCTAssertEqual(data, before[file], file) }
        XCTAssertEqual(archive.manifest.historyFormat, expected.format)

        // CI re-proves it; the squashed history passes the stairway; archive verify agrees.
        let verify = try strataWithScratch(["verify", "squash"], in: project)
        XCTAssertEqual(verify.status, 0, verify.stdout + verify.stderr)
        XCTAssertTrue(verify.stdout.contains("the squashed history is equivalent"), verify.stdout)
        let stairwayAfter = try strataWithScratch(["verify", "stairway"], in: project)
        XCTAssertEqual(stairwayAfter.status, expected.irreversible.contains(where: { id in kept.contains { $0.id == id } }) ? 1 : 0, stairwayAfter.stdout + stairwayAfter.stderr)
        let second = squashed[1]
        let show = try CLI.run(["archive", "show", second.id], in: project)
        XCTAssertEqual(show.status, 0, show.stderr)
        XCTAssertEqual(Data(show.stdout.utf8), before[try XCTUnwrap(second.fileName)], "archive show prints the revision's up file as it was")
        let archiveVerify = try CLI.run(["archive", "verify"], in: project)
        XCTAssertEqual(archiveVerify.status, 0, archiveVerify.stdout + archiveVerify.stderr)

        // Restore gives back the exact tree.
        let restore = try CLI.run(["archive", "restore"], in: project)
        XCTAssertEqual(restore.status, 0, restore.stdout + restore.stderr)
        XCTAssertTrue(restore.stdout.hasPrefix("restored \(squashed.count) revisions from "), restore.stdout)
        XCTAssertEqual(try snapshot(migrations), before, "archive restore gives back the tree byte for byte")
    }

    /// A second squash takes the first one's init revision with it; verify squash expands both
    /// archives, and two restores give back the original tree.
    func testSquashTwiceThenRestoreTwice() throws {
        let project = try fixtureProject("golang-migrate")
        let migrations = project.appendingPathComponent("migrations")
        let before = try snapshot(migrations)
        for (keep, name) in [(4, "sq1"), (2, "sq2")] {
            let r = try strataWithScratch(["squash", "--keep", "\(keep)", "--name", name], in: project)
            XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        }
        let verify = try strataWithScratch(["verify", "squash"], in: project)
        XCTAssertEqual(verify.status, 0, verify.stdout + verify.stderr)
        XCTAssertTrue(verify.stdout.contains("15 original revisions"), verify.stdout)
        XCTAssertTrue(verify.stdout.contains("against 3 current ones"), verify.stdout)
        for _ in 0..<2 {
            let r = try CLI.run(["archive", "restore"], in: project)
            XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        }
        XCTAssertEqual(try snapshot(migrations), before)
    }

    // MARK: - Crash safety in place

    /// A fault before each write step of a diesel squash (directories written and removed) and
    /// of a golang-migrate one (atlas.sum rewritten): `squash --resume` leaves exactly the
    /// original tree or exactly the squashed one, never a lost file.
    func testEveryFaultPointInPlace() throws {
        for name in ["diesel", "golang-migrate"] {
            let expected = try XCTUnwrap(Self.expectations[name])
            let reference = try fixtureProject(name)
            let original = try snapshot(reference.appendingPathComponent(expected.migrations))
            let done = try strataWithScratch(["squash", "--keep", "4", "--name", "sq1"], in: reference)
            XCTAssertEqual(done.status, 0, done.stdout + done.stderr)
            let squashed = try snapshot(reference.appendingPathComponent(expected.migrations))
            for k in 1...8 {
                let project = try fixtureProject(name)
                let migrations = project.appendingPathComponent(expected.migrations)
                let crashed = try strataWithScratch(["squash", "--keep", "4", "--name", "sq1"], in: project, environment: ["STRATA_FAULT_AT": "\(k)"])
                XCTAssertEqual(crashed.status, 86, "\(name) fault \(k): \(crashed.stderr)")
                if FileManager.default.fileExists(atPath: migrations.appendingPathComponent(SquashCommit.journalName).path) {
                    let lint = try CLI.run(["lint"], in: project)
                    XCTAssertNotEqual(lint.status, 0, "\(name) fault \(k): other commands refuse a half-written tree")
                } else {
                    XCTAssertEqual(k, 1, "\(name): only a fault before the journal leaves none")
                }
                let resumed = try CLI.run(["squash", "--resume"], in: project)
                XCTAssertEqual(resumed.status, 0, "\(name) fault \(k): \(resumed.stdout)\(resumed.stderr)")
                var after = try snapshot(migrations)
                after[SquashCommit.journalName] = nil
                if k <= 3 {
                    XCTAssertEqual(after, original, "\(name) fault \(k): undone, the tree is the original")
                } else {
                    // Finished: the same files as a squash without a fault; all but the init's
                    // (a fresh dump, with this build's now() and random values) byte for byte.
                    XCTAssertEqual(Set(after.keys), Set(squashed.keys), "\(name) fault \(k)")
                    for (file, data) in squashed where !expected.initFiles.contains(file) && file != AtlasSum.fileName {
                        XCTAssertEqual(after[file], data, "\(name) fault \(k): \(file)")
                    }
                    XCTAssertTrue(String(decoding: after[expected.initFiles[0]] ?? Data(), as: UTF8.self).hasPrefix("-- strata:squash archive=sq1.tar.gz"))
                    XCTAssertTrue(FileManager.default.fileExists(atPath: project.appendingPathComponent("archive/sq1.tar.gz").path))
                }
            }
        }
    }

    // MARK: - Reading: what each tool ignores and what it trips over

    /// Writes `files` (relative path → text) into a fresh directory and runs `strata lint` on it.
    func lint(_ format: String, _ files: [String: String], extraConfig: String = "") throws -> (CLI.Result, URL) {
        let project = try temporaryDirectory(self).appendingPathComponent("p")
        let migrations = project.appendingPathComponent("m")
        try FileManager.default.createDirectory(at: migrations, withIntermediateDirectories: true)
        try "format = \"\(format)\"\nmigrations = \"m\"\n\(extraConfig)".write(to: project.appendingPathComponent("strata.toml"), atomically: true, encoding: .utf8)
        for (path, text) in files {
            let url = migrations.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return (try CLI.run(["lint"], in: project), project)
    }

    func assertLint(_ format: String, _ files: [String: String], status: Int32, mentions: [String], extraConfig: String = "",
                    file: StaticString = #filePath, line: UInt = #line) throws {
        let (r, project) = try lint(format, files, extraConfig: extraConfig)
        XCTAssertEqual(r.status, status, r.stdout + r.stderr, file: file, line: line)
        for text in mentions { XCTAssertTrue(r.stdout.contains(text), "expected «\(text)» in: \(r.stdout)", file: file, line: line) }
        if status == 2 {
            // Nothing is written on bad input: squash refuses before any work.
            let before = try snapshot(project)
            let squash = try CLI.run(["squash", "--keep", "0"], in: project)
            XCTAssertNotEqual(squash.status, 0, file: file, line: line)
            XCTAssertEqual(try snapshot(project), before, file: file, line: line)
        }
    }

    func testDieselFiles() throws {
        let ok = ["2024-01-01-000000_a/up.sql": "SELECT 1;", "2024-01-01-000000_a/down.sql": "SELECT 1;", "README.md": "notes", ".keep": ""]
        try assertLint("diesel", ok, status: 0, mentions: ["1 revisions"])
        try assertLint("diesel", ok.merging(["2024-01-02-000000_b/notes.txt": "no up.sql here"]) { a, _ in a }, status: 2,
                       mentions: ["m/2024-01-02-000000_b:1", "no up.sql"])
        try assertLint("diesel", ok.merging(["20240101000000_again/up.sql": "SELECT 2;"]) { a, _ in a }, status: 2,
                       mentions: ["duplicate version 20240101000000"])
    }

    func testGolangMigrateFiles() throws {
        let ok = ["1_a.up.sql": "SELECT 1;", "1_a.down.sql": "SELECT 1;", "README.md": "x", "notes.sql": "SELECT 0;"]
        try assertLint("golang-migrate", ok, status: 0, mentions: ["1 revisions"])
        try assertLint("golang-migrate", ok.merging(["001_b.up.sql": "SELECT 2;"]) { a, _ in a }, status: 2, mentions: ["duplicate migration file"])
        try assertLint("golang-migrate", ok.merging(["2_b.down.sql": "SELECT 2;"]) { a, _ in a }, status: 2, mentions: ["m/2_b.down.sql:1", "a down file without its up file"])
    }

    func testDbmateFiles() throws {
        try assertLint("dbmate", ["1_a.sql": "-- migrate:up\nSELECT 1;\n-- migrate:down\nSELECT 1;\n", "README.md": "x"], status: 0, mentions: ["1 revisions"])
        try assertLint("dbmate", ["1_a.sql": "-- migrate:up\nSELECT 1;\n"], status: 2, mentions: ["m/1_a.sql", "define a down block"])
        try assertLint("dbmate", ["1_a.sql": "SELECT 0;\n-- migrate:up\nSELECT 1;\n-- migrate:down\n"], status: 2, mentions: ["m/1_a.sql:1", "statements preceding"])
    }

    func testGooseFiles() throws {
        let ok = ["00001_a.sql": "-- +goose Up\nSELECT 1;\n-- +goose Down\nSELECT 1;\n"]
        try assertLint("goose", ok, status: 0, mentions: ["1 revisions"])
        try assertLint("goose", ok.merging(["00002_b.go": "package migrations"]) { a, _ in a }, status: 2, mentions: ["m/00002_b.go:1", "a Go migration"])
        try assertLint("goose", ["00001_a.sql": "-- +goose Up\nSELECT 1\n"], status: 2, mentions: ["missing semicolon"])
        try assertLint("goose", ok.merging(["1_again.sql": "-- +goose Up\nSELECT 2;\n"]) { a, _ in a }, status: 2, mentions: ["duplicate version 1"])
        try assertLint("goose", ["00001_a.sql": "-- +goose Up\n-- +goose StatementBegin\nSELECT 1;\n"], status: 2, mentions: ["missing '-- +goose StatementEnd'"])
    }

    func testSqlxFiles() throws {
        try assertLint("sqlx", ["1_a.sql": "SELECT 1;", "README.md": "x"], status: 0, mentions: ["1 revisions"])
        try assertLint("sqlx", ["1_a.sql": "SELECT 1;", "notes_x.sql": "SELECT 0;"], status: 2, mentions: ["m/notes_x.sql:1", "integer version"])
        try assertLint("sqlx", ["1_a.up.sql": "SELECT 1;", "1_b.up.sql": "SELECT 2;"], status: 2, mentions: ["duplicate version 1"])
    }

    func testFlywayFiles() throws {
        try assertLint("flyway", ["V1__a.sql": "SELECT 1;", "U1__a.sql": "SELECT 1;", "R__views.sql": "SELECT 0;", "README.md": "x"], status: 0, mentions: ["1 revisions"])
        try assertLint("flyway", ["V1__a.sql": "SELECT 1;", "U1__a.sql": "SELECT 1;", "V1.0__b.sql": "SELECT 2;"], status: 2, mentions: ["Found more than one migration with version"])
        try assertLint("flyway", ["V1__a.sql": "SELECT 1;\nSELECT '${missing}';\n", "U1__a.sql": "SELECT 1;"], status: 2, mentions: ["m/V1__a.sql:2", "${missing}"])
        try assertLint("flyway", ["V1__a.sql": "SELECT '${Name}';\n", "U1__a.sql": "SELECT 1;"], status: 0, mentions: ["1 revisions"],
                       extraConfig: "[placeholders]\nname = \"x\"\n")
        try assertLint("flyway", ["V1__a.sql": "CREATE TABLE t (a int);\nCREATE INDEX CONCURRENTLY i ON t (a);\n", "U1__a.sql": "SELECT 1;"], status: 2,
                       mentions: ["m/V1__a.sql:2", "transactional and non-transactional"])
    }

    func testPrismaFiles() throws {
        let lock = "# Please do not edit this file manually\nprovider = \"postgresql\"\n"
        try assertLint("prisma", ["migration_lock.toml": lock, "20240101000000_a/migration.sql": "SELECT 1;"], status: 0, mentions: ["1 revisions"])
        try assertLint("prisma", ["migration_lock.toml": lock, "20240101000000_a/migration.sql": "SELECT 1;", "20240102000000_b/notes.txt": "x"], status: 2,
                       mentions: ["m/20240102000000_b:1", "without migration.sql"])
        try assertLint("prisma", ["migration_lock.toml": "provider = \"mysql\"\n", "20240101000000_a/migration.sql": "SELECT 1;"], status: 2, mentions: ["provider mysql"])
    }

    // MARK: - Detection

    func testInitDetectsEachFormat() throws {
        for (name, expected) in Self.expectations {
            let project = try fixtureProject(name)
            try FileManager.default.removeItem(at: project.appendingPathComponent("strata.toml"))
            let r = try CLI.run(["init"], in: project)
            XCTAssertEqual(r.status, 0, r.stderr)
            let config = try Configuration.read(project.appendingPathComponent("strata.toml"))
            XCTAssertEqual(config.format.rawValue, expected.format, "\(name): \(r.stdout)")
            XCTAssertEqual(config.migrationsDirectory.lastPathComponent, URL(fileURLWithPath: expected.migrations).lastPathComponent, name)
        }
        // --format chooses.
        let project = try fixtureProject("golang-migrate")
        try FileManager.default.removeItem(at: project.appendingPathComponent("strata.toml"))
        let r = try CLI.run(["init", "--format", "sqlx", "--migrations", "migrations"], in: project)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try Configuration.read(project.appendingPathComponent("strata.toml")).format, .sqlx)
    }

    // MARK: - atlas.sum

    func testAtlasSumIsRewrittenAsAtlasWritesIt() throws {
        // The fixture's atlas.sum was written by an independent implementation of Atlas's
        // algorithm (checked against Atlas's own committed sum files).
        let project = try fixtureProject("golang-migrate")
        let migrations = project.appendingPathComponent("migrations")
        let tree = try SourceTree.read(migrations, format: .golangMigrate)
        XCTAssertEqual(AtlasSum.render(tree.files), String(decoding: try XCTUnwrap(tree.files["atlas.sum"]), as: UTF8.self))
        // A stale atlas.sum stops squash before any work.
        try "SELECT 1;\n".write(to: migrations.appendingPathComponent("20240318170000_add_users_last_login_at.down.sql"), atomically: true, encoding: .utf8)
        try "-- edited\n".appendingFormat("%@", try String(contentsOf: migrations.appendingPathComponent("20240318170000_add_users_last_login_at.up.sql"), encoding: .utf8))
            .write(to: migrations.appendingPathComponent("20240318170000_add_users_last_login_at.up.sql"), atomically: true, encoding: .utf8)
        let r = try strataWithScratch(["squash", "--keep", "4", "--dry-run"], in: project)
        XCTAssertEqual(r.status, 2, r.stdout + r.stderr)
        XCTAssertTrue(r.stderr.contains("atlas.sum does not match"), r.stderr)
        // Lint says so too, with the fix.
        let lint = try CLI.run(["lint"], in: project)
        XCTAssertEqual(lint.status, 1, lint.stdout + lint.stderr)
        XCTAssertTrue(lint.stdout.contains("migrations/atlas.sum:1: error [atlas-sum]"), lint.stdout)
        XCTAssertTrue(lint.stdout.contains("atlas migrate hash"), lint.stdout)
    }
}
