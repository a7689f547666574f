/// The stable identity of a reflected object: its kind and qualified name, e.g.
/// `column public.users.email`, `function public.set_updated_at()`, `index public.ix_users_email`.
///
/// Names are built by the catalog queries from `quote_ident` parts joined with dots, so a name
/// is quoted only where PostgreSQL would need quotes (`public."Users".id`). Functions carry their
/// argument types, since those are part of what identifies them. OIDs are never part of it.
public struct ObjectID: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public var kind: ObjectKind
    public var name: String

    public init(_ kind: ObjectKind, _ name: String) {
        self.kind = kind
        self.name = name
    }

    /// `column public.users.email`.
    public var description: String { kind.displayName + " " + name }

    /// Canonical order: by kind (see `ObjectKind`), then by name.
    public static func < (lhs: ObjectID, rhs: ObjectID) -> Bool {
        if lhs.kind != rhs.kind { return lhs.kind.rank < rhs.kind.rank }
        return lhs.name < rhs.name
    }

    /// Parses `description` back (`materialized view public.mv` → kind + name).
    public init?(parsing text: String) {
        for kind in ObjectKind.allCases.sorted(by: { $0.displayName.count > $1.displayName.count }) {
            let prefix = kind.displayName + " "
            if text.hasPrefix(prefix) {
                self.init(kind, String(text.dropFirst(prefix.count)))
                return
            }
        }
        return nil
    }
}
