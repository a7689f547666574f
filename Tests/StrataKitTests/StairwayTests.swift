import Foundation
import XCTest
import StrataPostgres
import StrataTestSupport
import StrataSchema
@testable import StrataKit

final class StairwayTests: XCTestCase {
    private func pool() throws -> ScratchPool {
        let pool = try ScratchPool.open(url: try TestServer.shared().connectionString().raw)
        addTeardownBlock { pool.close() }
        return pool
    }

    /// A stairway over `history` with `jobs`, cutting stretches of at least `minimumStretch`.
    private func stairway(_ history: History, jobs: Int, minimumStretch: Int = 2) throws -> StairwayVerifier.Report {
        var verifier = StairwayVerifier(history: history, scratch: try pool(), directoryDisplay: "migrations")
        verifier.jobs = jobs
        verifier.minimumStretch = minimumStretch
        return try verifier.run()
    }

    /// The example history, original and squashed, passes the stairway.
    func testExampleHistoryPasses() throws {
        for history in [try exampleOriginalHistory(), try MigrationDirectory.load(exampleMigrations()).history()] {
            let report = try StairwayVerifier(history: history, scratch: pool(), directoryDisplay: "migrations").run()
            XCTAssertEqual(report.findings.map(\.message), [])
            XCTAssertEqual(report.checked, history.count)
        }
    }

    /// A down that forgets DROP TYPE fails, naming the type; every failing revision is reported,
    /// column order is its own kind, seed rows left behind are found, and the run goes on.
    func testFindsEveryLeftover() throws {
        try findsEveryLeftover()
    }

    /// The same on the path servers without event triggers take (a scoped reflection per step).
    func testFindsEveryLeftoverReflectingEveryStep() throws {
        StairwayVerifier.reflectEveryStep = true
        defer { StairwayVerifier.reflectEveryStep = false }
        try findsEveryLeftover()
        try findsEveryLeftover(jobs: 2)
    }

    /// Cut into stretches checked at the same time, a history gets the same findings.
    func testJobsFindTheSame() throws {
        try findsEveryLeftover(jobs: 3)
        try changesEventTriggersDoNotReport(jobs: 4)
    }

    /// An up that fails stops the stairway: the jobs after it report nothing of their own.
    func testJobsStopAtAFailingUp() throws {
        let dir = try makeHistory(self, [
            ("CREATE TABLE a (id int);", "DROP TABLE a;"),
            ("CREATE TABLE b (id int);", "DROP TABLE b;"),
            ("CREATE TABLE c (id int);", "DROP TABLE c;"),
            ("CREATE TABLE d (id nosuchtype);", "DROP TABLE d;"),
            ("CREATE TABLE e (id int);", "DROP TABLE e;"),
            ("CREATE TABLE f (id int);", "DROP TABLE f;"),
        ])
        let report = try stairway(try MigrationDirectory.load(dir).history(), jobs: 3, minimumStretch: 1)
        XCTAssertEqual(report.failedRevisions, ["r04"])
        XCTAssertEqual(report.findings.count, 1, "\(report.findings.map(\.message))")
        XCTAssertTrue(report.findings.first?.message.hasPrefix("up failed at migrations/r04") ?? false, "\(report.findings.map(\.message))")
        XCTAssertEqual(report.checked, 4)
    }

    /// The capture computes an empty table's contents entry from its size; it must be the entry the
    /// fingerprint function computes by reading the table (else a table emptied again would differ
    /// from one never written).
    func testEmptyTableEntryIsTheFingerprintFunctions() throws {
        let connection = try PGConnection(try freshDatabase(self))
        defer { connection.close() }
        XCTAssertTrue(try StepRecorder.install(on: connection))
        // never_written has no block; emptied has one, and no rows.
        try connection.execute("CREATE TABLE never_written (id int); CREATE TABLE emptied (id int); INSERT INTO emptied VALUES (1); DELETE FROM emptied")
        let results = try connection.executeAll("""
            BEGIN; \(StepRecorder.settings);
            SELECT \(try StepRecorder.rowsEntry("'public.never_written'::regclass", on: connection)),
                   information_schema.strata_stairway_fp(0, 'public.never_written'::regclass),
                   \(try StepRecorder.rowsEntry("'public.emptied'::regclass", on: connection)),
                   information_schema.strata_stairway_fp(0, 'public.emptied'::regclass),
                   pg_catalog.pg_relation_size('public.emptied'::regclass) > 0;
            COMMIT
            """)
        let row = try XCTUnwrap(results.last { $0.columnCount == 5 })
        XCTAssertEqual(row[0, 0], row[0, 1])
        XCTAssertEqual(row[0, 2], row[0, 3])
        XCTAssertEqual(row[0, 4], "t")
        XCTAssertEqual(row[0, 0].flatMap { StepRecorder.Entry($0) }?.fingerprint, row[0, 2].flatMap { StepRecorder.Entry($0) }?.fingerprint)
        XCTAssertEqual(row[0, 0].flatMap { StepRecorder.Entry($0) }?.identity, "rows of table public.never_written")
    }

    /// With event triggers switched off for the database (PostgreSQL 17's `event_triggers`), the
    /// recorder would record nothing: it is not installed and every step is scanned.
    func testRecorderStepsAsideWhenEventTriggersAreOff() throws {
        guard try TestServer.major() >= 17 else { throw XCTSkip("event_triggers is new in PostgreSQL 17") }
        let database = try freshDatabase(self)
        let admin = try PGConnection(database)
        try admin.execute("ALTER DATABASE \(quoteIdentifier(database.database ?? "")) SET event_triggers = off")
        admin.close()
        let connection = try PGConnection(database)
        defer { connection.close() }
        XCTAssertFalse(try StepRecorder.install(on: connection))
        XCTAssertEqual(try connection.query("SELECT count(*) FROM pg_catalog.pg_event_trigger")[0, 0], "0")
    }

    /// A server error the recorder does not expect is not a failed stairway: install leaves
    /// nothing behind and says why (the caller scans every step and reports it).
    func testRecorderInstallFailureIsReportedNotFatal() throws {
        let connection = try PGConnection(try freshDatabase(self))
        defer { connection.close() }
        try connection.execute("CREATE TABLE information_schema.strata_stairway_log (x int)")
        XCTAssertThrowsError(try StepRecorder.install(on: connection)) { error in
            guard let unavailable = error as? StepRecorder.Unavailable else { return XCTFail("\(error)") }
            XCTAssertTrue(unavailable.reason.contains("42P07"), unavailable.reason)
            XCTAssertTrue("\(unavailable)".contains("every step was scanned instead"), "\(unavailable)")
        }
        XCTAssertEqual(try connection.query("SELECT count(*) FROM pg_catalog.pg_event_trigger")[0, 0], "0")
        XCTAssertEqual(try connection.query("SELECT 1")[0, 0], "1")
    }

    /// Column order as a choice (issue 14 item 2): `--allow column-order` (or `[stairway] allow`)
    /// prints the finding as allowed and exits 0 when nothing else failed; anything else still fails.
    func testColumnOrderCanBeAllowed() throws {
        let dir = try makeHistory(self, [
            ("CREATE TABLE users (id int, email text, name text);", "DROP TABLE users;"),
            ("ALTER TABLE users DROP COLUMN email;", "ALTER TABLE users ADD COLUMN email text;"),
        ])
        let project = dir.deletingLastPathComponent()
        let strict = try strataWithScratch(["verify", "stairway"], in: project)
        XCTAssertEqual(strict.status, 1, strict.stdout + strict.stderr)
        XCTAssertTrue(strict.stdout.contains("[column-order]"), strict.stdout)
        let allowed = try strataWithScratch(["verify", "stairway", "--allow", "column-order"], in: project)
        XCTAssertEqual(allowed.status, 0, allowed.stdout + allowed.stderr)
        XCTAssertTrue(allowed.stdout.contains("⚠ r02") && allowed.stdout.contains("[column-order, allowed]"), allowed.stdout)
        XCTAssertTrue(allowed.stdout.contains("0 failed, 1 allowed finding(s) in 1 revision(s)"), allowed.stdout)
        let json = try strataWithScratch(["verify", "stairway", "--allow", "column-order", "--format", "json"], in: project)
        let report = try JSONDecoder().decode(StairwayVerifier.Report.self, from: Data(json.stdout.utf8))
        XCTAssertTrue(report.passed)
        XCTAssertEqual(report.warnings.map(\.kind), [.columnOrder])
        XCTAssertEqual(try strataWithScratch(["verify", "stairway", "--allow", "leftover"], in: project).status, 2)

        // In the config; a real leftover still fails.
        try "[stairway]\nallow = \"column-order\"\n".write(to: project.appendingPathComponent("strata.toml"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try strataWithScratch(["verify", "stairway"], in: project).status, 0)
        try writeRevision(dir, id: "r03", parent: "r02", up: "CREATE TABLE t (id int);", down: "SELECT 1;")
        let mixed = try strataWithScratch(["verify", "stairway", "--format", "json"], in: project)
        XCTAssertEqual(mixed.status, 1, mixed.stdout + mixed.stderr)
        let mixedReport = try JSONDecoder().decode(StairwayVerifier.Report.self, from: Data(mixed.stdout.utf8))
        XCTAssertEqual(mixedReport.failedRevisions, ["r03"])
        XCTAssertEqual(mixedReport.warnings.map(\.revision), ["r02"])
    }

    func testStretchesTakeAboutAsLong() {
        XCTAssertEqual(StairwayVerifier.stretches(from: 0, to: 100, jobs: 1), [0..<100])
        XCTAssertEqual(StairwayVerifier.stretches(from: 0, to: 20, jobs: 4), [0..<20])  // too short to cut
        for (start, end, jobs) in [(0, 100, 2), (0, 300, 2), (0, 1000, 8), (40, 300, 3)] {
            let stretches = StairwayVerifier.stretches(from: start, to: end, jobs: jobs)
            XCTAssertEqual(stretches.count, jobs)
            XCTAssertEqual(stretches.first?.lowerBound, start)
            XCTAssertEqual(stretches.last?.upperBound, end)
            for (a, b) in zip(stretches, stretches.dropFirst()) {
                XCTAssertEqual(a.upperBound, b.lowerBound)
                XCTAssertGreaterThanOrEqual(a.count, b.count)  // later ones first apply the ups before them
            }
            // time = applying the ups before a stretch (0.12 of checking one) + checking it
            func cost(_ range: Range<Int>) -> Double { range.reduce(0) { $0 + StairwayVerifier.checkCost($1, of: end) } }
            let times = stretches.map { 0.12 * cost(0..<$0.lowerBound) + cost($0) }
            XCTAssertLessThan(times.max()! - times.min()!, 4, "\(stretches) \(times)")
        }
    }

    private func findsEveryLeftover(jobs: Int = 1) throws {
        let dir = try makeHistory(self, [
            ("CREATE TABLE users (id int, email text, name text);", "DROP TABLE users;"),
            ("CREATE TYPE order_status AS ENUM ('new', 'paid');\nCREATE TABLE orders (id int, status order_status);", "DROP TABLE orders;"),
            ("ALTER TABLE users DROP COLUMN email;", "ALTER TABLE users ADD COLUMN email text;"),
            ("CREATE TABLE roles (id int);\nINSERT INTO roles VALUES (1), (2);", "DELETE FROM roles WHERE id = 1;\nDROP TABLE roles;"),
            ("INSERT INTO users VALUES (1, 'a');", "SELECT 1;"),
            ("ALTER TABLE users RENAME TO members;\nCREATE VIEW v AS SELECT * FROM members;", "DROP VIEW v;\nALTER TABLE members RENAME TO users;"),
            ("CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;", "CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 2 $$;"),
            ("CREATE INDEX ix_members_name ON members (name);", "DROP INDEX ix_members_name;"),
        ])
        let history = try MigrationDirectory.load(dir).history()
        let report = try stairway(history, jobs: jobs)
        XCTAssertEqual(report.failedRevisions, ["r02", "r03", "r05", "r07"])
        let messages = report.findings.map { "\($0.revision) \($0.kind.rawValue) \($0.message)" }
        XCTAssertTrue(messages.contains("r02 leftover enum public.order_status remains after the downgrade of r02"), "\(messages)")
        XCTAssertTrue(messages.contains { $0.hasPrefix("r03 column-order column public.users.") }, "\(messages)")
        XCTAssertTrue(messages.contains { $0.hasPrefix("r05 data table public.users: rows differ after the downgrade of r05") }, "\(messages)")
        XCTAssertTrue(messages.contains { $0.hasPrefix("r07 leftover function public.f() remains after the downgrade of r07") }, "\(messages)")
        XCTAssertFalse(messages.contains { $0.contains("backstop") || $0.hasPrefix("r06") || $0.hasPrefix("r08") }, "\(messages)")

        // --since checks only newer revisions.
        let since = try StairwayVerifier(history: history, scratch: pool(), directoryDisplay: "migrations").run(since: "r06")
        XCTAssertEqual(since.checked, 3)
        XCTAssertEqual(since.failedRevisions, ["r07"])
    }

    /// What event triggers do not report (TRUNCATE, GRANT, a default replaced by SET DEFAULT, an
    /// ALTER TABLE recursing to partitions, a rename seen by a view) is still tracked: correct
    /// revisions pass, broken ones fail, and the final full comparison agrees.
    func testChangesEventTriggersDoNotReport() throws {
        try changesEventTriggersDoNotReport()
    }

    private func changesEventTriggersDoNotReport(jobs: Int = 1) throws {
        let dir = try makeHistory(self, [
            ("CREATE TABLE lookup (id int PRIMARY KEY, name text DEFAULT 'a');\nINSERT INTO lookup VALUES (1, 'one');", "DROP TABLE lookup;"),
            // passes: rows added, then exactly those rows deleted
            ("INSERT INTO lookup VALUES (2, 'two');", "DELETE FROM lookup WHERE id = 2;"),
            // fails: the down truncates rows that were there before the up
            ("INSERT INTO lookup VALUES (3, 'three');", "TRUNCATE lookup;"),
            // fails: the grant stays
            ("GRANT SELECT ON lookup TO PUBLIC;", "SELECT 1;"),
            // passes: SET DEFAULT replaces the default without an event for the old one
            ("ALTER TABLE lookup ALTER COLUMN name SET DEFAULT 'b';", "ALTER TABLE lookup ALTER COLUMN name SET DEFAULT 'a';"),
            // passes: the column reaches every partition
            ("CREATE TABLE events (id int, at date) PARTITION BY RANGE (at);\nCREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');", "DROP TABLE events;"),
            ("ALTER TABLE events ADD COLUMN kind text;", "ALTER TABLE events DROP COLUMN kind;"),
            // passes: a rename undone, with a view that prints the name
            ("CREATE VIEW lookup_names AS SELECT name FROM lookup;", "DROP VIEW lookup_names;"),
            ("ALTER TABLE lookup RENAME COLUMN name TO title;", "ALTER TABLE lookup RENAME COLUMN title TO name;"),
            // fails: the rename is not undone
            ("ALTER TABLE lookup RENAME TO lookups;", "SELECT 1;"),
            // a composite type's attributes: ALTER TYPE reports the type's relation
            ("CREATE TYPE pair AS (a int, b int);", "DROP TYPE pair;"),
            ("ALTER TYPE pair ADD ATTRIBUTE c int;", "SELECT 1;"),  // fails: the attribute stays
            ("ALTER TYPE pair ADD ATTRIBUTE d int;", "ALTER TYPE pair DROP ATTRIBUTE d;"),
            // a column's statistics target: fails when the down leaves it, passes when it restores it
            ("ALTER TABLE lookups ALTER COLUMN id SET STATISTICS 500;", "SELECT 1;"),
            ("ALTER TABLE lookups ALTER COLUMN id SET STATISTICS 100;", "ALTER TABLE lookups ALTER COLUMN id SET STATISTICS 500;"),
        ])
        let report = try stairway(try MigrationDirectory.load(dir).history(), jobs: jobs)
        XCTAssertEqual(report.failedRevisions, ["r03", "r04", "r10", "r12", "r14"], "\(report.findings.map(\.message))")
        let messages = report.findings.map { "\($0.revision) \($0.kind.rawValue) \($0.message)" }
        XCTAssertTrue(messages.contains { $0.hasPrefix("r03 data table public.lookup: rows differ after the downgrade of r03") }, "\(messages)")
        XCTAssertTrue(messages.contains { $0.hasPrefix("r04 changed table public.lookup is not restored by the downgrade of r04: grant PUBLIC") }, "\(messages)")
        XCTAssertTrue(messages.contains { $0.hasPrefix("r10 leftover table public.lookups remains after the downgrade of r10") }, "\(messages)")
        XCTAssertTrue(messages.contains { $0.hasPrefix("r14 changed column public.lookups.id is not restored by the downgrade of r14: statistics_target (none) → 500") }, "\(messages)")
        XCTAssertFalse(messages.contains { $0.contains("backstop") }, "\(messages)")
    }

    /// Runs `revisions` through the stairway on both paths (the recorder, and a scoped reflection
    /// per step) and checks that exactly the revisions of `leftovers` fail, each with a `changed`
    /// finding that names the object and the attribute the down left changed, and nothing reaches
    /// the backstop.
    private func assertLeftoversOnBothPaths(
        _ revisions: [(up: String, down: String?)], _ leftovers: [(revision: String, object: String, attribute: String)],
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        for reflecting in [false, true] {
            StairwayVerifier.reflectEveryStep = reflecting
            defer { StairwayVerifier.reflectEveryStep = false }
            let report = try stairway(try MigrationDirectory.load(try makeHistory(self, revisions)).history(), jobs: 1)
            let messages = report.findings.map { "\($0.revision) \($0.kind.rawValue) \($0.message)" }
            XCTAssertEqual(report.failedRevisions, leftovers.map(\.revision), "reflecting: \(reflecting): \(messages)", file: file, line: line)
            for (revision, object, attribute) in leftovers {
                XCTAssertTrue(messages.contains { $0.hasPrefix("\(revision) changed \(object) is not restored by the downgrade of \(revision): \(attribute)") },
                              "reflecting: \(reflecting): \(messages)", file: file, line: line)
            }
            XCTAssertFalse(messages.contains { $0.contains("backstop") }, "reflecting: \(reflecting): \(messages)", file: file, line: line)
        }
    }

    /// A down that leaves an object the up changed (a function body, an index predicate) is
    /// reported as changed, naming what differs, on both paths (issue 14 item 4).
    func testObjectsTheDownDidNotRestoreAreChanged() throws {
        try assertLeftoversOnBothPaths([
            ("CREATE TABLE items (id int, archived boolean);\nCREATE INDEX items_live ON items (id) WHERE NOT archived;\nCREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;",
             "DROP FUNCTION f();\nDROP TABLE items;"),
            ("CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 2 $$;", "SELECT 1;"),
            ("DROP INDEX items_live;\nCREATE INDEX items_live ON items (id) WHERE archived IS NOT TRUE;",
             "DROP INDEX items_live;\nCREATE INDEX items_live ON items (id) WHERE archived;"),
        ], [("r02", "function public.f()", "body  SELECT 1  →  SELECT 2"), ("r03", "index public.items_live", "predicate (NOT archived) → archived")])
    }

    /// Text search configurations and dictionaries are tracked like any other object, on both paths.
    func testTextSearchObjects() throws {
        try assertLeftoversOnBothPaths([
            ("CREATE TEXT SEARCH CONFIGURATION fts (COPY = pg_catalog.english);", "DROP TEXT SEARCH CONFIGURATION fts;"),
            // fails: the mapping stays
            ("ALTER TEXT SEARCH CONFIGURATION fts ALTER MAPPING FOR asciiword WITH simple;", "SELECT 1;"),
            // passes, and the configuration prints the dictionary's name: a rename undone passes too
            ("CREATE TEXT SEARCH DICTIONARY w2 (TEMPLATE = pg_catalog.simple);\nALTER TEXT SEARCH CONFIGURATION fts ALTER MAPPING FOR word WITH w2;",
             "ALTER TEXT SEARCH CONFIGURATION fts ALTER MAPPING FOR word WITH pg_catalog.english_stem;\nDROP TEXT SEARCH DICTIONARY w2;"),
            ("ALTER TEXT SEARCH DICTIONARY w2 RENAME TO w3;", "ALTER TEXT SEARCH DICTIONARY w3 RENAME TO w2;"),
            // fails: the dictionary's options stay
            ("ALTER TEXT SEARCH DICTIONARY w3 (ACCEPT = false);", "SELECT 1;"),
        ], [("r02", "text search configuration public.fts", "mapping"), ("r05", "text search dictionary public.w3", "options")])
    }

    /// Publications are tracked like any other object, on both paths: their options, and their
    /// tables (printed by name, so a table's rename refreshes them).
    func testPublications() throws {
        try assertLeftoversOnBothPaths([
            ("CREATE TABLE t (id int PRIMARY KEY, a int);\nCREATE TABLE u (id int PRIMARY KEY);\nCREATE PUBLICATION pub FOR TABLE t;",
             "DROP PUBLICATION pub;\nDROP TABLE u;\nDROP TABLE t;"),
            // fails: u stays in the publication
            ("ALTER PUBLICATION pub ADD TABLE u;", "SELECT 1;"),
            // passes: a rename undone
            ("ALTER TABLE t RENAME TO t2;", "ALTER TABLE t2 RENAME TO t;"),
            // fails: the operations stay
            ("ALTER PUBLICATION pub SET (publish = 'insert');", "SELECT 1;"),
            // fails: dropping a published table takes it out of the publication, the down
            // makes the table again but does not put it back
            ("DROP TABLE u;", "CREATE TABLE u (id int PRIMARY KEY);"),
        ], [("r02", "publication pub", "tables"), ("r04", "publication pub", "publish"), ("r05", "publication pub", "tables")])
    }

    /// Foreign-data wrappers, servers and foreign tables' options are tracked, on both paths; a
    /// foreign table prints its server by name, so the server's rename refreshes it.
    func testForeignServers() throws {
        try assertLeftoversOnBothPaths([
            ("CREATE FOREIGN DATA WRAPPER w;\nCREATE SERVER s FOREIGN DATA WRAPPER w OPTIONS (host 'a');\nCREATE FOREIGN TABLE ft (a int) SERVER s OPTIONS (t 'x');",
             "DROP FOREIGN TABLE ft;\nDROP SERVER s;\nDROP FOREIGN DATA WRAPPER w;"),
            ("ALTER SERVER s OPTIONS (SET host 'b');", "SELECT 1;"),  // fails
            ("ALTER FOREIGN TABLE ft OPTIONS (SET t 'y');", "SELECT 1;"),  // fails
            ("ALTER SERVER s RENAME TO s2;", "ALTER SERVER s2 RENAME TO s;"),
            ("ALTER FOREIGN DATA WRAPPER w OPTIONS (ADD debug 'true');", "SELECT 1;"),  // fails
        ], [("r02", "foreign server s", "options"), ("r03", "foreign table public.ft", "server_options"),
            ("r05", "foreign data wrapper w", "options")])
    }

    /// A revision whose sections run in a transaction is checked in one: a finding costs no
    /// database built again (the job rolls back to its savepoints), and the job goes on from the
    /// state after the up. A non-transactional revision's finding still does.
    func testFindingsInTransactionalRevisionsBuildNothingAgain() throws {
        let dir = try makeHistory(self, [
            ("CREATE TABLE t (id int);", "DROP TABLE t;"),
            // leftover table: the second up fails
            ("CREATE TABLE kept (id int);\nCREATE INDEX ix_kept ON kept (id);", "SELECT 1;"),
            // leftover row, then a revision that needs the state after the up
            ("INSERT INTO t VALUES (1);", "SELECT 1;"),
            ("ALTER TABLE kept ADD COLUMN name text;\nINSERT INTO kept VALUES (1, 'a');", "ALTER TABLE kept DROP COLUMN name;"),
            // an index on a table the steps do not otherwise touch, left by a down with the wrong name
            ("CREATE INDEX ix_t_id ON t (id);", "DROP INDEX IF EXISTS ix_t_id_idx;"),
            // a function left by a down without its argument types: the second up replaces it
            ("CREATE OR REPLACE FUNCTION f(n int) RETURNS int LANGUAGE sql AS 'SELECT n';", "DROP FUNCTION IF EXISTS f();"),
            // a column added back at the end: the second up builds something else
            ("ALTER TABLE kept ALTER COLUMN id TYPE bigint;", "ALTER TABLE kept DROP COLUMN id;\nALTER TABLE kept ADD COLUMN id int;"),
            ("CREATE TABLE later (id int);\nSELECT f(1);", "DROP TABLE later;"),
        ])
        let history = try MigrationDirectory.load(dir).history()
        var verifier = StairwayVerifier(history: history, scratch: try pool(), directoryDisplay: "migrations")
        verifier.jobs = 1
        let before = verifier.scratch.handedOut
        let report = try verifier.run()
        let messages = report.findings.map { "\($0.revision) \($0.kind.rawValue) \($0.message)" }
        XCTAssertEqual(report.failedRevisions, ["r02", "r03", "r04", "r05", "r06", "r07"], "\(messages)")
        XCTAssertTrue(messages.contains("r05 leftover index public.ix_t_id remains after the downgrade of r05"), "\(messages)")
        XCTAssertEqual(messages.filter { $0.hasPrefix("r06") }, ["r06 leftover function public.f(integer) remains after the downgrade of r06"])
        // (the column dropped takes its index and its values with it; the second up runs on that)
        XCTAssertEqual(messages.filter { $0.hasPrefix("r07") }.map { $0.components(separatedBy: " (hash")[0] }, [
            "r07 column-order column public.kept.name moved from position 2 to 1 after the downgrade of r07",
            "r07 leftover index public.ix_kept is missing after the downgrade of r07 (it existed before the upgrade)",
            "r07 data table public.kept: rows differ after the downgrade of r07",
            "r07 column-order after down and up again, r07 builds something else: ~ column public.kept.name moved from position 2 to 1",
            "r07 reup-differs after down and up again, r07 builds something else: - index public.ix_kept",
        ])
        XCTAssertTrue(messages.contains("r02 leftover table public.kept remains after the downgrade of r02"), "\(messages)")
        XCTAssertTrue(messages.contains { $0.hasPrefix("r02 error up failed the second time, after the down, at migrations/r02") }, "\(messages)")
        XCTAssertTrue(messages.contains { $0.hasPrefix("r03 data table public.t: rows differ after the downgrade of r03") }, "\(messages)")
        XCTAssertTrue(messages.contains { $0.hasPrefix("r04 data table public.kept: rows differ after the downgrade of r04") }, "\(messages)")
        XCTAssertFalse(messages.contains { $0.contains("backstop") || $0.hasPrefix("r08") }, "\(messages)")
        XCTAssertEqual(verifier.scratch.handedOut - before, 1, "one database for the job, none for the findings")
    }

    /// Deferred constraints are checked where each step would commit, also in the one transaction
    /// a revision is checked in: an up that leaves a deferred foreign key violated fails there, and
    /// a down that relies on deferral inside its own section passes.
    func testDeferredConstraintsAreCheckedAtEachStep() throws {
        let dir = try makeHistory(self, [
            ("CREATE TABLE p (id int PRIMARY KEY);\nCREATE TABLE c (p int REFERENCES p DEFERRABLE INITIALLY DEFERRED);", "DROP TABLE c;\nDROP TABLE p;"),
            ("INSERT INTO p VALUES (1);\nINSERT INTO c VALUES (1);", "DELETE FROM p;\nDELETE FROM c;"),
            ("INSERT INTO c VALUES (2);\nSELECT 1;", "DELETE FROM c WHERE p = 2;"),
            ("CREATE TABLE later (id int);", "DROP TABLE later;"),
        ])
        let report = try stairway(try MigrationDirectory.load(dir).history(), jobs: 1)
        let messages = report.findings.map { "\($0.revision) \($0.kind.rawValue) \($0.message)" }
        XCTAssertEqual(report.failedRevisions, ["r03"], "\(messages)")
        XCTAssertEqual(messages.count, 1, "\(messages)")
        XCTAssertTrue(messages[0].hasPrefix("r03 error up failed at migrations/r03_rev.sql"), "\(messages)")
        XCTAssertTrue(messages[0].contains("23503"), "\(messages)")
        XCTAssertEqual(report.checked, 3, "the stairway stops at the failing up")
    }

    /// A non-transactional revision's difference is explained in a copy of the database taken
    /// before it, and the job goes on there: rows stamped with now() and random UUIDs before it do
    /// not differ, and no state is built again from the ups.
    func testNonTransactionalFindingsUseACopy() throws {
        let dir = try makeHistory(self, [
            ("CREATE TABLE t (id uuid DEFAULT gen_random_uuid(), at timestamptz DEFAULT now(), n int);", "DROP TABLE t;"),
            ("INSERT INTO t (n) SELECT g FROM generate_series(1, 5) g;", "DELETE FROM t;"),
            // the down forgets the index: the second up fails
            ("CREATE INDEX CONCURRENTLY ix_t_n ON t (n);", "SELECT 1;"),
            ("CREATE TABLE later (id int);\nINSERT INTO t (n) VALUES (6);", "DROP TABLE later;\nDELETE FROM t WHERE n = 6;"),
        ], transactional: [true, true, false, true])
        let history = try MigrationDirectory.load(dir).history()
        var verifier = StairwayVerifier(history: history, scratch: try pool(), directoryDisplay: "migrations")
        verifier.jobs = 1
        StairwayVerifier.copyBeforeSeparateSteps = true  // (this short history would rather build again)
        defer { StairwayVerifier.copyBeforeSeparateSteps = nil }
        let before = verifier.scratch.handedOut
        let report = try verifier.run()
        let messages = report.findings.map { "\($0.revision) \($0.kind.rawValue) \($0.message)" }
        XCTAssertEqual(report.failedRevisions, ["r03"], "\(messages)")
        XCTAssertEqual(messages.filter { !$0.hasPrefix("r03 error up failed the second time") },
                       ["r03 leftover index public.ix_t_n remains after the downgrade of r03"])
        XCTAssertEqual(verifier.scratch.handedOut - before, 2, "the job's database and one copy")
    }

    /// Outside a transaction, the steps' row writes are found without checking every table: rows
    /// inserted, updated or deleted (the statistics' counters around the step, PostgreSQL 15+) and
    /// a TRUNCATE (which counts no rows: its table's catalog row). What the downs leave is a
    /// finding; what they restore is not, and the full comparison at the end agrees.
    func testNonTransactionalRowWritesAreFound() throws {
        let dir = try makeHistory(self, [
            ("CREATE TABLE t (id int, n int);\nCREATE TABLE u (id int);", "DROP TABLE u;\nDROP TABLE t;"),
            // the down forgets the row
            ("INSERT INTO t VALUES (1, 1);\nCREATE INDEX CONCURRENTLY ix_t_n ON t (n);", "DROP INDEX CONCURRENTLY ix_t_n;"),
            ("UPDATE t SET n = 2;\nINSERT INTO u VALUES (1);", "DELETE FROM u;\nUPDATE t SET n = 1;"),
            // the down forgets to put the row back
            ("TRUNCATE t;", "SELECT 1;"),
            ("CREATE TABLE later (id int);", "DROP TABLE later;"),
        ], transactional: [true, false, false, false, true])
        let report = try stairway(try MigrationDirectory.load(dir).history(), jobs: 1)
        let messages = report.findings.map { "\($0.revision) \($0.kind.rawValue) \($0.message)" }
        XCTAssertEqual(report.failedRevisions, ["r02", "r04"], "\(messages)")
        XCTAssertEqual(messages, [
            "r02 data table public.t: rows differ after the downgrade of r02 (rows 0 → 1)",
            "r02 reup-differs after down and up again, r02 builds something else: ~ data public.t: rows 1 → 2",
            "r04 data table public.t: rows differ after the downgrade of r04 (rows 1 → 0)",
        ])
    }

    /// What only one transaction around the up, the down and the second up would break (a new
    /// enum value used before its transaction commits, an ALTER TABLE with pending deferred trigger
    /// events) is checked a step per transaction instead: no finding of its own.
    func testRevisionsOneTransactionWouldBreakAreCheckedSeparately() throws {
        let dir = try makeHistory(self, [
            ("CREATE TYPE mood AS ENUM ('ok');\nCREATE TABLE t (m mood);\nCREATE TABLE p (id int PRIMARY KEY);\n"
                + "CREATE TABLE c (p int REFERENCES p DEFERRABLE INITIALLY DEFERRED);",
             "DROP TABLE c;\nDROP TABLE p;\nDROP TABLE t;\nDROP TYPE mood;"),
            // the down uses the value the up added: fine in its own transaction; the value stays
            ("ALTER TYPE mood ADD VALUE IF NOT EXISTS 'great';", "UPDATE t SET m = 'ok' WHERE m = 'great';"),
            // the up's rows leave deferred checks pending on c; the down alters c
            ("ALTER TABLE c ADD COLUMN note text;\nINSERT INTO p VALUES (1);\nINSERT INTO c VALUES (1, 'x');",
             "DELETE FROM c;\nDELETE FROM p;\nALTER TABLE c DROP COLUMN note;"),
            // a temporary table and a setting are gone before the next step, as after a commit
            ("CREATE TEMP TABLE ids (id int);\nINSERT INTO ids VALUES (1);\nSET search_path = pg_temp, public;\nCREATE TABLE public.later AS SELECT * FROM ids;",
             "DROP TABLE later;"),
        ])
        let report = try stairway(try MigrationDirectory.load(dir).history(), jobs: 1)
        let messages = report.findings.map { "\($0.revision) \($0.kind.rawValue) \($0.message)" }
        XCTAssertEqual(report.failedRevisions, ["r02"], "\(messages)")
        XCTAssertTrue(messages.allSatisfy { $0.hasPrefix("r02 changed enum public.mood") }, "\(messages)")
        XCTAssertEqual(report.checked, 4)
    }

    /// A down that fails on a statement that is not its first is reported at that statement's
    /// line: in a non-transactional revision (run statement by statement) with or without a
    /// position from the server, and in a transactional one without a position (found by running
    /// the section again statement by statement, rolled back). The revisions after it are checked
    /// on the state the ups build.
    func testFailingStatementsAreLocatedOnTheirOwnLine() throws {
        let cases: [(down: String, transactional: Bool, line: Int, state: String)] = [
            ("DROP INDEX CONCURRENTLY ix_a;\nDELETE FROM a;\nINSERT INTO no_such_table VALUES (1);", false, 13, "42P01"),
            ("DROP INDEX CONCURRENTLY ix_a;\nDELETE FROM a;\nINSERT INTO a VALUES (NULL);", false, 13, "23502"),
            ("DELETE FROM a;\nINSERT INTO a VALUES (NULL);\nDROP INDEX ix_a;", true, 11, "23502"),
        ]
        for (down, transactional, line, state) in cases {
            let dir = try makeHistory(self, [
                ("CREATE TABLE a (id int NOT NULL);", "DROP TABLE a;"),
                (transactional ? "CREATE INDEX ix_a ON a (id);\nINSERT INTO a VALUES (1);" : "CREATE INDEX CONCURRENTLY ix_a ON a (id);\nINSERT INTO a VALUES (1);", down),
                ("CREATE TABLE later (id int);", "DROP TABLE later;"),
            ], transactional: [true, transactional, true])
            let report = try stairway(try MigrationDirectory.load(dir).history(), jobs: 1)
            let messages = report.findings.map { "\($0.revision) \($0.kind.rawValue) \($0.message)" }
            XCTAssertEqual(report.failedRevisions, ["r02"], "\(messages)")
            XCTAssertEqual(messages.count, 1, "\(messages)")
            XCTAssertTrue(messages[0].hasPrefix("r02 error down failed at migrations/r02_rev.sql:\(line): ERROR \(state)"), "\(messages)")
        }
    }

    /// A non-transactional step's rows are compared too (each of its statements commits on its
    /// own, so there are no per-transaction statistics: every table's contents are fingerprinted).
    func testNonTransactionalStepsCompareRows() throws {
        let dir = try makeHistory(self, [
            ("CREATE TABLE t (id int);", "DROP TABLE t;"),
            // fails: the down leaves the row
            ("INSERT INTO t VALUES (1);\nCREATE INDEX CONCURRENTLY ix_t ON t (id);", "DROP INDEX CONCURRENTLY ix_t;"),
            // passes
            ("INSERT INTO t VALUES (2);\nCREATE INDEX CONCURRENTLY ix_t_2 ON t (id);", "DROP INDEX CONCURRENTLY ix_t_2;\nDELETE FROM t WHERE id = 2;"),
        ], transactional: [true, false, false])
        let report = try stairway(try MigrationDirectory.load(dir).history(), jobs: 1)
        let messages = report.findings.map { "\($0.revision) \($0.kind.rawValue) \($0.message)" }
        XCTAssertEqual(report.failedRevisions, ["r02"], "\(messages)")
        XCTAssertTrue(messages.contains { $0.hasPrefix("r02 data table public.t: rows differ after the downgrade of r02") }, "\(messages)")
        XCTAssertFalse(messages.contains { $0.contains("backstop") }, "\(messages)")
    }

    /// A revision that switches to a role without privileges on strata's recorder, or that
    /// deallocates every prepared statement, checks as it would run anywhere else.
    func testRevisionsThatSetRoleOrDeallocate() throws {
        let role = try temporaryRole(self, "strata_stairway_app")
        let dir = try makeHistory(self, [
            ("GRANT CREATE ON SCHEMA public TO \(role);", "REVOKE CREATE ON SCHEMA public FROM \(role);"),
            ("SET LOCAL ROLE \(role);\nCREATE TABLE owned (id int PRIMARY KEY, name text);\nINSERT INTO owned VALUES (1, 'a');",
             "SET LOCAL ROLE \(role);\nDROP TABLE owned;"),
            ("DEALLOCATE ALL;\nCREATE TABLE later (id int);", "DROP TABLE later;"),
            // Non-transactional steps are fingerprinted with prepared statements of their own: the
            // first prepares them, the second deallocates them before they run again.
            ("CREATE INDEX CONCURRENTLY ix_later ON later (id);", "DROP INDEX CONCURRENTLY ix_later;"),
            ("DEALLOCATE ALL;\nCREATE INDEX CONCURRENTLY ix_later_2 ON later (id);", "DEALLOCATE ALL;\nDROP INDEX CONCURRENTLY ix_later_2;"),
        ], transactional: [true, true, true, false, false])
        let history = try MigrationDirectory.load(dir).history()
        let report = try StairwayVerifier(history: history, scratch: pool(), directoryDisplay: "migrations").run()
        XCTAssertEqual(report.findings.map(\.message), [])
        XCTAssertEqual(report.checked, 5)
    }

    func testCLIExitCodesAndJSON() throws {
        let dir = try makeHistory(self, [("CREATE TYPE t AS ENUM ('a');", "SELECT 1;")])
        let project = dir.deletingLastPathComponent()
        let scratch = try TestServer.shared().connectionString().raw
        var r = try CLI.run(["verify", "stairway", "--scratch-url", scratch], in: project)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stdout.contains("[leftover] enum public.t remains after the downgrade of r01"), r.stdout)
        r = try CLI.run(["verify", "stairway", "--scratch-url", scratch, "--format", "json"], in: project)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(json["failedRevisions"] as? [String], ["r01"])
    }

    /// Drift: the live database against the history at its revision; read-only on the live side.
    func testDrift() throws {
        let database = try freshDatabase(self)
        let dir = try makeHistory(self, [("CREATE TABLE users (id int PRIMARY KEY, email text);", "DROP TABLE users;"), ("CREATE INDEX ix_email ON users (email);", "DROP INDEX ix_email;")])
        let project = dir.deletingLastPathComponent()
        let env = ["DATABASE_URL": database.raw]
        let scratch = try TestServer.shared().connectionString().raw
        XCTAssertEqual(try CLI.run(["upgrade"], in: project, environment: env).status, 0)
        var r = try CLI.run(["verify", "drift", "--scratch-url", scratch], in: project, environment: env)
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("no drift"))
        let live = try PGConnection(database)
        try live.execute("ALTER TABLE users ADD COLUMN hotfix boolean; DROP INDEX ix_email")
        r = try CLI.run(["verify", "drift", "--scratch-url", scratch], in: project, environment: env)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stdout.contains("+ column public.users.hotfix"), r.stdout)
        XCTAssertTrue(r.stdout.contains("- index public.ix_email"), r.stdout)
    }
}
