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
    public var initFileName: String
    public var initText: String
    public var keptFileName: String?
    public var keptNewText: String?
    public var squashedFiles: [String]
    public var newSum: String
    /// The archive's bytes are not in the journal; it is written from this plan.
    public var manifest: ArchiveManifest
    var migrationsPath: String

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
        return SquashCommit(
            phase: .archiving, archivePath: archiveURL.path, initFileName: initFileName, initText: initText,
            keptFileName: kept?.fileName, keptNewText: keptNewText, squashedFiles: files.map(\.file),
            newSum: SumFile.render(entries), manifest: manifest, migrationsPath: directory.url.path
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
        let sum = FileManager.default.contents(atPath: migrationsURL.appendingPathComponent(SumFile.fileName).path)
        let modified = Int((ISO8601DateFormatter().date(from: manifest.created) ?? Date()).timeIntervalSince1970)
        let bytes = try SquashArchive.encode(manifest: manifest, files: files, kept: kept, sum: sum, modified: modified)
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
        Self.faultPoint(4)
        let initURL = migrationsURL.appendingPathComponent(initFileName)
        if fm.contents(atPath: initURL.path) != Data(initText.utf8) { try AtomicFile.write(initText, to: initURL) }
        Self.faultPoint(5)
        if let keptFileName, let keptNewText {
            let url = migrationsURL.appendingPathComponent(keptFileName)
            if fm.contents(atPath: url.path) != Data(keptNewText.utf8) { try AtomicFile.write(keptNewText, to: url) }
        }
        Self.faultPoint(6)
        for file in squashedFiles {
            let url = migrationsURL.appendingPathComponent(file)
            if fm.fileExists(atPath: url.path) { try fm.removeItem(at: url) }
        }
        Self.faultPoint(7)
        try AtomicFile.write(newSum, to: migrationsURL.appendingPathComponent(SumFile.fileName))
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
