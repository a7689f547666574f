import ArgumentParser
import Foundation
import StrataKit

/// The `strata` command line: each command collects its options, calls one StrataKit use case,
/// formats the result and picks the exit code (DESIGN §9).
struct Strata: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "strata",
        abstract: "Keep PostgreSQL migration histories healthy: lint, run, squash with proof.",
        version: StrataVersion.string,
        subcommands: [
            Init.self, New.self, Lint.self, Hash.self, HistoryCommand.self, Graph.self, Rebase.self,
            Upgrade.self, Downgrade.self, Current.self, Stamp.self, Squash.self, Verify.self, Archive.self, Deployed.self, Server.self, Schema.self,
        ]
    )
}

/// Options every command takes (DESIGN §9).
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The config file (default: strata.toml found by walking up).", valueName: "file"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("The migrations directory (overrides the config).", valueName: "dir"))
    var migrations: String?

    @Option(name: .long, help: ArgumentHelp("The archive directory (overrides the config).", valueName: "dir"))
    var archive: String?

    @Option(name: .customLong("history-format"), help: ArgumentHelp("The history's layout (overrides the config's `format`): \(HistoryFormat.names).", valueName: "name"))
    var historyFormat: String?

    @Option(name: .customLong("database-url"), help: ArgumentHelp("The database URL (else the variable the config names, default DATABASE_URL).", valueName: "url"))
    var databaseURL: String?

    @Option(name: .customLong("scratch-url"), help: ArgumentHelp("A server for scratch databases (else strata starts its own).", valueName: "url"))
    var scratchURL: String?

    @Option(name: .long, help: ArgumentHelp("The PostgreSQL for the embedded server and pg_dump: a major version (17) or a bin directory (else [server] postgres, $STRATA_POSTGRES, the newest installed).", valueName: "major|bindir"))
    var postgres: String?

    @Flag(name: .shortAndLong, help: "Print only what is asked for and errors.")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Print more: server notices, timings, file names.")
    var verbose = false

    /// The configuration: the file, then the flags on top of it.
    func load() throws -> Configuration {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        var configuration = try Configuration.load(explicit: config.map { Configuration.resolve($0, against: cwd) }, from: cwd)
        if let historyFormat { configuration.format = try HistoryFormat(name: historyFormat) }
        if let migrations {
            configuration.migrationsDirectory = Configuration.resolve(migrations, against: cwd)
            configuration.migrationsSet = true
        }
        if let archive { configuration.archiveDirectory = Configuration.resolve(archive, against: cwd) }
        if let postgres {
            guard !postgres.isEmpty else { throw StrataError.usage("--postgres is empty; expected a major version such as 17 or a binary directory") }
            configuration.postgres = Configuration.postgresChoice(postgres, against: cwd)
        }
        return configuration
    }

    func workspace() throws -> Workspace {
        Workspace(configuration: try load())
    }

    /// Prints progress and confirmations unless `--quiet`.
    func say(_ text: String) {
        if !quiet { print(text) }
    }
}

/// Writes to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
}

/// Writes to standard output without a newline added.
func write(_ text: String) {
    print(text, terminator: "")
}
