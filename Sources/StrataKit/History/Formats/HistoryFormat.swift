import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The layout a project keeps its history in (issue 12): strata's own format v1, or the layout of
/// the tool the project already runs. Every format reads into the one `Revision` model; the rules
/// of each are cited in `docs/formats/` and the README.
public enum HistoryFormat: String, Sendable, CaseIterable, Codable {
    case strata
    case diesel
    case golangMigrate = "golang-migrate"
    case dbmate
    case goose
    case sqlx
    case flyway
    case prisma
    case alembic

    /// The tool's name as its users write it.
    public var tool: String {
        switch self {
        case .strata: "strata"
        case .diesel: "diesel"
        case .golangMigrate: "golang-migrate"
        case .dbmate: "dbmate"
        case .goose: "goose"
        case .sqlx: "sqlx"
        case .flyway: "Flyway"
        case .prisma: "Prisma"
        case .alembic: "Alembic"
        }
    }

    /// Whether the layout has down sections at all.
    public var hasDowns: Bool { self != .prisma }

    /// Where the tool keeps its migrations by default, relative to the project.
    public var defaultDirectory: String {
        switch self {
        case .dbmate: "db/migrations"
        case .flyway: "sql"
        case .prisma: "prisma/migrations"
        case .alembic: "alembic/versions"
        default: "migrations"
        }
    }

    /// The tool's bookkeeping table (the default name; `[deployed] table` overrides it).
    public var defaultTable: String? {
        switch self {
        case .strata: nil
        case .diesel: "__diesel_schema_migrations"
        case .golangMigrate, .dbmate: "schema_migrations"
        case .goose: "goose_db_version"
        case .sqlx: "_sqlx_migrations"
        case .flyway: "flyway_schema_history"
        case .prisma: "_prisma_migrations"
        case .alembic: "alembic_version"
        }
    }

    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }

    public init(name: String) throws(StrataError) {
        guard let format = HistoryFormat(rawValue: name.lowercased()) else {
            throw .usage("unknown history format `\(name)`; expected one of: \(Self.names)")
        }
        self = format
    }

    /// The format a project directory (or a migrations directory) is in, told from its files:
    /// `(format, migrations directory)`, or `nil` when nothing matches.
    public static func detect(in directory: URL) -> (HistoryFormat, URL)? {
        let fm = FileManager.default
        func exists(_ path: String) -> Bool { fm.fileExists(atPath: directory.appendingPathComponent(path).path) }
        func names(_ sub: String) -> [String] {
            (try? fm.contentsOfDirectory(atPath: directory.appendingPathComponent(sub).path))?.filter { !$0.hasPrefix(".") } ?? []
        }
        if exists("prisma/migrations/migration_lock.toml") || exists("prisma/migrations") && !names("prisma/migrations").isEmpty {
            return (.prisma, directory.appendingPathComponent("prisma/migrations"))
        }
        if exists("migration_lock.toml") { return (.prisma, directory) }
        if exists("alembic.ini"), let project = try? AlembicProject.load(ini: directory.appendingPathComponent("alembic.ini")),
           let versions = project.versionLocations.first {
            return (.alembic, versions)
        }
        if exists("diesel.toml") { return (.diesel, directory.appendingPathComponent("migrations")) }
        if exists("flyway.conf") || exists("flyway.toml") {
            return (.flyway, directory.appendingPathComponent(exists("sql") ? "sql" : "db/migration"))
        }
        // sqlx and golang-migrate share `<version>_<title>.up.sql`: a Rust project that depends on
        // sqlx is sqlx's.
        let cargo = (try? String(contentsOf: directory.appendingPathComponent("Cargo.toml"), encoding: .utf8)) ?? ""
        let rust = cargo.contains("sqlx")
        for sub in ["db/migrations", "migrations", "sql", "db/migration", "."] where exists(sub) {
            let url = sub == "." ? directory : directory.appendingPathComponent(sub)
            if let format = detectFiles(url) { return (rust && format == .golangMigrate ? .sqlx : format, url) }
        }
        return nil
    }

    /// The format of one migrations directory, told from its entries.
    static func detectFiles(_ url: URL) -> HistoryFormat? {
        let fm = FileManager.default
        guard let entries = try? fm.contentsOfDirectory(atPath: url.path) else { return nil }
        let visible = entries.filter { !$0.hasPrefix(".") }
        var isDirectory: ObjCBool = false
        let directories = visible.filter { fm.fileExists(atPath: url.appendingPathComponent($0).path, isDirectory: &isDirectory) && isDirectory.boolValue }
        if directories.contains(where: { fm.fileExists(atPath: url.appendingPathComponent($0).appendingPathComponent("up.sql").path) }) { return .diesel }
        if directories.contains(where: { fm.fileExists(atPath: url.appendingPathComponent($0).appendingPathComponent("migration.sql").path) }) { return .prisma }
        let sql = visible.filter { $0.hasSuffix(".sql") }
        guard !sql.isEmpty else { return nil }
        if sql.contains(where: { $0.hasPrefix("V") && $0.contains("__") }) { return .flyway }
        let paired = sql.filter { $0.hasSuffix(".up.sql") || $0.hasSuffix(".down.sql") }
        // Peek at a few files' markers.
        for name in sql.sorted().prefix(8) {
            guard let data = fm.contents(atPath: url.appendingPathComponent(name).path) else { continue }
            let text = String(decoding: data.prefix(4096), as: UTF8.self)
            if text.hasPrefix("-- revision:") || text.contains("\n-- revision:") { return .strata }
            if text.contains("+goose") { return .goose }
            if text.range(of: "--\\s*migrate:up", options: .regularExpression) != nil { return .dbmate }
        }
        if !paired.isEmpty {
            // Paired files are golang-migrate's unless one starts with sqlx's `-- no-transaction`
            // (or, in `detect`, the project depends on sqlx).
            for name in paired {
                if let data = fm.contents(atPath: url.appendingPathComponent(name).path),
                   data.starts(with: Array("-- no-transaction".utf8)) { return .sqlx }
            }
            return .golangMigrate
        }
        if sql.allSatisfy({ $0.first?.isNumber == true && $0.contains("_") }) { return .sqlx }
        return nil
    }
}

/// What a format reader needs besides the files.
public struct FormatSettings: Sendable {
    /// Flyway placeholders (`${name}`), from `[placeholders]` in strata.toml; keys compared
    /// without regard to case, as Flyway does.
    public var placeholders: [String: String] = [:]
    /// Environment for goose's `-- +goose ENVSUB ON` sections.
    public var environment: [String: String] = ProcessInfo.processInfo.environment
    /// The Alembic project an Alembic history belongs to.
    public var alembic: AlembicProject?

    public init(placeholders: [String: String] = [:]) {
        self.placeholders = placeholders
    }
}

/// A migrations directory's files, relative path → bytes: read from disk, or from an archive.
public struct SourceTree: Sendable {
    public var files: [String: Data]

    public init(files: [String: Data]) { self.files = files }

    /// Reads the files a format looks at: the top level, and one level of directories for the
    /// formats that keep a migration per directory (diesel, Prisma); Flyway reads recursively.
    public static func read(_ url: URL, format: HistoryFormat) throws(StrataError) -> SourceTree {
        var files: [String: Data] = [:]
        let depth: Int
        switch format {
        case .diesel, .prisma: depth = 1
        case .flyway: depth = 16
        default: depth = 0
        }
        // readdir's entry types instead of a stat per entry: 5,000 migrations read in well
        // under the lint budget.
        func walk(_ relative: String, depth: Int) throws(StrataError) {
            let path = relative.isEmpty ? url.path : url.path + "/" + relative
            guard let dir = opendir(path) else {
                throw .environment("cannot list \(DisplayPath.of(URL(fileURLWithPath: path))): \(String(cString: strerror(errno)))")
            }
            defer { closedir(dir) }
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                if name == "." || name == ".." { continue }
                let child = relative.isEmpty ? name : relative + "/" + name
                var type = entry.pointee.d_type
                if type == UInt8(DT_UNKNOWN) || type == UInt8(DT_LNK) {
                    var info = stat()
                    guard stat(url.path + "/" + child, &info) == 0 else { continue }
                    type = (info.st_mode & S_IFMT) == S_IFDIR ? UInt8(DT_DIR) : UInt8(DT_REG)
                }
                if type == UInt8(DT_DIR) {
                    guard depth > 0, !name.hasPrefix(".") else { continue }
                    let before = files.count
                    try walk(child, depth: depth - 1)
                    // An empty directory is seen too (diesel skips it; Prisma does not).
                    if files.count == before { files[child + "/"] = Data() }
                    continue
                }
                if format == .golangMigrate || format == .sqlx || format == .goose || format == .dbmate {
                    // The only files these tools read are at the top level; the rest is not needed.
                    guard name.hasSuffix(".sql") || name == "atlas.sum" || name.hasSuffix(".go") || name.contains(".up.") || name.contains(".down.") else { continue }
                }
                guard let data = readFile(url.path + "/" + child) else {
                    throw .environment("cannot read \(DisplayPath.of(url.appendingPathComponent(child)))")
                }
                files[child] = data
            }
        }
        try walk("", depth: depth)
        return SourceTree(files: files)
    }

    /// A whole file's bytes (nil when it cannot be read).
    static func readFile(_ path: String) -> Data? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        var data = Data(count: Int(info.st_size))
        var done = 0
        let ok = data.withUnsafeMutableBytes { buffer -> Bool in
            while done < buffer.count {
                let n = Glibc.read(fd, buffer.baseAddress! + done, buffer.count - done)
                if n <= 0 { return n == 0 }
                done += n
            }
            return true
        }
        guard ok else { return nil }
        if done < data.count { data.removeSubrange(done...) }
        return data
    }

    /// Paths directly at the top (no `/`).
    var topLevel: [String] { files.keys.filter { !$0.contains("/") }.sorted() }

    /// The directories one level down, each with its files (`dir/name`), by directory name.
    var directories: [String: [String]] {
        var out: [String: [String]] = [:]
        for path in files.keys {
            guard let slash = path.firstIndex(of: "/") else { continue }
            let dir = String(path[..<slash])
            let rest = path[path.index(after: slash)...]
            if rest.isEmpty { out[dir, default: []] += [] } else { out[dir, default: []].append(path) }
        }
        return out
    }
}
