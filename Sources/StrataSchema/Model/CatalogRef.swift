/// A row of a system catalog: `classid` is the catalog's OID (`pg_class`, `pg_type`, ...), the
/// same pairs `pg_depend` and `pg_event_trigger_ddl_commands()` report. Carried on reflected
/// objects for scoping; never compared.
public struct CatalogRef: Hashable, Codable, Sendable, CustomStringConvertible {
    public var classID: UInt32
    public var objectID: UInt32

    public init(classID: UInt32, objectID: UInt32) {
        self.classID = classID
        self.objectID = objectID
    }

    public var description: String { "\(classID):\(objectID)" }

    // The catalogs' OIDs are fixed at bootstrap and the same on every PostgreSQL version.
    public static let pgClass: UInt32 = 1259
    public static let pgType: UInt32 = 1247
    public static let pgProc: UInt32 = 1255
    public static let pgNamespace: UInt32 = 2615
    public static let pgExtension: UInt32 = 3079
    public static let pgConstraint: UInt32 = 2606
    public static let pgTrigger: UInt32 = 2620
    public static let pgPolicy: UInt32 = 3256
    public static let pgRewrite: UInt32 = 2618
    public static let pgAttrdef: UInt32 = 2604
    public static let pgDefaultACL: UInt32 = 826
    public static let pgCollation: UInt32 = 3456
    public static let pgEventTrigger: UInt32 = 3466
    public static let pgStatisticExt: UInt32 = 3381
    public static let pgTSDict: UInt32 = 3600
    public static let pgTSConfig: UInt32 = 3602
    public static let pgPublication: UInt32 = 6104
    public static let pgForeignDataWrapper: UInt32 = 2328
    public static let pgForeignServer: UInt32 = 1417

    /// A relation: table, view, materialized view, sequence, index, foreign table.
    public static func relation(_ oid: UInt32) -> CatalogRef { CatalogRef(classID: pgClass, objectID: oid) }
    /// A type: enum, domain, composite, range (a table's row type scopes the table).
    public static func type(_ oid: UInt32) -> CatalogRef { CatalogRef(classID: pgType, objectID: oid) }
    /// A function, procedure or aggregate.
    public static func function(_ oid: UInt32) -> CatalogRef { CatalogRef(classID: pgProc, objectID: oid) }
    /// A schema (the schema object itself, not its contents).
    public static func namespace(_ oid: UInt32) -> CatalogRef { CatalogRef(classID: pgNamespace, objectID: oid) }
    /// An extension.
    public static func `extension`(_ oid: UInt32) -> CatalogRef { CatalogRef(classID: pgExtension, objectID: oid) }
}
