import Foundation
import StrataPostgres
import StrataSchema

/// Compares an original history with its squashed form on scratch databases: at the squash
/// point and at head, schema and table contents (DESIGN §4 step 4, §5 `verify squash`).
struct EquivalenceProver {
    let scratch: ScratchPool
    let versionTable: VersionTable
    let directoryDisplay: String

    /// `original` is a migrator whose database is at the squash point, over the original history.
    /// `squashedHistory` starts with the init revision.
    /// Seconds spent applying revisions: the kept ones on the original database, and the init
    /// revision plus the kept ones on the squashed database (for "how much faster it builds").
    struct BuildTimes { var originalKept = 0.0; var squashed = 0.0 }

    /// `squashPoint` is the id `original` stands at; `calibrate` names the side built a second
    /// time when data differs (see `Calibration`), nil to compare every value as it is.
    func proveTimed(original: Migrator, squashPoint: String, squashedHistory: History, initStairway: Bool,
                    calibrate: Calibration.Side?) throws -> (Proof, [(String, Double)], BuildTimes) {
        var times = BuildTimes()
        var clock = StepClock()
        func step(_ name: String) { clock.mark(name) }
        let table = original.qualifiedVersionTableText
        let database = try scratch.database("strata_squashed")
        defer { scratch.drop(database) }
        var connection = try PGConnection(database)
        defer { connection.close() }
        var migrator = try Migrator(connection: connection, history: squashedHistory, options: MigrateOptions(versionTable: versionTable),
                                    directoryDisplay: directoryDisplay)
        let calibration = calibrate.map { side in
            side == .original
                ? Calibration(side: side, history: original.history, squashPoint: squashPoint, scratch: scratch,
                              versionTable: versionTable, directoryDisplay: original.directoryDisplay)
                : Calibration(side: side, history: squashedHistory, squashPoint: squashedHistory.revisions[0].id, scratch: scratch,
                              versionTable: versionTable, directoryDisplay: directoryDisplay)
        }
        defer { calibration?.close() }
        var checks: [Proof.Check] = []
        /// Compares, and ends the step `stepName`; data that differs is explained by a second
        /// build at `point` (its own step) when a side is calibrated.
        func check(_ name: String, _ expected: SchemaEvidence, _ actual: SchemaEvidence, at point: Calibration.Point? = nil, step stepName: String? = nil) throws {
            let (changes, moved) = SchemaEvidence.compare(expected: expected, actual: actual)
            var differences = changes.map { DiffText.line($0) } + moved.map(\.line)
            var notCompared: [String] = []
            if let point, let calibration, !moved.isEmpty || changes.contains(where: { $0.kind == .data }) {
                if let stepName { step(stepName) }
                let outcome = try calibration.explain(changes, movedSequences: moved, point: point,
                                                      expected: original.connection, actual: connection)
                differences = outcome.differences
                notCompared = outcome.notCompared
                step("calibrate at \(point == .head ? "head" : "the squash point"): \(calibration.side.rawValue) built again")
            } else if let stepName {
                step(stepName)
            }
            checks.append(.init(name: name, objects: expected.objectCount, tables: expected.tableCount,
                                differences: differences, notCompared: notCompared))
        }

        /// Applies the squashed history up to `target`; a revision that fails there is the failed
        /// check `name` against `expected`, what the original history built, not a database failure.
        func applySquashed(_ target: String, check name: String, expected: () throws -> SchemaEvidence) throws -> Bool {
            do {
                times.squashed += try migrator.upgrade(to: target).seconds
                return true
            } catch let error as MigrationError {
                let expected = try expected()
                checks.append(.init(name: name, objects: expected.objectCount, tables: expected.tableCount, differences: [
                    "revision \(error.revision) fails on the squashed history at \(error.location): \(error.server.description)",
                ]))
                return false
            }
        }
        // "Empty" as the runner leaves a database: with its version table (and that table's schema).
        _ = try migrator.upgrade(to: "+0")
        let empty = initStairway ? try SchemaEvidence.capture(connection, versionTable: table) : nil
        let atSquashPoint = try SchemaEvidence.capture(original.connection, versionTable: table)
        step("reflect the squash point")
        func proof() -> Proof { Proof(checks: checks, fingerprint: atSquashPoint.fingerprint) }
        let squashPointCheck = "squash point: the init revision builds what the squashed revisions built"
        guard try applySquashed("+1", check: squashPointCheck, expected: { atSquashPoint }) else { return (proof(), clock.steps, times) }
        let initUp = try SchemaEvidence.capture(connection, versionTable: table)
        try check(squashPointCheck, atSquashPoint, initUp, at: .squashPoint, step: "apply the init revision and compare")
        if let empty {
            // The init revision holds values, not the expressions that made them: both builds
            // of it are the same, with nothing to calibrate.
            _ = try migrator.downgrade(to: "base")
            try check("stairway: the init revision's down leaves an empty database", empty, try SchemaEvidence.capture(connection, versionTable: table))
            _ = try migrator.upgrade(to: "+1")
            try check("stairway: the init revision applies again to the same state", initUp, try SchemaEvidence.capture(connection, versionTable: table))
            step("stairway of the init revision")
        }
        if squashedHistory.count > 1, let calibration, calibration.side == .squashed {
            // A copy of the squashed database at the init revision (a template copy: tens of
            // milliseconds on a RAM-backed server, where rebuilding the init revision takes a
            // second at 1,000 revisions): should data differ at head, only the kept revisions
            // run again for the calibration. The copy needs the database without sessions.
            migrator.closeHelpers()
            connection.close()
            try calibration.seed(copying: database)
            connection = try PGConnection(database)
            migrator = try Migrator(connection: connection, history: squashedHistory, options: MigrateOptions(versionTable: versionTable),
                                    directoryDisplay: directoryDisplay)
            step("copy the init database for calibration")
        }
        if squashedHistory.count > 1 {
            // The original first: a kept revision that fails there is broken on its own (exit 3).
            times.originalKept += try original.upgrade(to: "head").seconds
            let headCheck = "head: the squashed history builds what the original history builds"
            guard try applySquashed("head", check: headCheck, expected: { try SchemaEvidence.capture(original.connection, versionTable: table) }) else { return (proof(), clock.steps, times) }
            step("apply the \(squashedHistory.count - 1) kept revisions to both")
            try check(headCheck,
                      try SchemaEvidence.capture(original.connection, versionTable: table),
                      try SchemaEvidence.capture(connection, versionTable: table), at: .head, step: "reflect head and compare")
        }
        return (proof(), clock.steps, times)
    }
}
