import Foundation

/// Writes the init revision of a squash in a tool's layout. It takes the identity of the last
/// squashed revision k (its version or name, in its own file or directory names), so a database
/// at k or later never runs it, and a fresh one runs it and then the kept revisions unchanged.
public enum InitWriter {
    public struct File: Sendable, Codable, Hashable {
        public var path: String
        public var text: String
    }

    /// The files of the init revision. `down` is written where the format has down sections.
    public static func files(format: HistoryFormat, replacing k: Revision, up: String, down: String, archive: String, count: Int) -> [File] {
        let marker = FormatReader.marker(archive: archive, count: count)
        let down = down.isEmpty || down.hasSuffix("\n") ? down : down + "\n"
        let body = up + sessionTrailer(up)
        let name = k.fileName ?? k.id
        switch format {
        case .strata:
            return []
        case .diesel:
            let dir = String(name.split(separator: "/").first ?? "")
            return [File(path: dir + "/up.sql", text: marker + body), File(path: dir + "/down.sql", text: down)]
        case .golangMigrate:
            let downName = k.downFileName ?? Self.replacingSuffix(name, ".up.", with: ".down.")
            return [File(path: name, text: marker + body), File(path: downName, text: down)]
        case .dbmate:
            return [File(path: name, text: marker + "-- migrate:up\n" + body + "\n-- migrate:down\n" + down)]
        case .goose:
            return [File(path: name, text: marker + "-- +goose Up\n-- +goose StatementBegin\n" + body + "-- +goose StatementEnd\n\n-- +goose Down\n-- +goose StatementBegin\n" + down + "-- +goose StatementEnd\n")]
        case .sqlx:
            if let downName = k.downFileName {
                return [File(path: name, text: marker + body), File(path: downName, text: down)]
            }
            return [File(path: name, text: marker + body)]
        case .flyway:
            var files = [File(path: name, text: marker + body)]
            if let downName = k.downFileName { files.append(File(path: downName, text: down)) }
            return files
        case .prisma:
            let dir = String(name.split(separator: "/").first ?? "")
            return [File(path: dir + "/migration.sql", text: marker + body)]
        case .alembic:
            return [File(path: name, text: alembic(replacing: k, up: body, down: down, archive: archive, count: count))]
        }
    }

    /// An Alembic revision file that takes revision k's id: its upgrade() sends the dump to the
    /// server as it is (the driver's own cursor, no bind parameters, no percent formatting), its
    /// downgrade() empties the database.
    static func alembic(replacing k: Revision, up: String, down: String, archive: String, count: Int) -> String {
        func literal(_ sql: String) -> String {
            var text = sql.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "\"\"\"", with: "\\\"\\\"\\\"")
                .replacingOccurrences(of: "\r", with: "\\r")
            if text.hasSuffix("\"") { text = String(text.dropLast()) + "\\\"" }
            return "\"\"\"" + text + "\"\"\""
        }
        let created = k.created ?? RevisionWriter.iso8601(Date())
        return FormatReader.marker(archive: archive, count: count, prefix: AlembicFiles.markerPrefix) + """
            \"\"\"squash of \(count) revisions, up to \(k.id)

            Revision ID: \(k.id)
            Revises:
            Create Date: \(created)

            Made by `strata squash`: the schema and data the \(count) squashed revisions built, as
            pg_dump wrote them. The squashed revisions are in \(archive) (`strata archive show`).
            \"\"\"
            from alembic import op

            revision = \"\(k.id)\"
            down_revision = None
            branch_labels = None
            depends_on = None


            def _run(sql):
                # The dump goes to the server as it is: the driver's own cursor, so no bind
                # parameters (colons) and no percent formatting apply.
                context = op.get_context()
                if context.as_sql:
                    context.impl.static_output(sql)
                    return
                bind = op.get_bind()
                raw = bind.connection.driver_connection
                if bind.dialect.driver == "asyncpg":
                    from sqlalchemy.util import await_only

                    await_only(raw.execute(sql))
                else:
                    cursor = raw.cursor()
                    try:
                        cursor.execute(sql)
                    finally:
                        cursor.close()


            def upgrade():
                _run(UP)


            def downgrade():
                _run(DOWN)


            UP = \(literal(up))

            DOWN = \(literal(down))

            """
    }

    static func replacingSuffix(_ name: String, _ old: String, with new: String) -> String {
        guard let range = name.range(of: old, options: .backwards) else { return name + ".down" }
        return name.replacingCharacters(in: range, with: new)
    }

    /// A dump sets `search_path` to empty and other session settings; a tool runs the next
    /// migration on the same connection, so the init revision puts them back to the connection's
    /// own values at its end.
    static func sessionTrailer(_ dump: String) -> String {
        var settings: [String] = []
        for line in dump.split(separator: "\n") {
            if line.hasPrefix("SELECT pg_catalog.set_config('search_path'"), !settings.contains("search_path") {
                settings.append("search_path")
            } else if line.hasPrefix("SET "), line.hasSuffix(";") {
                let name = String(line.dropFirst(4).prefix { $0 != " " && $0 != "=" })
                if !settings.contains(name) { settings.append(name) }
            }
        }
        guard !settings.isEmpty else { return "" }
        return "\n-- strata: the settings above go back to the connection's own for the migrations after this one\n"
            + settings.map { "RESET \($0);\n" }.joined()
    }
}

/// Atlas's `atlas.sum` for a golang-migrate directory, exactly as `atlas migrate hash` writes it
/// (docs/formats/golang-migrate-dbmate-goose.md): the `*.up.sql` files in byte order, a running
/// SHA-256 over name and bytes per file, and a total over the names and per-file hashes.
public enum AtlasSum {
    public static let fileName = "atlas.sum"

    public static func render(_ files: [String: Data]) -> String {
        let names = files.keys.filter { !$0.contains("/") && $0.hasSuffix(".up.sql") }.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        var running = RunningSHA256()
        var entries: [(String, String)] = []
        for name in names {
            guard let data = files[name] else { continue }
            running.update(Data(name.utf8))
            let firstLine = String(decoding: data.prefix { $0 != 0x0A }, as: UTF8.self)
            if let range = firstLine.range(of: "atlas:sum"), firstLine[range.upperBound...].trimmingCharacters(in: .whitespaces).hasPrefix("ignore") {
                continue
            }
            running.update(data)
            entries.append((name, running.digest().base64EncodedString()))
        }
        var total = RunningSHA256()
        for (name, hash) in entries {
            total.update(Data(name.utf8))
            total.update(Data(hash.utf8))
        }
        var out = "h1:\(total.digest().base64EncodedString())\n"
        for (name, hash) in entries { out += "\(name) h1:\(hash)\n" }
        return out
    }
}
