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

    /// Finds the newest installed server: candidates come from `pg_config --bindir`, from `$PATH`
    /// (symlinks resolved, Debian's `pg_wrapper` skipped; Debian keeps `initdb` off `$PATH`) and
    /// from the usual install locations (`/usr/lib/postgresql/*/bin`, `/usr/pgsql-*/bin`, ...).
    /// A candidate needs both `postgres` and `initdb`; the highest major version wins.
    /// The answer is remembered for the life of the process (per `$PATH`): it costs a few
    /// process spawns.
    /// `$STRATA_POSTGRES` (a major version such as `17`, or a binary directory) picks one
    /// installation instead of the newest.
    public static func find() throws -> PostgresInstallation {
        let environment = ProcessInfo.processInfo.environment
        let path = environment["PATH"] ?? ""
        let wanted = environment["STRATA_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
        let key = path + "\u{0}" + (wanted ?? "")
        if let known = FoundInstallations.shared.get(key) { return known }
        let found: PostgresInstallation
        if let wanted, !wanted.allSatisfy(\.isNumber) {
            found = try PostgresInstallation(binDirectory: URL(fileURLWithPath: wanted))
        } else {
            found = try search(major: wanted.flatMap { Int($0) })
        }
        FoundInstallations.shared.set(key, found)
        return found
    }

    private static func search(major wantedMajor: Int? = nil) throws -> PostgresInstallation {
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
            // Where `make test-matrix` (scripts/fetch-postgres.sh) unpacks other majors.
            "/var/cache/strata/postgres/*/bin",
        ]
        searched.append(patterns.joined(separator: ", "))
        for pattern in patterns {
            candidates += glob(pattern)
        }

        var seen = Set<String>()
        var best: PostgresInstallation?
        for candidate in candidates {
            guard let real = realPath(candidate), seen.insert(real).inserted,
                access("\(real)/postgres", X_OK) == 0, access("\(real)/initdb", X_OK) == 0,
                let installation = try? PostgresInstallation(binDirectory: URL(fileURLWithPath: real)),
                wantedMajor.map({ $0 == installation.majorVersion }) ?? true
            else { continue }
            if best.map({ installation.majorVersion > $0.majorVersion }) ?? true {
                best = installation
            }
        }
        guard let best else {
            if let wantedMajor {
                throw EmbeddedServerError(
                    "No PostgreSQL \(wantedMajor) server binaries (postgres and initdb) were found. Searched: \(searched.joined(separator: "; ")).")
            }
            throw EmbeddedServerError(
                """
                No PostgreSQL server binaries (postgres and initdb) were found. Searched: \
                \(searched.joined(separator: "; ")). Install the server, e.g. `apt-get install postgresql` \
                (Debian/Ubuntu), `dnf install postgresql-server` (Fedora/RHEL) or `brew install postgresql` \
                (macOS), or use an existing server for scratch databases instead.
                """)
        }
        return best
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

/// `PostgresInstallation.find()` results by `$PATH`.
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
