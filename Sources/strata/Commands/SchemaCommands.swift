import ArgumentParser
import Foundation
import StrataKit
import StrataPostgres
import StrataSchema

/// `strata schema dump` and `strata schema diff` (DESIGN §6).
struct Schema: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Reflect a database's schema, or compare two.",
        subcommands: [Dump.self, Diff.self]
    )

    struct Dump: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a database's schema as strata sees it.",
            discussion: """
                One block per object (schemas, extensions, types, sequences, tables, columns, constraints, \
                indexes, views, functions, triggers, rules, policies, default privileges) with its attributes, \
                in a fixed order: equal schemas print identical text. The version table is left out.
                """)
        @OptionGroup var global: GlobalOptions

        @Argument(help: ArgumentHelp("The database (default: --database-url or DATABASE_URL).", valueName: "url"))
        var url: String?

        @Option(help: "text or json.")
        var format: OutputFormat = .text

        @Flag(help: "Also print each table's row count and content hash.")
        var data = false

        func run() throws {
            let options = try SchemaCommandSupport.options(global, includeData: data)
            let target = try SchemaCommandSupport.target(url, global)
            let snapshot = try SchemaCommandSupport.reflect([target], options: options)[0]
            write(format == .json ? SnapshotJSON.render(snapshot) : SnapshotText.render(snapshot))
        }
    }

    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare the schemas of two databases.",
            discussion: """
                Prints one line per difference: + added, - removed, ~ changed (naming the attribute), \
                moved columns and, with --data, differing table contents. Exit status: 0 equal, 1 different, \
                3 a database could not be read.
                """)
        @OptionGroup var global: GlobalOptions

        @Argument(help: ArgumentHelp("The old side.", valueName: "url-a"))
        var urlA: String

        @Argument(help: ArgumentHelp("The new side.", valueName: "url-b"))
        var urlB: String

        @Option(help: "text or json.")
        var format: OutputFormat = .text

        @Flag(help: "Also compare each table's row count and content hash.")
        var data = false

        func run() throws {
            let options = try SchemaCommandSupport.options(global, includeData: data)
            let snapshots = try SchemaCommandSupport.reflect([ConnectionString(urlA), ConnectionString(urlB)], options: options)
            let diff = SchemaDiff(from: snapshots[0], to: snapshots[1])
            if format == .json {
                write(DiffJSON.render(diff))
            } else if diff.isEmpty {
                global.say("no differences")
            } else {
                write(DiffText.render(diff))
            }
            if !diff.isEmpty { throw ExitCode(1) }
        }
    }
}

/// What the schema commands share: the version table to leave out, the target, errors as exit 3.
enum SchemaCommandSupport {
    static func options(_ global: GlobalOptions, includeData: Bool) throws -> ReflectionOptions {
        let configuration = try global.load()
        return ReflectionOptions(includeData: includeData, excludedTables: [configuration.versionTable])
    }

    static func target(_ url: String?, _ global: GlobalOptions) throws -> ConnectionString {
        if let url, !url.isEmpty { return ConnectionString(url) }
        let configuration = try global.load()
        guard let fallback = configuration.databaseURL(flag: global.databaseURL) else {
            throw StrataError.usage("no database URL: pass one, or --database-url URL, or set \(configuration.databaseURLVariable)")
        }
        return ConnectionString(fallback)
    }

    /// Reflects all targets at once; a failure names the database (password redacted) and exits 3.
    static func reflect(_ targets: [ConnectionString], options: ReflectionOptions) throws -> [Snapshot] {
        do {
            return try SchemaReflector.reflect(targets, options: options, applicationName: "strata schema")
        } catch let error as PostgresError {
            let which = targets.count == 1 ? targets[0].description : "one of \(targets.map(\.description).joined(separator: ", "))"
            if error.kind == .connection {
                throw StrataError.database("cannot connect to \(which): \(error.message.trimmingCharacters(in: .whitespacesAndNewlines))")
            }
            throw StrataError.database("reading the schema of \(which) failed: \(error.message)")
        } catch let error as SchemaReflectionError {
            throw StrataError.environment(error.description)
        }
    }
}
