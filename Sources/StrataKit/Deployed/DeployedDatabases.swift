import CZlib
import Foundation
import StrataPostgres

/// `strata deployed check | fix` (issue 12 item 4): where a deployed database stands against the
/// squash, read from its tool's own bookkeeping table, and the one step that brings it in line
/// with the squashed history, done as the tool itself would record it. Never a hand-written
/// `force` or `stamp`.
public struct DeployedDatabases {
    public let workspace: Workspace
    public let format: HistoryFormat
    /// The history as it is on disk (squashed, or not).
    public let history: History
    /// The history with every squash expanded from its archive.
    public let original: History
    /// The squash's init revision (the newest one: the first revision), if there is a squash.
    public let initRevision: Revision?
    /// The init revision's files, by path, as on disk.
    let currentFiles: [String: Data]
    /// Every revision file of the original history, by path (the archives' and the disk's).
    let originalFiles: [String: Data]

    public init(workspace: Workspace) throws {
        self.workspace = workspace
        let directory = try workspace.migrations()
        format = directory.format
        guard format != .strata else {
            throw StrataError.usage("`strata deployed` reads a tool's bookkeeping table; this history is in strata's own format, whose version table `strata upgrade --from-archive` already brings past a squash")
        }
        history = try directory.history()
        let expanded = try ExpandedHistory.expand(history, archiveDirectory: workspace.configuration.archiveDirectory, settings: try workspace.formatSettings())
        original = expanded.history
        initRevision = history.revisions.first(where: \.isSquashInit)
        currentFiles = directory.tree?.files ?? [:]
        var files = currentFiles
        // Archived files win for the revisions they hold (the init took revision k's names).
        for archive in expanded.archives { files.merge(archive.files) { _, archived in archived } }
        originalFiles = files
    }

    // MARK: - Where a database stands

    public enum Standing: Equatable, Sendable {
        /// No bookkeeping table, or no rows: a fresh database runs the init revision.
        case fresh
        /// At the squash point or later: at most a one-time bookkeeping step.
        case current(at: String)
        /// Before the squash point: the archived revisions after it must be replayed.
        case behind(at: String)
    }

    public struct Plan: Sendable {
        public var standing: Standing
        /// What the tool would refuse or do wrong without the fix, in words.
        public var reasons: [String]
        /// Archived revisions to replay (for a database behind the squash point), oldest first.
        public var replay: [Revision]
        /// The bookkeeping statements run in one transaction after the replay.
        public var statements: [String]
        /// Versions the table records that the history does not have.
        public var unknown: [String]
        public var nothingToDo: Bool { replay.isEmpty && statements.isEmpty }
    }

    /// The bookkeeping table, quoted: `[deployed] table`, else the tool's default.
    public var table: String {
        VersionTable(workspace.configuration.bookkeepingTable ?? format.defaultTable ?? "").qualified
    }

    /// The applied revisions the table records, as ids of the original history (in its order),
    /// plus the rows' checksums where the tool keeps them, and ids the history lacks.
    struct Applied {
        var ids: Set<String> = []
        var checksums: [String: String] = [:]
        var unknown: [String] = []
        var dirty: String?
    }

    func readApplied(_ connection: PGConnection) throws -> Applied? {
        let exists = try connection.query("SELECT to_regclass($1) IS NOT NULL", [table])[0, 0] == "t"
        guard exists else { return nil }
        var applied = Applied()
        var recorded: [String] = []
        switch format {
        case .strata:
            break
        case .alembic:
            recorded = original.appliedThrough(heads: try connection.query("SELECT version_num FROM \(table)").rows.compactMap { $0[0] })
        case .diesel, .dbmate:
            recorded = try connection.query("SELECT version::text FROM \(table)").rows.compactMap { $0[0] }
        case .golangMigrate:
            let rows = try connection.query("SELECT version::text, dirty FROM \(table) LIMIT 1").rows
            guard let row = rows.first, let text = row[0], let version = UInt64(text) else { return applied }
            if row[1] == "t" { applied.dirty = text }
            recorded = original.revisions.filter { (UInt64($0.id) ?? .max) <= version }.map(\.id)
            if !original.revisions.contains(where: { $0.id == text }) { applied.unknown.append(text) }
        case .goose:
            var latest: [String: Bool] = [:]
            for row in try connection.query("SELECT version_id::text, is_applied FROM \(table) ORDER BY id").rows {
                if let version = row[0] { latest[version] = row[1] == "t" }
            }
            recorded = latest.filter { $0.value && $0.key != "0" }.map(\.key)
        case .sqlx:
            for row in try connection.query("SELECT version::text, encode(checksum, 'hex'), success FROM \(table)").rows {
                guard let version = row[0] else { continue }
                if row[2] != "t" { applied.dirty = version }
                recorded.append(version)
                applied.checksums[version] = row[1] ?? ""
            }
        case .flyway:
            var state: [String: (Bool, String)] = [:]
            for row in try connection.query("SELECT version, type, success, checksum::text FROM \(table) WHERE version IS NOT NULL ORDER BY installed_rank").rows {
                guard let text = row[0], let version = FlywayVersion(text) else { continue }
                let id = original.revisions.first { FlywayVersion($0.id) == version }?.id ?? text
                if row[1] == "DELETE" { state[id] = nil; continue }
                if row[2] != "t" { applied.dirty = text; continue }
                state[id] = (true, row[3] ?? "")
            }
            recorded = Array(state.keys)
            for (id, value) in state { applied.checksums[id] = value.1 }
        case .prisma:
            for row in try connection.query("SELECT migration_name, checksum, finished_at IS NOT NULL FROM \(table) WHERE rolled_back_at IS NULL").rows {
                guard let name = row[0] else { continue }
                if row[2] != "t" { applied.dirty = name; continue }
                recorded.append(name)
                applied.checksums[name] = row[1] ?? ""
            }
        }
        for id in recorded {
            if original.position(of: id) != nil { applied.ids.insert(id) } else if !applied.unknown.contains(id) { applied.unknown.append(id) }
        }
        applied.unknown.sort()
        return applied
    }

    /// Where the database stands and what `fix` would do.
    public func plan(_ connection: PGConnection) throws -> Plan {
        guard let applied = try readApplied(connection), !applied.ids.isEmpty else {
            return Plan(standing: .fresh, reasons: [], replay: [], statements: [], unknown: [])
        }
        if let dirty = applied.dirty {
            throw StrataError.usage("\(table) records a failed or unfinished migration (\(dirty)): \(format.tool) refuses to go on until it is resolved; resolve it with \(format.tool) first")
        }
        let at = applied.ids.max { (original.position(of: $0) ?? -1) < (original.position(of: $1) ?? -1) } ?? ""
        let atPosition = original.position(of: at) ?? -1
        guard let initRevision, let kPosition = original.position(of: initRevision.id) else {
            return Plan(standing: .current(at: at), reasons: [], replay: [], statements: [], unknown: applied.unknown)
        }
        var plan = Plan(standing: atPosition >= kPosition ? .current(at: at) : .behind(at: at), reasons: [], replay: [], statements: [], unknown: applied.unknown)
        var ids = applied.ids
        var checksums = applied.checksums
        if atPosition < kPosition {
            plan.replay = Array(original.revisions[(atPosition + 1)...kPosition])
            plan.reasons.append(format == .alembic
                ? "it is at \(at), which the squash archived: Alembic fails on it (\"Can't locate revision identified by '\(at)'\"); the \(kPosition - atPosition) archived revision(s) after it are replayed through Alembic, which moves alembic_version to \(initRevision.id), the init revision's id"
                : "it is at \(at), before the squash point \(initRevision.id): \(format.tool) would run the init revision (a dump of the whole schema at \(initRevision.id)) on top of it; the \(plan.replay.count) archived revision(s) after \(at) are replayed and recorded instead")
            for revision in plan.replay {
                ids.insert(revision.id)
                checksums[revision.id] = originalChecksum(revision)
            }
        }
        let squashedIDs = original.revisions[..<kPosition].map(\.id).filter { ids.contains($0) }
        let initChecksum = checksum(of: initRevision, files: currentFiles)
        switch format {
        case .sqlx:
            if !squashedIDs.isEmpty {
                plan.reasons.append("sqlx refuses rows of versions it no longer has (VersionMissing): \(squashedIDs.count) row(s) of squashed versions go")
                plan.statements.append("DELETE FROM \(table) WHERE version IN (\(squashedIDs.joined(separator: ", ")))")
            }
            if checksums[initRevision.id] != initChecksum {
                plan.reasons.append("sqlx compares the checksum of applied version \(initRevision.id) with its file (VersionMismatch): it becomes the init revision's")
                plan.statements.append("UPDATE \(table) SET checksum = '\\x\(initChecksum)'::bytea, description = \(quoteLiteral(initRevision.message ?? "")) WHERE version = \(initRevision.id)")
            }
        case .flyway:
            if !squashedIDs.isEmpty {
                plan.reasons.append("Flyway validate fails on applied versions with no file (\"Detected applied migration not resolved locally\"): \(squashedIDs.count) squashed version(s) are marked deleted, as `flyway repair` does")
                for id in squashedIDs {
                    plan.statements.append("INSERT INTO \(table) (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success) SELECT (SELECT coalesce(max(installed_rank), 0) + 1 FROM \(table)), version, description, 'DELETE', script, checksum, current_user, 0, true FROM \(table) WHERE version = \(quoteLiteral(id)) AND type <> 'DELETE' ORDER BY installed_rank DESC LIMIT 1")
                }
            }
            if checksums[initRevision.id] != initChecksum {
                plan.reasons.append("Flyway validate compares the checksum of applied version \(initRevision.id) with its file (\"Migration checksum mismatch\"): it becomes the init revision's, as `flyway repair` realigns it")
                plan.statements.append("UPDATE \(table) SET checksum = \(initChecksum) WHERE version = \(quoteLiteral(initRevision.id)) AND type <> 'DELETE'")
            }
        case .prisma:
            if !squashedIDs.isEmpty {
                plan.reasons.append("`prisma migrate status`/`dev` report applied migrations missing from the directory: \(squashedIDs.count) row(s) of squashed migrations go (`migrate deploy` itself ignores them)")
                plan.statements.append("DELETE FROM \(table) WHERE migration_name IN (\(squashedIDs.map(quoteLiteral).joined(separator: ", ")))")
            }
            if checksums[initRevision.id] != initChecksum {
                plan.reasons.append("`prisma migrate status`/`dev` report migration \(initRevision.id) as modified since it was applied: its checksum becomes the init revision's")
                plan.statements.append("UPDATE \(table) SET checksum = \(quoteLiteral(initChecksum)) WHERE migration_name = \(quoteLiteral(initRevision.id))")
            }
        default:
            break
        }
        return plan
    }

    /// `verify drift` on a deployed database: the original history (every squash expanded) built
    /// to the revision the tool's table says, compared with the live schema (the bookkeeping
    /// table left out).
    public func drift(_ connection: PGConnection, scratch: ScratchPool) throws -> DriftDetector.Report {
        let at: String?
        switch try plan(connection).standing {
        case .fresh: at = nil
        case .current(let revision), .behind(let revision): at = revision
        }
        let qualified = try connection.query("SELECT n.nspname || '.' || c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass($1)", [table]).rows.first?[0] ?? nil
        let detector = DriftDetector(history: original, scratch: scratch, options: MigrateOptions(versionTable: VersionTable(workspace.configuration.versionTable)))
        return try detector.compare(live: connection, at: at, excluding: qualified ?? "")
    }

    // MARK: - Checksums as each tool keeps them

    func originalChecksum(_ revision: Revision) -> String { checksum(of: revision, files: originalFiles) }

    func checksum(of revision: Revision, files: [String: Data]) -> String {
        guard let name = revision.fileName, let data = files[name] else { return "" }
        switch format {
        case .sqlx: return SHA256Hex.hex(ToolChecksum.sha384(data))
        case .flyway: return String(Self.flywayChecksum(data))
        case .prisma: return ToolChecksum.sha256Hex(data)
        default: return ""
        }
    }

    /// Flyway's checksum: CRC-32 over the UTF-8 bytes of the lines without their terminators
    /// (a BOM at the start dropped), as a signed 32-bit integer.
    public static func flywayChecksum(_ data: Data) -> Int32 {
        var text = String(decoding: data, as: UTF8.self)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(data.count)
        for byte in text.utf8 where byte != 0x0A && byte != 0x0D { bytes.append(byte) }
        let crc = bytes.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }
        return Int32(bitPattern: UInt32(truncatingIfNeeded: crc))
    }

    // MARK: - Fix

    /// The statements that record one replayed revision, as the tool records it.
    func recordStatements(_ revision: Revision) -> [String] {
        let version = revision.id
        switch format {
        case .strata, .alembic: return []  // Alembic records its own steps
        case .diesel, .dbmate: return ["INSERT INTO \(table) (version) VALUES (\(quoteLiteral(version)))"]
        case .golangMigrate: return ["TRUNCATE \(table)", "INSERT INTO \(table) (version, dirty) VALUES (\(version), false)"]
        case .goose: return ["INSERT INTO \(table) (version_id, is_applied) VALUES (\(version), true)"]
        case .sqlx:
            return ["INSERT INTO \(table) (version, description, success, checksum, execution_time) VALUES (\(version), \(quoteLiteral(revision.message ?? "")), TRUE, '\\x\(originalChecksum(revision))'::bytea, -1)"]
        case .flyway:
            let script = revision.fileName ?? ""  // relative to the location, as Flyway records it
            return ["INSERT INTO \(table) (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success) VALUES ((SELECT coalesce(max(installed_rank), 0) + 1 FROM \(table)), \(quoteLiteral(version)), \(quoteLiteral(revision.message ?? "")), 'SQL', \(quoteLiteral(script)), \(originalChecksum(revision)), current_user, 0, true)"]
        case .prisma:
            return ["INSERT INTO \(table) (id, checksum, migration_name, logs, started_at, finished_at, applied_steps_count) VALUES (gen_random_uuid()::text, \(quoteLiteral(originalChecksum(revision))), \(quoteLiteral(version)), '', now(), now(), 1)"]
        }
    }

    /// Does the plan: replays each archived revision the way the tool runs it (in its own
    /// transaction with its bookkeeping row, or bare when it is not transactional), then the
    /// bookkeeping statements in one transaction. Returns the plan done.
    public func fix(_ connection: PGConnection) throws -> Plan {
        let plan = try plan(connection)
        let lockKey = "strata deployed \(table)"
        try connection.query("SELECT pg_advisory_lock(hashtextextended($1, 0))", [lockKey])
        defer { _ = try? connection.query("SELECT pg_advisory_unlock(hashtextextended($1, 0))", [lockKey]) }
        if format == .alembic, !plan.replay.isEmpty {
            // The project's Alembic replays the archived revisions and moves alembic_version itself.
            guard let pool = try AlembicHelperPool(history: original, display: "archive") else {
                throw StrataError.environment("an Alembic revision without its project")
            }
            let helper = try pool.take(for: connection.connectionString)
            defer { helper.close() }
            for revision in plan.replay {
                do {
                    try helper.step(revision, .up, record: true)
                } catch let error as MigrationError {
                    throw StrataError.usage("replaying \(revision.displayName) from the archive failed at \(error.location): \(error.server.description); the revisions before it stay applied and recorded; nothing else was changed")
                }
            }
        }
        for revision in plan.replay where format != .alembic {
            let record = recordStatements(revision).map { $0 + ";\n" }.joined()
            let executor = RevisionExecutor(connection: connection, directoryDisplay: "archive")
            do {
                try executor.apply(revision, .up, record: record)
            } catch let failure as RevisionExecutor.Failure {
                throw StrataError.usage("replaying \(revision.displayName) from the archive failed at \(executor.location(of: failure, revision, .up)): \(failure.server.description); the revisions before it stay applied and recorded; nothing else was changed")
            } catch {
                throw StrataError.usage("replaying \(revision.displayName) from the archive failed: \(error); the revisions before it stay applied and recorded; nothing else was changed")
            }
        }
        if !plan.statements.isEmpty {
            do {
                try connection.execute("BEGIN;\n" + plan.statements.map { $0 + ";\n" }.joined() + "COMMIT")
            } catch {
                _ = try? connection.execute("ROLLBACK")
                throw error
            }
        }
        return plan
    }

    /// For `squash --deployed`: the oldest revision any of the databases is at.
    public static func squashPoint(workspace: Workspace, urls: [String]) throws -> (revision: String, display: String) {
        let own = workspace.configuration.format == .strata
        let deployed = own ? nil : try DeployedDatabases(workspace: workspace)
        let history = try deployed?.history ?? workspace.history()
        var oldest: (position: Int, revision: String, display: String)?
        for url in urls {
            let connection = try PGConnection(ConnectionString(url))
            defer { connection.close() }
            let display = ConnectionString(url).description
            var at: String?
            if let deployed {
                switch try deployed.plan(connection).standing {
                case .fresh: at = nil
                case .current(let revision), .behind(let revision): at = revision
                }
            } else {
                // strata's own format: its version table.
                let migrator = try Migrator(connection: connection, history: history, options: MigrateOptions(versionTable: VersionTable(workspace.configuration.versionTable)))
                let state = try migrator.state()
                at = state.behind?.appliedID ?? state.current?.id
            }
            guard let at else {
                throw StrataError.usage("\(display) records no applied revision\(deployed.map { " in \($0.table)" } ?? ""): it is not a deployed database of this history")
            }
            guard let position = history.position(of: at) else {
                throw StrataError.usage("\(display) is at \(at), which an earlier squash replaced: \(own ? "bring it to the squash point with `strata upgrade --from-archive`" : "run `strata deployed fix` on it") first")
            }
            if oldest == nil || position < oldest!.position { oldest = (position, at, display) }
        }
        guard let oldest else { throw StrataError.usage("--deployed needs at least one URL") }
        return (oldest.revision, oldest.display)
    }
}
