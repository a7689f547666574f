import StrataPostgres
import StrataSchema

/// Finds what a step of a stairway touched, without a whole-schema snapshot per step.
///
/// Every catalog row a revision writes carries, in `xmin`, the id of the transaction (or
/// subtransaction) that wrote it; a scratch database has no other writers, so the rows whose
/// `xmin` lies in the step's transaction-id range are exactly what the step created or changed.
/// To those come the objects whose catalog rows vanished (dropped), the objects that depend on
/// any of them through `pg_depend` (a view renders a renamed table's new name), and the tables
/// whose rows the step inserted, updated or deleted (`pg_stat_xact_user_tables`, read before
/// COMMIT). Reflection renders an object only from its own catalog rows and the names of what it
/// references, so reflecting this set sees every change a full reflection would see.
final class ChangeTracker {
    let connection: PGConnection
    private var prepared = false

    init(connection: PGConnection) {
        self.connection = connection
    }

    /// A new transaction id: every later step's ids are larger.
    func nextXID() throws -> UInt64 {
        UInt64(try connection.query("SELECT txid_current()")[0, 0] ?? "0") ?? 0
    }

    /// Catalog refs written by transaction `from` or later, plus refs in `known` that no longer
    /// exist, plus their dependents.
    func touched(from: UInt64, known: Set<CatalogRef>) throws -> Set<CatalogRef> {
        var arrays: [UInt32: [String]] = [:]
        for ref in known { arrays[ref.classID, default: []].append(String(ref.objectID)) }
        func array(_ classID: UInt32) -> String { "'{" + (arrays[classID] ?? []).joined(separator: ",") + "}'" }
        // Rows written at or after `from` are no older than `from` itself (ages count back from the
        // next transaction id, whatever other databases consume). Frozen rows never match.
        let window = from % (1 << 32)
        // The arguments are numbers the server produced: safe as literals.
        let execute = "EXECUTE strata_touched('\(window)', \(array(CatalogRef.pgClass)), \(array(CatalogRef.pgType)), "
            + "\(array(CatalogRef.pgProc)), \(array(CatalogRef.pgNamespace)), \(array(CatalogRef.pgExtension)))"
        func prepare() throws {
            let sql = try CatalogQueries.render(name: "tracker_touched", serverVersion: connection.serverVersionNumber)
            try connection.execute("PREPARE strata_touched(text, oid[], oid[], oid[], oid[], oid[]) AS " + sql)
            prepared = true
        }
        if !prepared { try prepare() }
        let result: PGResult
        do {
            result = try connection.execute(execute)
        } catch let error as PostgresError where error.sqlState == "26000" {
            try prepare()  // a revision ran DEALLOCATE ALL
            result = try connection.execute(execute)
        }
        var refs = Set<CatalogRef>()
        for row in result.rows {
            guard let c = row[0].flatMap({ UInt32($0) }), let o = row[1].flatMap({ UInt32($0) }) else { continue }
            refs.insert(CatalogRef(classID: c, objectID: o))
        }
        return refs
    }

    /// Every table's count of the rows inserted, updated and deleted in it so far, whether this
    /// session's counts were flushed to the shared statistics yet or not (PostgreSQL 15+: the
    /// shared counters plus the session's pending ones, which only this session changes, so the
    /// sum only grows). Two of them around statements that run outside a transaction name the
    /// tables they wrote. Nil before 15, where the pending counts reach the statistics collector
    /// some time later.
    static func rowCounts(on connection: PGConnection) throws -> [UInt32: String]? {
        guard connection.serverVersionNumber >= 150000 else { return nil }
        let result = try connection.query("""
            SELECT c.oid, pg_catalog.pg_stat_get_tuples_inserted(c.oid) + pg_catalog.pg_stat_get_tuples_updated(c.oid)
                          + pg_catalog.pg_stat_get_tuples_deleted(c.oid) + pg_catalog.pg_stat_get_xact_tuples_inserted(c.oid)
                          + pg_catalog.pg_stat_get_xact_tuples_updated(c.oid) + pg_catalog.pg_stat_get_xact_tuples_deleted(c.oid)
            FROM pg_catalog.pg_class c WHERE c.relkind = 'r' AND c.oid >= 16384
            """)
        var counts: [UInt32: String] = [:]
        for row in result.rows { if let oid = row[0].flatMap({ UInt32($0) }) { counts[oid] = row[1] ?? "" } }
        return counts
    }

    /// Tables with rows written in the current transaction (run before COMMIT); its result is
    /// the one `writtenTables(in:)` picks out of a step's results.
    static let writtenTablesSQL = "SELECT relid AS strata_written_relid FROM pg_catalog.pg_stat_xact_user_tables WHERE n_tup_ins + n_tup_upd + n_tup_del > 0"

    static func writtenTables(in results: [PGResult]) -> Set<CatalogRef> {
        guard let result = results.last(where: { $0.columnNames == ["strata_written_relid"] }) else { return [] }
        return Set(result.rows.compactMap { $0[0].flatMap { UInt32($0) }.map(CatalogRef.relation) })
    }
}
