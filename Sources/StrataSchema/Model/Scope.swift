/// What a reflection covers.
///
/// `.objects` names catalog rows; each brings its sub-objects: a table brings its columns,
/// constraints, indexes, triggers, rules, policies, statistics objects, comments, privileges and
/// the sequences it owns; a domain its constraints. A constraint, trigger, policy, rule, column
/// default (`pg_attrdef`) or statistics object scopes the table it belongs to; a table's row type scopes the table; an array
/// type its element type. A schema means the schema object itself, not what it contains.
public enum Scope: Hashable, Sendable {
    case everything
    case objects([CatalogRef])

    public var isEverything: Bool {
        if case .everything = self { return true }
        return false
    }
}

/// A scope after the server expanded it: the OIDs each catalog query filters on. `nil` arrays
/// mean everything.
public struct ResolvedScope: Hashable, Sendable {
    public var relations: Set<UInt32>
    public var types: Set<UInt32>
    public var functions: Set<UInt32>
    public var namespaces: Set<UInt32>
    public var extensions: Set<UInt32>
    public var defaultACLs: Set<UInt32>
    public var collations: Set<UInt32>
    public var eventTriggers: Set<UInt32>
    public var textSearchDictionaries: Set<UInt32>
    public var textSearchConfigurations: Set<UInt32>
    public var publications: Set<UInt32>
    public var foreignDataWrappers: Set<UInt32>
    public var foreignServers: Set<UInt32>

    public init(
        relations: Set<UInt32> = [], types: Set<UInt32> = [], functions: Set<UInt32> = [],
        namespaces: Set<UInt32> = [], extensions: Set<UInt32> = [], defaultACLs: Set<UInt32> = [],
        collations: Set<UInt32> = [], eventTriggers: Set<UInt32> = [], textSearchDictionaries: Set<UInt32> = [],
        textSearchConfigurations: Set<UInt32> = [], publications: Set<UInt32> = [], foreignDataWrappers: Set<UInt32> = [],
        foreignServers: Set<UInt32> = []
    ) {
        self.relations = relations
        self.types = types
        self.functions = functions
        self.namespaces = namespaces
        self.extensions = extensions
        self.defaultACLs = defaultACLs
        self.collations = collations
        self.eventTriggers = eventTriggers
        self.textSearchDictionaries = textSearchDictionaries
        self.textSearchConfigurations = textSearchConfigurations
        self.publications = publications
        self.foreignDataWrappers = foreignDataWrappers
        self.foreignServers = foreignServers
    }

    /// Whether an object reflected from `ref` was named (directly or through expansion) by the scope.
    public func contains(_ ref: CatalogRef) -> Bool {
        switch ref.classID {
        case CatalogRef.pgClass: return relations.contains(ref.objectID)
        case CatalogRef.pgType: return types.contains(ref.objectID)
        case CatalogRef.pgProc: return functions.contains(ref.objectID)
        case CatalogRef.pgNamespace: return namespaces.contains(ref.objectID)
        case CatalogRef.pgExtension: return extensions.contains(ref.objectID)
        case CatalogRef.pgDefaultACL: return defaultACLs.contains(ref.objectID)
        case CatalogRef.pgCollation: return collations.contains(ref.objectID)
        case CatalogRef.pgEventTrigger: return eventTriggers.contains(ref.objectID)
        case CatalogRef.pgTSDict: return textSearchDictionaries.contains(ref.objectID)
        case CatalogRef.pgTSConfig: return textSearchConfigurations.contains(ref.objectID)
        case CatalogRef.pgPublication: return publications.contains(ref.objectID)
        case CatalogRef.pgForeignDataWrapper: return foreignDataWrappers.contains(ref.objectID)
        case CatalogRef.pgForeignServer: return foreignServers.contains(ref.objectID)
        default: return false
        }
    }
}
