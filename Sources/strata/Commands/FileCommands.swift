import ArgumentParser
import Foundation
import StrataKit

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create strata.toml, migrations/ and archive/ here.", discussion: """
        When the directory already holds a history in a tool's layout (diesel, golang-migrate, dbmate,
        goose, sqlx, Flyway, Prisma), strata.toml names that format and its directory; the files stay
        as they are. --format chooses the format instead of detecting it.
        """)
    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("The history's layout: \(HistoryFormat.names) (default: detected).", valueName: "name"))
    var format: String?

    func run() throws {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        var chosen: (HistoryFormat, URL)?
        if let format {
            let named = try HistoryFormat(name: format)
            let migrations = global.migrations.map { Configuration.resolve($0, against: cwd) }
                ?? HistoryFormat.detect(in: cwd).flatMap { $0.0 == named ? $0.1 : nil }
                ?? cwd.appendingPathComponent(named.defaultDirectory)
            chosen = (named, migrations)
        } else if !FileManager.default.fileExists(atPath: cwd.appendingPathComponent(Configuration.fileName).path) {
            chosen = HistoryFormat.detect(in: cwd).flatMap { $0.0 == .strata ? nil : $0 }
        }
        if let (format, migrations) = chosen, format != .strata {
            let created = try Workspace.initialize(at: cwd, format: format, migrations: migrations)
            global.say("\(format.tool) history in \(DisplayPath.of(migrations))")
            for path in created { global.say("created \(path)") }
            global.say("next: strata lint")
            return
        }
        let created = try Workspace.initialize(at: cwd)
        if created.isEmpty {
            global.say("strata is already set up here (strata.toml, migrations/, archive/ exist)")
        } else {
            for path in created { global.say("created \(path)") }
            global.say("next: strata new \"first revision\"")
        }
    }
}

struct New: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write a new revision on top of the head.")
    @OptionGroup var global: GlobalOptions

    @Argument(help: "What the revision does, e.g. \"add last_login to users\".")
    var message: String

    @Flag(name: .customLong("non-transactional"), help: "For statements that cannot run in a transaction (CREATE INDEX CONCURRENTLY).")
    var nonTransactional = false

    func run() throws {
        guard !message.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ValidationError("the message must not be empty")
        }
        let url = try global.workspace().newRevision(message: message, transactional: !nonTransactional)
        if global.quiet { print(DisplayPath.of(url)) } else { print("created \(DisplayPath.of(url))") }
    }
}

struct Lint: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check linear-history and file rules.", discussion: """
        Rules: \(LintRule.all.map(\.id).joined(separator: ", ")).
        Exit 0 clean, 1 findings, 2 a file could not be read.
        """)
    @OptionGroup var global: GlobalOptions

    @Option(help: "text, json or github (workflow annotations).")
    var format: LintReport.Format = .text

    @Flag(help: "Fail (exit 1) on warnings too.")
    var strict = false

    func run() throws {
        let directory = try global.workspace().migrations()
        let report = LintReport.run(directory)
        if !(global.quiet && format == .text && report.findings.isEmpty) {
            write(report.render(format))
        }
        let code = report.exitCode(strict: strict)
        if code != 0 { throw ExitCode(code) }
    }
}

struct Hash: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Rewrite migrations/strata.sum.")
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let workspace = try global.workspace()
        let changed = try workspace.writeSum()
        let path = DisplayPath.of(workspace.configuration.migrationsDirectory.appendingPathComponent(SumFile.fileName))
        global.say(changed ? "wrote \(path)" : "\(path) is up to date")
    }
}

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "history", abstract: "List the revisions, oldest first.")
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let workspace = try global.workspace()
        var current: String?
        if workspace.configuration.databaseURL(flag: global.databaseURL) != nil {
            // With a database, mark its current revision.
            if workspace.configuration.format == .strata {
                current = try DatabaseContext(global).migrator.state().current?.id
            } else {
                let context = try DatabaseContext(global, toolFormat: true)
                switch try DeployedDatabases(workspace: workspace).plan(context.migrator.connection).standing {
                case .fresh: current = nil
                case .current(let at), .behind(let at): current = at
                }
            }
        }
        write(HistoryListing.render(try workspace.history(), current: current, verbose: global.verbose))
    }
}

struct Graph: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the revision graph (branches included).")
    @OptionGroup var global: GlobalOptions

    @Option(help: "dot or mermaid.")
    var format: GraphRender.Format = .dot

    func run() throws {
        let directory = try global.workspace().migrations()
        guard directory.errors.isEmpty else { throw StrataError.invalidFiles(directory.errors) }
        write(GraphRender.render(directory.graph, format: format))
    }
}

struct Rebase: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Put one branch on top of another head (fixes two heads after a merge).")
    @OptionGroup var global: GlobalOptions

    @Argument(help: "The head of the branch to move.")
    var head: String

    @Option(help: "The head to put it on.")
    var onto: String

    func run() throws {
        let url = try global.workspace().rebase(head: head, onto: onto)
        global.say("\(DisplayPath.of(url)): down_revision is now \(onto)")
    }
}

extension LintReport.Format: ExpressibleByArgument {}
extension GraphRender.Format: ExpressibleByArgument {}
