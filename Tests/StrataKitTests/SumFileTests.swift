import XCTest
@testable import StrataKit

final class SumFileTests: XCTestCase {
    let entries = [SumFile.Entry(fileName: "a_x.sql", sha256: "11"), SumFile.Entry(fileName: "b_x.sql", sha256: "22")]

    func testRunningHash() {
        let text = SumFile.render(entries)
        let lines = text.split(separator: "\n")
        XCTAssertEqual(lines.count, 3)
        XCTAssertTrue(lines[1].hasPrefix("a_x.sql "))
        XCTAssertTrue(lines[2].hasPrefix("b_x.sql "))
        // The total on the first line is the last running hash: every addition changes line 1.
        XCTAssertEqual(lines[0].split(separator: " ").last, lines[2].split(separator: " ").last)
        // A change to the first file changes every line after it.
        let changed = SumFile.render([SumFile.Entry(fileName: "a_x.sql", sha256: "99"), entries[1]]).split(separator: "\n")
        XCTAssertNotEqual(changed[1], lines[1])
        XCTAssertNotEqual(changed[2], lines[2])
    }

    func testStatus() {
        let text = SumFile.render(entries)
        XCTAssertEqual(SumFile.status(expected: text, actual: text), .current)
        XCTAssertEqual(SumFile.status(expected: text, actual: nil), .missing)
        let older = SumFile.render(Array(entries.prefix(1)))
        XCTAssertEqual(SumFile.status(expected: text, actual: older), .stale(line: 3, file: "b_x.sql"))
    }

    /// Two branches that each add a revision write sum files that conflict in git at merge time.
    func testTwoBranchesConflictInGit() throws {
        let dir = try temporaryDirectory(self)
        func git(_ args: String...) throws -> Int32 {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["git", "-C", dir.path, "-c", "user.name=t", "-c", "user.email=t@t"] + args
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            p.waitUntilExit()
            return p.terminationStatus
        }
        let sum = dir.appendingPathComponent("strata.sum")
        XCTAssertEqual(try git("init", "-q", "-b", "main"), 0)
        try SumFile.render(entries).write(to: sum, atomically: true, encoding: .utf8)
        XCTAssertEqual(try git("add", "."), 0)
        XCTAssertEqual(try git("commit", "-qm", "base"), 0)
        XCTAssertEqual(try git("checkout", "-qb", "one"), 0)
        try SumFile.render(entries + [SumFile.Entry(fileName: "c_one.sql", sha256: "33")]).write(to: sum, atomically: true, encoding: .utf8)
        XCTAssertEqual(try git("commit", "-qam", "one"), 0)
        XCTAssertEqual(try git("checkout", "-q", "main"), 0)
        try SumFile.render(entries + [SumFile.Entry(fileName: "c_two.sql", sha256: "44")]).write(to: sum, atomically: true, encoding: .utf8)
        XCTAssertEqual(try git("commit", "-qam", "two"), 0)
        XCTAssertNotEqual(try git("merge", "-q", "one"), 0, "the merge must conflict")
    }
}
