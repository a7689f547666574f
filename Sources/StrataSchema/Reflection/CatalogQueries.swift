import Foundation

/// A named parameter of the catalog queries (see Queries/README.md); each becomes `$n::oid[]`.
enum QueryParameter: String, CaseIterable, Sendable {
    case rels, types, funcs, nsps, exts, defacls, colls, evtrigs, tsdicts, tscfgs, pubs, fdws, srvs, excluded
}

/// One object query, ready to run: its placeholders replaced by `$1`, `$2`, ... in `parameters` order.
///
/// `scopedSQL` is the variant for scoped reflections: every `:x IS NULL` test is `false` there,
/// so it needs no per-execution planning and runs as a prepared statement (`statementName`)
/// with a generic plan driven by the catalog indexes.
struct CatalogQuery: Sendable {
    let name: String
    let sql: String
    let parameters: [QueryParameter]
    let scopedSQL: String
    let scopedParameters: [QueryParameter]
    /// `strata_schema_<name>_<hash of the scoped SQL>`: a changed query never reuses an old statement.
    /// (Computed once: a stairway's scoped reflections ask for it twice a query.)
    let statementName: String

    init(name: String, sql: String, parameters: [QueryParameter], scopedSQL: String, scopedParameters: [QueryParameter]) {
        self.name = name
        self.sql = sql
        self.parameters = parameters
        self.scopedSQL = scopedSQL
        self.scopedParameters = scopedParameters
        statementName = Self.statementName(name, scopedSQL)
    }

    /// `strata_schema_<name>_<FNV-1a hash of sql>`.
    static func statementName(_ name: String, _ sql: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in sql.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return "strata_schema_\(name)_\(String(hash, radix: 36))"
    }
}

/// The catalog queries compiled into the binary (`EmbeddedQueries`), prepared once per process.
public enum CatalogQueries {
    /// The object queries, in the order they run.
    static let objectQueryNames = [
        "schemas", "extensions", "foreign_data_wrappers", "foreign_servers", "collations", "types", "sequences", "relations", "columns", "constraints",
        "domain_constraints", "indexes", "statistics", "functions", "triggers", "rules", "policies", "default_privileges",
        "event_triggers", "text_search_dictionaries", "text_search_configurations", "publications",
    ]

    /// The stairway's statements, read through `render`: the recorder's (StrataKit's
    /// `StepRecorder`: the install script with the log table, event triggers and fingerprint
    /// function, the capture run at the end of every step, the entries of given objects, and the
    /// entries of a whole database) and the scan of what a step wrote (`ChangeTracker`), for
    /// servers where the recorder cannot run.
    public static let recorderQueryNames = ["recorder_install", "recorder_capture", "recorder_entries", "recorder_all", "tracker_touched"]

    /// The text of query file `name` (one of `recorderQueryNames`) for a server version
    /// (`server_version_num`): fragments and `{{since ...}}` expanded, nothing else changed
    /// (`$1`... stay as written). Rendered once per major version and process.
    public static func render(name: String, serverVersion: Int) throws -> String {
        let key = "\(name)@\(serverVersion / 10000)"
        cacheLock.lock()
        defer { cacheLock.unlock() }
        if let cached = rendered[key] { return cached }
        let texts = try files.get()
        guard let text = texts[name] else { throw SchemaReflectionError.missingQuery(name) }
        let sql = try expand(name: name, text: text, fragments: texts.filter { $0.key.hasPrefix("_") }, serverVersion: serverVersion)
        rendered[key] = sql
        return sql
    }

    nonisolated(unsafe) private static var rendered: [String: String] = [:]

    /// `sql` with its fragments (`{{recorder_rows: OID}}`, ...) and `{{since ...}}` expanded for a
    /// server version; not cached.
    public static func render(sql: String, serverVersion: Int) throws -> String {
        let texts = try files.get()
        return try expand(name: "sql", text: sql, fragments: texts.filter { $0.key.hasPrefix("_") }, serverVersion: serverVersion)
    }

    struct Prepared: Sendable {
        let scope: String
        let objects: [CatalogQuery]
        /// The scope's statement name (`CatalogQuery.statementName`).
        let scopeName: String

        init(scope: String, objects: [CatalogQuery]) {
            self.scope = scope
            self.objects = objects
            scopeName = CatalogQuery.statementName("scope", scope)
        }
    }

    /// The queries for a server version (`server_version_num`, e.g. 150018); prepared once per
    /// major version and process.
    static func load(serverVersion: Int) throws -> Prepared {
        let major = serverVersion / 10000
        cacheLock.lock()
        defer { cacheLock.unlock() }
        if let cached = cache[major] { return cached }
        let texts = try files.get()
        let objects = try objectQueryNames.map { name in
            try prepare(name: name, text: texts[name] ?? "", fragments: texts.filter { $0.key.hasPrefix("_") }, serverVersion: serverVersion)
        }
        let prepared = Prepared(scope: texts["scope"] ?? "", objects: objects)
        cache[major] = prepared
        return prepared
    }

    nonisolated(unsafe) private static var cache: [Int: Prepared] = [:]
    private static let cacheLock = NSLock()

    /// The files' text, decoded once.
    private static let files: Result<[String: String], SchemaReflectionError> = {
        var texts: [String: String] = [:]
        for name in Array(fragmentArguments.keys.map { "_" + $0 }) + ["scope"] + objectQueryNames + recorderQueryNames {
            guard let text = EmbeddedQueries.text(name) else { return .failure(.missingQuery(name)) }
            texts[name] = text
        }
        return .success(texts)
    }()

    /// The fragments (`_NAME.sql`) and the names of their `@placeholders@`, in argument order.
    static let fragmentArguments: [String: [String]] = [
        "acl": ["acl", "default", "owner"], "owner": ["owner"],
        "recorder_relation": ["oid", "nested"], "recorder_rows": ["oid"], "recorder_entry": ["classid", "objid"],
        "recorder_objects": [], "closure": ["follow"],
    ]

    /// Fragments that are clauses (common table expressions), inserted as they are; every other
    /// fragment is an expression and is inserted in parentheses.
    static let clauseFragments: Set<String> = ["recorder_objects", "closure"]

    /// Expands the fragments and numbers the named parameters:
    /// - `{{acl: ACL; DEFAULT; OWNER}}`: `_acl.sql` with its three arguments;
    /// - `{{owner: OWNER}}`: `_owner.sql` (an object's owner, unless it is the usual one);
    /// - `{{since MAJOR: NEW; OLD}}`: NEW on PostgreSQL MAJOR and later, else OLD (for catalog
    ///   columns older servers do not have).
    /// `fragments` holds the fragment files' text by file name (`_acl`).
    static func prepare(name: String, text: String, fragments: [String: String], serverVersion: Int) throws -> CatalogQuery {
        let sql = try expand(name: name, text: text, fragments: fragments, serverVersion: serverVersion)
        let (numbered, parameters) = numberParameters(sql, scoped: false)
        let (scoped, scopedParameters) = numberParameters(sql, scoped: true)
        return CatalogQuery(name: name, sql: numbered, parameters: parameters, scopedSQL: scoped, scopedParameters: scopedParameters)
    }

    /// Expands the fragments and `{{since ...}}` of `text` (see `prepare`); a fragment's text may
    /// hold more of them. `{{NAME:}}` is a fragment without arguments.
    static func expand(name: String, text: String, fragments: [String: String], serverVersion: Int) throws -> String {
        var sql = text
        while let open = sql.range(of: "{{") {
            guard let close = sql.range(of: "}}", range: open.upperBound..<sql.endIndex),
                let colon = sql.range(of: ":", range: open.upperBound..<close.lowerBound)
            else {
                throw SchemaReflectionError.malformedResult(query: name, message: "unterminated {{...}}")
            }
            let head = sql[open.upperBound..<colon.lowerBound].trimmingCharacters(in: .whitespaces)
            let arguments = sql[colon.upperBound..<close.lowerBound].split(separator: ";", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            let expanded: String
            if let placeholders = fragmentArguments[head], arguments.count == placeholders.count || (placeholders.isEmpty && arguments == [""]),
                let fragment = fragments["_" + head]
            {
                var text = fragment
                for (placeholder, argument) in zip(placeholders, arguments) {
                    text = text.replacingOccurrences(of: "@\(placeholder)@", with: argument)
                }
                expanded = text.trimmingCharacters(in: .whitespacesAndNewlines)
            } else if head.hasPrefix("since "), let major = Int(head.dropFirst(6)), arguments.count == 2 {
                expanded = serverVersion >= major * 10000 ? arguments[0] : arguments[1]
            } else {
                throw SchemaReflectionError.malformedResult(query: name, message: "unknown fragment {{\(head): ...}}")
            }
            sql.replaceSubrange(open.lowerBound..<close.upperBound, with: clauseFragments.contains(head) ? expanded : "(" + expanded + ")")
        }
        return sql
    }

    /// Replaces `:rels`, `:types`, ... (not `::casts`) with `$n::oid[]`, numbering by first use.
    /// With `scoped`, `:x IS NULL` becomes `false`.
    static func numberParameters(_ sql: String, scoped: Bool) -> (String, [QueryParameter]) {
        let isNull = Array(" IS NULL".unicodeScalars)
        var parameters: [QueryParameter] = []
        var output = ""
        output.reserveCapacity(sql.utf8.count + 64)
        let characters = Array(sql.unicodeScalars)
        var index = 0
        func isWord(_ scalar: Unicode.Scalar) -> Bool {
            scalar == "_" || scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
        }
        while index < characters.count {
            let scalar = characters[index]
            if scalar == ":", index == 0 || (characters[index - 1] != ":" && !isWord(characters[index - 1])),
                index + 1 < characters.count, characters[index + 1] != ":"
            {
                var end = index + 1
                while end < characters.count, isWord(characters[end]) { end += 1 }
                let word = String(String.UnicodeScalarView(characters[(index + 1)..<end]))
                if let parameter = QueryParameter(rawValue: word) {
                    if scoped, end + isNull.count <= characters.count, Array(characters[end..<(end + isNull.count)]) == isNull {
                        output += "false"
                        index = end + isNull.count
                        continue
                    }
                    if !parameters.contains(parameter) { parameters.append(parameter) }
                    let number = (parameters.firstIndex(of: parameter) ?? 0) + 1
                    output += "$\(number)::oid[]"
                    index = end
                    continue
                }
            }
            output.unicodeScalars.append(scalar)
            index += 1
        }
        return (output, parameters)
    }
}
