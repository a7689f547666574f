import Foundation
import XCTest
@testable import StrataKit

/// The archive a squash writes (README "Archives"): plain tar.gz, checksummed manifest,
/// `archive list | show | verify | restore`.
final class SquashArchiveTests: XCTestCase {
    /// A squashed copy of the standard history: (project, the tree before the squash, the init revision).
    private func squashed() throws -> (URL, [String: Data], Revision) {
        let (original, project) = try SquashedStandard.copies(self)
        return (project, try treeSnapshot(original), try theInitRevision(project))
    }

    func testArchiveIsPlainTarGzWithAChecksummedManifest() throws {
        let (project, before, initRevision) = try squashed()
        let archive = project.appendingPathComponent("archive/sq1.tar.gz")
        let listing = try runTool("/bin/tar", ["-tzf", archive.path], in: project).stdout
        XCTAssertEqual(listing.split(separator: "\n").map(String.init), [
            "sq1/manifest.json",
            "sq1/revisions/r01_rev.sql", "sq1/revisions/r02_rev.sql", "sq1/revisions/r03_rev.sql",
            "sq1/revisions/r04_rev.sql", "sq1/revisions/r05_rev.sql",
            "sq1/kept/r06_rev.sql",
            "sq1/strata.sum",
        ])

        let files = try extractArchive(self, archive)
        XCTAssertEqual(files.count, 8)
        for id in SquashFixture.ids(1...5) {
            XCTAssertEqual(files["sq1/revisions/\(id)_rev.sql"], before["migrations/\(id)_rev.sql"], "\(id) byte for byte")
        }
        XCTAssertEqual(files["sq1/kept/r06_rev.sql"], before["migrations/r06_rev.sql"], "the oldest kept file as it was")
        XCTAssertEqual(files["sq1/strata.sum"], before["migrations/strata.sum"], "the old sum")

        let manifest = try XCTUnwrap(JSONSerialization.jsonObject(with: try XCTUnwrap(files["sq1/manifest.json"])) as? [String: Any])
        XCTAssertEqual(manifest["format"] as? String, "strata-archive/1")
        XCTAssertEqual(manifest["name"] as? String, "sq1")
        XCTAssertEqual(manifest["initRevision"] as? String, initRevision.id)
        XCTAssertEqual(manifest["squashPoint"] as? String, "r05")
        XCTAssertEqual((manifest["schemaFingerprint"] as? String)?.count, 64)
        let revisions = try XCTUnwrap(manifest["revisions"] as? [[String: Any]])
        XCTAssertEqual(revisions.map { $0["id"] as? String }, SquashFixture.ids(1...5).map { Optional($0) })
        XCTAssertEqual(revisions.map { $0["parent"] as? String }, [nil] + SquashFixture.ids(1...4).map { Optional($0) })
        // Every checksum in the manifest matches the extracted file (checked with sha256sum, not strata).
        var entries = revisions.map { ("sq1/revisions/" + ($0["file"] as? String ?? "?"), $0) }
        entries.append(("sq1/kept/r06_rev.sql", try XCTUnwrap(manifest["keptRevision"] as? [String: Any])))
        entries.append(("sq1/strata.sum", try XCTUnwrap(manifest["sum"] as? [String: Any])))
        let dir = try temporaryDirectory(self)
        try runTool("/bin/tar", ["-xzf", archive.path], in: dir)
        for (path, entry) in entries {
            let sum = try runTool("/usr/bin/sha256sum", [path], in: dir).stdout
            XCTAssertEqual(String(sum.prefix(64)), entry["sha256"] as? String, path)
            if let bytes = entry["bytes"] as? Int { XCTAssertEqual(bytes, files[path]?.count, path) }
        }
    }

    func testListAndShow() throws {
        let (project, before, initRevision) = try squashed()
        let list = try CLI.run(["archive", "list"], in: project)
        XCTAssertEqual(list.status, 0, list.stderr)
        XCTAssertTrue(list.stdout.hasPrefix("sq1.tar.gz  "), list.stdout)
        XCTAssertTrue(list.stdout.contains("5 revisions r01 … r05  → init \(initRevision.id)"), list.stdout)

        // An archived revision, byte for byte: by id and by a unique prefix of at least 4 characters.
        for id in SquashFixture.ids(1...5) {
            let show = try CLI.run(["archive", "show", id], in: project)
            XCTAssertEqual(show.status, 0, show.stderr)
            XCTAssertEqual(Data(show.stdout.utf8), before["migrations/\(id)_rev.sql"], id)
        }
        // The archive itself, by name and by init id.
        for reference in ["sq1", "sq1.tar.gz", initRevision.id] {
            let show = try CLI.run(["archive", "show", reference], in: project)
            XCTAssertEqual(show.status, 0, show.stderr)
            XCTAssertTrue(show.stdout.hasPrefix("archive sq1.tar.gz\n"), show.stdout)
            XCTAssertTrue(show.stdout.contains("  init         \(initRevision.id)\n  squash point r05\n"), show.stdout)
            XCTAssertEqual(show.stdout.split(separator: "\n").filter { $0.hasPrefix("    r0") }.count, 5, show.stdout)
        }
        // A kept revision is not archived.
        let missing = try CLI.run(["archive", "show", "r07"], in: project)
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("no archive in archive holds r07"), missing.stderr)
    }

    func testRestoreBringsBackTheTreeByteForByte() throws {
        let (project, before, _) = try squashed()
        let r = try CLI.run(["archive", "restore"], in: project)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("restored 5 revisions from archive/sq1.tar.gz; removed "), r.stdout)
        assertSameTree(before, try treeSnapshot(project), "restore")
        XCTAssertEqual(try CLI.run(["lint", "--strict"], in: project).status, 0)
    }

    func testRestoreKeepArchiveAndAfterLaterRevisions() throws {
        let (project, before, _) = try squashed()
        let later = try addRevision(project, "add notes", up: "CREATE TABLE notes (id int);", down: "DROP TABLE notes;")
        let laterFile = try XCTUnwrap(try revisionFiles(project).keys.first { $0.hasPrefix(later) })
        let laterData = try revisionFiles(project)[laterFile]
        let r = try CLI.run(["archive", "restore", "--keep-archive"], in: project)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("strata.sum recomputed"), r.stdout)
        let after = try treeSnapshot(project)
        for (path, data) in before where path.hasSuffix(".sql") {
            XCTAssertEqual(after[path], data, path)
        }
        XCTAssertEqual(after["migrations/\(laterFile)"], laterData)
        XCTAssertNotNil(after["archive/sq1.tar.gz"], "--keep-archive")
        let lint = try CLI.run(["lint", "--strict"], in: project)
        XCTAssertEqual(lint.status, 0, lint.stdout + lint.stderr)
    }

    func testVerifyDetectsACorruptArchive() throws {
        let (project, _, _) = try squashed()
        let archive = project.appendingPathComponent("archive/sq1.tar.gz")
        let intact = try Data(contentsOf: archive)
        var r = try CLI.run(["archive", "verify"], in: project)
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("archives are intact and match their init revisions"), r.stdout)

        // One byte flipped in the compressed stream.
        var flipped = intact
        flipped[flipped.count / 2] ^= 0x01
        try flipped.write(to: archive)
        r = try CLI.run(["archive", "verify"], in: project)
        XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("✗ archive archive/sq1.tar.gz is damaged"), r.stdout)

        // A well-formed tar.gz whose revision file was edited: the manifest's SHA-256 catches it.
        let dir = try temporaryDirectory(self)
        try intact.write(to: archive)
        try runTool("/bin/tar", ["-xzf", archive.path], in: dir)
        let edited = dir.appendingPathComponent("sq1/revisions/r03_rev.sql")
        try (try String(contentsOf: edited, encoding: .utf8) + "-- edited\n").write(to: edited, atomically: true, encoding: .utf8)
        try runTool("/bin/tar", ["-czf", archive.path, "sq1"], in: dir)
        r = try CLI.run(["archive", "verify"], in: project)
        XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("revisions/r03_rev.sql does not match its SHA-256 in the manifest"), r.stdout)

        // A missing archive.
        try FileManager.default.removeItem(at: archive)
        r = try CLI.run(["archive", "verify"], in: project)
        XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("names archive sq1.tar.gz, which is missing"), r.stdout)
    }

    /// Two squashes, two restores: each restore undoes the newest squash; the revision files
    /// come back byte for byte (the later ones untouched) and lint passes at every step.
    func testRestoreTwiceAfterTwoSquashes() throws {
        let project = try squashProject(self)
        let original = try treeSnapshot(project)
        XCTAssertEqual(try strataWithScratch(["squash", "--keep", "4", "--name", "sq1"], in: project).status, 0)
        try addRevision(project, "add notes", up: SquashVerifyTests.notes.up, down: SquashVerifyTests.notes.down)
        try addRevision(project, "add the edu plan", up: SquashVerifyTests.eduPlan.up, down: SquashVerifyTests.eduPlan.down)
        let beforeSecond = try treeSnapshot(project)
        XCTAssertEqual(try strataWithScratch(["squash", "--keep", "2", "--name", "sq2"], in: project).status, 0)

        var r = try CLI.run(["archive", "restore"], in: project)
        XCTAssertEqual(r.status, 0, r.stderr)
        assertSameTree(beforeSecond, try treeSnapshot(project), "the first restore undoes the second squash")

        r = try CLI.run(["archive", "restore"], in: project)
        XCTAssertEqual(r.status, 0, r.stderr)
        let after = try treeSnapshot(project)
        for (path, data) in original where path.hasSuffix(".sql") {
            XCTAssertEqual(after[path], data, path)
        }
        for (path, data) in beforeSecond where path.hasSuffix(".sql") && !path.hasPrefix("migrations/r0") && after[path] == nil {
            XCTAssertTrue(String(decoding: data, as: UTF8.self).contains("-- replaces: "), "only the init revision goes: \(path)")
        }
        XCTAssertEqual(after.keys.filter { $0.hasPrefix("archive/") }, ["archive/"])
        XCTAssertEqual(try revisionFiles(project).count, 10)
        let lint = try CLI.run(["lint", "--strict"], in: project)
        XCTAssertEqual(lint.status, 0, lint.stdout + lint.stderr)
        r = try CLI.run(["archive", "restore"], in: project)
        XCTAssertEqual(r.status, 2, "nothing left to restore: \(r.stdout)\(r.stderr)")
    }
}
