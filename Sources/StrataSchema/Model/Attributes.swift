/// The attributes of one reflected object: a map from attribute name to text value, kept sorted
/// by name, so that two equal objects are equal element by element and print the same.
///
/// A missing attribute means "not set" (no default, no comment, ...); the catalog queries decide
/// which attributes are always present (e.g. a column's `type` and `not_null`).
public struct Attributes: Hashable, Sendable, RandomAccessCollection, ExpressibleByDictionaryLiteral {
    /// One attribute.
    public struct Attribute: Hashable, Sendable {
        public var name: String
        public var value: String

        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    public typealias Key = String
    public typealias Value = String

    private var storage: [Attribute]

    public init() {
        storage = []
    }

    public init(_ values: [String: String]) {
        storage = values.map { Attribute($0.key, $0.value) }.sorted { $0.name < $1.name }
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        var attributes = Attributes()
        for (name, value) in elements { attributes[name] = value }
        self = attributes
    }

    /// Trusts the caller: `sorted` is sorted by name and names are unique.
    init(uncheckedSorted sorted: [Attribute]) {
        storage = sorted
    }

    // MARK: - Collection

    public var startIndex: Int { storage.startIndex }
    public var endIndex: Int { storage.endIndex }
    public subscript(position: Int) -> Attribute { storage[position] }

    /// The names, sorted.
    public var names: [String] { storage.map(\.name) }

    /// The value of `name`, nil when not set; setting nil removes it.
    public subscript(name: String) -> String? {
        get {
            let index = insertionIndex(name)
            return index < storage.count && storage[index].name == name ? storage[index].value : nil
        }
        set {
            let index = insertionIndex(name)
            let exists = index < storage.count && storage[index].name == name
            switch (newValue, exists) {
            case (let value?, true): storage[index].value = value
            case (let value?, false): storage.insert(Attribute(name, value), at: index)
            case (nil, true): storage.remove(at: index)
            case (nil, false): break
            }
        }
    }

    /// As a dictionary.
    public var dictionary: [String: String] {
        Dictionary(uniqueKeysWithValues: storage.map { ($0.name, $0.value) })
    }

    private func insertionIndex(_ name: String) -> Int {
        var low = 0
        var high = storage.count
        while low < high {
            let middle = (low + high) / 2
            if storage[middle].name < name { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

// MARK: - Codable: a JSON object in name order

extension Attributes: Codable {
    private struct NameKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: NameKey.self)
        var values: [String: String] = [:]
        for key in container.allKeys {
            values[key.stringValue] = try container.decode(String.self, forKey: key)
        }
        self.init(values)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: NameKey.self)
        for attribute in storage {
            try container.encode(attribute.value, forKey: NameKey(stringValue: attribute.name))
        }
    }
}
