import Foundation

/// Settings from `strata.toml` and the command line (DESIGN §8). Paths in the file are
/// relative to the file, never to the working directory.
public struct Configuration: Sendable {
    public static let fileName = "strata.toml"

    /// The config file used, if any.
    public var file: URL?
    public var migrationsDirectory: URL
    public var archiveDirectory: URL
    /// The environment variable that holds the database URL.
    public var databaseURLVariable: String = "DATABASE_URL"
    /// A server to make scratch databases on; `nil` means the embedded server.
    public var scratchURL: String?
    /// The environment variable that holds the scratch URL, if the config names one.
    public var scratchURLVariable: String?
    /// The version table, optionally schema-qualified (`schema.table`).
    public var versionTable: String = "strata_version"
    /// `lock_timeout` and `statement_timeout` for migrations (PostgreSQL interval text).
    public var lockTimeout: String?
    public var statementTimeout: String?
    /// The PostgreSQL installation for the embedded server and squash's pg_dump (DESIGN §12): a
    /// major version (`"17"`) or an absolute binary directory. `nil`: `$STRATA_POSTGRES`, else
    /// the newest installed. From `--postgres`, else `[server] postgres`.
    public var postgres: String?
    /// The layout of the history (`format = "…"`): strata's own, or a tool's (issue 12).
    public var format: HistoryFormat = .strata
    /// Flyway placeholders (`[placeholders]`).
    public var placeholders: [String: String] = [:]
    /// The tool's bookkeeping table on deployed databases, optionally `schema.table`
    /// (`[deployed] table`); `nil`: the tool's default.
    public var deployedTable: String?
    /// Whether `migrations` was set (in the file or by a flag); else a tool format's default
    /// directory applies.
    public var migrationsSet = false
    /// `[alembic]`: the project's alembic.ini (default: found at or above the migrations
    /// directory, or beside strata.toml), its Python, its SQLAlchemy driver, the environment
    /// variables env.py reads its URL from, and more `-x` arguments.
    public var alembicIni: URL?
    public var alembicPython: String?
    public var alembicDriver: String?
    public var alembicURLEnvironment: [String] = []
    public var alembicXArguments: [String] = []
    /// `[stairway] allow`: finding kinds that warn instead of failing (`column-order`).
    public var stairwayAllow: [String] = []
    /// The directory of the config file (or the working directory without one).
    public var baseDirectory: URL

    public var formatSettings: FormatSettings { FormatSettings(placeholders: placeholders) }

    /// The tool's bookkeeping table for `deployed`, as configured or the tool's default.
    public var bookkeepingTable: String? { deployedTable ?? format.defaultTable }

    /// Keys a config file may hold.
    public static let knownKeys: Set<String> = [
        "migrations", "archive", "database.url_env", "database.version_table",
        "database.lock_timeout", "database.statement_timeout", "scratch.url", "scratch.url_env",
        "server.postgres", "format", "deployed.table",
        "alembic.ini", "alembic.python", "alembic.driver", "alembic.url_env", "alembic.x", "stairway.allow",
    ]

    /// The defaults when there is no config file: `./migrations` and `./archive`.
    public init(baseDirectory: URL) {
        self.migrationsDirectory = baseDirectory.appendingPathComponent("migrations")
        self.archiveDirectory = baseDirectory.appendingPathComponent("archive")
        self.baseDirectory = baseDirectory
    }

    /// The Alembic project of an Alembic history, with strata's settings for running it.
    public func alembicProject() throws(StrataError) -> AlembicProject {
        guard let ini = alembicIni ?? AlembicProject.find(from: migrationsDirectory) ?? AlembicProject.find(from: baseDirectory) else {
            throw .usage("no alembic.ini found at or above \(DisplayPath.of(migrationsDirectory)); set `[alembic] ini` in strata.toml")
        }
        var project = try AlembicProject.load(ini: ini)
        project.python = alembicPython
        project.driver = alembicDriver
        project.urlEnvironment = alembicURLEnvironment.isEmpty ? [databaseURLVariable] : alembicURLEnvironment
        project.xArguments = alembicXArguments
        if let table = deployedTable { project.versionTable = table }
        return project
    }

    /// Finds `strata.toml` by walking up from `start`, or reads `explicit` when given.
    public static func load(explicit: URL? = nil, from start: URL) throws(StrataError) -> Configuration {
        if let explicit {
            guard FileManager.default.fileExists(atPath: explicit.path) else {
                throw .usage("config file \(DisplayPath.of(explicit)) does not exist")
            }
            return try read(explicit)
        }
        var directory = start.standardizedFileURL
        while true {
            let candidate = directory.appendingPathComponent(fileName)
            if FileManager.default.fileExists(atPath: candidate.path) { return try read(candidate) }
            let parent = directory.deletingLastPathComponent()
            if parent.path == directory.path { break }
            directory = parent
        }
        return Configuration(baseDirectory: start)
    }

    /// Reads one config file.
    public static func read(_ url: URL) throws(StrataError) -> Configuration {
        let display = DisplayPath.of(url)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw .configuration(file: display, line: nil, message: "cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .configuration(file: display, line: nil, message: "the file is not valid UTF-8")
        }
        let entries: [String: (value: TOMLSubset.Value, line: Int)]
        do {
            entries = try TOMLSubset.parse(text)
        } catch {
            throw .configuration(file: display, line: error.line, message: error.message)
        }
        let base = url.deletingLastPathComponent().standardizedFileURL
        var config = Configuration(baseDirectory: base)
        config.file = url.standardizedFileURL
        for key in entries.keys.sorted() {
            guard let entry = entries[key] else { continue }
            if key.hasPrefix("placeholders.") {
                guard case .string(let value) = entry.value else {
                    throw .configuration(file: display, line: entry.line, message: "`\(key)` must be a quoted string")
                }
                config.placeholders[String(key.dropFirst("placeholders.".count))] = value
                continue
            }
            guard knownKeys.contains(key) else {
                throw .configuration(file: display, line: entry.line, message: "unknown setting `\(key)`; expected one of: \(knownKeys.sorted().joined(separator: ", "))")
            }
            if key == "server.postgres", case .integer(let major) = entry.value {
                guard major > 0 else {
                    throw .configuration(file: display, line: entry.line, message: "`server.postgres` must be a major version such as 17 or a binary directory")
                }
                config.postgres = String(major)
                continue
            }
            guard case .string(let value) = entry.value else {
                throw .configuration(file: display, line: entry.line, message: "`\(key)` must be a quoted string")
            }
            switch key {
            case "migrations":
                config.migrationsDirectory = resolve(value, against: base)
                config.migrationsSet = true
            case "format":
                guard let format = HistoryFormat(rawValue: value) else {
                    throw .configuration(file: display, line: entry.line, message: "unknown format `\(value)`; expected one of: \(HistoryFormat.names)")
                }
                config.format = format
            case "deployed.table": config.deployedTable = value
            case "alembic.ini": config.alembicIni = resolve(value, against: base)
            case "alembic.python": config.alembicPython = value.contains("/") ? resolve(value, against: base).path : value
            case "alembic.driver": config.alembicDriver = value
            case "alembic.url_env": config.alembicURLEnvironment = value.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
            case "alembic.x": config.alembicXArguments = value.split(separator: " ").map(String.init)
            case "stairway.allow":
                config.stairwayAllow = value.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
                if let bad = config.stairwayAllow.first(where: { $0 != StairwayVerifier.Finding.Kind.columnOrder.rawValue }) {
                    throw .configuration(file: display, line: entry.line, message: "`stairway.allow` lists `\(bad)`; only column-order can be allowed")
                }
            case "archive": config.archiveDirectory = resolve(value, against: base)
            case "database.url_env": config.databaseURLVariable = value
            case "database.version_table": config.versionTable = value
            case "database.lock_timeout": config.lockTimeout = value
            case "database.statement_timeout": config.statementTimeout = value
            case "scratch.url": config.scratchURL = value
            case "scratch.url_env": config.scratchURLVariable = value
            case "server.postgres":
                guard !value.isEmpty else {
                    throw .configuration(file: display, line: entry.line, message: "`server.postgres` is empty; expected a major version such as \"17\" or a binary directory")
                }
                config.postgres = postgresChoice(value, against: base)
            default: break
            }
        }
        if config.format == .alembic && !config.migrationsSet {
            // Alembic's own setting says where the revisions are.
            let ini = config.alembicIni ?? base.appendingPathComponent("alembic.ini")
            if let versions = (try? AlembicProject.load(ini: ini))?.versionLocations.first { config.migrationsDirectory = versions }
        } else if config.format != .strata && !config.migrationsSet {
            config.migrationsDirectory = base.appendingPathComponent(config.format.defaultDirectory)
        }
        return config
    }

    /// The config text `strata init` writes for a tool's layout.
    public static func template(format: HistoryFormat, migrations: String) -> String {
        guard format != .strata else { return template }
        return """
            # strata configuration. Paths are relative to this file.
            # The history stays in \(format.tool)'s own layout; \(format.tool) keeps running it.
            format = "\(format.rawValue)"
            migrations = "\(migrations)"
            archive = "archive"

            [database]
            url_env = "DATABASE_URL"

            [deployed]
            # \(format.tool)'s bookkeeping table on deployed databases (`strata deployed check|fix`),
            # optionally schema-qualified.
            table = "\(format.defaultTable ?? "")"

            [scratch]
            # url_env = "STRATA_SCRATCH_URL"

            """ + (format == .flyway ? "\n[placeholders]\n# name = \"value\"\n" : "")
            + (format == .alembic ? """

                [alembic]
                # ini = "alembic.ini"             # found at or above the migrations directory
                # python = ".venv/bin/python"     # default: .venv/bin/python beside alembic.ini, else python3
                # url_env = "DATABASE_URL"        # variables env.py reads its URL from
                # driver = "postgresql+psycopg"   # default: the ini's, else psycopg2, psycopg, asyncpg

                """ : "")
    }

    /// A path from the config file or the command line, made absolute.
    public static func resolve(_ path: String, against base: URL) -> URL {
        let expanded = (path as NSString).expandingTildeInPath
        if expanded.hasPrefix("/") { return URL(fileURLWithPath: expanded).standardizedFileURL }
        return base.appendingPathComponent(expanded).standardizedFileURL
    }

    /// A `--postgres` or `[server] postgres` value: a major version stays as it is, a directory
    /// is made absolute against `base` (the config file's directory, or the working directory
    /// for the flag).
    public static func postgresChoice(_ value: String, against base: URL) -> String {
        value.allSatisfy(\.isNumber) ? value : resolve(value, against: base).path
    }

    /// The database URL: the flag, else the environment variable the config names.
    public func databaseURL(flag: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let flag, !flag.isEmpty { return flag }
        if let value = environment[databaseURLVariable], !value.isEmpty { return value }
        return nil
    }

    /// The scratch server URL: the flag, else the config's URL or variable; `nil` = embedded.
    public func scratchServerURL(flag: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let flag, !flag.isEmpty { return flag }
        if let scratchURL, !scratchURL.isEmpty { return scratchURL }
        if let variable = scratchURLVariable, let value = environment[variable], !value.isEmpty { return value }
        return nil
    }

    /// The text `strata init` writes.
    public static let template = """
        # strata configuration. Paths are relative to this file.
        migrations = "migrations"
        archive = "archive"

        [database]
        # The environment variable that holds the database URL (or pass --database-url).
        url_env = "DATABASE_URL"
        version_table = "strata_version"
        # lock_timeout = "5s"
        # statement_timeout = "0"

        [scratch]
        # Where scratch databases are made. Unset: strata starts its own throwaway server.
        # url_env = "STRATA_SCRATCH_URL"

        [server]
        # The PostgreSQL for the embedded server and squash's pg_dump: a major version or a
        # binary directory (or pass --postgres). Unset: $STRATA_POSTGRES, else the newest installed.
        # postgres = "17"

        """
}
