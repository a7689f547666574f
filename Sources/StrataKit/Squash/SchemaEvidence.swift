import Foundation
import StrataPostgres
import StrataSchema

/// What the proofs compare: the reflected schema and the table contents of one database
/// (StrataSchema's bulk reflection, with the version table left out), and where each sequence
/// stands: a squash that loses a `setval` builds the same rows, and the next insert collides.
struct SchemaEvidence {
    var snapshot: Snapshot
    /// Each sequence's last value (`schema.name` → value, or "never called"). Not part of the
    /// fingerprint (archives written before it record one without it), nor of reflection: a
    /// stairway's down deletes rows but cannot move a sequence back, and a live database's
    /// sequences are where its data is.
    var sequences: [String: String] = [:]

    var objectCount: Int { snapshot.count }
    var tableCount: Int { snapshot.data.count }

    /// SHA-256 over the snapshot's text dump (schema and row hashes): equal databases, equal prints.
    var fingerprint: String { SHA256Hex.of(SnapshotText.render(snapshot)) }

    static func capture(_ connection: PGConnection, versionTable: String) throws -> SchemaEvidence {
        var evidence = SchemaEvidence(
            snapshot: try SchemaReflector.reflect(connection, options: ReflectionOptions(includeData: true, excludedTables: [versionTable])))
        evidence.sequences = try sequencePositions(connection)
        return evidence
    }

    /// Where each sequence stands (`schema.name` → last value, or "never called").
    static func sequencePositions(_ connection: PGConnection) throws -> [String: String] {
        let positions = try connection.query("""
            SELECT pg_catalog.quote_ident(schemaname) || '.' || pg_catalog.quote_ident(sequencename), last_value::text
            FROM pg_catalog.pg_sequences
            WHERE schemaname <> 'information_schema' AND schemaname !~ '^pg_'
            """)
        var sequences: [String: String] = [:]
        for row in 0..<positions.rowCount {
            if let name = positions[row, 0] { sequences[name] = positions[row, 1] ?? "never called" }
        }
        return sequences
    }

    /// What differs, as data: schema and content changes, and sequences that stand elsewhere.
    static func compare(expected: SchemaEvidence, actual: SchemaEvidence) -> (changes: [SchemaChange], moved: [MovedSequence]) {
        let diff = SchemaDiff(from: expected.snapshot, to: actual.snapshot)
        // Sequences on one side only are in the schema diff already.
        let moved = expected.sequences.keys.sorted().compactMap { name -> MovedSequence? in
            guard let old = expected.sequences[name], let new = actual.sequences[name], old != new else { return nil }
            return MovedSequence(name: name, expected: old, actual: new)
        }
        return (diff.changes, moved)
    }

    /// One line per difference, object by object ("+ enum public.x", "~ column …: type a → b").
    static func differences(expected: SchemaEvidence, actual: SchemaEvidence) -> [String] {
        let (changes, moved) = compare(expected: expected, actual: actual)
        return changes.map { DiffText.line($0) } + moved.map(\.line)
    }
}
