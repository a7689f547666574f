import Foundation

/// `strata archive list | show | verify | restore`.
public struct ArchiveOperations {
    public let workspace: Workspace

    public init(workspace: Workspace) {
        self.workspace = workspace
    }

    private var directory: URL { workspace.configuration.archiveDirectory }

    public func list() throws(StrataError) -> [SquashArchive] {
        try SquashArchive.all(in: directory)
    }

    /// The archive that holds `reference`: an archive name (with or without `.tar.gz`), an init
    /// revision id, or the id of an archived revision. Returns the archive and, for an archived
    /// revision, its file name.
    public func find(_ reference: String) throws(StrataError) -> (SquashArchive, String?) {
        let archives = try list()
        for archive in archives {
            if archive.name == reference || archive.url.lastPathComponent == reference || archive.manifest.initRevision == reference {
                return (archive, nil)
            }
            let matches = archive.manifest.revisions.filter { $0.id == reference || ($0.id?.hasPrefix(reference) == true && reference.count >= 4) }
            // A revision of several files (a tool's layout): its up file, not its down file.
            func isDown(_ path: String) -> Bool {
                let name = path.split(separator: "/").last.map(String.init) ?? path
                return name == "down.sql" || name.contains(".down.") || name.hasPrefix("U")
            }
            if let file = matches.first(where: { !isDown($0.file) }) ?? matches.first {
                return (archive, file.file)
            }
        }
        throw .usage("no archive in \(DisplayPath.of(directory)) holds \(reference)")
    }

    /// Problems found by reading every archive and matching it with the history's init revisions.
    public func verify() throws(StrataError) -> [String] {
        var problems: [String] = []
        var archives: [SquashArchive] = []
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path))?.filter { $0.hasSuffix(".tar.gz") }.sorted() ?? []
        for name in names {
            do {
                archives.append(try SquashArchive.read(directory.appendingPathComponent(name)))
            } catch {
                problems.append(error.description)
            }
        }
        let history = try workspace.history()
        for revision in history.revisions where revision.isSquashInit {
            guard let name = revision.archive else {
                problems.append("init revision \(revision.id) has no `archive` header")
                continue
            }
            guard let archive = archives.first(where: { $0.url.lastPathComponent == name }) else {
                problems.append("init revision \(revision.id) names archive \(name), which is missing from \(DisplayPath.of(directory))")
                continue
            }
            if let count = revision.squashCount {
                var ids: [String] = []
                for id in archive.manifest.revisions.compactMap(\.id) where ids.last != id { ids.append(id) }
                if ids.count != count || ids.last != revision.id {
                    problems.append("archive \(name) holds \(ids.count) revisions ending at \(ids.last ?? "none"), but init revision \(revision.displayName) replaces \(count) ending at \(revision.id)")
                }
            } else if archive.manifest.revisions.compactMap(\.id) != revision.replaces {
                problems.append("archive \(name) holds \(archive.manifest.revisions.compactMap(\.id).joined(separator: ", ")), but \(revision.id) replaces \(revision.replaces.joined(separator: ", "))")
            }
            if archive.manifest.initRevision != revision.id {
                problems.append("archive \(name) belongs to init revision \(archive.manifest.initRevision), not \(revision.id)")
            }
        }
        if problems.isEmpty {
            // The chain must expand: every nested init has its archive too.
            do {
                _ = try ExpandedHistory.expand(history, archiveDirectory: directory, settings: try workspace.formatSettings())
            } catch {
                problems.append(error.description)
            }
        }
        return problems
    }

    public struct Restored: Sendable {
        public var archive: String
        public var restoredFiles: [String]
        public var removedInit: String
        public var sumRestoredByteForByte: Bool
        /// How many revisions came back (a tool's revision may be several files).
        public var revisions = 0
    }

    /// The inverse of the newest squash: the archived files come back byte for byte, the oldest
    /// kept revision points at the squash point again, the init revision goes, and the sum is the
    /// one from before the squash (recomputed if revisions were added since).
    public func restore(keepArchive: Bool) throws(StrataError) -> Restored {
        let migrations = try workspace.migrations()
        let history = try migrations.history()
        guard let initRevision = history.revisions.first(where: { $0.isSquashInit }), let name = initRevision.archive else {
            throw .usage("the history has no init revision; there is no squash to restore")
        }
        let archive = try SquashArchive.read(directory.appendingPathComponent(name))
        if migrations.format != .strata {
            return try restoreInPlace(archive, migrations: migrations, initRevision: initRevision, keepArchive: keepArchive)
        }
        let fm = FileManager.default
        var restored: [String] = []
        for file in archive.manifest.revisions {
            let url = migrations.url.appendingPathComponent(file.file)
            if fm.fileExists(atPath: url.path) && fm.contents(atPath: url.path) != archive.files[file.file] {
                throw .usage("\(DisplayPath.of(url)) exists and differs from the archived file; move it away first")
            }
        }
        for file in archive.manifest.revisions {
            guard let data = archive.files[file.file] else { continue }
            try AtomicFile.write(data, to: migrations.url.appendingPathComponent(file.file))
            restored.append(file.file)
        }
        if let kept = archive.manifest.keptRevision, let data = archive.keptOriginal {
            let url = migrations.url.appendingPathComponent(kept.file)
            if fm.fileExists(atPath: url.path), let current = fm.contents(atPath: url.path) {
                // Only the down_revision line changed in squash; keep any later edit otherwise.
                let currentText = String(decoding: current, as: UTF8.self)
                if let line = (try? RevisionParser.parse(current, file: kept.file))?.headerLines["down_revision"],
                   let back = RevisionWriter.replacingHeader("down_revision", with: archive.manifest.squashPoint, in: currentText, line: line),
                   Data(back.utf8) != data {
                    try AtomicFile.write(back, to: url)
                } else {
                    try AtomicFile.write(data, to: url)
                }
            }
        }
        if let initFile = initRevision.fileName {
            do {
                try fm.removeItem(at: migrations.url.appendingPathComponent(initFile))
            } catch {
                throw .environment("cannot remove \(initFile): \(error.localizedDescription)")
            }
        }
        let reloaded = try workspace.migrations()
        let expected = reloaded.expectedSum(for: try reloaded.history().revisions)
        var byteForByte = false
        if let original = archive.sumOriginal, String(decoding: original, as: UTF8.self) == expected {
            try AtomicFile.write(original, to: migrations.url.appendingPathComponent(SumFile.fileName))
            byteForByte = true
        } else {
            try AtomicFile.write(expected, to: migrations.url.appendingPathComponent(SumFile.fileName))
        }
        if !keepArchive {
            try? fm.removeItem(at: archive.url)
        }
        var result = Restored(archive: DisplayPath.of(archive.url), restoredFiles: restored, removedInit: initRevision.fileName ?? initRevision.id, sumRestoredByteForByte: byteForByte)
        result.revisions = Set(archive.manifest.revisions.compactMap(\.id)).count
        return result
    }

    /// Restore in a tool's layout: the archived files come back byte for byte (revision k's over
    /// the init revision that took its names), the init's other files go, and `atlas.sum` is the
    /// archived one when nothing was added since (else recomputed).
    private func restoreInPlace(_ archive: SquashArchive, migrations: MigrationDirectory, initRevision: Revision, keepArchive: Bool) throws(StrataError) -> Restored {
        let fm = FileManager.default
        let initFiles = Set(archive.manifest.initFiles ?? initRevision.files)
        for file in archive.manifest.revisions where !initFiles.contains(file.file) {
            let url = migrations.url.appendingPathComponent(file.file)
            if fm.fileExists(atPath: url.path) && fm.contents(atPath: url.path) != archive.files[file.file] {
                throw .usage("\(DisplayPath.of(url)) exists and differs from the archived file; move it away first")
            }
        }
        var restored: [String] = []
        for file in archive.manifest.revisions {
            guard let data = archive.files[file.file] else { continue }
            try AtomicFile.write(data, to: migrations.url.appendingPathComponent(file.file), createDirectory: true)
            restored.append(file.file)
        }
        let back = Set(restored)
        for file in initFiles where !back.contains(file) {
            let url = migrations.url.appendingPathComponent(file)
            if fm.fileExists(atPath: url.path) {
                do { try fm.removeItem(at: url) } catch { throw .environment("cannot remove \(file): \(error.localizedDescription)") }
            }
            let parent = url.deletingLastPathComponent()
            if parent.standardizedFileURL.path != migrations.url.standardizedFileURL.path,
               (try? fm.contentsOfDirectory(atPath: parent.path))?.isEmpty == true {
                try? fm.removeItem(at: parent)
            }
        }
        var byteForByte = true
        if let original = archive.toolOriginals[AtlasSum.fileName] {
            let tree = try SourceTree.read(migrations.url, format: migrations.format)
            let expected = AtlasSum.render(tree.files)
            if String(decoding: original, as: UTF8.self) == expected {
                try AtomicFile.write(original, to: migrations.url.appendingPathComponent(AtlasSum.fileName))
            } else {
                try AtomicFile.write(expected, to: migrations.url.appendingPathComponent(AtlasSum.fileName))
                byteForByte = false
            }
        }
        if !keepArchive { try? fm.removeItem(at: archive.url) }
        var result = Restored(archive: DisplayPath.of(archive.url), restoredFiles: restored, removedInit: initRevision.fileName ?? initRevision.id, sumRestoredByteForByte: byteForByte)
        result.revisions = Set(archive.manifest.revisions.compactMap(\.id)).count
        return result
    }
}
