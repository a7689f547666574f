/// What a reflected object is. The raw value is what the catalog queries return and what JSON
/// carries; `displayName` is how text output names it (`materialized view public.totals`).
///
/// The case order is the canonical order of dumps and diffs: containers before their contents,
/// types before the tables that use them.
public enum ObjectKind: String, Codable, CaseIterable, Sendable, Comparable {
    case schema
    case `extension`
    case foreignDataWrapper = "foreign_data_wrapper"
    case foreignServer = "foreign_server"
    case collation
    case textSearchDictionary = "text_search_dictionary"
    case textSearchConfiguration = "text_search_configuration"
    case `enum`
    case domain
    case compositeType = "composite_type"
    case rangeType = "range_type"
    case sequence
    case table
    case foreignTable = "foreign_table"
    case column
    case constraint
    case index
    case statistics
    case view
    case materializedView = "materialized_view"
    case function
    case procedure
    case aggregate
    case trigger
    case rule
    case policy
    case defaultPrivileges = "default_privileges"
    case eventTrigger = "event_trigger"
    case publication

    /// `materialized view`, `default privileges`, `table`, ...
    public var displayName: String {
        switch self {
        case .compositeType: return "composite type"
        case .rangeType: return "range type"
        case .foreignTable: return "foreign table"
        case .foreignDataWrapper: return "foreign data wrapper"
        case .foreignServer: return "foreign server"
        case .materializedView: return "materialized view"
        case .defaultPrivileges: return "default privileges"
        case .eventTrigger: return "event trigger"
        case .textSearchDictionary: return "text search dictionary"
        case .textSearchConfiguration: return "text search configuration"
        default: return rawValue
        }
    }

    /// Position in the canonical order.
    public var rank: Int { Self.ranks[self] ?? 0 }

    public static func < (lhs: ObjectKind, rhs: ObjectKind) -> Bool { lhs.rank < rhs.rank }

    private static let ranks: [ObjectKind: Int] = Dictionary(
        uniqueKeysWithValues: allCases.enumerated().map { ($0.element, $0.offset) })

    /// The kind for a display name or raw value (`materialized view` or `materialized_view`).
    public init?(displayName: String) {
        if let kind = ObjectKind(rawValue: displayName.replacingOccurrences(of: " ", with: "_")) {
            self = kind
        } else {
            return nil
        }
    }
}
