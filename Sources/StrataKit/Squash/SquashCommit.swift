import Foundation

/// Writes a squash to disk so that a kill at any point loses nothing: a journal in the
/// migrations directory says what is being done; the next `strata squash` finishes it (once the
/// archive is written and checked) or undoes it (before that).
///
/// Steps, each a fault point for tests (`STRATA_FAULT_AT=k` exits right before step k):
/// 1 journal (phase archiving) · 2 archive written · 3 journal (phase committing, after the
/// archive was read back and checked) · 4 init revision written · 5 kept revision re-pointed ·
/// 6 squashed files removed · 7 sum rewritten · 8 journal removed.
public struct SquashCommit: Codable, Sendable {
    public static let journalName = ".strata-squash-journal.json"

    public enum Phase: String, Codable, Sendable { case archiving, committing }

    public var phase: Phase
    public var archivePath: String
    /// The files written, in order: the init revision's, then (format v1) the re-pointed kept
    /// revision. Paths relative to the migrations directory.
    public var writes: [InitWriter.File]
    /// The squashed revisions' files that go (those the init revision does not overwrite).
    public var removals: [String]
    /// Written last: the sum files (`strata.sum`, `atlas.sum`).
    public var finalWrites: [InitWriter.File]
    /// Files the archive holds byte for byte: the squashed revisions' files.
    public var squashedFiles: [String]
    /// Format v1: the oldest kept revision's file before it was re-pointed.
    public var keptFileName: String?
    /// The archive's bytes are not in the journal; it is written from this plan.
    public var manifest: ArchiveManifest
    var migrationsPath: String

    /// A tool's sum files archived as they were (`atlas.sum`); `strata.sum` is the manifest's `sum`.
    var toolFiles: [String] { manifest.toolFiles?.map(\.file) ?? [] }

    private var migrationsURL: URL { URL(fileURLWithPath: migrationsPath) }
    private var journalURL: URL { migrationsURL.appendingPathComponent(Self.journalName) }
    private var archiveURL: URL { URL(fileURLWithPath: archivePath) }

    // MARK: - Plan

    static func prepare(directory: MigrationDirectory, squashed: [Revision], kept: Revision?, initRevision: Revision, initText: String,
                        initFileName: String, archiveURL: URL, archiveName: String, fingerprint: String, now: Date) throws -> SquashCommit {
        func entry(_ revision: Revision?, file: String, data: Data) -> ArchiveManifest.File {
            ArchiveManifest.File(id: revision?.id, parent: revision?.parents.first, file: file, sha256: SHA256Hex.of(data), bytes: data.count)
        }
        var files: [ArchiveManifest.File] = []
        for revision in squashed {
            guard let name = revision.fileName, let data = FileManager.default.contents(atPath: directory.url.appendingPathComponent(name).path) else {
                throw StrataError.environment("cannot read \(revision.displayName)")
            }
            files.append(entry(revision, file: name, data: data))
        }
        var keptEntry: ArchiveManifest.File?
        var keptNewText: String?
        if let kept, let name = kept.fileName, let line = kept.headerLines["down_revision"] {
            guard let data = FileManager.default.contents(atPath: directory.url.appendingPathComponent(name).path),
                  let rewritten = RevisionWriter.replacingHeader("down_revision", with: initRevision.id, in: String(decoding: data, as: UTF8.self), line: line)
            else { throw StrataError.environment("cannot re-point \(name) at the init revision") }
            keptEntry = entry(kept, file: name, data: data)
            keptNewText = rewritten
        }
        let sumData = directory.sumText.map { Data($0.utf8) }
        let manifest = ArchiveManifest(
            name: archiveName, created: RevisionWriter.iso8601(now), initRevision: initRevision.id,
            squashPoint: squashed.last?.id ?? "", revisions: files, keptRevision: keptEntry,
            sum: sumData.map { entry(nil, file: SumFile.fileName, data: $0) }, schemaFingerprint: fingerprint,
            strataVersion: StrataVersion.string
        )
        // The sum after the squash: the init file, then the kept files (the first one rewritten).
        var entries = [SumFile.Entry(fileName: initFileName, sha256: SHA256Hex.of(initText))]
        if let kept, let name = kept.fileName, let text = keptNewText {
            entries.append(SumFile.Entry(fileName: name, sha256: SHA256Hex.of(text)))
        }
        let rest = try directory.history().revisions.drop { $0.id != kept?.id }.dropFirst()
        for revision in rest {
            if let name = revision.fileName { entries.append(SumFile.Entry(fileName: name, sha256: directory.fileHashes[name] ?? "")) }
        }
        var writes = [InitWriter.File(path: initFileName, text: initText)]
        if let name = kept?.fileName, let keptNewText { writes.append(InitWriter.File(path: name, text: keptNewText)) }
        return SquashCommit(
            phase: .archiving, archivePath: archiveURL.path, writes: writes, removals: files.map(\.file),
            finalWrites: [InitWriter.File(path: SumFile.fileName, text: SumFile.render(entries))],
            squashedFiles: files.map(\.file), keptFileName: kept?.fileName,
            manifest: manifest, migrationsPath: directory.url.path
        )
    }

    /// The plan for a history in a tool's layout: the init files take revision k's names, the
    /// kept files stay as they are, `atlas.sum` is rewritten when there is one.
    static func prepareInPlace(directory: MigrationDirectory, squashed: [Revision], initRevision: Revision, initFiles: [InitWriter.File],
                               archiveURL: URL, archiveName: String, fingerprint: String, now: Date) throws -> SquashCommit {
        guard let tree = directory.tree else { throw StrataError.environment("the history's files were not read") }
        var files: [ArchiveManifest.File] = []
        for revision in squashed {
            for path in revision.files {
                guard let data = tree.files[path] else { throw StrataError.environment("cannot read \(path)") }
                files.append(ArchiveManifest.File(id: revision.id, parent: revision.parents.first, file: path, sha256: SHA256Hex.of(data), bytes: data.count))
            }
        }
        var toolEntries: [ArchiveManifest.File] = []
        var finalWrites: [InitWriter.File] = []
        if directory.format == .golangMigrate, let atlas = tree.files[AtlasSum.fileName] {
            toolEntries.append(ArchiveManifest.File(id: nil, parent: nil, file: AtlasSum.fileName, sha256: SHA256Hex.of(atlas), bytes: atlas.count))
            var after = tree.files
            for file in files { after[file.file] = nil }
            for file in initFiles { after[file.path] = Data(file.text.utf8) }
            finalWrites.append(InitWriter.File(path: AtlasSum.fileName, text: AtlasSum.render(after)))
        }
        let written = Set(initFiles.map(\.path))
        var manifest = ArchiveManifest(
            name: archiveName, created: RevisionWriter.iso8601(now), initRevision: initRevision.id,
            squashPoint: squashed.last?.id ?? "", revisions: files, keptRevision: nil, sum: nil,
            schemaFingerprint: fingerprint, strataVersion: StrataVersion.string
        )
        manifest.historyFormat = directory.format.rawValue
        manifest.initFiles = initFiles.map(\.path)
        manifest.toolFiles = toolEntries.isEmpty ? nil : toolEntries
        return SquashCommit(
            phase: .archiving, archivePath: archiveURL.path, writes: initFiles, removals: files.map(\.file).filter { !written.contains($0) },
            finalWrites: finalWrites, squashedFiles: files.map(\.file), keptFileName: nil,
            manifest: manifest, migrationsPath: directory.url.path
        )
    }

    // MARK: - Execute

    static func faultPoint(_ k: Int) {
        if let value = ProcessInfo.processInfo.environment["STRATA_FAULT_AT"], Int(value) == k {
            FileHandle.standardError.write(Data("strata: fault injected before write step \(k)\n".utf8))
            _exit(86)
        }
    }

    func writeJournal() throws {
        try AtomicFile.write(Data(JSONText.encode(self).utf8), to: journalURL)
    }

    /// Runs every step from the start.
    func execute() throws {
        Self.faultPoint(1)
        try writeJournal()
        try writeArchiveAndCheck()
        var committing = self
        committing.phase = .committing
        Self.faultPoint(3)
        try committing.writeJournal()
        try committing.rollForward()
    }

    private func writeArchiveAndCheck() throws {
        var files: [String: Data] = [:]
        for file in squashedFiles {
            guard let data = FileManager.default.contents(atPath: migrationsURL.appendingPathComponent(file).path) else {
                throw StrataError.environment("cannot read \(file) to archive it")
            }
            files[file] = data
        }
        let kept = keptFileName.flatMap { FileManager.default.contents(atPath: migrationsURL.appendingPathComponent($0).path) }
        let sum = manifest.sum == nil ? nil : FileManager.default.contents(atPath: migrationsURL.appendingPathComponent(SumFile.fileName).path)
        var tools: [String: Data] = [:]
        for name in toolFiles {
            tools[name] = FileManager.default.contents(atPath: migrationsURL.appendingPathComponent(name).path)
        }
        let modified = Int((ISO8601DateFormatter().date(from: manifest.created) ?? Date()).timeIntervalSince1970)
        let bytes = try SquashArchive.encode(manifest: manifest, files: files, kept: kept, sum: sum, tools: tools, modified: modified)
        Self.faultPoint(2)
        try AtomicFile.write(bytes, to: archiveURL)
        // Read it back and check every file before any revision file changes.
        let back = try SquashArchive.read(archiveURL)
        guard back.manifest == manifest, back.files == files else {
            throw StrataError.environment("the archive \(DisplayPath.of(archiveURL)) did not read back as written; nothing else was changed")
        }
    }

    /// Steps 4–8; each is idempotent, so a resumed commit can run them again.
    func rollForward() throws {
        let fm = FileManager.default
        for (index, write) in writes.enumerated() {
            Self.faultPoint(index == 0 ? 4 : 5)
            let url = migrationsURL.appendingPathComponent(write.path)
            if fm.contents(atPath: url.path) != Data(write.text.utf8) { try AtomicFile.write(write.text, to: url, createDirectory: true) }
        }
        Self.faultPoint(6)
        for file in removals {
            let url = migrationsURL.appendingPathComponent(file)
            if fm.fileExists(atPath: url.path) { try fm.removeItem(at: url) }
            // A migration's directory (diesel, Prisma) goes with its last file.
            let parent = url.deletingLastPathComponent()
            if parent.standardizedFileURL.path != migrationsURL.standardizedFileURL.path,
               (try? fm.contentsOfDirectory(atPath: parent.path))?.isEmpty == true {
                try? fm.removeItem(at: parent)
            }
        }
        Self.faultPoint(7)
        for write in finalWrites {
            try AtomicFile.write(write.text, to: migrationsURL.appendingPathComponent(write.path))
        }
        Self.faultPoint(8)
        try? fm.removeItem(at: journalURL)
    }

    /// Before the archive was checked: remove what was written; the tree is the original.
    func rollBack() throws {
        let fm = FileManager.default
        if fm.fileExists(atPath: archiveURL.path) { try fm.removeItem(at: archiveURL) }
        try? fm.removeItem(at: journalURL)
    }

    // MARK: - Recovery

    public enum Recovery: Sendable, Equatable { case none, finished(String), undone(String) }

    /// Finishes or undoes an interrupted squash in `migrations`.
    public static func recover(migrations: URL) throws -> Recovery {
        let url = migrations.appendingPathComponent(journalName)
        guard let data = FileManager.default.contents(atPath: url.path) else { return .none }
        let journal: SquashCommit
        do {
            journal = try JSONDecoder().decode(SquashCommit.self, from: data)
        } catch {
            throw StrataError.environment("\(DisplayPath.of(url)) is unreadable (\(error)); it records an interrupted squash: inspect it, then remove it")
        }
        var located = journal
        located.migrationsPath = migrations.path
        switch journal.phase {
        case .archiving:
            try located.rollBack()
            return .undone(journal.manifest.name)
        case .committing:
            // The archive was checked before this phase began; check it again before relying on it.
            _ = try SquashArchive.read(located.archiveURL)
            try located.rollForward()
            return .finished(journal.manifest.name)
        }
    }

    /// Whether an interrupted squash waits in `migrations`.
    public static func pending(in migrations: URL) -> Bool {
        FileManager.default.fileExists(atPath: migrations.appendingPathComponent(journalName).path)
    }
}
