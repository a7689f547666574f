/// JSON shape (also what `SnapshotJSON` writes, byte for byte the same keys):
/// `{"server_version": 150018, "objects": [{"id", "parent", "attributes"}...], "data": [{"table", "rows", "hash"}...]}`
/// with objects in the canonical order. Catalog OIDs and the scope are not encoded.
extension Snapshot: Codable {
    private enum CodingKeys: String, CodingKey {
        case serverVersion = "server_version"
        case objects
        case data
    }

    private struct DataEntry: Codable {
        var table: String
        var rows: Int
        var hash: String
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let objects = try container.decode([SchemaObject].self, forKey: .objects)
        var data: [ObjectID: TableData] = [:]
        for entry in try container.decodeIfPresent([DataEntry].self, forKey: .data) ?? [] {
            data[ObjectID(.table, entry.table)] = TableData(rows: entry.rows, hash: entry.hash)
        }
        self.init(
            objects: objects, data: data,
            serverVersion: try container.decodeIfPresent(Int.self, forKey: .serverVersion) ?? 0)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(serverVersion, forKey: .serverVersion)
        try container.encode(sortedObjects, forKey: .objects)
        try container.encode(
            sortedDataTables.compactMap { table in
                data[table].map { DataEntry(table: table.name, rows: $0.rows, hash: $0.hash) }
            }, forKey: .data)
    }
}
