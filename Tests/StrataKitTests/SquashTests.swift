import Foundation
import XCTest
import StrataPostgres
import StrataTestSupport
@testable import StrataKit

/// `strata squash` end to end on the test server: the plan, the proof, the rewritten tree.
final class SquashTests: XCTestCase {
    private let proofChecks = [
        "squash point: the init revision builds what the squashed revisions built",
        "stairway: the init revision's down leaves an empty database",
        "stairway: the init revision applies again to the same state",
        "head: the squashed history builds what the original history builds",
    ]

    func testDryRunProvesAndWritesNothing() throws {
        let project = try squashProject(self)
        // Without an archive directory: a dry run does not even create it.
        try FileManager.default.removeItem(at: project.appendingPathComponent("archive"))
        let before = try treeSnapshot(project)
        let databases = try leftoverScratchDatabases()
        let r = try strataWithScratch(["squash", "--keep", "3", "--dry-run"], in: project)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("squash plan (dry run, nothing written)\n"), r.stdout)
        XCTAssertTrue(r.stdout.contains("  squashed   r01 … r05 (5 revisions)\n"), r.stdout)
        XCTAssertTrue(r.stdout.contains("  kept       3 revisions, from r06\n"), r.stdout)
        XCTAssertTrue(r.stdout.contains("(not written)"), r.stdout)
        XCTAssertTrue(r.stdout.contains("  revisions  8 → 4\n"), r.stdout)
        let checks = r.stdout.split(separator: "\n").filter { $0.hasPrefix("  ✓ ") || $0.hasPrefix("  ✗ ") }
        XCTAssertEqual(checks.count, 4, r.stdout)
        for (line, name) in zip(checks, proofChecks) {
            XCTAssertTrue(line.hasPrefix("  ✓ \(name) ("), "\(line)")
        }
        assertSameTree(before, try treeSnapshot(project), "--dry-run")
        XCTAssertEqual(try leftoverScratchDatabases(), databases, "the scratch databases are dropped")
    }

    func testSquashRewritesTheTreeAndReports() throws {
        let project = try squashProject(self)
        // Without an archive directory: squash creates it.
        try FileManager.default.removeItem(at: project.appendingPathComponent("archive"))
        let original = try revisionFiles(project)
        let databases = try leftoverScratchDatabases()
        let r = try strataWithScratch(["squash", "--keep", "3"], in: project)
        XCTAssertEqual(r.status, 0, r.stderr)
        let initRevision = try theInitRevision(project)
        XCTAssertTrue(r.stdout.hasPrefix("squashed 5 revisions into \(initRevision.id)\n"), r.stdout)
        XCTAssertEqual(r.stdout.split(separator: "\n").filter { $0.hasPrefix("  ✓ ") }.count, 4, r.stdout)
        XCTAssertTrue(r.stdout.contains("  revisions  8 → 4\n"), r.stdout)
        XCTAssertTrue(r.stdout.contains("  pg_dump    pg_dump (PostgreSQL) "), r.stdout)
        for step in ["lint", "apply 5 revisions", "dump", "archive and write"] {
            XCTAssertTrue(r.stdout.contains("\n  \(step) "), "step \(step): \(r.stdout)")
        }
        // The default archive name: <date>_<first id>_<last id>.
        let archives = try FileManager.default.contentsOfDirectory(atPath: project.appendingPathComponent("archive").path)
        XCTAssertEqual(archives.count, 1)
        let archive = try XCTUnwrap(archives.first)
        XCTAssertTrue(archive.hasSuffix("_r01_r05.tar.gz") && archive.count == "YYYY-MM-DD_r01_r05.tar.gz".count, archive)
        XCTAssertTrue(r.stdout.contains("  archive    archive/\(archive)\n"), r.stdout)
        XCTAssertEqual(initRevision.archive, archive)
        XCTAssertEqual(initRevision.replaces, SquashFixture.ids(1...5))
        XCTAssertEqual(initRevision.parents, [])
        XCTAssertNotNil(initRevision.downSQL)
        let initName = try XCTUnwrap(initRevision.fileName)
        XCTAssertTrue(initName.hasPrefix("\(initRevision.id)_"), initName)

        // The init revision: pg_dump output cleaned for libpq, round-tripping through the parser.
        let initText = try String(contentsOf: project.appendingPathComponent("migrations/\(initName)"), encoding: .utf8)
        XCTAssertEqual(RevisionWriter.render(initRevision), initText, "the init file round-trips byte for byte")
        for gone in ["\\restrict", "\\unrestrict", "-- Dumped from", "-- Dumped by", "transaction_timeout", "COPY ", "strata_version", "OWNER TO"] {
            XCTAssertFalse(initRevision.upSQL.contains(gone), "the up section contains \(gone)")
        }
        for object in ["CREATE TYPE public.account_status AS ENUM", "CREATE FUNCTION public.set_updated_at()", "CREATE VIEW public.active_accounts",
                       "CREATE TRIGGER accounts_updated", "CREATE INDEX ix_subscriptions_account", "INSERT INTO public.plans"] {
            XCTAssertTrue(initRevision.upSQL.contains(object), "the up section lacks \(object)")
        }
        XCTAssertFalse(initRevision.upSQL.contains("seats"), "r06 (kept) adds seats; the squash point has none")

        let files = try revisionFiles(project)
        XCTAssertEqual(Set(files.keys), Set([initName, "r06_rev.sql", "r07_rev.sql", "r08_rev.sql"]))
        XCTAssertEqual(files["r07_rev.sql"], original["r07_rev.sql"])
        XCTAssertEqual(files["r08_rev.sql"], original["r08_rev.sql"])
        XCTAssertEqual(files["r06_rev.sql"].map { String(decoding: $0, as: UTF8.self) },
                       String(decoding: try XCTUnwrap(original["r06_rev.sql"]), as: UTF8.self)
                           .replacingOccurrences(of: "-- down_revision: r05\n", with: "-- down_revision: \(initRevision.id)\n"))
        let lint = try CLI.run(["lint", "--strict"], in: project)
        XCTAssertEqual(lint.status, 0, lint.stdout + lint.stderr)
        let history = try CLI.run(["history"], in: project)
        XCTAssertEqual(history.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true)[1] }, [Substring(initRevision.id), "r06", "r07", "r08"], history.stdout)
        XCTAssertTrue(history.stdout.hasSuffix("(head)\n") && history.stdout.contains("(init, replaces 5)"), history.stdout)
        XCTAssertEqual(try leftoverScratchDatabases(), databases, "the scratch databases are dropped")

        // The squashed history builds on a fresh database what the original built.
        let squashedDB = try freshDatabase(self), originalDB = try freshDatabase(self)
        XCTAssertEqual(try CLI.run(["upgrade", "--database-url", squashedDB.raw], in: project).status, 0)
        let originalProject = try squashProject(self)
        XCTAssertEqual(try CLI.run(["upgrade", "--database-url", originalDB.raw], in: originalProject).status, 0)
        let diff = try CLI.run(["schema", "diff", "--data", originalDB.raw, squashedDB.raw], in: project)
        XCTAssertEqual(diff.status, 0, diff.stdout + diff.stderr)
    }

    /// A squash keeping nothing: the init revision is the whole history.
    func testKeepZeroSquashesEverything() throws {
        let project = try squashProject(self, Array(SquashFixture.standard.prefix(4)))
        let r = try strataWithScratch(["squash", "--keep", "0", "--name", "all"], in: project)
        XCTAssertEqual(r.status, 0, r.stderr)
        let initRevision = try theInitRevision(project)
        XCTAssertEqual(initRevision.replaces, SquashFixture.ids(1...4))
        XCTAssertEqual(try revisionFiles(project).count, 1)
        XCTAssertEqual(r.stdout.split(separator: "\n").filter { $0.hasPrefix("  ✓ ") }.count, 3, "no head check without kept revisions: \(r.stdout)")
        XCTAssertEqual(try CLI.run(["lint", "--strict"], in: project).status, 0)
        let verify = try strataWithScratch(["verify", "squash"], in: project)
        XCTAssertEqual(verify.status, 0, verify.stdout + verify.stderr)
    }

    // MARK: - A failing proof writes nothing

    /// pg_dump cannot reproduce the column order of an inheritance child whose parent gained a
    /// column after the child was created: the child's columns come back as (a, b, c) instead of
    /// (a, c, b). The proof sees it; nothing is written; exit 1 with the difference.
    func testProofFailureOnInheritedColumnOrderWritesNothing() throws {
        let project = try squashProject(self, [
            ("CREATE TABLE parent (a int);\nCREATE TABLE child (c int) INHERITS (parent);\nINSERT INTO child (a, c) VALUES (1, 3);", "DROP TABLE child;\nDROP TABLE parent;"),
            ("ALTER TABLE parent ADD COLUMN b int;", "ALTER TABLE parent DROP COLUMN b;"),
            ("CREATE TABLE other (id int);", "DROP TABLE other;"),
        ])
        let before = try treeSnapshot(project)
        let databases = try leftoverScratchDatabases()
        for dryRun in [true, false] {
            let r = try strataWithScratch(["squash", "--keep", "1"] + (dryRun ? ["--dry-run"] : []), in: project)
            XCTAssertEqual(r.status, 1, "dry run \(dryRun): \(r.stdout)\(r.stderr)")
            XCTAssertTrue(r.stderr.hasPrefix("strata: the squash proof failed; nothing was written:\n"), r.stderr)
            XCTAssertTrue(r.stderr.contains("  squash point: the init revision builds what the squashed revisions built:\n    ~ column public.child.b moved from position 3 to 2\n"), r.stderr)
            XCTAssertTrue(r.stderr.contains("  head: the squashed history builds what the original history builds:\n    ~ column public.child.b moved from position 3 to 2\n"), r.stderr)
            XCTAssertFalse(r.stderr.contains("stairway"), "the stairway checks hold: \(r.stderr)")
            assertSameTree(before, try treeSnapshot(project), "a failed proof (dry run \(dryRun))")
        }
        XCTAssertEqual(try leftoverScratchDatabases(), databases, "the scratch databases are dropped after a failed proof")
    }

    /// A kept revision whose rows depend on something the proof does not compare at the squash
    /// point (a column's physical number: the original dropped a column before it, the init
    /// revision never had it): the squash point matches, head does not, and the data difference
    /// is shown. Both builds of either history agree, so calibration leaves nothing out.
    func testProofFailureAtHeadOnlyWritesNothing() throws {
        let project = try squashProject(self, [
            ("CREATE TABLE a (id int, gone int, c int);\nALTER TABLE a DROP COLUMN gone;", "DROP TABLE a;"),
            ("CREATE TABLE settings (key text PRIMARY KEY, value text);", "DROP TABLE settings;"),
            ("INSERT INTO settings SELECT 'attnum', attnum::text FROM pg_attribute WHERE attrelid = 'a'::regclass AND attname = 'c';", "DELETE FROM settings;"),
        ])
        let before = try treeSnapshot(project)
        let r = try strataWithScratch(["squash", "--keep", "1"], in: project)
        XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
        XCTAssertTrue(r.stderr.hasPrefix("strata: the squash proof failed; nothing was written:\n  head: "), r.stderr)
        XCTAssertFalse(r.stderr.contains("squash point:"), r.stderr)
        XCTAssertTrue(r.stderr.contains("public.settings"), r.stderr)
        assertSameTree(before, try treeSnapshot(project), "a failed proof at head")
    }

    // MARK: - Objects the init revision's down must drop (stairway)

    /// The init revision's down must drop everything its up created, or the stairway re-apply
    /// fails. Collations, text search configurations and foreign-data wrappers are created by
    /// the dump but not dropped by the generated down section.
    func testInitDownDropsCollationsTextSearchAndForeignDataWrappers() throws {
        // PyPI's server builds (14, 16, 17, 18 in the matrix) have no ICU: a libc collation there.
        let icu = try TestServer.holds("EXISTS (SELECT FROM pg_catalog.pg_collation WHERE collname = 'und-x-icu')")
        let collation = icu
            ? "CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);"
            : "CREATE COLLATION ci (provider = libc, locale = 'C');"
        let cases: [(String, String)] = [
            ("collation", collation + "\nCREATE TABLE tags (name text COLLATE ci);"),
            ("text search configuration", "CREATE TEXT SEARCH CONFIGURATION my_ts (COPY = pg_catalog.english);"),
            ("foreign-data wrapper", "CREATE FOREIGN DATA WRAPPER dummy_fdw;\nCREATE SERVER dummy_server FOREIGN DATA WRAPPER dummy_fdw;"),
        ]
        for (what, sql) in cases {
            XCTAssertNotNil(try squashKeepingOne(after: (sql, "SELECT 1;")), "a \(what) in the squashed revisions")
        }
    }

    /// `first` and two small revisions after it, squashed with `--keep 1`: the project and its init
    /// revision (nil when the squash failed, which fails the test).
    private func squashKeepingOne(after first: (up: String, down: String?), file: StaticString = #filePath, line: UInt = #line)
        throws -> (project: URL, initRevision: Revision)?
    {
        let project = try squashProject(self, [first, ("CREATE TABLE a (id int);", "DROP TABLE a;"), ("CREATE TABLE b (id int);", "DROP TABLE b;")])
        let r = try strataWithScratch(["squash", "--keep", "1", "--name", "sq"], in: project)
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr, file: file, line: line)
        guard r.status == 0 else { return nil }
        return (project, try theInitRevision(project, file: file, line: line))
    }

    /// A publication is dumped into the init revision (and dropped by its down), and the proof
    /// compares it: a squash used to leave publications out without a word.
    func testPublicationsSurviveTheSquash() throws {
        // Row filters came with PostgreSQL 15.
        let rowFilter = try TestServer.major() >= 15
        guard let (project, initRevision) = try squashKeepingOne(after: (
            "CREATE TABLE t (id int PRIMARY KEY, a int);\nCREATE PUBLICATION pub FOR TABLE t\(rowFilter ? " WHERE (a > 0)" : "") WITH (publish = 'insert');",
            "DROP PUBLICATION pub;\nDROP TABLE t;"))
        else { return }
        XCTAssertTrue(initRevision.upSQL.contains("CREATE PUBLICATION pub WITH (publish = 'insert');"), initRevision.upSQL)
        XCTAssertTrue(initRevision.upSQL.contains("ALTER PUBLICATION pub ADD TABLE ONLY public.t\(rowFilter ? " WHERE ((a > 0))" : "");"), initRevision.upSQL)
        XCTAssertTrue(initRevision.downSQL?.contains("DROP PUBLICATION IF EXISTS pub;") ?? false, initRevision.downSQL ?? "")
        let verify = try strataWithScratch(["verify", "squash"], in: project)
        XCTAssertEqual(verify.status, 0, verify.stdout + verify.stderr)
    }

    /// A revision that gives an object to another role: the init revision keeps that
    /// `ALTER ... OWNER TO` (and no other: what the migrations create belongs to whoever runs
    /// them), and the proof sees an owner the init revision lost.
    func testOwnersOtherThanTheMigrationRoleSurviveTheSquash() throws {
        let role = try temporaryRole(self, "strata_squash_owner")
        guard let (project, initRevision) = try squashKeepingOne(after: ("CREATE TABLE t (id int);\nALTER TABLE t OWNER TO \(role);", "DROP TABLE t;"))
        else { return }
        let owners = initRevision.upSQL.split(separator: "\n").filter { $0.contains("OWNER TO") }
        XCTAssertEqual(owners, ["ALTER TABLE public.t OWNER TO \(role);"], initRevision.upSQL)

        // Without that line the proof fails, naming the owner.
        let url = project.appendingPathComponent("migrations").appendingPathComponent(try XCTUnwrap(initRevision.fileName))
        try (try String(contentsOf: url, encoding: .utf8)).replacingOccurrences(of: "ALTER TABLE public.t OWNER TO \(role);\n", with: "")
            .write(to: url, atomically: true, encoding: .utf8)
        XCTAssertEqual(try CLI.run(["hash"], in: project).status, 0)
        let verify = try strataWithScratch(["verify", "squash"], in: project)
        XCTAssertEqual(verify.status, 1, verify.stdout + verify.stderr)
        XCTAssertTrue(verify.stdout.contains("~ table public.t: owner \(role) → (none)"), verify.stdout)
    }

    /// A schema-qualified version table in its own schema (`version_table = "meta.strata_version"`,
    /// README "Configuration"): the schema exists only because strata made it for the version
    /// table, so it must not end up in the init revision (on a fresh database the runner creates
    /// it before the init revision runs).
    func testVersionTableInItsOwnSchema() throws {
        let project = try squashProject(self)
        try "migrations = \"migrations\"\narchive = \"archive\"\n\n[database]\nversion_table = \"meta.strata_version\"\n"
            .write(to: project.appendingPathComponent("strata.toml"), atomically: true, encoding: .utf8)
        let r = try strataWithScratch(["squash", "--keep", "3", "--name", "sq1"], in: project)
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        guard r.status == 0 else { return }
        XCTAssertFalse(try theInitRevision(project).upSQL.contains("CREATE SCHEMA meta"))
        let verify = try strataWithScratch(["verify", "squash"], in: project)
        XCTAssertEqual(verify.status, 0, verify.stdout + verify.stderr)
        let database = try freshDatabase(self)
        let upgrade = try CLI.run(["upgrade", "--database-url", database.raw], in: project)
        XCTAssertEqual(upgrade.status, 0, upgrade.stdout + upgrade.stderr)
    }

    // MARK: - The example history

    /// The headline: the example history (46 revisions, as the repository's archive holds them)
    /// squashed keeping 10, verified from the archive, and restored byte for byte.
    func testExampleHistorySquashVerifyRestore() throws {
        let project = try temporaryDirectory(self).appendingPathComponent("example")
        try FileManager.default.createDirectory(at: project, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: exampleMigrations(), to: project.appendingPathComponent("migrations"))
        try FileManager.default.copyItem(at: exampleMigrations().deletingLastPathComponent().appendingPathComponent("archive"), to: project.appendingPathComponent("archive"))
        let committed = try theInitRevision(project)
        let committedFiles = try revisionFiles(project)

        // The original history comes back from the repository's archive.
        var r = try CLI.run(["archive", "restore"], in: project)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try initRevisions(project).count, 0)
        let count = try revisionFiles(project).count
        XCTAssertEqual(count, committed.replaces.count + committedFiles.count - 1)
        XCTAssertGreaterThanOrEqual(count, 46)
        XCTAssertEqual(try CLI.run(["lint", "--strict"], in: project).status, 0)
        let original = try treeSnapshot(project)

        r = try strataWithScratch(["squash", "--keep", "\(committedFiles.count - 1)", "--name", "example"], in: project)
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("  revisions  \(count) → \(committedFiles.count)\n"), r.stdout)
        XCTAssertEqual(r.stdout.split(separator: "\n").filter { $0.hasPrefix("  ✓ ") }.count, 4, r.stdout)
        XCTAssertEqual(try CLI.run(["lint", "--strict"], in: project).status, 0)
        // The same squash as the committed one: same ids replaced, kept files byte for byte
        // (the first one re-pointed at this init's id).
        let made = try theInitRevision(project)
        XCTAssertEqual(made.replaces, committed.replaces)
        let files = try revisionFiles(project)
        XCTAssertEqual(Set(files.keys).subtracting([made.fileName!]), Set(committedFiles.keys).subtracting([committed.fileName!]))
        for (name, data) in files where name != made.fileName {
            let expected = String(decoding: committedFiles[name] ?? Data(), as: UTF8.self)
                .replacingOccurrences(of: "-- down_revision: \(committed.id)\n", with: "-- down_revision: \(made.id)\n")
            XCTAssertEqual(String(decoding: data, as: UTF8.self), expected, name)
        }

        let verify = try strataWithScratch(["verify", "squash"], in: project)
        XCTAssertEqual(verify.status, 0, verify.stdout + verify.stderr)
        XCTAssertTrue(verify.stdout.contains("verify squash: \(count) original revisions (from archive/example.tar.gz) against \(committedFiles.count) current ones"), verify.stdout)

        r = try CLI.run(["archive", "restore"], in: project)
        XCTAssertEqual(r.status, 0, r.stderr)
        assertSameTree(original, try treeSnapshot(project), "squash then restore")
    }
}
