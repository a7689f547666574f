import ArgumentParser
import Foundation
import StrataKit
import StrataPostgres

/// Options of commands that change a database.
struct RunOptions: ParsableArguments {
    @Option(name: .customLong("lock-timeout"), help: ArgumentHelp("lock_timeout for each statement, e.g. 5s.", valueName: "interval"))
    var lockTimeout: String?

    @Option(name: .customLong("statement-timeout"), help: ArgumentHelp("statement_timeout for each statement, e.g. 5min.", valueName: "interval"))
    var statementTimeout: String?
}

/// Opens the target database and builds a migrator for the project's history.
struct DatabaseContext {
    let workspace: Workspace
    let history: History
    let migrator: Migrator
    let url: String

    init(_ global: GlobalOptions, run: RunOptions? = nil, singleTransaction: Bool = false, acceptChanged: Bool = false, fromArchive: Bool = false,
         toolFormat: Bool = false) throws {
        workspace = try global.workspace()
        let format = workspace.configuration.format
        if format != .strata && !toolFormat {
            throw StrataError.usage("this history is in \(format.tool)'s layout: \(format.tool) runs it on your databases and keeps its own bookkeeping, which strata does not write; `strata deployed check` says where a database stands against a squash, `strata verify drift` compares its schema with the history")
        }
        history = try workspace.history()
        let configuration = workspace.configuration
        guard let url = configuration.databaseURL(flag: global.databaseURL) else {
            throw StrataError.usage("no database URL: pass --database-url URL or set \(configuration.databaseURLVariable)")
        }
        self.url = url
        let verbose = global.verbose
        let connection = try Self.connect(
            url, lockTimeout: run?.lockTimeout ?? configuration.lockTimeout,
            statementTimeout: run?.statementTimeout ?? configuration.statementTimeout,
            notices: verbose ? { printError("notice: \($0.trimmingCharacters(in: .whitespacesAndNewlines))") } : nil
        )
        var options = MigrateOptions(versionTable: VersionTable(configuration.versionTable))
        options.singleTransaction = singleTransaction
        options.acceptChanged = acceptChanged
        options.fromArchive = fromArchive
        options.archiveDirectory = configuration.archiveDirectory
        if !global.quiet && isatty(2) == 1 {
            options.progress = { index, count, revision in
                let line = "[\(index)/\(count)] \(revision.id) \(revision.message ?? "")"
                FileHandle.standardError.write(Data("\r\u{1B}[K\(line.prefix(100))".utf8))
                if index == count { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            }
        }
        migrator = try Migrator(connection: connection, history: history, options: options,
                                directoryDisplay: DisplayPath.of(configuration.migrationsDirectory))
    }
}

extension DatabaseContext {
    /// Connects, and says which database (password redacted) when that fails.
    static func connect(_ url: String, lockTimeout: String?, statementTimeout: String?, notices: ((String) -> Void)?) throws -> PGConnection {
        do {
            return try Migrator.connect(url, lockTimeout: lockTimeout, statementTimeout: statementTimeout, notices: notices)
        } catch let error as PostgresError where error.kind == .connection {
            throw StrataError.database("cannot connect to \(ConnectionString(url).description): \(error.message.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
    }
}

func describe(_ revision: Revision?) -> String {
    guard let revision else { return "base" }
    return revision.id + (revision.message.map { " (\($0))" } ?? "")
}

func printSteps(_ report: RunReport, global: GlobalOptions) {
    guard !global.quiet else { return }
    let interactive = isatty(1) == 1 && isatty(2) == 1
    if !interactive || global.verbose {
        for step in report.steps {
            let verb = step.direction == .up ? "applied" : "reverted"
            let source = step.archive.map { ", replayed from \($0)" } ?? ""
            print("  \(verb) \(step.revision.id)  \(step.revision.message ?? "")  (\(Milliseconds.format(step.seconds))\(source))")
        }
    }
}

/// The steps (see `printSteps`) and one summary line.
func printRun(_ report: RunReport, verb: String, global: GlobalOptions) {
    printSteps(report, global: global)
    if report.steps.isEmpty {
        global.say("already at \(describe(report.from))")
    } else {
        let count = report.steps.count
        let from = report.replayedFrom ?? report.from?.id ?? "base"
        global.say("\(verb) \(from) → \(report.to?.id ?? "base"): \(count) revision\(count == 1 ? "" : "s") in \(Milliseconds.format(report.seconds))")
    }
}

enum Milliseconds {
    static func format(_ seconds: Double) -> String {
        seconds < 1 ? String(format: "%.1f ms", seconds * 1000) : String(format: "%.2f s", seconds)
    }
}

struct Upgrade: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending revisions.", discussion: """
        TARGET: head (default), +N, or a revision id (or a unique prefix of one).
        --dry-run runs them in one transaction on the real database, forces deferred constraints,
        reports each revision's time and the locks it took, then rolls everything back.
        """)
    @OptionGroup var global: GlobalOptions
    @OptionGroup var runOptions: RunOptions

    @Argument(help: "head, +N or a revision id.")
    var target = "head"

    @Flag(name: .customLong("dry-run"), help: "Run in a transaction that is rolled back; report times and locks.")
    var dryRun = false

    @Flag(name: .customLong("sql"), help: "Print the SQL from base to TARGET; no database needed.")
    var sql = false

    @Flag(name: .customLong("single-transaction"), help: "All revisions in one transaction (non-transactional ones still run alone).")
    var singleTransaction = false

    @Flag(name: .customLong("accept-changed"), help: "Accept applied revisions whose files changed, recording their new checksums.")
    var acceptChanged = false

    @Flag(name: .customLong("from-archive"), help: "For a database stamped before a squash point: replay the archived revisions up to it.")
    var fromArchive = false

    @Option(help: "text or json (for --dry-run).")
    var format: OutputFormat = .text

    func run() throws {
        if sql {
            let workspace = try global.workspace()
            write(try SQLScript.upgrade(workspace.history(), to: target, versionTable: VersionTable(workspace.configuration.versionTable)))
            return
        }
        let context = try DatabaseContext(global, run: runOptions, singleTransaction: singleTransaction, acceptChanged: acceptChanged, fromArchive: fromArchive)
        if dryRun {
            let report = try context.migrator.dryRun(to: target)
            write(format == .json ? JSONText.encode(report) : DryRunText.render(report))
            if report.failed { throw ExitCode(1) }
            return
        }
        printRun(try context.migrator.upgrade(to: target), verb: "upgraded", global: global)
    }
}

struct Downgrade: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Revert applied revisions.", discussion: "TARGET: a revision id (stays applied), -N, or base.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var runOptions: RunOptions

    @Argument(help: "A revision id, -N or base.")
    var target: String

    @Flag(name: .customLong("single-transaction"), help: "All revisions in one transaction.")
    var singleTransaction = false

    func run() throws {
        let context = try DatabaseContext(global, run: runOptions, singleTransaction: singleTransaction)
        printRun(try context.migrator.downgrade(to: target), verb: "downgraded", global: global)
    }
}

struct Current: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the database's current revision.")
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let context = try DatabaseContext(global)
        let state = try context.migrator.state()
        var line = describe(state.current)
        if let behind = state.behind {
            line = "\(behind.appliedID) (behind the squash point of init revision \(behind.initRevision.id): run `strata upgrade --from-archive`)"
        } else if state.current != nil {
            let pending = context.history.count - 1 - state.position
            line += pending == 0 ? " (head)" : " (\(pending) pending)"
        } else if !context.history.isEmpty {
            line += " (\(context.history.count) pending)"
        }
        print(line)
        for revision in state.changed { printError("warning: applied revision \(revision.id) changed since it ran") }
        for id in state.unknown { printError("warning: the version table records \(id), which the history does not have") }
    }
}

struct Stamp: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Record a revision as current without running anything.")
    @OptionGroup var global: GlobalOptions

    @Argument(help: "A revision id, head, or base.")
    var target: String

    func run() throws {
        let context = try DatabaseContext(global)
        let goal = target == "head" ? (context.history.head?.id ?? "base") : target
        let revision = try context.migrator.stamp(goal)
        global.say("stamped \(describe(revision))")
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case text, json }
