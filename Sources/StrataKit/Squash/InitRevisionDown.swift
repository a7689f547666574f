import StrataPostgres

/// The down section of an init revision: drops everything the up section created, so the
/// database goes back to empty (the stairway check on the init revision proves it).
enum InitRevisionDown {
    /// Reads what exists in the squash-point database and writes the DROPs, dependents first;
    /// `CASCADE` plus `IF EXISTS` make the order forgiving.
    static func build(_ connection: PGConnection, versionTable: String) throws -> String {
        let notExtensionMember = "NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.objid = %@ AND d.deptype = 'e')"
        func member(_ column: String) -> String { notExtensionMember.replacingOccurrences(of: "%@", with: column) }
        let userSchemas = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'"
        var lines: [String] = []

        // Extensions and non-public schemas first? No: objects in public may depend on them;
        // drop relations, routines and types in public, then schemas, then extensions.
        let relations = try connection.query("""
            SELECT c.relkind, quote_ident(n.nspname) || '.' || quote_ident(c.relname)
            FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE \(userSchemas) AND n.nspname = 'public' AND c.relkind IN ('r','p','v','m','S','f')
              AND c.oid IS DISTINCT FROM to_regclass($1) AND \(member("c.oid"))
              AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a','i') AND d.classid = 'pg_class'::regclass AND c.relkind = 'S')
              AND NOT c.relispartition
            ORDER BY CASE c.relkind WHEN 'v' THEN 0 WHEN 'm' THEN 1 WHEN 'f' THEN 2 WHEN 'p' THEN 3 WHEN 'r' THEN 4 ELSE 5 END, 2
            """, [versionTable])
        for row in relations.rows {
            guard let kind = row[0], let name = row[1] else { continue }
            let keyword: String
            switch kind {
            case "v": keyword = "VIEW"
            case "m": keyword = "MATERIALIZED VIEW"
            case "S": keyword = "SEQUENCE"
            case "f": keyword = "FOREIGN TABLE"
            default: keyword = "TABLE"
            }
            lines.append("DROP \(keyword) IF EXISTS \(name) CASCADE;")
        }
        let routines = try connection.query("""
            SELECT p.prokind, quote_ident(n.nspname) || '.' || quote_ident(p.proname) || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')'
            FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = 'public' AND \(member("p.oid"))
            ORDER BY 2
            """)
        for row in routines.rows {
            guard let kind = row[0], let name = row[1] else { continue }
            let keyword = kind == "p" ? "PROCEDURE" : (kind == "a" ? "AGGREGATE" : "FUNCTION")
            lines.append("DROP \(keyword) IF EXISTS \(name) CASCADE;")
        }
        let types = try connection.query("""
            SELECT t.typtype, quote_ident(n.nspname) || '.' || quote_ident(t.typname)
            FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
            WHERE n.nspname = 'public' AND t.typtype IN ('e','d','c','r','m') AND \(member("t.oid"))
              AND (t.typtype <> 'c' OR (SELECT c.relkind FROM pg_catalog.pg_class c WHERE c.oid = t.typrelid) = 'c')
              AND (t.typtype <> 'm')
            ORDER BY 2
            """)
        for row in types.rows {
            guard let kind = row[0], let name = row[1] else { continue }
            lines.append("DROP \(kind == "d" ? "DOMAIN" : "TYPE") IF EXISTS \(name) CASCADE;")
        }
        // Schema objects that are neither relations, routines nor types: collations, text search
        // objects and conversions in public, and the foreign-data wrappers (with their servers).
        let others: [(catalog: String, name: String, namespace: String, keyword: String)] = [
            ("pg_collation", "collname", "collnamespace", "COLLATION"),
            ("pg_ts_config", "cfgname", "cfgnamespace", "TEXT SEARCH CONFIGURATION"),
            ("pg_ts_dict", "dictname", "dictnamespace", "TEXT SEARCH DICTIONARY"),
            ("pg_ts_parser", "prsname", "prsnamespace", "TEXT SEARCH PARSER"),
            ("pg_ts_template", "tmplname", "tmplnamespace", "TEXT SEARCH TEMPLATE"),
            ("pg_conversion", "conname", "connamespace", "CONVERSION"),
        ]
        for other in others {
            let rows = try connection.query("""
                SELECT quote_ident(n.nspname) || '.' || quote_ident(x.\(other.name))
                FROM pg_catalog.\(other.catalog) x JOIN pg_catalog.pg_namespace n ON n.oid = x.\(other.namespace)
                WHERE n.nspname = 'public' AND \(member("x.oid"))
                ORDER BY 1
                """)
            for row in rows.rows { if let name = row[0] { lines.append("DROP \(other.keyword) IF EXISTS \(name) CASCADE;") } }
        }
        let publications = try connection.query("SELECT quote_ident(p.pubname) FROM pg_catalog.pg_publication p WHERE \(member("p.oid")) ORDER BY 1")
        for row in publications.rows { if let name = row[0] { lines.append("DROP PUBLICATION IF EXISTS \(name);") } }
        let wrappers = try connection.query("SELECT quote_ident(w.fdwname) FROM pg_catalog.pg_foreign_data_wrapper w WHERE \(member("w.oid")) ORDER BY 1")
        for row in wrappers.rows { if let name = row[0] { lines.append("DROP FOREIGN DATA WRAPPER IF EXISTS \(name) CASCADE;") } }
        let servers = try connection.query("SELECT quote_ident(s.srvname) FROM pg_catalog.pg_foreign_server s WHERE \(member("s.oid")) ORDER BY 1")
        for row in servers.rows { if let name = row[0] { lines.append("DROP SERVER IF EXISTS \(name) CASCADE;") } }
        let schemas = try connection.query("""
            SELECT quote_ident(n.nspname) FROM pg_catalog.pg_namespace n
            WHERE \(userSchemas) AND n.nspname <> 'public' AND \(member("n.oid"))
              AND n.oid IS DISTINCT FROM (SELECT c.relnamespace FROM pg_catalog.pg_class c WHERE c.oid = to_regclass($1))
            ORDER BY 1
            """, [versionTable])
        for row in schemas.rows { if let name = row[0] { lines.append("DROP SCHEMA IF EXISTS \(name) CASCADE;") } }
        let extensions = try connection.query("SELECT quote_ident(extname) FROM pg_catalog.pg_extension WHERE extname <> 'plpgsql' ORDER BY 1")
        for row in extensions.rows { if let name = row[0] { lines.append("DROP EXTENSION IF EXISTS \(name) CASCADE;") } }
        return lines.joined(separator: "\n")
    }
}
