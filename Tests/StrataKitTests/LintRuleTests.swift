import XCTest
@testable import StrataKit

/// Graph and lint rules as a table of literal cases (STYLE 2, 14): adding a case is adding a row.
final class LintRuleTests: XCTestCase {
    struct Case {
        var name: String
        var revisions: [Revision]
        /// Expected (rule, severity) pairs, in output order.
        var expected: [String]
        /// Substrings the messages must contain.
        var mentions: [String] = []
        var sum: SumFile.Status? = nil
    }

    let cases: [Case] = [
        Case(name: "linear", revisions: [rev("a"), rev("b", parent: "a"), rev("c", parent: "b")], expected: []),
        Case(name: "empty history", revisions: [], expected: []),
        Case(name: "single root", revisions: [rev("a")], expected: []),
        Case(name: "two heads", revisions: [rev("a"), rev("b", parent: "a"), rev("c", parent: "a", created: "2026-01-02")],
             expected: ["multiple-heads:error"],
             mentions: ["2 heads: b (b_x.sql) and c (c_x.sql)", "they fork at a (a_x.sql)", "strata rebase c --onto b"]),
        Case(name: "two heads after longer branches", revisions: [rev("a"), rev("b", parent: "a"), rev("c", parent: "b"), rev("d", parent: "b"), rev("e", parent: "d")],
             expected: ["multiple-heads:error"], mentions: ["they fork at b", "strata rebase"]),
        Case(name: "three heads", revisions: [rev("a"), rev("b", parent: "a"), rev("c", parent: "a"), rev("d", parent: "a")],
             expected: ["multiple-heads:error", "multiple-heads:error"], mentions: ["3 heads"]),
        Case(name: "merge", revisions: [rev("a"), rev("b", parent: "a"), rev("c", parent: "a"), rev("m", parents: ["b", "c"])],
             expected: ["merge:error", "branch:error"], mentions: ["revision m merges b and c", "revision a has 2 children"]),
        Case(name: "cycle", revisions: [rev("a"), rev("b", parent: "a"), rev("x", parent: "z"), rev("y", parent: "x"), rev("z", parent: "y")],
             expected: ["cycle:error"], mentions: ["x → z → y → x"]),
        Case(name: "only a cycle", revisions: [rev("x", parent: "y"), rev("y", parent: "x")],
             expected: ["cycle:error", "root:error"], mentions: ["no revision has `down_revision: none`"]),
        Case(name: "duplicate id", revisions: [rev("a"), rev("b", parent: "a", file: "b_one.sql"), rev("b", parent: "a", file: "b_two.sql")],
             expected: ["duplicate-id:error"], mentions: ["revision id b is declared by 2 files: b_one.sql, b_two.sql"]),
        Case(name: "dangling parent", revisions: [rev("a"), rev("b", parent: "nope")],
             expected: ["dangling-parent:error"], mentions: ["down_revision nope, but no revision has that id"]),
        Case(name: "parent replaced by an init revision", revisions: [rev("init", replaces: ["o1", "o2"]), rev("b", parent: "o2")], expected: []),
        Case(name: "two roots", revisions: [rev("a"), rev("b"), rev("c", parent: "a")],
             expected: ["root:error", "multiple-heads:error"], mentions: ["2 revisions have `down_revision: none`: a (a_x.sql), b (b_x.sql)", "they share no ancestor"]),
        Case(name: "filename mismatch", revisions: [rev("a", file: "zzz_create.sql"), rev("b", parent: "a")],
             expected: ["filename-mismatch:error"], mentions: ["file name zzz_create.sql does not match its header's revision id a"]),
        Case(name: "filename of bare id is fine", revisions: [rev("a", file: "a.sql")], expected: []),
        Case(name: "filename sharing a prefix is not enough", revisions: [rev("ab", file: "abc_x.sql")], expected: ["filename-mismatch:error"]),
        Case(name: "irreversible", revisions: [rev("a"), rev("b", parent: "a", down: false)],
             expected: ["irreversible:warning"], mentions: ["revision b has no `-- migrate:down` section"]),
        Case(name: "stale sum", revisions: [rev("a")], expected: ["sum:error"], mentions: ["is stale"], sum: .stale(line: 2, file: "a_x.sql")),
        Case(name: "missing sum", revisions: [rev("a")], expected: ["sum:error"], mentions: ["is missing; run `strata hash`"], sum: .missing),
        Case(name: "current sum", revisions: [rev("a")], expected: [], sum: .current),
    ]

    func testCases() {
        for c in cases {
            let context = LintContext(graph: RevisionGraph(c.revisions), sum: c.sum)
            let findings = LintRule.lint(context)
            XCTAssertEqual(findings.map { "\($0.rule):\($0.severity.rawValue)" }, c.expected, c.name)
            let text = findings.map(\.message).joined(separator: "\n")
            for mention in c.mentions {
                XCTAssertTrue(text.contains(mention), "\(c.name): expected a message containing «\(mention)», got:\n\(text)")
            }
        }
    }

    func testGraphIgnoresInputOrder() {
        let revisions = [rev("a"), rev("b", parent: "a"), rev("c", parent: "b"), rev("d", parent: "c")]
        let expected = RevisionGraph(revisions).linearOrder()?.map(\.id)
        XCTAssertEqual(expected, ["a", "b", "c", "d"])
        for shuffled in [revisions.reversed(), [revisions[2], revisions[0], revisions[3], revisions[1]]] {
            XCTAssertEqual(RevisionGraph(Array(shuffled)).linearOrder()?.map(\.id), expected)
        }
        // File names in the opposite order do not matter either.
        let renamed = revisions.enumerated().map { index, r in
            var r = r
            r.fileName = "\(r.id)_\(9 - index).sql"
            return r
        }
        XCTAssertEqual(RevisionGraph(renamed).linearOrder()?.map(\.id), expected)
    }

    func testLinearOrderRejectsNonLinear() {
        XCTAssertNil(RevisionGraph([rev("a"), rev("b", parent: "a"), rev("c", parent: "a")]).linearOrder())
        XCTAssertNil(RevisionGraph([rev("a"), rev("b")]).linearOrder())
        XCTAssertNil(RevisionGraph([rev("a"), rev("b", parent: "a"), rev("x", parent: "y"), rev("y", parent: "x")]).linearOrder())
        XCTAssertEqual(RevisionGraph([rev("init", replaces: ["o1"]), rev("b", parent: "o1")]).linearOrder()?.map(\.id), ["init", "b"])
    }

    func testForkPointAndLineage() {
        let graph = RevisionGraph([rev("a"), rev("b", parent: "a"), rev("c", parent: "b"), rev("d", parent: "b"), rev("e", parent: "d")])
        XCTAssertEqual(graph.lineage(of: "e"), ["e", "d", "b", "a"])
        XCTAssertEqual(graph.forkPoint("c", "e"), "b")
        XCTAssertEqual(graph.heads, ["c", "e"])
        XCTAssertEqual(graph.roots, ["a"])
    }
}
