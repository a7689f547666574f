import Foundation
import XCTest
@testable import StrataKit

/// `strata verify squash` (README "Verify"): re-proves a squash from its archive(s), after later
/// revisions and after several squashes; fails with the differences when the init revision lies.
final class SquashVerifyTests: XCTestCase {
    static let notes = (up: "CREATE TABLE notes (\n    id bigserial PRIMARY KEY,\n    account_id bigint REFERENCES accounts,\n    body text NOT NULL\n);", down: "DROP TABLE notes;")
    static let eduPlan = (up: "INSERT INTO plans (code, name, price_cents, seats) VALUES ('edu', 'Education', 500, 50);", down: "DELETE FROM plans WHERE code = 'edu';")

    private func verify(_ project: URL, file: StaticString = #filePath, line: UInt = #line) throws -> CLI.Result {
        let r = try strataWithScratch(["verify", "squash"], in: project)
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr, file: file, line: line)
        XCTAssertTrue(r.stdout.contains("\nthe squashed history is equivalent\n"), r.stdout, file: file, line: line)
        XCTAssertFalse(r.stdout.contains("✗"), r.stdout, file: file, line: line)
        return r
    }

    func testVerifyAfterASquashAndAfterLaterRevisions() throws {
        let project = try SquashedStandard.copies(self).squashed
        var r = try verify(project)
        XCTAssertTrue(r.stdout.hasPrefix("verify squash: 8 original revisions (from archive/sq1.tar.gz) against 4 current ones\n"), r.stdout)
        XCTAssertEqual(r.stdout.split(separator: "\n").filter { $0.hasPrefix("  ✓ ") }.count, 2, "squash point and head: \(r.stdout)")

        try addRevision(project, "add notes", up: Self.notes.up, down: Self.notes.down)
        try addRevision(project, "add the edu plan", up: Self.eduPlan.up, down: Self.eduPlan.down)
        XCTAssertEqual(try CLI.run(["lint", "--strict"], in: project).status, 0)
        r = try verify(project)
        XCTAssertTrue(r.stdout.hasPrefix("verify squash: 10 original revisions (from archive/sq1.tar.gz) against 6 current ones\n"), r.stdout)

        let json = try strataWithScratch(["verify", "squash", "--format", "json"], in: project)
        XCTAssertEqual(json.status, 0, json.stderr)
        let proof = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let checks = try XCTUnwrap(proof["checks"] as? [[String: Any]])
        XCTAssertEqual(checks.count, 2)
        XCTAssertTrue(checks.allSatisfy { ($0["differences"] as? [Any])?.isEmpty == true }, json.stdout)
    }

    /// Squash, add revisions, squash again: the second archive holds the first init revision,
    /// and verify rebuilds the whole original history through both.
    func testVerifyAfterTwoSquashesInARow() throws {
        let project = try squashProject(self)
        XCTAssertEqual(try strataWithScratch(["squash", "--keep", "4", "--name", "sq1"], in: project).status, 0)
        let firstInit = try theInitRevision(project)
        try addRevision(project, "add notes", up: Self.notes.up, down: Self.notes.down)
        try addRevision(project, "add the edu plan", up: Self.eduPlan.up, down: Self.eduPlan.down)
        var r = try strataWithScratch(["squash", "--keep", "2", "--name", "sq2"], in: project)
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        let secondInit = try theInitRevision(project)
        XCTAssertEqual(secondInit.replaces, [firstInit.id, "r05", "r06", "r07", "r08"])
        XCTAssertEqual(try revisionFiles(project).count, 3)

        r = try verify(project)
        XCTAssertTrue(r.stdout.hasPrefix("verify squash: 10 original revisions (from archive/sq1.tar.gz, archive/sq2.tar.gz) against 3 current ones\n"), r.stdout)
        r = try CLI.run(["archive", "verify"], in: project)
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        r = try CLI.run(["archive", "list"], in: project)
        XCTAssertEqual(r.stdout.split(separator: "\n").count, 2, r.stdout)
        // Revisions of either archive can be shown.
        XCTAssertTrue(try CLI.run(["archive", "show", "r02"], in: project).stdout.hasPrefix("-- revision: r02\n"))
        XCTAssertTrue(try CLI.run(["archive", "show", "r06"], in: project).stdout.hasPrefix("-- revision: r06\n"))
        XCTAssertTrue(try CLI.run(["archive", "show", firstInit.id], in: project).stdout.hasPrefix("archive sq1.tar.gz\n"))
    }

    /// An init revision edited after the squash (a column dropped from what it builds) no longer
    /// matches the archived history: exit 1, the difference shown.
    func testVerifyFailsWhenTheInitRevisionWasEdited() throws {
        // Drop `subscriptions.started_on` (it has no rows, and no kept revision uses it).
        let r = try verifyWithEditedInit(self) {
            $0.replacingOccurrences(of: "    plan_code text NOT NULL,\n    started_on date NOT NULL\n);", with: "    plan_code text NOT NULL\n);")
        }
        assertProofFails(r, mentioning: [
            "  ✗ squash point: the init revision builds what the squashed revisions built", "public.subscriptions.started_on",
            "  ✗ head: the squashed history builds what the original history builds", "\nthe squashed history DIFFERS from the original\n",
        ])
    }

    /// A kept revision that fails on the squashed history (but applied on the original) is a
    /// failed proof (exit 1) naming the revision and the server's error, not a database failure.
    func testVerifyFailsWhenAKeptRevisionFailsOnTheSquashedHistory() throws {
        // The init revision now adds the column that kept revision r06 adds.
        let r = try verifyWithEditedInit(self, nil, appendingToUp("ALTER TABLE public.plans ADD COLUMN seats integer;"))
        assertProofFails(r, mentioning: [
            "  ✗ head: the squashed history builds what the original history builds",
            "revision r06 fails on the squashed history at migrations/r06", "42701", "\nthe squashed history DIFFERS from the original\n",
        ])
    }

    /// An init revision that lost a `setval` builds the same schema and rows, but its sequence
    /// stands elsewhere (the next insert would collide): the proof names the sequence.
    func testVerifyFailsWhenTheInitRevisionLosesASequencePosition() throws {
        let r = try verifyWithEditedInit(self) { text in
            text.split(separator: "\n", omittingEmptySubsequences: false)
                .filter { !$0.contains("setval('public.accounts_id_seq'") }.joined(separator: "\n")
        }
        assertProofFails(r, mentioning: [
            "  ✗ squash point: the init revision builds what the squashed revisions built",
            "~ sequence public.accounts_id_seq: last value 1 → never called",
        ])
    }

    /// An extra object in the init revision is a difference too (the comparison is both ways).
    func testVerifyFailsWhenTheInitRevisionBuildsMore() throws {
        let r = try verifyWithEditedInit(self, nil, appendingToUp("CREATE INDEX ix_plans_name ON public.plans (name);"))
        assertProofFails(r, mentioning: ["ix_plans_name"])
    }

    func testVerifyWithoutAnArchiveOrASquash() throws {
        let (original, project) = try SquashedStandard.copies(self)
        var r = try strataWithScratch(["verify", "squash"], in: original)
        XCTAssertEqual(r.status, 2, r.stdout + r.stderr)
        XCTAssertTrue(r.stderr.contains("nothing was squashed"), r.stderr)
        try FileManager.default.removeItem(at: project.appendingPathComponent("archive/sq1.tar.gz"))
        r = try strataWithScratch(["verify", "squash"], in: project)
        XCTAssertEqual(r.status, 2, r.stdout + r.stderr)
        XCTAssertTrue(r.stderr.contains("names archive sq1.tar.gz, which is not in archive"), r.stderr)
    }
}
