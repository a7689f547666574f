import ArgumentParser
import Foundation
import StrataKit
import StrataPostgres
import StrataSchema

/// Opens the scratch server: `--scratch-url`, the config, or the embedded server from the
/// installation `--postgres` (or the config, `$STRATA_POSTGRES`, the newest) picks.
func openScratch(_ global: GlobalOptions, _ configuration: Configuration) throws -> ScratchPool {
    Cleanup.installSignalHandlers()
    do {
        return try ScratchPool.open(url: configuration.scratchServerURL(flag: global.scratchURL), postgres: configuration.postgres)
    } catch let error as PostgresError where error.kind == .connection {
        throw StrataError.database("cannot connect to the scratch server: \(error.message.trimmingCharacters(in: .whitespacesAndNewlines))")
    }
}

/// A progress line on a terminal.
func progressPrinter(_ global: GlobalOptions) -> ((String) -> Void)? {
    guard !global.quiet else { return nil }
    if isatty(2) == 1 {
        return { FileHandle.standardError.write(Data("\r\u{1B}[K… \($0)".utf8)) }
    }
    return global.verbose ? { printError("… \($0)") } : nil
}

func clearProgress() {
    if isatty(2) == 1 { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
}

func renderProof(_ proof: Proof) -> String {
    var out = ""
    for check in proof.checks {
        let what = "\(check.objects) objects, \(check.tables) tables with their rows"
        out += "  \(check.holds ? "✓" : "✗") \(check.name) (\(what))\n"
        for difference in check.differences.prefix(50) { out += "      \(difference)\n" }
        if !check.notCompared.isEmpty {
            out += "      not compared: \(check.notCompared.joined(separator: ", ")) — values differ between two builds of the same history\n"
        }
    }
    return out
}

func renderSteps(_ steps: [(name: String, seconds: Double)]) -> String {
    steps.map { "  \($0.name.padding(toLength: 44, withPad: " ", startingAt: 0)) \(Milliseconds.format($0.seconds))\n" }.joined()
}

struct Squash: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Squash all but the newest N revisions into one init revision, with proof.", discussion: """
        Builds the squash point on a scratch database, dumps it with pg_dump into an init revision,
        proves the squashed history builds the same schema and data as the original (at the squash
        point and at head, plus a stairway check of the init revision), archives the squashed files
        in archive/<name>.tar.gz, and only then rewrites migrations/. Crash-safe: an interrupted
        squash is finished or undone by `strata squash --resume`.
        """)
    @OptionGroup var global: GlobalOptions

    @Option(help: "How many of the newest revisions to keep.")
    var keep: Int?

    @Option(help: ArgumentHelp("Squash up to and including this revision (instead of --keep).", valueName: "rev"))
    var through: String?

    @Option(name: .customLong("deployed"), parsing: .upToNextOption, help: ArgumentHelp("Squash exactly what every one of these deployed databases already has: through the oldest revision any of them is at (read from the tool's bookkeeping table).", valueName: "url"))
    var deployed: [String] = []

    @Flag(name: .customLong("dry-run"), help: "Build and prove, print the plan; write nothing.")
    var dryRun = false

    @Option(help: "The archive's name (default: <date>_<first id>_<last id>).")
    var name: String?

    @Flag(help: "Finish or undo an interrupted squash, then stop.")
    var resume = false

    func run() throws {
        let workspace = try global.workspace()
        let recovery = try SquashCommit.recover(migrations: workspace.configuration.migrationsDirectory)
        switch recovery {
        case .finished(let name): global.say("finished the interrupted squash \(name)")
        case .undone(let name): global.say("undid the interrupted squash \(name) (its archive was not complete); the revision files are as before")
        case .none: if resume { global.say("no interrupted squash") }
        }
        // After finishing or undoing an interrupted squash, stop: the tree changed under the
        // command line the user typed, so they decide again.
        if resume || recovery != .none { return }
        let choices = (keep == nil ? 0 : 1) + (through == nil ? 0 : 1) + (deployed.isEmpty ? 0 : 1)
        guard choices > 0 else { throw ValidationError("--keep N is required (or --through REV, or --deployed URL…)") }
        guard choices == 1 else { throw ValidationError("give only one of --keep, --through and --deployed") }
        var throughRevision = through
        if !deployed.isEmpty {
            let point = try DeployedDatabases.squashPoint(workspace: workspace, urls: deployed)
            global.say("the oldest of \(deployed.count) deployed database(s) is at \(point.revision) (\(point.display)): squashing through it")
            throughRevision = point.revision
        }
        let scratch = try openScratch(global, workspace.configuration)
        defer { scratch.close() }
        let squasher = Squasher(workspace: workspace, scratch: scratch)
        squasher.progress = progressPrinter(global)
        var options = SquashOptions(keep: keep ?? 0)
        options.through = throughRevision
        options.dryRun = dryRun
        options.archiveName = name
        let report: SquashReport
        do {
            report = try squasher.run(options)
        } catch {
            clearProgress()
            throw error
        }
        clearProgress()
        var out = ""
        let k = report.squashed.count
        out += dryRun ? "squash plan (dry run, nothing written)\n" : "squashed \(k) revisions into \(report.initRevision.id)\n"
        out += "  squashed   \(report.squashed.first?.id ?? "") … \(report.squashed.last?.id ?? "") (\(k) revisions)\n"
        out += "  kept       \(report.kept.count) revision\(report.kept.count == 1 ? "" : "s")\(report.kept.first.map { ", from \($0.id)" } ?? "")\n"
        out += "  init       \(report.initFileName)\n"
        out += "  archive    \(report.archiveFile)\(dryRun ? " (not written)" : "")\n"
        out += "  revisions  \(report.revisionsBefore) → \(report.revisionsAfter)\n"
        out += "  bytes      \(report.bytesBefore) → \(report.bytesAfter)\n"
        out += "  pg_dump    \(report.pgDump)\n"
        out += "proof:\n" + renderProof(report.proof)
        out += "time:\n" + renderSteps(report.steps)
        if !global.quiet { write(out) }
    }
}

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Prove properties of the history on scratch databases.", subcommands: [VerifySquash.self, VerifyStairway.self, VerifyDrift.self])
}

struct VerifySquash: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "squash", abstract: "Rebuild the original history from the archives and prove the squashed one equal.")
    @OptionGroup var global: GlobalOptions

    @Option(help: "text or json.")
    var format: OutputFormat = .text

    func run() throws {
        let workspace = try global.workspace()
        let scratch = try openScratch(global, workspace.configuration)
        defer { scratch.close() }
        let report = try SquashVerifier(workspace: workspace, scratch: scratch).run()
        if format == .json {
            write(JSONText.encode(report.proof))
        } else if !global.quiet || !report.proof.holds {
            var out = "verify squash: \(report.originalCount) original revisions (from \(report.archives.joined(separator: ", "))) against \(report.squashedCount) current ones\n"
            out += renderProof(report.proof)
            if global.verbose { out += "time:\n" + renderSteps(report.steps.map { (name: $0.0, seconds: $0.1) }) }
            out += report.proof.holds ? "the squashed history is equivalent\n" : "the squashed history DIFFERS from the original\n"
            let ratio = report.squashedBuildSeconds > 0 ? report.originalBuildSeconds / report.squashedBuildSeconds : 0
            out += String(format: "a fresh database builds to head in %@ from the squashed history (%d revisions), %@ from the original (%d): %.1f× faster\n",
                          Milliseconds.format(report.squashedBuildSeconds), report.squashedCount, Milliseconds.format(report.originalBuildSeconds), report.originalCount, ratio)
            write(out)
        }
        if !report.proof.holds { throw ExitCode(1) }
    }
}

struct Archive: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The archives squash wrote.", subcommands: [List.self, Show.self, VerifyArchives.self, Restore.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the archives, oldest first.")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let archives = try ArchiveOperations(workspace: global.workspace()).list()
            if archives.isEmpty { global.say("no archives"); return }
            for archive in archives {
                let m = archive.manifest
                print("\(archive.url.lastPathComponent)  \(m.created)  \(m.revisionCount) revisions \(m.revisions.first?.id ?? "") … \(m.squashPoint)  → init \(m.initRevision)  (\(fileSizeText(archive.url)))")
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show an archive (by name or init id), or print an archived revision file (by its id).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "An archive name, an init revision id, or an archived revision id.")
        var reference: String

        func run() throws {
            let (archive, file) = try ArchiveOperations(workspace: global.workspace()).find(reference)
            if let file, let data = archive.files[file] {
                write(String(decoding: data, as: UTF8.self))
                return
            }
            let m = archive.manifest
            var out = "archive \(archive.url.lastPathComponent)\n  created      \(m.created)\n  init         \(m.initRevision)\n  squash point \(m.squashPoint)\n  fingerprint  \(m.schemaFingerprint)\n  revisions:\n"
            for entry in m.revisions { out += "    \(entry.id ?? "?")  \(entry.file)  sha256:\(entry.sha256.prefix(16))…  \(entry.bytes) bytes\n" }
            write(out)
        }
    }

    struct VerifyArchives: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "verify", abstract: "Check every archive's checksums and that it matches its init revision.")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let problems = try ArchiveOperations(workspace: global.workspace()).verify()
            for problem in problems { print("✗ \(problem)") }
            if problems.isEmpty { global.say("archives are intact and match their init revisions") } else { throw ExitCode(1) }
        }
    }

    struct Restore: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Undo the newest squash: the archived files come back byte for byte.")
        @OptionGroup var global: GlobalOptions
        @Flag(name: .customLong("keep-archive"), help: "Keep the archive file.")
        var keepArchive = false

        func run() throws {
            let workspace = try global.workspace()
            let restored = try ArchiveOperations(workspace: workspace).restore(keepArchive: keepArchive)
            global.say("restored \(restored.revisions) revisions from \(restored.archive); removed \(restored.removedInit)\(restored.sumRestoredByteForByte ? "" : "; \(workspace.configuration.format == .strata ? "strata.sum" : "atlas.sum") recomputed (revisions were added since the squash)")")
        }
    }
}

func fileSizeText(_ url: URL) -> String {
    let bytes = ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? NSNumber)?.intValue ?? 0
    return bytes >= 1024 ? String(format: "%.1f KiB", Double(bytes) / 1024) : "\(bytes) B"
}

struct VerifyStairway: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stairway", abstract: "For each revision: up, down, compare; up again, compare.", discussion: """
        Reports every failing revision with the objects its down left behind, removed or changed;
        column order is its own finding kind. Exit 1 when any revision fails.
        """)
    @OptionGroup var global: GlobalOptions

    @Option(help: "Check only this revision and newer ones.")
    var since: String?

    @Option(help: "Scratch databases checking stretches of the history at the same time (default: one per processor, at most 8).")
    var jobs: Int?

    @Option(help: "text or json.")
    var format: OutputFormat = .text

    @Option(name: .customLong("allow"), help: ArgumentHelp("A finding kind that warns instead of failing: column-order (for code that never relies on column order; also `[stairway] allow`).", valueName: "kind"))
    var allow: [String] = []

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1.") }
        if let bad = allow.first(where: { $0 != StairwayVerifier.Finding.Kind.columnOrder.rawValue }) {
            throw ValidationError("--allow \(bad): only column-order can be allowed.")
        }
    }

    func run() throws {
        let workspace = try global.workspace()
        let directory = try workspace.migrations()
        let history = try directory.history()
        // An Alembic history's helpers start while the server and the databases are made.
        let helpers = try AlembicHelperPool(history: history, display: DisplayPath.of(directory.url))
        helpers?.prewarm(StairwayVerifier.plannedJobs(revisions: history.count, jobs: jobs ?? StairwayVerifier.defaultJobs))
        let scratch = try openScratch(global, workspace.configuration)
        defer { scratch.close() }
        var verifier = StairwayVerifier(history: history, scratch: scratch, directoryDisplay: DisplayPath.of(directory.url))
        if let helpers { verifier.alembicHelpers = helpers }
        if let jobs { verifier.jobs = jobs }
        let unchecked = history.revisions.filter { !$0.isReversible }.count
        verifier.noDowns = directory.format != .strata && !history.revisions.contains { $0.isReversible }
        if !global.quiet && isatty(2) == 1 {
            verifier.progress = { index, count, revision in
                FileHandle.standardError.write(Data("\r\u{1B}[K[\(index)/\(count)] \(revision.id) \(revision.message ?? "")".prefix(100).utf8))
            }
        }
        var report = try verifier.run(since: since)
        clearProgress()
        report.allow(Set((allow + workspace.configuration.stairwayAllow).compactMap(StairwayVerifier.Finding.Kind.init(rawValue:))))
        if verifier.noDowns {
            report.unchecked = history.revisions.map(\.id)
            report.notes.append("\(directory.format.tool) keeps no down sections here: nothing to check after the up of \(unchecked) revision(s) (each up still ran on the state the ones before it built)")
        }
        if !global.quiet { for note in report.notes { printError("strata: note: \(note)") } }
        if format == .json {
            write(JSONText.encode(report))
        } else {
            var out = ""
            var last = ""
            for finding in report.findings {
                if finding.revision != last {
                    out += "✗ \(finding.revision)\(finding.file.map { " (\($0))" } ?? "")\n"
                    last = finding.revision
                }
                out += "    [\(finding.kind.rawValue)] \(finding.message)\n"
            }
            last = ""
            for finding in report.warnings {
                if finding.revision != last {
                    out += "⚠ \(finding.revision)\(finding.file.map { " (\($0))" } ?? "")\n"
                    last = finding.revision
                }
                out += "    [\(finding.kind.rawValue), allowed] \(finding.message)\n"
            }
            if global.verbose {
                for id in report.unchecked { out += "· \(id): nothing to check (no down section)\n" }
            }
            let warned = report.warnings.isEmpty ? "" : ", \(report.warnings.count) allowed finding(s) in \(Set(report.warnings.map(\.revision)).count) revision(s)"
            out += "stairway: \(report.checked) revisions checked, \(report.failedRevisions.count) failed\(warned), in \(Milliseconds.format(report.seconds))\n"
            if !(global.quiet && report.passed) { write(out) }
        }
        if !report.passed { throw ExitCode(1) }
    }
}

struct VerifyDrift: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "drift", abstract: "Compare the live database with the history at its current revision (read only).")
    @OptionGroup var global: GlobalOptions

    @Option(help: "text or json.")
    var format: OutputFormat = .text

    func run() throws {
        let context = try DatabaseContext(global, toolFormat: true)
        let scratch = try openScratch(global, context.workspace.configuration)
        defer { scratch.close() }
        let report = context.workspace.configuration.format == .strata
            ? try DriftDetector(history: context.history, scratch: scratch, options: context.migrator.options).run(live: context.migrator.connection)
            : try DeployedDatabases(workspace: context.workspace).drift(context.migrator.connection, scratch: scratch)
        if format == .json {
            write(DiffJSON.render(report.diff))
        } else if report.drifted {
            write("drift: the database differs from the history at \(report.revision ?? "base"):\n" + DiffText.render(report.diff))
        } else {
            global.say("no drift: the database matches the history at \(report.revision ?? "base")")
        }
        if report.drifted { throw ExitCode(1) }
    }
}
