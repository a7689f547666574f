import ArgumentParser
import Foundation
import StrataKit
import StrataPostgres

/// `strata deployed check | fix`: deployed databases of a history kept in a tool's layout,
/// against its squash (issue 12 item 4).
struct Deployed: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Where deployed databases stand against the squash, read from the tool's bookkeeping table.",
        subcommands: [Check.self, Fix.self])

    static func urls(_ given: [String], _ global: GlobalOptions, _ configuration: Configuration) throws -> [String] {
        if !given.isEmpty { return given }
        guard let url = configuration.databaseURL(flag: global.databaseURL) else {
            throw StrataError.usage("no database URL: pass URL arguments, --database-url URL, or set \(configuration.databaseURLVariable)")
        }
        return [url]
    }

    static func describe(_ plan: DeployedDatabases.Plan, _ display: String, _ deployed: DeployedDatabases, done: Bool) -> String {
        var out = ""
        switch plan.standing {
        case .fresh:
            out += "\(display): no rows in \(deployed.table): a fresh database; \(deployed.format.tool) runs the init revision and the kept ones. Nothing to do.\n"
        case .current(let at):
            out += plan.nothingToDo
                ? "\(display): at \(at), at or past the squash point. Nothing to do: \(deployed.format.tool) runs it as it is.\n"
                : "\(display): at \(at), at or past the squash point; \(done ? "did" : "needs") a one-time bookkeeping step:\n"
        case .behind(let at):
            out += "\(display): at \(at), behind the squash point \(deployed.initRevision?.id ?? "").\n"
        }
        for reason in plan.reasons { out += "  - \(reason)\n" }
        if !plan.replay.isEmpty {
            out += "  \(done ? "replayed" : "replay"): \(plan.replay.map(\.id).joined(separator: ", "))\n"
        }
        if !plan.statements.isEmpty {
            out += "  \(done ? "ran" : "statements") (one transaction):\n" + plan.statements.map { "    \($0);\n" }.joined()
        }
        if !plan.unknown.isEmpty {
            out += "  note: \(deployed.table) records version(s) the history does not have: \(plan.unknown.joined(separator: ", "))\n"
        }
        return out
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Say where each database stands: nothing to do, a one-time step, or behind the squash point. Exit 1 when any needs `fix`.")
        @OptionGroup var global: GlobalOptions

        @Argument(help: "Database URLs (default: --database-url or the config's variable).")
        var urls: [String] = []

        func run() throws {
            let workspace = try global.workspace()
            let deployed = try DeployedDatabases(workspace: workspace)
            var needsFix = false
            for url in try Deployed.urls(urls, global, workspace.configuration) {
                let connection = try PGConnection(ConnectionString(url))
                defer { connection.close() }
                let plan = try deployed.plan(connection)
                if !plan.nothingToDo { needsFix = true }
                write(Deployed.describe(plan, ConnectionString(url).description, deployed, done: false))
            }
            if needsFix { throw ExitCode(1) }
        }
    }

    struct Fix: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Do the step each database needs: replay archived revisions (recorded as the tool records them) and update the bookkeeping rows in one transaction.")
        @OptionGroup var global: GlobalOptions

        @Argument(help: "Database URLs (default: --database-url or the config's variable).")
        var urls: [String] = []

        @Flag(name: .customLong("dry-run"), help: "Print what would be done; change nothing.")
        var dryRun = false

        func run() throws {
            let workspace = try global.workspace()
            let deployed = try DeployedDatabases(workspace: workspace)
            for url in try Deployed.urls(urls, global, workspace.configuration) {
                let connection = try PGConnection(ConnectionString(url))
                defer { connection.close() }
                let plan = dryRun ? try deployed.plan(connection) : try deployed.fix(connection)
                write(Deployed.describe(plan, ConnectionString(url).description, deployed, done: !dryRun))
            }
        }
    }
}
