/// One reflected object: identity, owning object, attributes.
///
/// Equality covers the identity, the parent and the attributes; `catalog` (the OID it had when
/// reflected) is carried for scoping and never compared.
public struct SchemaObject: Hashable, Codable, Sendable {
    public var id: ObjectID
    /// The object this one belongs to and goes away with: a column's table, an index's table, a
    /// domain constraint's domain, a serial sequence's table.
    public var parent: ObjectID?
    public var attributes: Attributes
    /// Where it came from; not compared, not encoded.
    public var catalog: CatalogRef?

    public init(_ id: ObjectID, parent: ObjectID? = nil, attributes: Attributes = Attributes(), catalog: CatalogRef? = nil) {
        self.id = id
        self.parent = parent
        self.attributes = attributes
        self.catalog = catalog
    }

    public static func == (lhs: SchemaObject, rhs: SchemaObject) -> Bool {
        lhs.id == rhs.id && lhs.parent == rhs.parent && lhs.attributes == rhs.attributes
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
        hasher.combine(parent)
        hasher.combine(attributes)
    }

    private enum CodingKeys: String, CodingKey {
        case id, parent, attributes
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let idText = try container.decode(String.self, forKey: .id)
        guard let id = ObjectID(parsing: idText) else {
            throw DecodingError.dataCorruptedError(forKey: .id, in: container, debugDescription: "unknown object kind in \(idText)")
        }
        self.id = id
        if let parentText = try container.decodeIfPresent(String.self, forKey: .parent) {
            guard let parent = ObjectID(parsing: parentText) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .parent, in: container, debugDescription: "unknown object kind in \(parentText)")
            }
            self.parent = parent
        } else {
            parent = nil
        }
        attributes = try container.decode(Attributes.self, forKey: .attributes)
        catalog = nil
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id.description, forKey: .id)
        try container.encodeIfPresent(parent?.description, forKey: .parent)
        try container.encode(attributes, forKey: .attributes)
    }
}

/// A table's contents as the server summarised them: row count and an md5 over the rows' text,
/// sorted (`md5(string_agg(row::text, E'\n' ORDER BY row::text COLLATE "C"))`).
public struct TableData: Hashable, Codable, Sendable {
    public var rows: Int
    public var hash: String

    public init(rows: Int, hash: String) {
        self.rows = rows
        self.hash = hash
    }
}
