/// What `SchemaReflector` reads.
public struct ReflectionOptions: Hashable, Sendable {
    /// Everything (default), or some objects and their sub-objects.
    public var scope: Scope
    /// Also read each table's row count and content hash (one extra query for all tables).
    public var includeData: Bool
    /// Tables never reflected, as `schema.table` or `table` (then found through the connection's
    /// `search_path`); missing ones are ignored. Default: strata's version table.
    public var excludedTables: [String]

    public static let defaultVersionTable = "public.strata_version"

    public init(scope: Scope = .everything, includeData: Bool = false, excludedTables: [String] = [Self.defaultVersionTable]) {
        self.scope = scope
        self.includeData = includeData
        self.excludedTables = excludedTables
    }
}
