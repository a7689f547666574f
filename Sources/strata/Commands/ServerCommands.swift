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
        static let configuration = CommandConfiguration(abstract: "Start the embedded server, connect, report where the time went, remove it.")
        @OptionGroup var global: GlobalOptions

        @Flag(name: .customLong("no-cache"), help: "Run initdb instead of copying the cached cluster.")
        var noCache = false

        @Option(help: "text or json.")
        var format: OutputFormat = .text

        func run() throws {
            Cleanup.installSignalHandlers()
            let started = Date()
            var options = EmbeddedServer.Options()
            options.useCache = !noCache
            let server = try EmbeddedServer.start(options)
            defer { server.stop() }
            let connection = try PGConnection(server.connectionString())
            let version = try connection.query("SHOW server_version")[0, 0] ?? "?"
            let ready = Date().timeIntervalSince(started)
            connection.close()
            let stopStarted = Date()
            server.stop()
            let stopSeconds = Date().timeIntervalSince(stopStarted)
            struct Report: Encodable {
                var server_version: String
                var bin_directory: String
                var cache: Bool
                var ready_seconds: Double
                var stop_seconds: Double
                var phases: [String: Double]
            }
            var phases: [String: Double] = [:]
            for timing in server.timings { phases[timing.phase] = timing.seconds }
            let report = Report(server_version: version, bin_directory: server.installation.binDirectory.path, cache: !noCache,
                                ready_seconds: ready, stop_seconds: stopSeconds, phases: phases)
            if format == .json {
                write(JSONText.encode(report))
            } else {
                print("PostgreSQL \(version) from \(report.bin_directory)")
                for timing in server.timings { print("  \(timing.phase.padding(toLength: 18, withPad: " ", startingAt: 0)) \(Milliseconds.format(timing.seconds))") }
                print("ready in \(Milliseconds.format(ready)) (\(noCache ? "initdb" : "cached cluster")), stopped and removed in \(Milliseconds.format(stopSeconds))")
            }
        }
    }
}
