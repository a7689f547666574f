import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// One initdb'd data directory per installation, kept in the cache directory and copied
/// (`cp -a`, ~0.07 s) instead of running initdb (~0.6–1.3 s). Entries appear atomically: they
/// are made under a temporary name and renamed, so no process ever copies a half-made cluster.
struct ClusterCache {
    let root: String
    let key: String
    var entry: String { "\(root)/\(key)" }
    var entryData: String { "\(entry)/data" }

    init(options: EmbeddedServer.Options, installation: PostgresInstallation) {
        root = (options.cacheDirectory?.path ?? Self.defaultRoot())
        key = Self.key(for: installation)
    }

    /// `$STRATA_CACHE_DIR`, else `$XDG_CACHE_HOME/strata`, else `~/.cache/strata`.
    static func defaultRoot() -> String {
        let environment = ProcessInfo.processInfo.environment
        if let explicit = environment["STRATA_CACHE_DIR"], !explicit.isEmpty { return explicit }
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty { return "\(xdg)/strata" }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/strata").path
    }

    /// `pg15-15.18-<8 hex>`: the version, plus a hash of the full version text, the binary
    /// directory and the initdb options, so that a different build or different options never
    /// reuse an entry.
    static func key(for installation: PostgresInstallation) -> String {
        let identity = [
            installation.versionText, installation.binDirectory.path,
            ClusterLauncher.initdbOptions(majorVersion: installation.majorVersion).joined(separator: " "),
        ].joined(separator: "\n")
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a
        for byte in identity.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        let short = String(hash, radix: 16).suffix(8)
        return "pg\(installation.majorVersion)-\(installation.version)-\(short)"
    }

    /// Copies the cached cluster to `dataPath`; false when there is no usable entry (the caller
    /// then runs initdb).
    func copyCachedCluster(to dataPath: String, processes: ClusterProcesses) throws -> Bool {
        guard FileManager.default.fileExists(atPath: "\(entryData)/PG_VERSION"),
            FileManager.default.fileExists(atPath: "\(entryData)/global/pg_control")
        else { return false }
        let cp = Subprocess.which("cp") ?? "/bin/cp"
        let result = try Subprocess.run(cp, ["-a", entryData, dataPath], started: processes.setHelper)
        if result.status != 0 {
            ClusterDirectory.rmdirRecursively(dataPath)
            return false
        }
        return true
    }

    /// Best effort: copies a fresh (never started) data directory into the cache.
    func store(from dataPath: String, processes: ClusterProcesses) {
        guard (try? FileManager.default.createDirectory(
            atPath: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])) != nil
        else { return }
        removeAbandonedTemporaries()
        guard !FileManager.default.fileExists(atPath: entry) else { return }
        let temporary = "\(root)/.tmp-\(key)-\(getpid())-\(ScratchSQL.randomHex(8))"
        guard mkdir(temporary, 0o700) == 0 else { return }
        let cp = Subprocess.which("cp") ?? "/bin/cp"
        guard let result = try? Subprocess.run(cp, ["-a", dataPath, "\(temporary)/data"], started: processes.setHelper),
            result.status == 0,
            rename(temporary, entry) == 0  // fails if another process won the race: keep theirs
        else {
            ClusterDirectory.rmdirRecursively(temporary)
            return
        }
    }

    /// Removes the entry (e.g. when a server would not start from it).
    func discard() {
        let doomed = "\(root)/.tmp-discard-\(key)-\(getpid())-\(ScratchSQL.randomHex(8))"
        if rename(entry, doomed) == 0 {
            ClusterDirectory.rmdirRecursively(doomed)
        }
    }

    /// Temporaries older than an hour belong to a process that died while filling the cache.
    private func removeAbandonedTemporaries() {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: root) else { return }
        for name in names where name.hasPrefix(".tmp-") {
            let path = "\(root)/\(name)"
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                let modified = attributes[.modificationDate] as? Date,
                Date().timeIntervalSince(modified) > 3600
            else { continue }
            ClusterDirectory.rmdirRecursively(path)
        }
    }
}
