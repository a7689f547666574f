import Foundation

/// Reads a tool's migrations directory into revisions, in the order the tool runs them, each
/// pointing at its predecessor. Files the tool ignores are ignored; files the tool would trip
/// over are errors naming the file (and line), as are duplicate versions. The rules and their
/// sources: docs/formats/ and the README's format table.
public struct FormatReader {
    public let format: HistoryFormat
    public let settings: FormatSettings
    /// The migrations directory as the user names it (for messages).
    public let display: String

    public init(format: HistoryFormat, settings: FormatSettings = .init(), display: String) {
        self.format = format
        self.settings = settings
        self.display = display
    }

    public struct Result: Sendable {
        public var revisions: [Revision]
        public var errors: [RevisionFileError]
    }

    func path(_ relative: String) -> String { display == "." ? relative : "\(display)/\(relative)" }
    func error(_ relative: String, _ line: Int, _ message: String) -> RevisionFileError {
        RevisionFileError(file: path(relative), line: line, message: message)
    }

    public func read(_ tree: SourceTree) -> Result {
        var result: Result
        switch format {
        case .strata: result = Result(revisions: [], errors: [])
        case .diesel: result = diesel(tree)
        case .golangMigrate: result = golangMigrate(tree)
        case .dbmate: result = dbmate(tree)
        case .goose: result = goose(tree)
        case .sqlx: result = sqlx(tree)
        case .flyway: result = flyway(tree)
        case .prisma: result = prisma(tree)
        case .alembic: return alembic(tree)  // the graph is in the files, not in their order
        }
        // The tool's order is the history: each revision's parent is the one before it.
        for index in result.revisions.indices {
            result.revisions[index].parents = index == 0 ? [] : [result.revisions[index - 1].id]
            if let name = result.revisions[index].fileName, let data = tree.files[name] {
                Self.markInit(&result.revisions[index], fileStart: data.prefix(512))
            }
        }
        return result
    }

    // MARK: - The squash marker

    /// The first line of an init revision squash wrote in a tool's layout.
    static let markerPrefix = "-- strata:squash "

    /// The marker line; `prefix` is the comment it hides in (Alembic's: `AlembicFiles.markerPrefix`).
    static func marker(archive: String, count: Int, prefix: String = markerPrefix) -> String {
        "\(prefix)archive=\(archive) revisions=\(count)\n"
    }

    /// Reads the marker from the first line of the up section's file, if it is there.
    static func markInit(_ revision: inout Revision, fileStart: Data, prefix: String = markerPrefix) {
        guard fileStart.starts(with: Array(prefix.utf8)) else { return }
        let line = String(decoding: fileStart, as: UTF8.self).dropFirst(prefix.count).prefix { $0 != "\n" }
        var fields: [String: String] = [:]
        for token in line.split(separator: " ") {
            let parts = token.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
        }
        if let archive = fields["archive"], let count = fields["revisions"].flatMap(Int.init) {
            revision.archive = archive
            revision.squashCount = count
        }
    }

    static func text(_ data: Data) -> String { String(decoding: data, as: UTF8.self) }

    /// `_` replaced by `by` (bytes; Foundation's replacingOccurrences is slow at 5,000 names).
    static func underscores<S: StringProtocol>(_ text: S, _ by: Character) -> String {
        let replacement = by.asciiValue ?? 0x20
        return String(decoding: text.utf8.map { $0 == 0x5F ? replacement : $0 }, as: UTF8.self)
    }

    /// Splits `name` at the first `_`.
    static func cut(_ name: Substring) -> (Substring, Substring)? {
        guard let underscore = name.firstIndex(of: "_") else { return nil }
        return (name[..<underscore], name[name.index(after: underscore)...])
    }

    /// Duplicate identities: the first file keeps the version, the others are errors.
    func dropDuplicates(_ revisions: [Revision], errors: inout [RevisionFileError], what: String) -> [Revision] {
        var seen: [String: Revision] = [:]
        var out: [Revision] = []
        for revision in revisions {
            if let first = seen[revision.id] {
                errors.append(error(revision.fileName ?? revision.id, 1, "duplicate \(what) \(revision.id): \(first.fileName ?? first.id) has it too; \(format.tool) needs each \(what) once: renumber one of them"))
                continue
            }
            seen[revision.id] = revision
            out.append(revision)
        }
        return out
    }

    // MARK: - diesel

    /// `migrations/<version>_<name>/up.sql` (+ `down.sql`, `metadata.toml`). Version: the name
    /// before the first `_` without `-`; order: version as a string. Empty directories and
    /// dot-entries are skipped; any other directory without `up.sql` is diesel's
    /// `UnknownMigrationFormat`; top-level files are skipped.
    func diesel(_ tree: SourceTree) -> Result {
        var errors: [RevisionFileError] = []
        var revisions: [Revision] = []
        for (dir, files) in tree.directories.sorted(by: { $0.key < $1.key }) {
            if files.isEmpty { continue }
            let up = dir + "/up.sql"
            guard let upData = tree.files[up] else {
                errors.append(error(dir, 1, "diesel cannot read this directory: it has no up.sql (\"Invalid migration directory: the directory's name should be <timestamp>_<name_of_migration>, and it should contain up.sql and optionally down.sql\")"))
                continue
            }
            let version = String(dir.split(separator: "_", maxSplits: 1, omittingEmptySubsequences: false).first ?? "").replacingOccurrences(of: "-", with: "")
            guard !upData.isEmpty else {
                errors.append(error(up, 1, "up.sql is empty; diesel refuses an empty migration (EmptyMigration)"))
                continue
            }
            var transactional = true
            if let meta = tree.files[dir + "/metadata.toml"] {
                // `#[serde(default)] run_in_transaction: bool`: a file that parses without the key
                // means false; one that does not parse means the default, true.
                transactional = false
                for (index, raw) in Self.text(meta).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                    let line = raw.trimmingCharacters(in: .whitespaces)
                    guard line.hasPrefix("run_in_transaction") else { continue }
                    let value = line.split(separator: "=", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
                    if value.hasPrefix("true") { transactional = true } else if !value.hasPrefix("false") {
                        errors.append(error(dir + "/metadata.toml", index + 1, "run_in_transaction must be true or false"))
                    }
                }
            }
            let name = dir.split(separator: "_", maxSplits: 1).dropFirst().first.map(String.init)
            var revision = Revision(id: version, parents: [], message: name, transactional: transactional,
                                    upSQL: Self.text(upData), downSQL: tree.files[dir + "/down.sql"].map(Self.text), upLine: 1,
                                    downLine: tree.files[dir + "/down.sql"] == nil ? nil : 1, fileName: up)
            revision.downFileName = tree.files[dir + "/down.sql"] == nil ? nil : dir + "/down.sql"
            revision.sourceFiles = files.sorted()
            revision.batching = .whole
            revisions.append(revision)
        }
        revisions.sort { $0.id < $1.id }
        return Result(revisions: dropDuplicates(revisions, errors: &errors, what: "version"), errors: errors)
    }

    // MARK: - golang-migrate

    /// `<version>_<title>.(up|down).<ext>` at the top level; version: unsigned integer, order:
    /// numeric. Each file is one simple query, no transaction of the tool's own.
    func golangMigrate(_ tree: SourceTree) -> Result {
        var errors: [RevisionFileError] = []
        var ups: [UInt64: (String, String)] = [:]
        var downs: [UInt64: String] = [:]
        for name in tree.topLevel {
            guard let (digits, rest) = Self.cut(name[...]), !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit),
                  let direction = Self.golangDirection(rest) else { continue }
            guard let version = UInt64(digits) else {
                errors.append(error(name, 1, "version \(digits) does not fit golang-migrate's unsigned 64-bit versions"))
                continue
            }
            if direction.up {
                if let other = ups[version] {
                    errors.append(error(name, 1, "duplicate migration file: \(other.0) has version \(version) too (golang-migrate refuses this)"))
                } else {
                    ups[version] = (name, direction.title)
                }
            } else {
                if let other = downs[version] {
                    errors.append(error(name, 1, "duplicate migration file: \(other) has version \(version) too (golang-migrate refuses this)"))
                } else {
                    downs[version] = name
                }
            }
        }
        for (version, down) in downs where ups[version] == nil {
            errors.append(error(down, 1, "a down file without its up file: golang-migrate would record version \(version) without running anything; add the .up file or remove this one"))
        }
        var revisions: [Revision] = []
        for version in ups.keys.sorted() {
            guard let (name, title) = ups[version], let data = tree.files[name] else { continue }
            let downName = downs[version]
            var revision = Revision(id: String(version), parents: [], message: title, transactional: false,
                                    upSQL: Self.text(data), downSQL: downName.flatMap { tree.files[$0] }.map(Self.text),
                                    upLine: 1, downLine: downName == nil ? nil : 1, fileName: name)
            revision.downFileName = downName
            revision.sourceFiles = [name] + (downName.map { [$0] } ?? [])
            revision.batching = .whole
            revisions.append(revision)
        }
        return Result(revisions: revisions, errors: errors)
    }

    /// `(.*)\.(down|up)\.(.*)$` with a greedy title: the last `.up.`/`.down.` decides.
    static func golangDirection(_ rest: Substring) -> (up: Bool, title: String)? {
        let bytes = Array(rest.utf8)
        func last(_ word: String) -> Int? {
            let w = Array(word.utf8)
            guard bytes.count >= w.count else { return nil }
            var i = bytes.count - w.count
            while i >= 0 {
                if bytes[i..<(i + w.count)].elementsEqual(w) { return i }
                i -= 1
            }
            return nil
        }
        let up = last(".up."), down = last(".down.")
        func title(_ end: Int) -> String { String(decoding: bytes[..<end], as: UTF8.self) }
        switch (up, down) {
        case let (u?, d?): return u > d ? (true, title(u)) : (false, title(d))
        case let (u?, nil): return (true, title(u))
        case let (nil, d?): return (false, title(d))
        default: return nil
        }
    }

    // MARK: - dbmate

    /// `<digits>….sql` at the top level, ordered by file name; `-- migrate:up` and
    /// `-- migrate:down` sections, each with its own `transaction:false` option.
    func dbmate(_ tree: SourceTree) -> Result {
        var errors: [RevisionFileError] = []
        var revisions: [Revision] = []
        for name in tree.topLevel where name.hasSuffix(".sql") {
            let digits = name.prefix { $0.isASCIIDigit }
            guard !digits.isEmpty, let data = tree.files[name] else { continue }
            do {
                var revision = try DbmateFile.parse(Self.text(data), name: name, version: String(digits)) { line, message in error(name, line, message) }
                revision.sourceFiles = [name]
                revisions.append(revision)
            } catch let failure as RevisionFileError {
                errors.append(failure)
            } catch {}
        }
        return Result(revisions: dropDuplicates(revisions, errors: &errors, what: "version"), errors: errors)
    }

    // MARK: - goose

    /// `<version>_<name>.sql` at the top level (a `.sql` file that does not parse is an error, as
    /// in goose's CLI); `.go` migrations are refused by name.
    func goose(_ tree: SourceTree) -> Result {
        var errors: [RevisionFileError] = []
        var revisions: [Revision] = []
        for name in tree.topLevel {
            if name.hasSuffix(".go") {
                if !name.hasSuffix("_test.go"), let (digits, _) = Self.cut(name[...]), Int64(digits) != nil {
                    errors.append(error(name, 1, "a Go migration: strata runs SQL migrations only and cannot tell what this one does; port it to SQL (goose runs both) or squash only the revisions before it"))
                }
                continue
            }
            guard name.hasSuffix(".sql"), let data = tree.files[name] else { continue }
            guard let (digits, rest) = Self.cut(name.dropLast(4)[...]), let version = Int64(digits) else {
                errors.append(error(name, 1, "goose cannot parse this file name: expected <version>_<name>.sql with an integer version"))
                continue
            }
            guard version >= 1 else {
                errors.append(error(name, 1, "migration version must be greater than zero (goose)"))
                continue
            }
            do {
                var revision = try GooseSQL.parse(Self.text(data), environment: settings.environment) { line, message in error(name, line, message) }
                revision.id = String(version)
                revision.message = String(rest)
                revision.fileName = name
                revision.sourceFiles = [name]
                revisions.append(revision)
            } catch let failure as RevisionFileError {
                errors.append(failure)
            } catch {}
        }
        revisions.sort { Int64($0.id) ?? 0 < Int64($1.id) ?? 0 }
        return Result(revisions: dropDuplicates(revisions, errors: &errors, what: "version"), errors: errors)
    }

    // MARK: - sqlx

    /// `<version>_<description>.sql` (up only) or `.up.sql` / `.down.sql`; a version that is not an
    /// integer is an error (sqlx's own); `-- no-transaction` at byte 0 runs without a transaction.
    func sqlx(_ tree: SourceTree) -> Result {
        var errors: [RevisionFileError] = []
        var ups: [Int64: [String]] = [:]
        var downs: [Int64: String] = [:]
        for name in tree.topLevel {
            guard let (digits, rest) = Self.cut(name[...]), rest.hasSuffix(".sql") else { continue }
            guard let version = Int64(digits) else {
                errors.append(error(name, 1, "error parsing migration filename: expected integer version prefix (e.g. `01_foo.sql`), as sqlx requires"))
                continue
            }
            if rest.hasSuffix(".down.sql") {
                if let other = downs[version] { errors.append(error(name, 1, "duplicate version \(version): \(other) has it too")) } else { downs[version] = name }
            } else {
                ups[version, default: []].append(name)
            }
        }
        for (version, down) in downs where ups[version] == nil {
            errors.append(error(down, 1, "a down file without its up file (version \(version)): add the .up.sql or remove this one"))
        }
        var revisions: [Revision] = []
        for version in ups.keys.sorted() {
            guard let names = ups[version] else { continue }
            if names.count > 1 {
                errors.append(error(names[1], 1, "duplicate version \(version): \(names[0]) has it too; sqlx would apply both and fail on the second's row in _sqlx_migrations"))
            }
            let name = names[0]
            guard let data = tree.files[name] else { continue }
            let downName = downs[version]
            if downName != nil && !name.hasSuffix(".up.sql") {
                errors.append(error(name, 1, "\(downName ?? "") is a down file, but this up file is a simple migration: name it .up.sql"))
            }
            var description = String(name.drop { $0 != "_" }.dropFirst())
            for suffix in [".up.sql", ".down.sql", ".sql"] where description.hasSuffix(suffix) {
                description = String(description.dropLast(suffix.count))
                break
            }
            let text = Self.text(data)
            let noTransaction = data.starts(with: Array("-- no-transaction".utf8))
            var revision = Revision(id: String(version), parents: [], message: Self.underscores(description, " "),
                                    transactional: !noTransaction, upSQL: text,
                                    downSQL: downName.flatMap { tree.files[$0] }.map(Self.text), upLine: 1,
                                    downLine: downName == nil ? nil : 1, fileName: name)
            revision.downFileName = downName
            if let downName, let down = tree.files[downName] {
                revision.downTransactional = !down.starts(with: Array("-- no-transaction".utf8))
            }
            revision.sourceFiles = [name] + (downName.map { [$0] } ?? [])
            revision.batching = .whole
            revisions.append(revision)
        }
        return Result(revisions: revisions, errors: errors)
    }

    // MARK: - Flyway

    /// `V<version>__<description>.sql` anywhere below the location (`U` files hold the downs);
    /// versions compare numerically part by part; `R__` repeatables stay outside the history;
    /// placeholders are substituted from `[placeholders]` or refused by name.
    func flyway(_ tree: SourceTree) -> Result {
        var errors: [RevisionFileError] = []
        struct Entry { var path: String; var version: FlywayVersion; var description: String }
        var versioned: [Entry] = []
        var undo: [String: Entry] = [:]
        for path in tree.files.keys.sorted() where path.lowercased().hasSuffix(".sql") {
            let name = String(path.split(separator: "/").last ?? "")
            guard let prefix = name.first, "VUB".contains(prefix) else { continue }
            let body = name.dropFirst().dropLast(4)
            let version: Substring, description: Substring
            if let separator = body.range(of: "__") {
                version = body[..<separator.lowerBound]
                description = body[separator.upperBound...]
            } else {
                version = body
                description = ""
            }
            guard !version.isEmpty else { continue }  // `V__x.sql` is not a versioned migration
            guard let parsed = FlywayVersion(String(version)) else {
                errors.append(error(path, 1, "Invalid versioned migration name format: \(name) (could not recognise version number \(version))"))
                continue
            }
            let entry = Entry(path: path, version: parsed, description: Self.underscores(description, " "))
            switch prefix {
            case "B":
                errors.append(error(path, 1, "a Flyway baseline migration (B prefix): strata does not read baseline migrations; squash writes the V migration that takes the last squashed version instead"))
            case "U":
                if let other = undo[parsed.text] { errors.append(error(path, 1, "Found more than one undo migration with version \(parsed.text): \(other.path)")) }
                undo[parsed.text] = entry
            default:
                versioned.append(entry)
            }
        }
        versioned.sort { $0.version < $1.version }
        var undoByVersion: [[Int]: Entry] = [:]
        for entry in undo.values { undoByVersion[entry.version.parts] = entry }
        let versionedParts = Set(versioned.map(\.version.parts))
        var revisions: [Revision] = []
        var seen: [Entry] = []
        for entry in versioned {
            if let other = seen.last, other.version == entry.version {
                errors.append(error(entry.path, 1, "Found more than one migration with version \(entry.version.text): \(other.path) and this file (Flyway refuses this)"))
                continue
            }
            seen.append(entry)
            guard let data = tree.files[entry.path] else { continue }
            do {
                let up = try substitute(Self.text(data), file: entry.path)
                let undoEntry = undoByVersion[entry.version.parts]
                let down = try undoEntry.flatMap { tree.files[$0.path] }.map { try substitute(Self.text($0), file: undoEntry?.path ?? "") }
                var revision = Revision(id: entry.version.text, parents: [], message: entry.description, transactional: true,
                                        upSQL: up, downSQL: down, upLine: 1, downLine: down == nil ? nil : 1, fileName: entry.path)
                revision.transactional = try flywayTransactional(up, entry.path, tree)
                if let undoEntry, let down { revision.downTransactional = try flywayTransactional(down, undoEntry.path, tree) }
                revision.downFileName = undoEntry?.path
                revision.sourceFiles = [entry.path] + (undoEntry.map { [$0.path] } ?? [])
                    + [entry.path + ".conf"].filter { tree.files[$0] != nil }
                revision.batching = .statements
                revisions.append(revision)
            } catch let failure as RevisionFileError {
                errors.append(failure)
            } catch {}
        }
        for (text, entry) in undo where !versionedParts.contains(entry.version.parts) {
            errors.append(error(entry.path, 1, "an undo migration for version \(text) with no V migration of that version"))
        }
        return Result(revisions: revisions, errors: errors)
    }

    /// Flyway's placeholders: `${name}` anywhere in the text (comments and strings too),
    /// case-insensitive; `flyway:filename` and `flyway:table` are known, others must be configured.
    func substitute(_ text: String, file: String) throws -> String {
        guard bytesContain(text, "${") else { return text }
        var out = ""
        var rest = text[...]
        while let open = rest.range(of: "${") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else {
                out += rest[open.lowerBound...]
                rest = ""
                break
            }
            let name = String(rest[open.upperBound..<close])
            let line = text[..<open.lowerBound].reduce(1) { $0 + ($1 == "\n" ? 1 : 0) }
            var value: String?
            for (key, candidate) in settings.placeholders where key.lowercased() == name.lowercased() { value = candidate }
            if value == nil, name.lowercased() == "flyway:filename" { value = String(file.split(separator: "/").last ?? "") }
            if value == nil, name.lowercased() == "flyway:table" { value = HistoryFormat.flyway.defaultTable }
            guard let value else {
                throw error(file, line, "No value provided for placeholder: ${\(name)}; set it in strata.toml under [placeholders] (Flyway substitutes placeholders before running a migration)")
            }
            out += value
            rest = rest[rest.index(after: close)...]
        }
        out += rest
        return out
    }

    /// Flyway runs a migration outside a transaction when every statement must (`CREATE INDEX
    /// CONCURRENTLY`, `VACUUM`, …) or its `<file>.conf` says `executeInTransaction=false`; a mix
    /// is its error (with `mixed` off, the default).
    func flywayTransactional(_ sql: String, _ path: String, _ tree: SourceTree) throws -> Bool {
        if let conf = tree.files[path + ".conf"] {
            for line in Self.text(conf).split(separator: "\n") {
                let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                if parts.count == 2, parts[0] == "executeInTransaction" { return parts[1].lowercased() != "false" }
            }
        }
        let keywords = ["CONCURRENTLY", "VACUUM", "DATABASE", "TABLESPACE", "SUBSCRIPTION", "SYSTEM", "DISCARD"]
        guard keywords.contains(where: { bytesContain(sql, $0, caseInsensitive: true) }) else { return true }
        let statements = SQLScanner(sql).statements()
        let outside = statements.filter { Self.mustRunOutsideTransaction($0.text) }
        if outside.isEmpty { return true }
        if outside.count == statements.count { return false }
        let first = outside[0]
        throw error(path, first.line + 1, "Detected both transactional and non-transactional statements within the same migration (even though mixed is false): Flyway refuses it; move `\(first.text.prefix(40))…` to a migration of its own")
    }

    static func mustRunOutsideTransaction(_ statement: String) -> Bool {
        let words = statement.prefix(80).uppercased().split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }).prefix(4).map(String.init)
        func at(_ i: Int) -> String { i < words.count ? words[i] : "" }
        switch at(0) {
        case "CREATE", "DROP":
            if ["DATABASE", "TABLESPACE", "SUBSCRIPTION"].contains(at(1)) { return true }
            return (at(1) == "INDEX" && at(2) == "CONCURRENTLY") || (at(1) == "UNIQUE" && at(2) == "INDEX" && at(3) == "CONCURRENTLY")
        case "ALTER": return at(1) == "SYSTEM"
        case "REINDEX":
            let kind = at(1) == "VERBOSE" ? at(2) : at(1)
            return ["SCHEMA", "DATABASE", "SYSTEM"].contains(kind)
        case "VACUUM": return true
        case "DISCARD": return at(1) == "ALL"
        default: return false
        }
    }

    // MARK: - Prisma

    /// `<name>/migration.sql` per directory (every directory counts), ordered by name; up only;
    /// the whole script is one simple query. `migration_lock.toml` must say postgresql.
    func prisma(_ tree: SourceTree) -> Result {
        var errors: [RevisionFileError] = []
        if let lock = tree.files["migration_lock.toml"] {
            for (index, line) in Self.text(lock).split(separator: "\n", omittingEmptySubsequences: false).enumerated() where line.hasPrefix("provider") {
                let provider = line.replacingOccurrences(of: "provider = ", with: "").trimmingCharacters(in: CharacterSet(charactersIn: "\" \r"))
                if provider != "postgresql" && provider != "postgres" {
                    errors.append(error("migration_lock.toml", index + 1, "the migrations are for provider \(provider); strata works on PostgreSQL histories"))
                }
                break
            }
        }
        var revisions: [Revision] = []
        for (dir, files) in tree.directories.sorted(by: { $0.key < $1.key }) {
            let script = dir + "/migration.sql"
            guard let data = tree.files[script] else {
                errors.append(error(dir, 1, "a migration directory without migration.sql: Prisma fails when it has to apply it (\"Failed to read migration script\"); add the script or remove the directory"))
                continue
            }
            var revision = Revision(id: dir, parents: [], message: dir.split(separator: "_", maxSplits: 1).dropFirst().first.map(String.init),
                                    transactional: false, upSQL: Self.text(data), downSQL: nil, upLine: 1, fileName: script)
            revision.sourceFiles = files.sorted()
            revision.batching = .whole
            revisions.append(revision)
        }
        return Result(revisions: revisions, errors: errors)
    }
}

/// A Flyway version: parts split at dots (underscores count as dots), compared numerically,
/// trailing zero parts ignored (`1.0 == 1`).
struct FlywayVersion: Comparable, Sendable {
    var text: String
    var parts: [Int]

    init?(_ raw: String) {
        let normalized = FormatReader.underscores(raw, ".")
        var parts: [Int] = []
        for piece in normalized.split(separator: ".", omittingEmptySubsequences: false) {
            guard !piece.isEmpty, piece.allSatisfy(\.isASCIIDigit), let value = Int(piece.prefix(18)) else { return nil }
            parts.append(value)
        }
        while parts.count > 1 && parts.last == 0 { parts.removeLast() }
        self.text = normalized
        self.parts = parts
    }

    static func < (a: FlywayVersion, b: FlywayVersion) -> Bool {
        for i in 0..<max(a.parts.count, b.parts.count) {
            let x = i < a.parts.count ? a.parts[i] : 0, y = i < b.parts.count ? b.parts[i] : 0
            if x != y { return x < y }
        }
        return false
    }

    static func == (a: FlywayVersion, b: FlywayVersion) -> Bool { !(a < b) && !(b < a) }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
