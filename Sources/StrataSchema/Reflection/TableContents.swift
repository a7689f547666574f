import StrataPostgres

/// Row counts and content hashes of many tables in one round trip: one generated
/// `SELECT ... UNION ALL SELECT ...` with a branch per table, each
/// `count(*), md5(string_agg(row::text, E'\n' ORDER BY row::text COLLATE "C"))` over `ONLY` the
/// table (partitions and inheritance children count as their own tables).
enum TableContents {
    /// Tables per query: large enough that round trips do not matter, small enough to share
    /// the work between two connections.
    static let chunkSize = 100

    /// Tables that hold rows of their own: plain tables and partitions, not partitioned parents.
    static func tables(in objects: [ObjectID: SchemaObject]) -> [ObjectID] {
        objects.values
            .filter { $0.id.kind == .table && $0.attributes["partition_key"] == nil }
            .map(\.id)
            .sorted()
    }

    static func query(for tables: [ObjectID]) -> String {
        // The alias is a name no column is likely to have, so `alias::text` is the whole row.
        let alias = "\"strata row\""
        return tables.enumerated().map { index, table in
            "SELECT \(index) AS i, count(*) AS n, md5(coalesce(string_agg(\(alias)::text, E'\\n' ORDER BY \(alias)::text COLLATE \"C\"), '')) AS h FROM ONLY \(table.name) AS \(alias)"
        }.joined(separator: "\nUNION ALL\n")
    }

    /// Names are the identities' names, already quoted by the catalog queries.
    static func read(_ connection: PGConnection, tables: [ObjectID]) throws -> [ObjectID: TableData] {
        guard !tables.isEmpty else { return [:] }
        return try parse(try connection.execute(query(for: tables)), tables: tables)
    }

    static func parse(_ result: PGResult, tables: [ObjectID]) throws -> [ObjectID: TableData] {
        var data: [ObjectID: TableData] = [:]
        for row in 0..<result.rowCount {
            guard let index = result[row, 0].flatMap({ Int($0) }), index < tables.count,
                let rows = result[row, 1].flatMap({ Int($0) }), let hash = result[row, 2]
            else {
                throw SchemaReflectionError.malformedResult(query: "table contents", message: "row \(row) is incomplete")
            }
            data[tables[index]] = TableData(rows: rows, hash: hash)
        }
        return data
    }
}
