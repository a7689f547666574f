import Foundation
import StrataPostgres
import StrataSchema

/// `strata verify drift`: the live database (read only) against a scratch database built from
/// the history up to the live database's current revision.
public struct DriftDetector {
    public let history: History
    public let scratch: ScratchPool
    public let options: MigrateOptions

    public init(history: History, scratch: ScratchPool, options: MigrateOptions) {
        self.history = history
        self.scratch = scratch
        self.options = options
    }

    public struct Report: Sendable {
        public var revision: String?
        public var diff: SchemaDiff
        public var drifted: Bool { !diff.isEmpty }
    }

    public func run(live: PGConnection) throws -> Report {
        let liveMigrator = try Migrator(connection: live, history: history, options: options)
        let state = try liveMigrator.state()
        if !state.unknown.isEmpty {
            throw StrataError.usage("the live database records revision(s) the history does not have: \(state.unknown.joined(separator: ", "))")
        }
        return try compare(live: live, at: state.current?.id, excluding: liveMigrator.qualifiedVersionTableText)
    }

    /// Compares the live database with the history built to `current` on a scratch database;
    /// `table` (`schema.name`, the live database's bookkeeping table) is left out.
    public func compare(live: PGConnection, at current: String?, excluding table: String) throws -> Report {
        // Reflection runs in a read-only transaction: nothing is written on the live side.
        let liveSnapshot = try SchemaReflector.reflect(live, options: ReflectionOptions(excludedTables: [table]))
        let database = try scratch.database("strata_drift")
        defer { scratch.drop(database) }
        let connection = try PGConnection(database)
        defer { connection.close() }
        let expected = try Migrator(connection: connection, history: history, options: MigrateOptions(versionTable: options.versionTable))
        if let current { _ = try expected.upgrade(to: current) }
        let expectedSnapshot = try SchemaReflector.reflect(connection, options: ReflectionOptions(excludedTables: [expected.qualifiedVersionTableText]))
        return Report(revision: current, diff: SchemaDiff(from: expectedSnapshot, to: liveSnapshot))
    }
}
