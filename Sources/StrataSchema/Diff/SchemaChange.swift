/// One difference between two snapshots.
public struct SchemaChange: Hashable, Codable, Sendable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// The object exists only in the new snapshot (its sub-objects are not listed separately).
        case added
        /// The object exists only in the old snapshot (its sub-objects are not listed separately).
        case removed
        /// `attribute` differs; `old` / `new` are nil where the attribute is not set.
        case changed
        /// A column's place in its table's column order changed (attribute `position`), not
        /// because columns before it were added or dropped.
        case moved
        /// A table's contents differ: attribute `rows` (row counts) or `hash` (same count,
        /// different rows).
        case data
    }

    public var kind: Kind
    public var object: ObjectID
    public var attribute: String?
    public var old: String?
    public var new: String?

    public init(_ kind: Kind, _ object: ObjectID, attribute: String? = nil, old: String? = nil, new: String? = nil) {
        self.kind = kind
        self.object = object
        self.attribute = attribute
        self.old = old
        self.new = new
    }

    /// Schema changes by object (kind, then name), then change kind and attribute; table
    /// contents after all schema changes.
    static func order(_ lhs: SchemaChange, _ rhs: SchemaChange) -> Bool {
        if (lhs.kind == .data) != (rhs.kind == .data) { return rhs.kind == .data }
        if lhs.object != rhs.object { return lhs.object < rhs.object }
        if lhs.kind != rhs.kind { return lhs.kind.rank < rhs.kind.rank }
        return (lhs.attribute ?? "") < (rhs.attribute ?? "")
    }

    private enum CodingKeys: String, CodingKey {
        case kind = "change", object, attribute, old, new
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        kind = try container.decode(Kind.self, forKey: .kind)
        let text = try container.decode(String.self, forKey: .object)
        guard let object = ObjectID(parsing: text) else {
            throw DecodingError.dataCorruptedError(forKey: .object, in: container, debugDescription: "unknown object kind in \(text)")
        }
        self.object = object
        attribute = try container.decodeIfPresent(String.self, forKey: .attribute)
        old = try container.decodeIfPresent(String.self, forKey: .old)
        new = try container.decodeIfPresent(String.self, forKey: .new)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        try container.encode(object.description, forKey: .object)
        try container.encodeIfPresent(attribute, forKey: .attribute)
        try container.encodeIfPresent(old, forKey: .old)
        try container.encodeIfPresent(new, forKey: .new)
    }
}

extension SchemaChange.Kind {
    var rank: Int {
        switch self {
        case .removed: return 0
        case .added: return 1
        case .changed: return 2
        case .moved: return 3
        case .data: return 4
        }
    }
}
