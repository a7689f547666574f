import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where the PostgreSQL server binaries (`postgres`, `initdb`, `pg_dump`, ...) are installed.
public struct PostgresInstallation: Sendable, Hashable {
    /// The directory holding the real binaries (symlinks resolved).
    public var binDirectory: URL
    /// E.g. 15.
    public var majorVersion: Int
    /// E.g. `15.18`.
    public var version: String
    /// The full `postgres --version` text, e.g. `postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)`.
    public var versionText: String

    public init(binDirectory: URL) throws {
        let postgres = binDirectory.appendingPathComponent("postgres").path
        guard access(postgres, X_OK) == 0 else {
            throw EmbeddedServerError("There is no executable postgres in \(binDirectory.path).")
        }
        let result: (status: Int32, output: String)
        do {
            result = try Subprocess.run(postgres, ["--version"])
        } catch let failure as Subprocess.Failure {
            throw EmbeddedServerError("Could not run \(postgres) --version: \(failure.message).")
        }
        let text = result.output.trimmingCharacters(in: .whitespacesAndNewlines)
        guard result.status == 0, let parsed = Self.parseVersion(text) else {
            throw EmbeddedServerError(
                "\(postgres) --version did not print a PostgreSQL version (exit status \(result.status)): \(text)")
        }
        self.binDirectory = binDirectory
        self.version = parsed.version
        self.majorVersion = parsed.major
        self.versionText = text
    }

    /// The path of one of the installation's programs, e.g. `tool("pg_dump")`.
    public func tool(_ name: String) -> URL {
        binDirectory.appendingPathComponent(name)
    }

    /// Finds the installation to use. `choice` (from `--postgres` or `[server] postgres`) is a
    /// major version such as `17` or a binary directory (an installation's root holding `bin/`
    /// works too); without one, `$STRATA_POSTGRES` (same forms) decides; without that, the
    /// newest server the system has (`preferred`).
    ///
    /// Candidates come from `pg_config --bindir`, from `$PATH` (symlinks resolved, Debian's
    /// `pg_wrapper` skipped; Debian keeps `initdb` off `$PATH`), from the usual install locations
    /// (`/usr/lib/postgresql/*/bin`, `/usr/pgsql-*/bin`, ...) and from the caches
    /// `scripts/fetch-postgres.sh` fills (`cacheDirectories`). A candidate needs both `postgres`
    /// and `initdb`. The answer is remembered for the life of the process (per `$PATH` and
    /// choice): it costs a few process spawns.
    public static func find(_ choice: String? = nil) throws -> PostgresInstallation {
        let environment = ProcessInfo.processInfo.environment
        let path = environment["PATH"] ?? ""
        let wanted = (choice.flatMap { $0.isEmpty ? nil : $0 }) ?? environment["STRATA_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
        let key = path + "\u{0}" + (wanted ?? "")
        if let known = FoundInstallations.shared.get(key) { return known }
        let found: PostgresInstallation
        if let wanted, !wanted.allSatisfy(\.isNumber) {
            found = try directory(wanted)
        } else {
            found = try search(major: wanted.flatMap { Int($0) })
        }
        FoundInstallations.shared.set(key, found)
        return found
    }

    /// An installation given by its directory: the binary directory, or its root (`<root>/bin`);
    /// symlinks resolved.
    private static func directory(_ path: String) throws -> PostgresInstallation {
        let url = URL(fileURLWithPath: realPath(path) ?? path)
        if access(url.appendingPathComponent("postgres").path, X_OK) != 0,
            access(url.appendingPathComponent("bin/postgres").path, X_OK) == 0
        {
            return try PostgresInstallation(binDirectory: url.appendingPathComponent("bin"))
        }
        return try PostgresInstallation(binDirectory: url)
    }

    /// Where `scripts/fetch-postgres.sh` unpacks other majors (`<dir>/<major>/bin`):
    /// `/var/cache/strata/postgres` (as root), and `$STRATA_CACHE_DIR/postgres`, else
    /// `$XDG_CACHE_HOME/strata/postgres`, else `~/.cache/strata/postgres`.
    public static var cacheDirectories: [String] {
        let environment = ProcessInfo.processInfo.environment
        var directories = ["/var/cache/strata/postgres"]
        if let dir = environment["STRATA_CACHE_DIR"], !dir.isEmpty {
            directories.append("\(dir)/postgres")
        } else if let dir = environment["XDG_CACHE_HOME"], !dir.isEmpty {
            directories.append("\(dir)/strata/postgres")
        } else if let home = environment["HOME"], !home.isEmpty {
            directories.append("\(home)/.cache/strata/postgres")
        }
        return directories
    }

    /// Every installation found (one per binary directory), newest first; and what was searched.
    /// `includeFetched: false` leaves out the cache directories `scripts/fetch-postgres.sh`
    /// fills (each candidate costs a `postgres --version`).
    public static func installed(includeFetched: Bool = true) -> (installations: [PostgresInstallation], searched: [String]) {
        var searched: [String] = []
        var candidates: [String] = []

        if let pgConfig = Subprocess.which("pg_config") {
            searched.append("`\(pgConfig) --bindir`")
            if let result = try? Subprocess.run(pgConfig, ["--bindir"]), result.status == 0 {
                candidates.append(result.output.trimmingCharacters(in: .whitespacesAndNewlines))
            }
        } else {
            searched.append("pg_config (not on PATH)")
        }

        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        searched.append("PATH (\(path))")
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let postgres = "\(directory)/postgres"
            guard access(postgres, X_OK) == 0, let real = realPath(postgres), !isWrapperScript(real) else { continue }
            candidates.append((real as NSString).deletingLastPathComponent)
        }

        let patterns = [
            "/usr/lib/postgresql/*/bin", "/usr/pgsql-*/bin", "/usr/local/pgsql/bin",
            "/opt/homebrew/opt/postgresql@*/bin", "/usr/local/opt/postgresql@*/bin",
            "/opt/homebrew/opt/postgresql/bin", "/usr/local/opt/postgresql/bin",
        ] + (includeFetched ? cacheDirectories.map { "\($0)/*/bin" } : [])
        searched.append(patterns.joined(separator: ", "))
        for pattern in patterns {
            candidates += glob(pattern)
        }

        var seen = Set<String>()
        var found: [PostgresInstallation] = []
        for candidate in candidates {
            guard let real = realPath(candidate), seen.insert(real).inserted,
                access("\(real)/postgres", X_OK) == 0, access("\(real)/initdb", X_OK) == 0,
                let installation = try? PostgresInstallation(binDirectory: URL(fileURLWithPath: real))
            else { continue }
            found.append(installation)
        }
        // Newest major first; within a major, the order found (pg_config and PATH come first).
        let ordered = found.enumerated().sorted { a, b in
            a.element.majorVersion != b.element.majorVersion ? a.element.majorVersion > b.element.majorVersion : a.offset < b.offset
        }.map(\.element)
        return (ordered, searched)
    }

    /// The default among `installations` (newest first): the newest the system has; the
    /// fetched majors in `cacheDirectories` only when the system has none. They are there for
    /// `make test-matrix` and for picking a major: fetching 18 must not change what an unpicked
    /// run (`make test`) uses.
    public static func preferred(_ installations: [PostgresInstallation]) -> PostgresInstallation? {
        let caches = cacheDirectories.map { (realPath($0) ?? $0) + "/" }
        return installations.first { installation in !caches.contains { installation.binDirectory.path.hasPrefix($0) } }
            ?? installations.first
    }

    private static func search(major wantedMajor: Int? = nil) throws -> PostgresInstallation {
        // The system's installations first: the fetched ones are the default only when it has none.
        if wantedMajor == nil, let best = installed(includeFetched: false).installations.first {
            return best
        }
        let (installations, searched) = installed()
        if let wantedMajor, let best = installations.first(where: { $0.majorVersion == wantedMajor }) {
            return best
        }
        if wantedMajor == nil, let best = preferred(installations) {
            return best
        }
        if let wantedMajor {
            let found = installations.isEmpty
                ? "none"
                : installations.map { "\($0.version) (\($0.binDirectory.path))" }.joined(separator: ", ")
            throw EmbeddedServerError(
                """
                PostgreSQL \(wantedMajor) is not installed (no postgres and initdb of major \(wantedMajor) were found). \
                Found: \(found). Searched: \(searched.joined(separator: "; ")). Pick one of those majors or a \
                binary directory, or install PostgreSQL \(wantedMajor) (a strata checkout fetches 14, 16, 17 and 18 \
                with `scripts/fetch-postgres.sh MAJOR`).
                """)
        }
        throw EmbeddedServerError(
            """
            No PostgreSQL server binaries (postgres and initdb) were found. Searched: \
            \(searched.joined(separator: "; ")). Install the server, e.g. `apt-get install postgresql` \
            (Debian/Ubuntu), `dnf install postgresql-server` (Fedora/RHEL) or `brew install postgresql` \
            (macOS), or use an existing server for scratch databases instead.
            """)
    }

    // MARK: - Helpers

    /// `postgres (PostgreSQL) 15.18 (Debian ...)` → ("15.18", 15); `9.6.24` → ("9.6.24", 9).
    static func parseVersion(_ text: String) -> (version: String, major: Int)? {
        guard let range = text.range(of: "(PostgreSQL) ") else { return nil }
        let version = text[range.upperBound...].prefix { $0.isNumber || $0 == "." }
        guard let major = version.split(separator: ".").first.flatMap({ Int($0) }) else { return nil }
        return (String(version), major)
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Debian's `pg_wrapper` (what `/usr/bin/psql` and friends point to) is a Perl script.
    private static func isWrapperScript(_ path: String) -> Bool {
        if path.hasSuffix("/pg_wrapper") { return true }
        guard let handle = FileHandle(forReadingAtPath: path) else { return true }
        defer { try? handle.close() }
        let head = handle.readData(ofLength: 2)
        return head == Data("#!".utf8)
    }

    /// Expands `*` in path components (no other glob syntax is needed here).
    private static func glob(_ pattern: String) -> [String] {
        var paths = [""]
        for component in pattern.split(separator: "/").map(String.init) {
            if component.contains("*") {
                paths = paths.flatMap { base -> [String] in
                    let names = (try? FileManager.default.contentsOfDirectory(atPath: base.isEmpty ? "/" : base)) ?? []
                    return names.filter { fnmatch(component, $0, 0) == 0 }.sorted().map { "\(base)/\($0)" }
                }
            } else {
                paths = paths.map { "\($0)/\(component)" }
            }
        }
        return paths.filter { FileManager.default.fileExists(atPath: $0) }
    }
}

/// `PostgresInstallation.find()` results by `$PATH` and choice.
private final class FoundInstallations: @unchecked Sendable {
    static let shared = FoundInstallations()
    private let lock = NSLock()
    private var byPath: [String: PostgresInstallation] = [:]

    func get(_ path: String) -> PostgresInstallation? {
        lock.lock()
        defer { lock.unlock() }
        return byPath[path]
    }

    func set(_ path: String, _ installation: PostgresInstallation) {
        lock.lock()
        byPath[path] = installation
        lock.unlock()
    }
}
