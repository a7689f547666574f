import Foundation
import StrataPostgres

/// `strata verify squash`: rebuild the original history from the archives plus the current
/// revisions, build both on scratch databases, compare at the squash point and at head.
public struct SquashVerifier {
    public let workspace: Workspace
    public let scratch: ScratchPool

    public init(workspace: Workspace, scratch: ScratchPool) {
        self.workspace = workspace
        self.scratch = scratch
    }

    public struct Report: Sendable {
        public var proof: Proof
        public var archives: [String]
        public var originalCount: Int
        public var squashedCount: Int
        public var steps: [(String, Double)]
        /// Seconds to build a fresh database to head from the original and from the squashed history.
        public var originalBuildSeconds: Double
        public var squashedBuildSeconds: Double
    }

    public func run() throws -> Report {
        let directory = try workspace.migrations()
        let history = try directory.history()
        guard let initIndex = history.revisions.firstIndex(where: { $0.isSquashInit }) else {
            throw StrataError.usage("the history has no init revision (no `replaces` header): nothing was squashed, so there is nothing to verify")
        }
        let expanded = try ExpandedHistory.expand(history, archiveDirectory: workspace.configuration.archiveDirectory, settings: try workspace.formatSettings())
        let originalHistory = expanded.history
        // The squash point in the original: the last original revision before the first kept one.
        let firstKept = initIndex + 1 < history.count ? history.revisions[initIndex + 1].id : nil
        let keptStart = firstKept.flatMap { originalHistory.position(of: $0) } ?? originalHistory.count
        guard keptStart >= 1 else { throw StrataError.usage("cannot find the squash point in the rebuilt history") }
        let squashPoint = originalHistory.revisions[keptStart - 1]
        let versionTable = VersionTable(workspace.configuration.versionTable)

        var clock = Date()
        let database = try scratch.database("strata_original")
        defer { scratch.drop(database) }
        let connection = try PGConnection(database)
        defer { connection.close() }
        let original = try Migrator(connection: connection, history: originalHistory, options: MigrateOptions(versionTable: versionTable),
                                    directoryDisplay: DisplayPath.of(workspace.configuration.archiveDirectory))
        let originalPrefix = try original.upgrade(to: squashPoint.id).seconds
        var steps: [(String, Double)] = [("apply \(keptStart) original revisions", Date().timeIntervalSince(clock))]
        clock = Date()
        // Everything before the init revision (none, normally) stays as it is in both histories.
        let squashedHistory = History(Array(history.revisions[initIndex...]))
        let prover = EquivalenceProver(scratch: scratch, versionTable: versionTable, directoryDisplay: DisplayPath.of(directory.url))
        // The init revision holds the values of the day of the squash; the original history
        // computes its own now(): a second build of the original tells those columns apart.
        let (proof, proofSteps, times) = try prover.proveTimed(original: original, squashPoint: squashPoint.id, squashedHistory: squashedHistory,
                                                               initStairway: false, calibrate: .original)
        steps.append(contentsOf: proofSteps)
        return Report(proof: proof, archives: expanded.archives.map { DisplayPath.of($0.url) },
                      originalCount: originalHistory.count, squashedCount: history.count, steps: steps,
                      originalBuildSeconds: originalPrefix + times.originalKept, squashedBuildSeconds: times.squashed)
    }
}
