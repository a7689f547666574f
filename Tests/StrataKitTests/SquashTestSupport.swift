import Foundation
import XCTest
import StrataPostgres
import StrataTestSupport
@testable import StrataKit

/// Shared pieces of the squash tests (issue 5): small histories, project copies, tree snapshots,
/// tar, and the built binary pointed at the test server as its scratch server.
enum SquashFixture {
    /// Eight revisions r01 … r08 of a small subscription schema: an enum, tables with foreign keys,
    /// a CHECK, a trigger function and its trigger, an index, a view, a SQL function and seed rows
    /// (some of them changed by later revisions); a kept revision inserts into a table whose serial
    /// sequence the squashed ones advanced. No `now()` in any row: the proof compares rows.
    static let standard: [(up: String, down: String?)] = [
        ("""
        CREATE TYPE account_status AS ENUM ('active', 'suspended');
        CREATE TABLE accounts (
            id bigserial PRIMARY KEY,
            email text NOT NULL UNIQUE,
            status account_status NOT NULL DEFAULT 'active',
            created_at timestamptz NOT NULL DEFAULT now()
        );
        """, "DROP TABLE accounts;\nDROP TYPE account_status;"),
        ("""
        CREATE TABLE plans (
            code text PRIMARY KEY,
            name text NOT NULL,
            price_cents integer NOT NULL CHECK (price_cents >= 0)
        );
        INSERT INTO plans VALUES ('free', 'Free', 0), ('pro', 'Pro', 1900);
        """, "DROP TABLE plans;"),
        ("""
        CREATE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.updated_at := now();
            RETURN NEW;
        END
        $$;
        ALTER TABLE accounts ADD COLUMN updated_at timestamptz;
        CREATE TRIGGER accounts_updated BEFORE UPDATE ON accounts FOR EACH ROW EXECUTE FUNCTION set_updated_at();
        """, "DROP TRIGGER accounts_updated ON accounts;\nALTER TABLE accounts DROP COLUMN updated_at;\nDROP FUNCTION set_updated_at();"),
        ("""
        CREATE TABLE subscriptions (
            id bigserial PRIMARY KEY,
            account_id bigint NOT NULL REFERENCES accounts ON DELETE CASCADE,
            plan_code text NOT NULL REFERENCES plans,
            started_on date NOT NULL
        );
        CREATE INDEX ix_subscriptions_account ON subscriptions (account_id);
        INSERT INTO accounts (email, created_at) VALUES ('ops@example.com', '2025-01-01T00:00:00Z');
        """, "DELETE FROM accounts WHERE email = 'ops@example.com';\nDROP TABLE subscriptions;"),
        ("""
        CREATE VIEW active_accounts AS SELECT id, email FROM accounts WHERE status = 'active';
        INSERT INTO plans VALUES ('team', 'Team', 4900);
        UPDATE plans SET price_cents = 2900 WHERE code = 'pro';
        """, "UPDATE plans SET price_cents = 1900 WHERE code = 'pro';\nDELETE FROM plans WHERE code = 'team';\nDROP VIEW active_accounts;"),
        ("""
        ALTER TABLE plans ADD COLUMN seats integer NOT NULL DEFAULT 1;
        UPDATE plans SET seats = 10 WHERE code = 'team';
        """, "ALTER TABLE plans DROP COLUMN seats;"),
        ("""
        CREATE TABLE invoices (
            id bigserial PRIMARY KEY,
            subscription_id bigint NOT NULL REFERENCES subscriptions,
            amount_cents integer NOT NULL,
            issued_on date NOT NULL
        );
        """, "DROP TABLE invoices;"),
        ("""
        CREATE FUNCTION account_count() RETURNS bigint LANGUAGE sql STABLE AS 'SELECT count(*) FROM accounts';
        INSERT INTO plans (code, name, price_cents, seats) VALUES ('enterprise', 'Enterprise', 9900, 100);
        INSERT INTO accounts (email, created_at) VALUES ('second@example.com', '2025-02-01T00:00:00Z');
        """, "DELETE FROM accounts WHERE email = 'second@example.com';\nDELETE FROM plans WHERE code = 'enterprise';\nDROP FUNCTION account_count();"),
    ]

    static func ids(_ range: ClosedRange<Int>) -> [String] { range.map { String(format: "r%02d", $0) } }
}

/// A project directory: `migrations/` from (up, down) pairs (ids r01, r02, …) with a current
/// `strata.sum`, and an empty `archive/` (as `strata init` leaves it).
func squashProject(_ test: XCTestCase, _ revisions: [(up: String, down: String?)] = SquashFixture.standard) throws -> URL {
    let project = try makeHistory(test, revisions).deletingLastPathComponent()
    try FileManager.default.createDirectory(at: project.appendingPathComponent("archive"), withIntermediateDirectories: true)
    let hash = try CLI.run(["hash"], in: project)
    XCTAssertEqual(hash.status, 0, hash.stderr)
    return project
}

/// A history squashed once per test run (the standard one: `squash --keep 3 --name sq1`),
/// before and after; tests get copies, so the squash runs once instead of in every test that
/// needs one.
enum SquashedStandard {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var cached: [String: (original: URL, squashed: URL)] = [:]
    nonisolated(unsafe) private static var roots: [URL] = []

    /// (a copy of the original project, a copy of the squashed one); `name` keys the cache.
    static func copies(_ test: XCTestCase, name: String = "standard", revisions: [(up: String, down: String?)] = SquashFixture.standard,
                       keep: Int = 3) throws -> (original: URL, squashed: URL) {
        let (original, squashed) = try make(name, revisions, keep)
        return (try copyProject(test, original), try copyProject(test, squashed))
    }

    private static func make(_ name: String, _ revisions: [(up: String, down: String?)], _ keep: Int) throws -> (original: URL, squashed: URL) {
        lock.lock()
        defer { lock.unlock() }
        if let made = cached[name] { return made }
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("strata-squashed-\(name)-\(UUID().uuidString.prefix(8))")
        if roots.isEmpty {
            atexit { for root in SquashedStandard.roots { try? FileManager.default.removeItem(at: root) } }
        }
        roots.append(dir)
        let original = dir.appendingPathComponent("original")
        let migrations = original.appendingPathComponent("migrations")
        try fm.createDirectory(at: migrations, withIntermediateDirectories: true)
        try fm.createDirectory(at: original.appendingPathComponent("archive"), withIntermediateDirectories: true)
        for (index, revision) in revisions.enumerated() {
            try writeRevision(migrations, id: String(format: "r%02d", index + 1), parent: index == 0 ? nil : String(format: "r%02d", index),
                              up: revision.up, down: revision.down)
        }
        let hash = try CLI.run(["hash"], in: original)
        guard hash.status == 0 else { throw StrataError.usage("strata hash failed: \(hash.stderr)") }
        let squashed = dir.appendingPathComponent("squashed")
        try fm.copyItem(at: original, to: squashed)
        let squash = try strataWithScratch(["squash", "--keep", String(keep), "--name", "sq1"], in: squashed)
        guard squash.status == 0 else { throw StrataError.usage("the fixture squash failed: \(squash.stdout)\(squash.stderr)") }
        cached[name] = (original, squashed)
        return (original, squashed)
    }
}

/// A copy of a squashed project (`SquashedStandard.copies(test)` unless given) whose init
/// revision `edit` changed (the sum rewritten), and `verify squash` run on it.
func verifyWithEditedInit(_ test: XCTestCase, _ project: URL? = nil, _ edit: (String) -> String,
                          file: StaticString = #filePath, line: UInt = #line) throws -> CLI.Result {
    let project = try project ?? SquashedStandard.copies(test).squashed
    let initRevision = try theInitRevision(project)
    let url = project.appendingPathComponent("migrations").appendingPathComponent(try XCTUnwrap(initRevision.fileName))
    let text = try String(contentsOf: url, encoding: .utf8)
    let edited = edit(text)
    XCTAssertNotEqual(edited, text, file: file, line: line)
    try edited.write(to: url, atomically: true, encoding: .utf8)
    XCTAssertEqual(try CLI.run(["hash"], in: project).status, 0, file: file, line: line)
    return try strataWithScratch(["verify", "squash"], in: project)
}

/// `verify squash` failed the proof (exit 1) and its output has every one of `lines`.
func assertProofFails(_ r: CLI.Result, mentioning lines: [String], file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(r.status, 1, r.stdout + r.stderr, file: file, line: line)
    for expected in lines { XCTAssertTrue(r.stdout.contains(expected), r.stdout, file: file, line: line) }
}

/// An edit of an init revision: its up with `sql` appended.
func appendingToUp(_ sql: String) -> (String) -> String {
    { $0.replacingOccurrences(of: "\n-- migrate:down\n", with: "\n\(sql)\n\n-- migrate:down\n") }
}

/// A copy of a project in a new temporary directory.
func copyProject(_ test: XCTestCase, _ project: URL) throws -> URL {
    let copy = try temporaryDirectory(test).appendingPathComponent("project")
    try FileManager.default.copyItem(at: project, to: copy)
    return copy
}

/// `--scratch-url` for the test server: squash and verify reuse it instead of starting a server.
func scratchArguments() throws -> [String] {
    ["--scratch-url", try TestServer.shared().connectionString().raw]
}

/// Runs `strata ARGS --scratch-url <test server>` in `project`.
@discardableResult
func strataWithScratch(_ args: [String], in project: URL, environment: [String: String] = [:]) throws -> CLI.Result {
    try CLI.run(args + scratchArguments(), in: project, environment: environment)
}

/// Every file and directory under `migrations/` and `archive/` (hidden ones included), by path
/// relative to the project; directories end in `/` and map to empty data.
func treeSnapshot(_ project: URL) throws -> [String: Data] {
    var out: [String: Data] = [:]
    let fm = FileManager.default
    for top in ["migrations", "archive"] {
        let root = project.appendingPathComponent(top)
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: root.path, isDirectory: &isDirectory) else { continue }
        guard isDirectory.boolValue else {
            out[top] = try Data(contentsOf: root)
            continue
        }
        out[top + "/"] = Data()
        for relative in try fm.subpathsOfDirectory(atPath: root.path).sorted() {
            let url = root.appendingPathComponent(relative)
            var dir: ObjCBool = false
            _ = fm.fileExists(atPath: url.path, isDirectory: &dir)
            if dir.boolValue {
                out["\(top)/\(relative)/"] = Data()
            } else {
                out["\(top)/\(relative)"] = try Data(contentsOf: url)
            }
        }
    }
    return out
}

/// Fails with the paths that differ between two snapshots.
func assertSameTree(_ expected: [String: Data], _ actual: [String: Data], _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
    let added = Set(actual.keys).subtracting(expected.keys).sorted()
    let removed = Set(expected.keys).subtracting(actual.keys).sorted()
    let changed = expected.keys.filter { actual[$0] != nil && actual[$0] != expected[$0] }.sorted()
    if !(added.isEmpty && removed.isEmpty && changed.isEmpty) {
        XCTFail("\(message) tree differs: added \(added), removed \(removed), changed \(changed)", file: file, line: line)
    }
}

/// The `.sql` files of `migrations/`, by name.
func revisionFiles(_ project: URL) throws -> [String: Data] {
    let dir = project.appendingPathComponent("migrations")
    var out: [String: Data] = [:]
    for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) where name.hasSuffix(".sql") {
        out[name] = try Data(contentsOf: dir.appendingPathComponent(name))
    }
    return out
}

/// The init revisions (files with a `replaces` header) in `migrations/`.
func initRevisions(_ project: URL) throws -> [Revision] {
    var out: [Revision] = []
    for (name, data) in try revisionFiles(project) {
        var revision = try RevisionParser.parse(data, file: name)
        revision.fileName = name
        if !revision.replaces.isEmpty { out.append(revision) }
    }
    return out
}

/// The one init revision in `migrations/`.
func theInitRevision(_ project: URL, file: StaticString = #filePath, line: UInt = #line) throws -> Revision {
    let inits = try initRevisions(project)
    XCTAssertEqual(inits.count, 1, "exactly one init revision: \(inits.map(\.id))", file: file, line: line)
    return try XCTUnwrap(inits.first, file: file, line: line)
}

/// Runs a tool (tar, sha256sum, sh) and returns its output; fails the test on a non-zero exit
/// unless `allowFailure`.
@discardableResult
func runTool(_ tool: String, _ args: [String], in dir: URL, allowFailure: Bool = false, file: StaticString = #filePath, line: UInt = #line) throws -> (stdout: String, status: Int32) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: tool)
    p.arguments = args
    p.currentDirectoryURL = dir
    let out = Pipe()
    p.standardOutput = out
    p.standardError = FileHandle.nullDevice
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    if !allowFailure { XCTAssertEqual(p.terminationStatus, 0, "\(tool) \(args.joined(separator: " "))", file: file, line: line) }
    return (String(decoding: data, as: UTF8.self), p.terminationStatus)
}

/// Extracts an archive with plain `tar -xzf` into a new temporary directory; returns every file
/// in it by path relative to that directory.
func extractArchive(_ test: XCTestCase, _ archive: URL) throws -> [String: Data] {
    let dir = try temporaryDirectory(test)
    try runTool("/bin/tar", ["-xzf", archive.path], in: dir)
    var out: [String: Data] = [:]
    for relative in try FileManager.default.subpathsOfDirectory(atPath: dir.path) {
        let url = dir.appendingPathComponent(relative)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue {
            out[relative] = try Data(contentsOf: url)
        }
    }
    return out
}

/// Replaces the text of a revision file's up section (everything between `-- migrate:up` and
/// `-- migrate:down`) and its down section.
func rewriteSections(_ url: URL, up: String, down: String) throws {
    let text = try String(contentsOf: url, encoding: .utf8)
    let header = try XCTUnwrap(text.range(of: "-- migrate:up\n"), "\(url.lastPathComponent) has no up marker")
    let rewritten = String(text[..<header.upperBound]) + up + "\n\n-- migrate:down\n" + down + "\n"
    try rewritten.write(to: url, atomically: true, encoding: .utf8)
}

/// `strata new MESSAGE` on top of head, then the SQL written into it; returns the new id.
@discardableResult
func addRevision(_ project: URL, _ message: String, up: String, down: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
    let created = try CLI.run(["new", message, "--quiet"], in: project)
    XCTAssertEqual(created.status, 0, created.stderr, file: file, line: line)
    let path = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    let url = project.appendingPathComponent(path)
    try rewriteSections(url, up: up, down: down)
    let hash = try CLI.run(["hash"], in: project)
    XCTAssertEqual(hash.status, 0, hash.stderr, file: file, line: line)
    return String(url.lastPathComponent.prefix { $0 != "_" && $0 != "." })
}

/// The revision ids recorded in a database's version table, sorted.
func versionRows(_ database: ConnectionString) throws -> [String] {
    let connection = try PGConnection(database)
    defer { connection.close() }
    return try connection.query("SELECT revision FROM public.strata_version ORDER BY revision").rows.compactMap { $0[0] }
}

/// Scratch databases strata left on the test server (it must drop every one it creates).
func leftoverScratchDatabases() throws -> [String] {
    let connection = try PGConnection(try TestServer.shared().connectionString())
    defer { connection.close() }
    return try connection.query("SELECT datname FROM pg_database WHERE datname LIKE 'strata\\_%' ORDER BY 1").rows.compactMap { $0[0] }
}
