import Foundation
import StrataPostgres

/// `strata squash --keep N` (DESIGN §4): build the squash point on a scratch database, dump it
/// into an init revision, prove the squashed history equals the original at the squash point and
/// at head, then archive the squashed files and rewrite the tree crash-safely.
public struct SquashOptions: Sendable {
    public var keep: Int
    /// Squash up to and including this revision instead of keeping `keep` (`--through`,
    /// `--deployed`).
    public var through: String?
    public var dryRun = false
    /// The archive's file name without `.tar.gz`; default `<date>_<first id>_<last id>`.
    public var archiveName: String?
    public var now = Date()

    public init(keep: Int) { self.keep = keep }
}

/// What squash did (or, with `--dry-run`, would do), with the proof and the time of each step.
public struct SquashReport: Sendable {
    public var squashed: [Revision]
    public var kept: [Revision]
    public var initRevision: Revision
    public var initFileName: String
    public var archiveFile: String
    public var bytesBefore: Int
    public var bytesAfter: Int
    public var proof: Proof
    public var steps: [(name: String, seconds: Double)]
    public var dryRun: Bool
    public var pgDump: String

    public var revisionsBefore: Int { squashed.count + kept.count }
    public var revisionsAfter: Int { 1 + kept.count }
}

/// The squash proof: what was compared and what differed (nothing, when it holds).
public struct Proof: Sendable, Codable {
    public struct Check: Sendable, Codable {
        public var name: String
        public var objects: Int
        public var tables: Int
        public var differences: [String]
        /// Columns (`public.t.at`) and sequences left out of the comparison: their values
        /// differ between two builds of the same history (`now()`, `gen_random_uuid()`, …).
        public var notCompared: [String] = []
        public var holds: Bool { differences.isEmpty }

        enum CodingKeys: String, CodingKey {
            case name, objects, tables, differences, notCompared = "not_compared"
        }
    }

    public var checks: [Check]
    public var fingerprint: String
    public var holds: Bool { checks.allSatisfy(\.holds) }

    /// A failed proof is the error: its differences are the message.
    public struct Failure: Error, ExitCoded, CustomStringConvertible {
        public var proof: Proof
        public var exitCode: Int32 { 1 }
        public var description: String {
            var lines = ["the squash proof failed; nothing was written:"]
            for check in proof.checks where !check.holds {
                lines.append("  \(check.name):")
                lines.append(contentsOf: check.differences.prefix(50).map { "    \($0)" })
                if check.differences.count > 50 { lines.append("    … \(check.differences.count - 50) more") }
                if !check.notCompared.isEmpty {
                    lines.append("    not compared: \(check.notCompared.joined(separator: ", ")) — values differ between two builds of the same history")
                }
            }
            return lines.joined(separator: "\n")
        }
    }
}

public final class Squasher {
    public let workspace: Workspace
    public let scratch: ScratchPool
    /// Called when a step starts (for a progress line).
    public var progress: ((String) -> Void)?

    public init(workspace: Workspace, scratch: ScratchPool) {
        self.workspace = workspace
        self.scratch = scratch
    }

    private var versionTable: VersionTable { VersionTable(workspace.configuration.versionTable) }

    public func run(_ options: SquashOptions) throws -> SquashReport {
        var clock = StepClock()
        func step(_ name: String) { clock.mark(name) }

        // 1. Lint: a linear history with a current sum.
        progress?("lint")
        let directory = try workspace.migrations()
        let history = try directory.history()
        let format = directory.format
        if format == .strata {
            switch SumFile.status(expected: directory.expectedSum(for: history.revisions), actual: directory.sumText) {
            case .current: break
            case .missing: throw StrataError.usage("\(directory.sumPath) is missing; run `strata hash`, review, and commit before squashing")
            case .stale: throw StrataError.usage("\(directory.sumPath) is stale: revision files changed since it was written; check the change and run `strata hash` before squashing")
            }
        } else if format == .golangMigrate, let atlas = directory.tree?.files[AtlasSum.fileName], let tree = directory.tree,
                  AtlasSum.render(tree.files) != String(decoding: atlas, as: UTF8.self) {
            throw StrataError.usage("\(DisplayPath.of(directory.url.appendingPathComponent(AtlasSum.fileName))) does not match the migration files (`atlas migrate validate` would fail); run `atlas migrate hash`, review, and commit before squashing")
        }
        let total = history.count
        let keep: Int
        if let through = options.through {
            let revision = try history.resolve(through)
            keep = total - 1 - (history.position(of: revision.id) ?? 0)
        } else {
            keep = options.keep
        }
        guard keep >= 0, total - keep >= 2 else {
            if let through = options.through {
                throw StrataError.usage("--through \(through) squashes \(total - keep) revision(s); squash needs at least 2")
            }
            throw StrataError.usage("--keep \(options.keep) is out of range: the history has \(total) revisions and squash needs at least 2 to squash, so --keep must be between 0 and \(max(0, total - 2))")
        }
        if let earlier = history.revisions.dropFirst().first(where: \.isSquashInit), format != .strata {
            throw StrataError.usage("\(earlier.displayName) is an init revision of an earlier squash, and it is not the first revision: the history is not what squash left behind")
        }
        let k = total - keep
        let squashed = Array(history.revisions.prefix(k))
        let kept = Array(history.revisions.dropFirst(k))
        if format == .alembic {
            // Merges among the squashed revisions vanish into the init revision; the squash point
            // and the revisions kept must be one line.
            let point = squashed[k - 1]
            let ancestors = RevisionGraph(history.revisions).ancestors(of: point.id).union([point.id])
            if let stray = squashed.first(where: { !ancestors.contains($0.id) }) {
                throw StrataError.usage("the squash point \(point.id) is not linear: \(stray.displayName) is not one of its ancestors (a branch joins after it); keep fewer revisions so that every squashed revision comes before the squash point")
            }
            for (index, revision) in kept.enumerated() {
                let previous = index == 0 ? point.id : kept[index - 1].id
                if revision.parents != [previous] {
                    throw StrataError.usage("the revisions kept are not linear: \(revision.displayName) has down_revision \(revision.parents.joined(separator: ", ")), expected \(previous) alone; squash keeps a linear part only (merge branches first, or keep fewer revisions)")
                }
            }
        }
        let archiveName = options.archiveName ?? Self.defaultArchiveName(squashed, now: options.now)
        let archiveFile = archiveName + ".tar.gz"
        let archiveURL = workspace.configuration.archiveDirectory.appendingPathComponent(archiveFile)
        if FileManager.default.fileExists(atPath: archiveURL.path) {
            throw StrataError.usage("archive \(DisplayPath.of(archiveURL)) already exists; choose another name with --name")
        }
        if !options.dryRun { try Self.checkWritable(workspace.configuration.archiveDirectory) }
        step("lint")

        // pg_dump first: one older than the server is refused before any work is done.
        let pgDump = try PgDump.locate(installation: scratch.installation, serverMajor: scratch.serverMajor)

        // 2. The squash point on a scratch database.
        progress?("build the squash point (\(k) revisions)")
        let original = try scratch.database("strata_squash_original")
        let originalConnection = try PGConnection(original)
        let originalMigrator = try Migrator(connection: originalConnection, history: history,
                                            options: MigrateOptions(versionTable: versionTable),
                                            directoryDisplay: DisplayPath.of(directory.url))
        _ = try originalMigrator.upgrade(to: squashed[k - 1].id)
        step("apply \(k) revisions")

        // 3. Dump it into the init revision.
        progress?("pg_dump")
        let qualifiedVersionTable = originalMigrator.qualifiedVersionTableText
        let migrationRole = try originalConnection.query("SELECT pg_catalog.quote_ident(current_user)")[0, 0]
        var up = PgDump.clean(try pgDump.dump(original, excluding: qualifiedVersionTable), usualOwner: migrationRole)
        // The version table's own schema exists because strata made it; the runner makes it again
        // before the init revision runs on a fresh database.
        if let schema = try originalConnection.query("SELECT quote_ident(n.nspname) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass($1) AND n.nspname <> 'public'", [qualifiedVersionTable]).rows.first?[0] ?? nil {
            up = up.replacingOccurrences(of: "\nCREATE SCHEMA \(schema);\n", with: "\nCREATE SCHEMA IF NOT EXISTS \(schema);\n")
        }
        let down = try InitRevisionDown.build(originalConnection, versionTable: qualifiedVersionTable)
        var initID = RevisionID.generate()
        while history.revision(initID) != nil { initID = RevisionID.generate() }
        var initRevision: Revision
        var initFiles: [InitWriter.File] = []
        if format == .strata {
            initRevision = Self.makeInit(id: initID, squashed: squashed, up: up, down: down, archive: archiveFile, now: options.now)
        } else {
            // The init takes revision k's identity, in the tool's own names.
            initFiles = InitWriter.files(format: format, replacing: squashed[k - 1], up: up, down: down, archive: archiveFile, count: k)
            var tree = SourceTree(files: [:])
            for file in initFiles { tree.files[file.path] = Data(file.text.utf8) }
            if format == .prisma, let lock = directory.tree?.files["migration_lock.toml"] { tree.files["migration_lock.toml"] = lock }
            let read = FormatReader(format: format, settings: try workspace.formatSettings(), display: DisplayPath.of(directory.url)).read(tree)
            guard read.errors.isEmpty, read.revisions.count == 1, var parsed = read.revisions.first else {
                throw StrataError.environment("the init revision strata wrote does not read back as one \(format.tool) migration: \(read.errors.map(\.description).joined(separator: "; "))")
            }
            parsed.parents = []
            initRevision = parsed
            initID = parsed.id
        }
        let initFileName = format == .strata ? RevisionWriter.fileName(id: initID, message: initRevision.message) : (initRevision.fileName ?? initID)
        step("dump")

        // 4. The proof, before any file is written.
        progress?("prove")
        var repointed = kept
        if !repointed.isEmpty { repointed[0].parents = [initID] }
        let squashedHistory = History([initRevision] + repointed)
        let (proof, proofSteps) = try prove(original: originalMigrator, squashPoint: squashed[k - 1].id, squashedHistory: squashedHistory, directory: directory)
        clock.append(proofSteps)
        clock.restart()
        guard proof.holds else { throw Proof.Failure(proof: proof) }

        let bytesBefore = history.revisions.flatMap(\.files).reduce(0) { $0 + fileSize(directory.url.appendingPathComponent($1)) }
        let initText = format == .strata ? RevisionWriter.render(initRevision) : initFiles.map(\.text).joined()
        let keptBytes = kept.flatMap(\.files).reduce(0) { $0 + fileSize(directory.url.appendingPathComponent($1)) }
        var report = SquashReport(
            squashed: squashed, kept: kept, initRevision: initRevision, initFileName: initFileName,
            archiveFile: DisplayPath.of(archiveURL), bytesBefore: bytesBefore, bytesAfter: keptBytes + initText.utf8.count,
            proof: proof, steps: [], dryRun: options.dryRun, pgDump: pgDump.versionText
        )
        if options.dryRun {
            report.steps = clock.steps
            return report
        }

        // 5–6. Archive, read back, then rewrite the tree through the journal.
        progress?("archive and write")
        let commit = format == .strata
            ? try SquashCommit.prepare(
                directory: directory, squashed: squashed, kept: kept.first, initRevision: initRevision, initText: initText,
                initFileName: initFileName, archiveURL: archiveURL, archiveName: archiveName, fingerprint: proof.fingerprint, now: options.now)
            : try SquashCommit.prepareInPlace(
                directory: directory, squashed: squashed, initRevision: initRevision, initFiles: initFiles,
                archiveURL: archiveURL, archiveName: archiveName, fingerprint: proof.fingerprint, now: options.now)
        try commit.execute()
        step("archive and write")
        report.steps = clock.steps
        return report
    }

    // MARK: - Proof

    /// Builds the squashed history on a second scratch database and compares it with the
    /// original at the squash point and at head; the init revision must pass the stairway check.
    /// The init revision is a dump of the original, so both sides hold the same values at the
    /// squash point; data that differs at head is calibrated by running the kept revisions again
    /// on a copy of the squashed database at the init revision.
    private func prove(original: Migrator, squashPoint: String, squashedHistory: History, directory: MigrationDirectory) throws -> (Proof, [(String, Double)]) {
        let prover = EquivalenceProver(scratch: scratch, versionTable: versionTable, directoryDisplay: DisplayPath.of(directory.url))
        let (proof, steps, _) = try prover.proveTimed(original: original, squashPoint: squashPoint, squashedHistory: squashedHistory,
                                                      initStairway: squashedHistory.revisions.first?.isReversible ?? true, calibrate: .squashed)
        return (proof, steps)
    }

    // MARK: - Pieces

    static func defaultArchiveName(_ squashed: [Revision], now: Date) -> String {
        let date = String(RevisionWriter.iso8601(now).prefix(10))
        func safe(_ id: String) -> String { String(id.map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." || $0 == "-" ? $0 : "_" }.prefix(40)) }
        return "\(date)_\(safe(squashed.first?.id ?? ""))_\(safe(squashed.last?.id ?? ""))"
    }

    static func makeInit(id: String, squashed: [Revision], up: String, down: String, archive: String, now: Date) -> Revision {
        let message = "squash of \(squashed.count) revisions (\(squashed.first?.id ?? "") … \(squashed.last?.id ?? ""))"
        var revision = RevisionWriter.newRevision(id: id, parent: nil, message: message, created: now, up: up, down: down)
        revision.replaces = squashed.map(\.id)
        revision.archive = archive
        // Parse what will be written, so line numbers match the file.
        if let parsed = try? RevisionParser.parse(Data(RevisionWriter.render(revision).utf8), file: RevisionWriter.fileName(id: id, message: message)) {
            return parsed
        }
        return revision
    }

    static func checkWritable(_ directory: URL) throws(StrataError) {
        let fm = FileManager.default
        if !fm.fileExists(atPath: directory.path) {
            do {
                try fm.createDirectory(at: directory, withIntermediateDirectories: true)
            } catch {
                throw .environment("cannot create the archive directory \(DisplayPath.of(directory)): \(error.localizedDescription)")
            }
        }
        let probe = directory.appendingPathComponent(".strata-write-probe-\(getpid())")
        guard fm.createFile(atPath: probe.path, contents: Data()) else {
            throw .environment("the archive directory \(DisplayPath.of(directory)) is not writable; nothing was written")
        }
        try? fm.removeItem(at: probe)
    }
}

func fileSize(_ url: URL) -> Int {
    ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? NSNumber)?.intValue ?? 0
}
