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

    /// Catalog refs written in the xid range [from, to), plus refs in `known` that no longer
    /// exist, plus their dependents.
    func touched(from: UInt64, to: UInt64, known: Set<CatalogRef>) throws -> Set<CatalogRef> {
        let relations = known.filter { $0.classID == CatalogRef.pgClass }.map { String($0.objectID) }
        let types = known.filter { $0.classID == CatalogRef.pgType }.map { String($0.objectID) }
        let functions = known.filter { $0.classID == CatalogRef.pgProc }.map { String($0.objectID) }
        let namespaces = known.filter { $0.classID == CatalogRef.pgNamespace }.map { String($0.objectID) }
        let extensions = known.filter { $0.classID == CatalogRef.pgExtension }.map { String($0.objectID) }
        func array(_ values: [String]) -> String { "{" + values.joined(separator: ",") + "}" }
        // Rows written at or after `from` are no older than `from` itself (ages count back from the
        // next transaction id, whatever other databases consume). Frozen rows never match.
        _ = to
        let window = from % (1 << 32)
        if !prepared {
            try connection.execute("PREPARE strata_touched(text, oid[], oid[], oid[], oid[], oid[]) AS " + Self.sql)
            prepared = true
        }
        // The arguments are numbers the server produced: safe as literals.
        let result = try connection.execute("EXECUTE strata_touched('\(window)', '\(array(relations))', '\(array(types))', '\(array(functions))', '\(array(namespaces))', '\(array(extensions))')")
        var refs = Set<CatalogRef>()
        for row in result.rows {
            guard let c = row[0].flatMap({ UInt32($0) }), let o = row[1].flatMap({ UInt32($0) }) else { continue }
            refs.insert(CatalogRef(classID: c, objectID: o))
        }
        return refs
    }

    /// Tables with rows written in the current transaction (call before COMMIT).
    func tablesWithWrittenRows() throws -> Set<CatalogRef> {
        let result = try connection.query("SELECT relid FROM pg_catalog.pg_stat_xact_user_tables WHERE n_tup_ins + n_tup_upd + n_tup_del > 0")
        return Set(result.rows.compactMap { $0[0].flatMap { UInt32($0) }.map(CatalogRef.relation) })
    }

    static let sql = """
        WITH RECURSIVE written(classid, objid) AS (
            SELECT 'pg_class'::regclass::oid, oid FROM pg_catalog.pg_class WHERE age(xmin) <= age($1::xid)
            UNION SELECT 'pg_class'::regclass::oid, attrelid FROM pg_catalog.pg_attribute WHERE age(xmin) <= age($1::xid)
            UNION SELECT 'pg_class'::regclass::oid, adrelid FROM pg_catalog.pg_attrdef WHERE age(xmin) <= age($1::xid)
            UNION SELECT 'pg_class'::regclass::oid, indrelid FROM pg_catalog.pg_index WHERE age(xmin) <= age($1::xid)
            UNION SELECT 'pg_class'::regclass::oid, conrelid FROM pg_catalog.pg_constraint WHERE conrelid <> 0 AND age(xmin) <= age($1::xid)
            UNION SELECT 'pg_type'::regclass::oid, contypid FROM pg_catalog.pg_constraint WHERE contypid <> 0 AND age(xmin) <= age($1::xid)
            UNION SELECT 'pg_class'::regclass::oid, tgrelid FROM pg_catalog.pg_trigger WHERE age(xmin) <= age($1::xid)
            UNION SELECT 'pg_class'::regclass::oid, polrelid FROM pg_catalog.pg_policy WHERE age(xmin) <= age($1::xid)
            UNION SELECT 'pg_class'::regclass::oid, ev_class FROM pg_catalog.pg_rewrite WHERE age(xmin) <= age($1::xid)
            UNION SELECT 'pg_class'::regclass::oid, seqrelid FROM pg_catalog.pg_sequence WHERE age(xmin) <= age($1::xid)
            UNION SELECT 'pg_class'::regclass::oid, inhrelid FROM pg_catalog.pg_inherits WHERE age(xmin) <= age($1::xid)
            UNION SELECT 'pg_class'::regclass::oid, partrelid FROM pg_catalog.pg_partitioned_table WHERE age(xmin) <= age($1::xid)
            UNION SELECT 'pg_class'::regclass::oid, stxrelid FROM pg_catalog.pg_statistic_ext WHERE age(xmin) <= age($1::xid)
            UNION SELECT 'pg_type'::regclass::oid, oid FROM pg_catalog.pg_type WHERE age(xmin) <= age($1::xid)
            UNION SELECT 'pg_type'::regclass::oid, enumtypid FROM pg_catalog.pg_enum WHERE age(xmin) <= age($1::xid)
            UNION SELECT 'pg_type'::regclass::oid, rngtypid FROM pg_catalog.pg_range WHERE age(xmin) <= age($1::xid)
            UNION SELECT 'pg_proc'::regclass::oid, oid FROM pg_catalog.pg_proc WHERE age(xmin) <= age($1::xid)
            UNION SELECT 'pg_namespace'::regclass::oid, oid FROM pg_catalog.pg_namespace WHERE age(xmin) <= age($1::xid)
            UNION SELECT 'pg_extension'::regclass::oid, oid FROM pg_catalog.pg_extension WHERE age(xmin) <= age($1::xid)
            UNION SELECT 'pg_default_acl'::regclass::oid, oid FROM pg_catalog.pg_default_acl WHERE age(xmin) <= age($1::xid)
            UNION SELECT 'pg_collation'::regclass::oid, oid FROM pg_catalog.pg_collation WHERE age(xmin) <= age($1::xid)
            UNION SELECT 'pg_event_trigger'::regclass::oid, oid FROM pg_catalog.pg_event_trigger WHERE age(xmin) <= age($1::xid)
            UNION SELECT classoid, objoid FROM pg_catalog.pg_description WHERE age(xmin) <= age($1::xid)
            UNION SELECT 'pg_class'::regclass::oid, r FROM unnest($2::oid[]) r WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_class WHERE oid = r)
            UNION SELECT 'pg_type'::regclass::oid, t FROM unnest($3::oid[]) t WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type WHERE oid = t)
            UNION SELECT 'pg_proc'::regclass::oid, f FROM unnest($4::oid[]) f WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_proc WHERE oid = f)
            UNION SELECT 'pg_namespace'::regclass::oid, n FROM unnest($5::oid[]) n WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE oid = n)
            UNION SELECT 'pg_extension'::regclass::oid, e FROM unnest($6::oid[]) e WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE oid = e)
        ), closure(classid, objid, depth) AS (
            SELECT classid, objid, 0 FROM written
            UNION
            SELECT d.classid, d.objid, c.depth + 1 FROM pg_catalog.pg_depend d
            JOIN closure c ON d.refclassid = c.classid AND d.refobjid = c.objid
            WHERE c.depth < 6 AND d.deptype IN ('n', 'a')
        )
        SELECT DISTINCT classid::text, objid::text FROM closure
        """
}
