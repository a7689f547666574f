import Foundation
import StrataPostgres
import StrataSchema

/// What the proofs compare: the reflected schema and the table contents of one database
/// (StrataSchema's bulk reflection, with the version table left out).
struct SchemaEvidence {
    var snapshot: Snapshot

    var objectCount: Int { snapshot.count }
    var tableCount: Int { snapshot.data.count }

    /// SHA-256 over the snapshot's text dump (schema and row hashes): equal databases, equal prints.
    var fingerprint: String { SHA256Hex.of(SnapshotText.render(snapshot)) }

    static func capture(_ connection: PGConnection, versionTable: String) throws -> SchemaEvidence {
        SchemaEvidence(snapshot: try SchemaReflector.reflect(connection, options: ReflectionOptions(includeData: true, excludedTables: [versionTable])))
    }

    /// One line per difference, object by object ("+ enum public.x", "~ column …: type a → b").
    static func differences(expected: SchemaEvidence, actual: SchemaEvidence) -> [String] {
        let diff = SchemaDiff(from: expected.snapshot, to: actual.snapshot)
        return diff.changes.map { DiffText.line($0) }
    }
}
