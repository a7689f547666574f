import ArgumentParser
import Foundation
import StrataKit
import StrataPostgres

struct Server: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The embedded throwaway PostgreSQL server.",
        subcommands: [Check.self]
    )

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the scratch server strata would use, and the pg_dump squash would use.",
            discussion: """
                Without a scratch URL: starts the embedded server from the chosen installation \
                (--postgres, [server] postgres, $STRATA_POSTGRES, else the newest installed), connects, \
                reports where the time went and removes it. With --scratch-url (or the config's): \
                connects to that server, makes and drops a scratch database, and reports its version. \
                Both report the pg_dump squash would use; one older than the server fails (exit 3).
                """)
        @OptionGroup var global: GlobalOptions

        @Flag(name: .customLong("no-cache"), help: "Run initdb instead of copying the cached cluster.")
        var noCache = false

        @Option(help: "text or json.")
        var format: OutputFormat = .text

        struct Report: Encodable {
            /// `embedded` or `scratch-url`.
            var server: String
            var server_version: String
            /// The installation used (the embedded server's, or the one picked for pg_dump); nil
            /// with a scratch URL and nothing picked.
            var bin_directory: String?
            /// What picked the installation: `--postgres`, `[server] postgres`, `$STRATA_POSTGRES`
            /// or `newest installed`.
            var chosen_by: String
            var scratch_url: String?
            var cache: Bool?
            var ready_seconds: Double
            var stop_seconds: Double
            var phases: [String: Double]
            var pg_dump: String?
            var pg_dump_version: String?
            var pg_dump_problem: String?
        }

        func run() throws {
            Cleanup.installSignalHandlers()
            let configuration = try global.load()
            let chosenBy = Self.chosenBy(global, configuration)
            let report: Report
            var phases: [(String, Double)] = []
            let serverMajor: Int
            let toolInstallation: PostgresInstallation?
            if let url = configuration.scratchServerURL(flag: global.scratchURL) {
                var clock = Date()
                func mark(_ phase: String) {
                    phases.append((phase, Date().timeIntervalSince(clock)))
                    clock = Date()
                }
                let started = Date()
                let pool: ScratchPool
                do {
                    pool = try ScratchPool.open(url: url, postgres: configuration.postgres)
                } catch let error as PostgresError where error.kind == .connection {
                    throw StrataError.database("cannot connect to the scratch server: \(error.message.trimmingCharacters(in: .whitespacesAndNewlines))")
                }
                mark("connect")
                let database = try pool.database("strata_check")
                mark("create-database")
                let connection = try PGConnection(database)
                let version = try connection.query("SHOW server_version")[0, 0] ?? "?"
                connection.close()
                mark("query")
                let ready = Date().timeIntervalSince(started)
                let stopStarted = Date()
                pool.close()
                mark("drop-database")
                serverMajor = pool.serverMajor
                toolInstallation = pool.installation
                report = Report(
                    server: "scratch-url", server_version: version, bin_directory: pool.installation?.binDirectory.path,
                    chosen_by: chosenBy, scratch_url: ConnectionString(url).description, cache: nil, ready_seconds: ready,
                    stop_seconds: Date().timeIntervalSince(stopStarted), phases: [:])
            } else {
                let started = Date()
                var options = EmbeddedServer.Options()
                options.useCache = !noCache
                options.postgres = configuration.postgres
                let server = try EmbeddedServer.start(options)
                defer { server.stop() }
                let connection = try PGConnection(server.connectionString())
                let version = try connection.query("SHOW server_version")[0, 0] ?? "?"
                let ready = Date().timeIntervalSince(started)
                connection.close()
                let stopStarted = Date()
                server.stop()
                let stopSeconds = Date().timeIntervalSince(stopStarted)
                phases = server.timings.map { ($0.phase, $0.seconds) }
                serverMajor = server.installation.majorVersion
                toolInstallation = server.installation
                report = Report(
                    server: "embedded", server_version: version, bin_directory: server.installation.binDirectory.path,
                    chosen_by: chosenBy, scratch_url: nil, cache: !noCache, ready_seconds: ready, stop_seconds: stopSeconds, phases: [:])
            }
            var full = report
            for (phase, seconds) in phases { full.phases[phase] = seconds }
            var problem: StrataError?
            do {
                let pgDump = try PgDump.locate(installation: toolInstallation, serverMajor: serverMajor)
                full.pg_dump = pgDump.executable.path
                full.pg_dump_version = pgDump.versionText
            } catch {
                problem = error
                full.pg_dump_problem = error.description
            }

            if format == .json {
                write(JSONText.encode(full))
            } else {
                if let scratchURL = full.scratch_url {
                    print("PostgreSQL \(full.server_version) at \(scratchURL) (scratch server; strata did not start it)")
                } else {
                    print("PostgreSQL \(full.server_version) from \(full.bin_directory ?? "?") (\(chosenBy))")
                }
                for (phase, seconds) in phases { print("  \(phase.padding(toLength: 18, withPad: " ", startingAt: 0)) \(Milliseconds.format(seconds))") }
                if full.scratch_url != nil {
                    print("ready in \(Milliseconds.format(full.ready_seconds)), scratch database dropped in \(Milliseconds.format(full.stop_seconds))")
                } else {
                    print("ready in \(Milliseconds.format(full.ready_seconds)) (\(noCache ? "initdb" : "cached cluster")), stopped and removed in \(Milliseconds.format(full.stop_seconds))")
                }
                if let path = full.pg_dump, let version = full.pg_dump_version {
                    let from = ProcessInfo.processInfo.environment["STRATA_PG_DUMP"] != nil ? " ($STRATA_PG_DUMP)" : full.scratch_url != nil ? " (\(chosenBy))" : ""
                    print("pg_dump for squash: \(path), \(version)\(from)")
                }
            }
            if let problem {
                throw problem
            }
        }

        /// What picked the installation, for the report.
        static func chosenBy(_ global: GlobalOptions, _ configuration: Configuration) -> String {
            if let flag = global.postgres { return "--postgres \(flag)" }
            if let chosen = configuration.postgres {
                return "[server] postgres = \"\(chosen)\"" + (configuration.file.map { " in \(DisplayPath.of($0))" } ?? "")
            }
            if let environment = ProcessInfo.processInfo.environment["STRATA_POSTGRES"], !environment.isEmpty {
                return "$STRATA_POSTGRES=\(environment)"
            }
            return "newest installed"
        }
    }
}
