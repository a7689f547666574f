import Foundation
import XCTest
import StrataPostgres
import StrataTestSupport
@testable import StrataKit

/// Alembic histories (issue 13) against the project's own Alembic: the sample project in
/// Fixtures/alembic (24 revisions: op.* changes, op.execute and bulk_insert data migrations, an
/// autocommit_block revision, a broken downgrade, an irreversible one), run by Alembic 1.20 from
/// `.build/tools-venv` (`scripts/tool-venv.sh`, run by `make test`).
final class AlembicTests: XCTestCase {
    static var venv: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/tools-venv/bin")
    }
    static var available: Bool {
        FileManager.default.isExecutableFile(atPath: venv.appendingPathComponent("alembic").path)
    }

    /// The variants hold only what differs from `sample` (a merge; the async template; an env.py
    /// reading its URL from the environment); the last two keep its first five revisions.
    static let variantRevisions: [String: Set<String>] = [
        "sample-async": ["3f2a9c1d7b4e", "8c41e07a5d92", "b7d1e4f0a3c6", "1e9a6c2b8f05", "c5f83d2e9a17"],
        "sample-envvar": ["3f2a9c1d7b4e", "8c41e07a5d92", "b7d1e4f0a3c6", "1e9a6c2b8f05", "c5f83d2e9a17"],
    ]

    /// A copy of fixture `name` (`sample`, or `sample` with a variant's files over it) with a
    /// strata.toml that runs the venv's Python.
    func project(_ name: String, extra: String = "") throws -> URL {
        let fm = FileManager.default
        let project = try temporaryDirectory(self).appendingPathComponent(name)
        let fixtures = try fixturesURL().appendingPathComponent("alembic")
        try fm.copyItem(at: fixtures.appendingPathComponent("sample"), to: project)
        if name != "sample" {
            let variant = fixtures.appendingPathComponent(name)
            let files = try XCTUnwrap(fm.enumerator(atPath: variant.path)).compactMap { $0 as? String }
            for file in files where !file.hasSuffix("/") {
                var isDirectory: ObjCBool = false
                guard fm.fileExists(atPath: variant.appendingPathComponent(file).path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
                try? fm.removeItem(at: project.appendingPathComponent(file))
                try fm.copyItem(at: variant.appendingPathComponent(file), to: project.appendingPathComponent(file))
            }
            if let keep = Self.variantRevisions[name] {
                let versions = project.appendingPathComponent("migrations/versions")
                for file in try fm.contentsOfDirectory(atPath: versions.path) where !keep.contains(String(file.prefix(12))) {
                    try fm.removeItem(at: versions.appendingPathComponent(file))
                }
            }
        }
        try """
            format = "alembic"
            archive = "archive"

            [alembic]
            python = "\(Self.venv.appendingPathComponent("python").path)"
            \(extra)
            """.write(to: project.appendingPathComponent("strata.toml"), atomically: true, encoding: .utf8)
        return project
    }

    /// A URL SQLAlchemy and psycopg understand for a database on the test server.
    func url(_ database: ConnectionString) throws -> String {
        let p = try database.parameters()
        var query = "host=\(try XCTUnwrap(p["host"]))"
        if let port = p["port"] { query += "&port=\(port)" }
        return "postgresql+psycopg://\(p["user"] ?? "postgres")@/\(try XCTUnwrap(p["dbname"]))?\(query)"
    }

    /// Alembic itself (the stock generic env.py takes sqlalchemy.url from the ini; `-c` with a copy
    /// pointing at `database`).
    @discardableResult
    func alembic(_ args: [String], _ database: ConnectionString, in project: URL, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let ini = try String(contentsOf: project.appendingPathComponent("alembic.ini"), encoding: .utf8)
        let pointed = ini.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasPrefix("sqlalchemy.url") ? "sqlalchemy.url = " + (try! url(database)).replacingOccurrences(of: "%", with: "%%") : String(line)
        }.joined(separator: "\n")
        let config = project.appendingPathComponent("alembic-test-\(UUID().uuidString.prefix(6)).ini")
        try pointed.write(to: config, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: config) }
        let r = try runTool(Self.venv.appendingPathComponent("alembic").path, ["-c", config.path] + args, in: project, allowFailure: true)
        XCTAssertEqual(r.status, 0, "alembic \(args.joined(separator: " ")): \(r.stdout)", file: file, line: line)
        return r.stdout
    }

    // MARK: - Reading, without Python

    func testReadsTheGraphWithoutRunningPython() throws {
        let project = try project("sample")
        let workspace = Workspace(configuration: try Configuration.load(from: project))
        let history = try workspace.history()
        XCTAssertEqual(history.count, 24)
        XCTAssertEqual(history.root?.id, "3f2a9c1d7b4e")
        XCTAssertTrue(history.revisions.allSatisfy { $0.batching == .alembic && $0.alembic != nil })
        // The irreversible one is told from its downgrade; the autocommit_block one is not transactional.
        XCTAssertFalse(try XCTUnwrap(history.revision("5e2a8d1f7c06")).isReversible)
        XCTAssertFalse(try XCTUnwrap(history.revision("0c6e5a9b3d27")).transactional)
        XCTAssertEqual(history.revisions.filter { !$0.isReversible }.count, 1)
        let lint = try CLI.run(["lint"], in: project)
        XCTAssertEqual(lint.status, 0, lint.stdout + lint.stderr)
        XCTAssertTrue(lint.stdout.contains("irreversible"), lint.stdout)

        // A computed value is an error naming file and line; nothing else is read as a revision.
        let file = project.appendingPathComponent("migrations/versions/2e8c5f1a9b37_add_users_last_login_at.py")
        var text = try String(contentsOf: file, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let index = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("down_revision") })
        text = lines.enumerated().map { $0.offset == index ? "down_revision = \"c5f83d2e9a17\"[:12]" : String($0.element) }.joined(separator: "\n")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let bad = try CLI.run(["lint"], in: project)
        XCTAssertEqual(bad.status, 2, bad.stdout + bad.stderr)
        XCTAssertTrue(bad.stdout.contains("2e8c5f1a9b37_add_users_last_login_at.py:\(index + 1)"), bad.stdout)
        XCTAssertTrue(bad.stdout.contains("computed"), bad.stdout)
    }

    func testBranchLabelsAndForwardDependenciesAreFindings() throws {
        let project = try project("sample")
        let versions = project.appendingPathComponent("migrations/versions")
        func rewrite(_ name: String, _ key: String, _ value: String) throws {
            let file = versions.appendingPathComponent(name)
            let text = try String(contentsOf: file, encoding: .utf8)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasPrefix(key) ? "\(key) = \(value)" : String($0) }
            try lines.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        }
        try rewrite("2e8c5f1a9b37_add_users_last_login_at.py", "depends_on", "(\"7e0b4c9d1a35\",)")
        try rewrite("b9a3d6f0e284_create_audit_events.py", "branch_labels", "(\"audit\",)")
        let lint = try CLI.run(["lint"], in: project)
        XCTAssertEqual(lint.status, 1, lint.stdout + lint.stderr)
        XCTAssertTrue(lint.stdout.contains("[depends-on] revision 2e8c5f1a9b37 depends_on 7e0b4c9d1a35, which is not one of its ancestors"), lint.stdout)
        XCTAssertTrue(lint.stdout.contains("[branch-label] revision b9a3d6f0e284 declares branch_labels audit"), lint.stdout)
    }

    func testDetectsTheProjectOnInit() throws {
        let project = try temporaryDirectory(self).appendingPathComponent("detect")
        try FileManager.default.copyItem(at: try fixturesURL().appendingPathComponent("alembic/sample"), to: project)
        let detected = try XCTUnwrap(HistoryFormat.detect(in: project))
        XCTAssertEqual(detected.0, .alembic)
        XCTAssertEqual(detected.1.standardizedFileURL.path, project.appendingPathComponent("migrations/versions").standardizedFileURL.path)
    }

    func testMergesAreFindingsAndSquashKeepsOnlyALinearPart() throws {
        guard Self.available else { throw XCTSkip("Alembic is not installed (.build/tools-venv: run scripts/tool-venv.sh; needs PyPI)") }
        let project = try project("sample-merge")
        let lint = try CLI.run(["lint"], in: project)
        XCTAssertEqual(lint.status, 1, lint.stdout + lint.stderr)
        XCTAssertTrue(lint.stdout.contains("merge"), lint.stdout)
        let history = try Workspace(configuration: try Configuration.load(from: project)).history()
        let merge = try XCTUnwrap(history.revisions.firstIndex { $0.parents.count > 1 })
        // Keeping the merge is refused; squashing it away is proven and written.
        let refused = try strataWithScratch(["squash", "--keep", String(history.count - merge), "--dry-run"], in: project)
        XCTAssertEqual(refused.status, 2, refused.stdout + refused.stderr)
        XCTAssertTrue(refused.stderr.contains("linear"), refused.stderr)
        let squash = try strataWithScratch(["squash", "--keep", "5"], in: project)
        XCTAssertEqual(squash.status, 0, squash.stdout + squash.stderr)
        XCTAssertEqual(try CLI.run(["lint"], in: project).status, 0)
        let fresh = try freshDatabase(self)
        try alembic(["upgrade", "head"], fresh, in: project)
        let drift = try strataWithScratch(["verify", "drift", "--database-url", fresh.raw], in: project)
        XCTAssertEqual(drift.status, 0, drift.stdout + drift.stderr)
    }

    // MARK: - Running, through the project's Alembic

    func testStairwayReportsTheBrokenAndTheIrreversibleDowngrade() throws {
        guard Self.available else { throw XCTSkip("Alembic is not installed (.build/tools-venv: run scripts/tool-venv.sh; needs PyPI)") }
        let project = try project("sample")
        let r = try strataWithScratch(["verify", "stairway", "--format", "json"], in: project)
        XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
        let report = try JSONDecoder().decode(StairwayVerifier.Report.self, from: Data(r.stdout.utf8))
        XCTAssertEqual(report.checked, 24)
        XCTAssertEqual(Set(report.failedRevisions), ["8f5d2b7a1c94", "5e2a8d1f7c06"], r.stdout)
        let broken = report.findings.filter { $0.revision == "8f5d2b7a1c94" }.map(\.message).joined(separator: "\n")
        XCTAssertTrue(broken.contains("orders_user_id_idx"), broken)
        let irreversible = report.findings.filter { $0.revision == "5e2a8d1f7c06" }.map(\.message).joined(separator: "\n")
        XCTAssertTrue(irreversible.contains("irreversible by design"), irreversible)
    }

    func testAFailingRevisionNamesItsFileLineAndTheServerError() throws {
        guard Self.available else { throw XCTSkip("Alembic is not installed (.build/tools-venv: run scripts/tool-venv.sh; needs PyPI)") }
        let project = try project("sample")
        let file = project.appendingPathComponent("migrations/versions/7e0b4c9d1a35_index_audit_events_action.py")
        let text = try String(contentsOf: file, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let def = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("def upgrade") })
        var edited = lines.map(String.init)
        edited.insert("    op.execute(\"SELECT * FROM no_such_table\")", at: def + 1)
        try edited.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        let r = try strataWithScratch(["squash", "--keep", "1", "--dry-run"], in: project)
        XCTAssertEqual(r.status, 3, r.stdout + r.stderr)
        XCTAssertTrue(r.stderr.contains("7e0b4c9d1a35_index_audit_events_action.py:\(def + 2)"), r.stderr)
        XCTAssertTrue(r.stderr.contains("no_such_table"), r.stderr)
    }

    /// The acceptance run: squash --keep 5, then Alembic itself upgrades a fresh database, one at
    /// the squash point and one at head; all reflect equal to the original history; a database
    /// behind the squash point is brought forward by `deployed fix`; restore gives the tree back.
    func testAlembicRunsTheSquashedTree() throws {
        guard Self.available else { throw XCTSkip("Alembic is not installed (.build/tools-venv: run scripts/tool-venv.sh; needs PyPI)") }
        let project = try project("sample")
        let history = try Workspace(configuration: try Configuration.load(from: project)).history()
        let k = history.revisions[history.count - 6].id
        let before = try treeHashes(project.appendingPathComponent("migrations/versions"))
        let atHead = try freshDatabase(self), atK = try freshDatabase(self), behind = try freshDatabase(self), fresh = try freshDatabase(self)
        try alembic(["upgrade", "head"], atHead, in: project)
        try alembic(["upgrade", k], atK, in: project)
        try alembic(["upgrade", history.revisions[8].id], behind, in: project)

        let squash = try strataWithScratch(["squash", "--keep", "5"], in: project)
        XCTAssertEqual(squash.status, 0, squash.stdout + squash.stderr)
        let initFile = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: project.appendingPathComponent("migrations/versions").path)
            .first { $0.hasPrefix(k) })
        let initText = try String(contentsOf: project.appendingPathComponent("migrations/versions/\(initFile)"), encoding: .utf8)
        XCTAssertTrue(initText.hasPrefix("# strata:squash archive="), initText)
        XCTAssertTrue(initText.contains("revision = \"\(k)\""), initText)
        XCTAssertTrue(initText.contains("NEW.updated_at := now()") || initText.contains(":="), "the trigger body's colon survives")
        XCTAssertEqual(try CLI.run(["lint"], in: project).status, 0)

        // Alembic runs the squashed tree: nothing for the database at head, the kept revisions
        // for the one at k, everything for a fresh one.
        for database in [fresh, atK, atHead] {
            try alembic(["upgrade", "head"], database, in: project)
            let drift = try strataWithScratch(["verify", "drift", "--database-url", database.raw], in: project)
            XCTAssertEqual(drift.status, 0, drift.stdout + drift.stderr)
            XCTAssertEqual(try CLI.run(["deployed", "check", database.raw], in: project).status, 0)
        }
        // Behind the squash point: Alembic alone cannot locate its revision; deployed fix
        // replays the archived revisions through Alembic, then Alembic goes on.
        XCTAssertEqual(try CLI.run(["deployed", "check", behind.raw], in: project).status, 1)
        let fix = try CLI.run(["deployed", "fix", behind.raw], in: project)
        XCTAssertEqual(fix.status, 0, fix.stdout + fix.stderr)
        let version = try PGConnection(behind)
        defer { version.close() }
        XCTAssertEqual(try version.query("SELECT version_num FROM alembic_version").rows.map { $0[0] }, [k])
        try alembic(["upgrade", "head"], behind, in: project)
        let drift = try strataWithScratch(["verify", "drift", "--database-url", behind.raw], in: project)
        XCTAssertEqual(drift.status, 0, drift.stdout + drift.stderr)

        // The proof from the archive, the stairway of the squashed history, and restore.
        let verify = try strataWithScratch(["verify", "squash"], in: project)
        XCTAssertEqual(verify.status, 0, verify.stdout + verify.stderr)
        let restore = try CLI.run(["archive", "restore"], in: project)
        XCTAssertEqual(restore.status, 0, restore.stdout + restore.stderr)
        XCTAssertEqual(try treeHashes(project.appendingPathComponent("migrations/versions")), before)
    }

    func testAsyncTemplateAndURLFromTheEnvironmentOrX() throws {
        guard Self.available else { throw XCTSkip("Alembic is not installed (.build/tools-venv: run scripts/tool-venv.sh; needs PyPI)") }
        for (name, extra) in [("sample-async", ""), ("sample-envvar", "url_env = \"APP_DATABASE_URL\"")] {
            let project = try project(name, extra: extra)
            let r = try strataWithScratch(["verify", "stairway"], in: project)
            XCTAssertEqual(r.status, 0, "\(name): " + r.stdout + r.stderr)
            let squash = try strataWithScratch(["squash", "--keep", "2", "--dry-run"], in: project)
            XCTAssertEqual(squash.status, 0, "\(name): " + squash.stdout + squash.stderr)
        }
        // An env.py that takes its URL from its own -x key: `[alembic] x` passes it ({url}).
        let xProject = try project("sample-envvar", extra: "x = \"dburl={url} tenant=acme\"")
        let env = xProject.appendingPathComponent("migrations/env.py")
        let text = try String(contentsOf: env, encoding: .utf8)
            .replacingOccurrences(of: "os.environ[\"APP_DATABASE_URL\"]", with: "context.get_x_argument(as_dictionary=True)[\"dburl\"]")
        try text.write(to: env, atomically: true, encoding: .utf8)
        let x = try strataWithScratch(["verify", "stairway"], in: xProject)
        XCTAssertEqual(x.status, 0, "-x: " + x.stdout + x.stderr)
        // An env.py that ignores every URL strata gives it is told so.
        let project = try project("sample-envvar")
        let r = try strataWithScratch(["verify", "stairway"], in: project, environment: ["APP_DATABASE_URL": "postgresql+psycopg://nobody@/nowhere?host=/nonexistent"])
        XCTAssertEqual(r.status, 3, r.stdout + r.stderr)
    }

    /// Revisions added on top of the sample: one with an Alembic plugin's operation
    /// (alembic-postgresql-enum's `op.sync_enum_values`, from the project's environment), one that
    /// commits in the middle, one whose downgrade raises only at run time.
    func testPluginsMidwayCommitsAndDowngradesThatRaise() throws {
        guard Self.available else { throw XCTSkip("Alembic is not installed (.build/tools-venv: run scripts/tool-venv.sh; needs PyPI)") }
        let project = try project("sample")
        let versions = project.appendingPathComponent("migrations/versions")
        func add(_ id: String, after parent: String, _ body: String) throws {
            try ("\"\"\"added by AlembicTests\n\nRevision ID: \(id)\nRevises: \(parent)\n\"\"\"\n"
                + "import sqlalchemy as sa\nfrom alembic import op\n\nrevision = \"\(id)\"\ndown_revision = \"\(parent)\"\n"
                + "branch_labels = None\ndepends_on = None\n\n" + body)
                .write(to: versions.appendingPathComponent("\(id)_added.py"), atomically: true, encoding: .utf8)
        }
        try add("a1a1a1a1a1a1", after: "7e0b4c9d1a35", """
            def upgrade():
                op.create_table("tickets", sa.Column("id", sa.Integer, primary_key=True),
                                sa.Column("state", sa.Enum("open", "closed", name="ticket_state"), nullable=False))


            def downgrade():
                op.drop_table("tickets")
                op.execute("DROP TYPE ticket_state")

            """)
        try add("a2a2a2a2a2a2", after: "a1a1a1a1a1a1", """
            from alembic_postgresql_enum import TableReference


            def upgrade():
                op.sync_enum_values("public", "ticket_state", ["open", "closed", "on_hold"],
                                    [TableReference(table_schema="public", table_name="tickets", column_name="state")])


            def downgrade():
                op.sync_enum_values("public", "ticket_state", ["open", "closed"],
                                    [TableReference(table_schema="public", table_name="tickets", column_name="state")])

            """)
        try add("a3a3a3a3a3a3", after: "a2a2a2a2a2a2", """
            def upgrade():
                op.create_table("batches", sa.Column("id", sa.Integer, primary_key=True))
                op.get_bind().commit()
                op.add_column("batches", sa.Column("label", sa.Text))


            def downgrade():
                op.drop_table("batches")

            """)
        try add("a4a4a4a4a4a4", after: "a3a3a3a3a3a3", """
            def upgrade():
                op.add_column("users", sa.Column("nickname", sa.Text))


            def downgrade():
                if op.get_context().dialect.name == "postgresql":
                    raise NotImplementedError("irreversible: nicknames are not kept anywhere else")
                op.drop_column("users", "nickname")

            """)
        // Through the library: the migrator's helper runs them with Alembic keeping its table; the
        // version row of the revision that committed midway is committed too.
        let workspace = Workspace(configuration: try Configuration.load(from: project))
        let history = try workspace.history()
        XCTAssertEqual(history.head?.id, "a4a4a4a4a4a4")
        let database = try freshDatabase(self)
        let connection = try PGConnection(database)
        defer { connection.close() }
        let migrator = try Migrator(connection: connection, history: history, directoryDisplay: "migrations/versions")
        _ = try migrator.upgrade(to: "a3a3a3a3a3a3")
        migrator.closeHelpers()
        let other = try PGConnection(database)
        defer { other.close() }
        XCTAssertEqual(try other.query("SELECT version_num FROM alembic_version").rows.map { $0[0] }, ["a3a3a3a3a3a3"])
        XCTAssertEqual(try other.query("SELECT enum_range(NULL::ticket_state)::text")[0, 0], "{open,closed,on_hold}")
        XCTAssertEqual(try migrator.state().current?.id, "a3a3a3a3a3a3")
        _ = try migrator.upgrade(to: "head")
        do {
            _ = try migrator.downgrade(to: "a3a3a3a3a3a3")
            XCTFail("the downgrade raises")
        } catch let error as MigrationError {
            XCTAssertTrue(error.irreversible, error.description)
            XCTAssertTrue(error.location.hasSuffix("a4a4a4a4a4a4_added.py:20"), error.location)
        }

        // The stairway: the plugin's and the committing revision pass; the one that raises is
        // irreversible by design, at its line.
        let r = try strataWithScratch(["verify", "stairway", "--format", "json"], in: project)
        XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
        let report = try JSONDecoder().decode(StairwayVerifier.Report.self, from: Data(r.stdout.utf8))
        XCTAssertEqual(Set(report.failedRevisions), ["8f5d2b7a1c94", "5e2a8d1f7c06", "a4a4a4a4a4a4"], r.stdout)
        let raised = report.findings.filter { $0.revision == "a4a4a4a4a4a4" }.map(\.message).joined()
        XCTAssertTrue(raised.contains("irreversible by design") && raised.contains("a4a4a4a4a4a4_added.py:20"), raised)
    }

    func testTheEmbeddedHelperIsTheScript() throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/StrataKit/Resources/alembic_helper.py")
        XCTAssertEqual(String(decoding: AlembicHelper.source, as: UTF8.self), try String(contentsOf: script, encoding: .utf8),
                       "the binary carries the helper as it is in the repository")
    }

    private func treeHashes(_ directory: URL) throws -> [String: String] {
        var out: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) where name.hasSuffix(".py") {
            out[name] = SHA256Hex.of(try Data(contentsOf: directory.appendingPathComponent(name)))
        }
        return out
    }
}
