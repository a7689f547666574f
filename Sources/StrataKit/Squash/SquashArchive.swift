import Foundation

/// The manifest inside an archive: what was squashed, in which order, with checksums.
public struct ArchiveManifest: Codable, Sendable, Hashable {
    public struct File: Codable, Sendable, Hashable {
        public var id: String?
        public var parent: String?
        public var file: String
        public var sha256: String
        public var bytes: Int
    }

    public var archiveFormat: String = "strata-archive/1"

    enum CodingKeys: String, CodingKey {
        case archiveFormat = "format", name, created, initRevision, squashPoint, revisions, keptRevision, sum, schemaFingerprint, strataVersion,
             historyFormat, initFiles, toolFiles
    }
    public var name: String
    public var created: String
    /// The init revision that replaces the archived revisions.
    public var initRevision: String
    /// The last squashed revision: databases stamped with it are at the init revision.
    public var squashPoint: String
    /// The squashed revision files, oldest first, byte for byte in `revisions/`.
    public var revisions: [File]
    /// The oldest kept revision's file as it was before squash re-pointed it (in `kept/`).
    public var keptRevision: File?
    /// `strata.sum` as it was before the squash.
    public var sum: File?
    /// SHA-256 of the reflected schema and data at the squash point.
    public var schemaFingerprint: String
    public var strataVersion: String
    /// The history's layout when it is a tool's (`nil`: strata's format v1).
    public var historyFormat: String?
    /// In a tool's layout: the files the init revision was written to (restore removes those the
    /// archived files do not bring back).
    public var initFiles: [String]?
    /// In a tool's layout: sum files the tool keeps (`atlas.sum`) as they were, in `tool/`.
    public var toolFiles: [File]?

    /// How many revisions the archive holds (a tool's revision may be several files).
    public var revisionCount: Int {
        var ids: [String] = []
        for id in revisions.compactMap(\.id) where ids.last != id { ids.append(id) }
        return ids.count
    }

    /// The layout of the archived files.
    public var format: HistoryFormat { historyFormat.flatMap(HistoryFormat.init(rawValue:)) ?? .strata }
}

/// An archive read back from disk and checked.
public struct SquashArchive: Sendable {
    public var url: URL
    public var manifest: ArchiveManifest
    /// Archived revision files by file name, byte for byte.
    public var files: [String: Data]
    public var keptOriginal: Data?
    public var sumOriginal: Data?
    /// Tool sum files as they were before the squash, by name.
    public var toolOriginals: [String: Data] = [:]
    /// How to read the archived files of a tool's layout (Flyway placeholders).
    public var settings = FormatSettings()

    public var name: String { manifest.name }

    /// The archived revisions, parsed, oldest first.
    public func revisions() throws(StrataError) -> [Revision] {
        if manifest.format != .strata {
            let read = FormatReader(format: manifest.format, settings: settings, display: "\(DisplayPath.of(url))!").read(SourceTree(files: files))
            if !read.errors.isEmpty { throw .invalidFiles(read.errors) }
            if manifest.format == .alembic {
                // Alembic's order is its graph's, not its files'.
                let graph = RevisionGraph(read.revisions)
                guard let order = graph.linearOrder() ?? graph.topologicalOrder() else {
                    throw .usage("the Alembic revisions in archive \(DisplayPath.of(url)) do not form one history (several roots or heads, a cycle, or a missing down_revision)")
                }
                return order
            }
            return read.revisions
        }
        var out: [Revision] = []
        var errors: [RevisionFileError] = []
        for entry in manifest.revisions {
            guard let data = files[entry.file] else { throw .usage("archive \(DisplayPath.of(url)) lacks \(entry.file)") }
            do {
                var revision = try RevisionParser.parse(data, file: "\(DisplayPath.of(url))!\(entry.file)")
                revision.fileName = entry.file
                out.append(revision)
            } catch {
                errors.append(error)
            }
        }
        if !errors.isEmpty { throw .invalidFiles(errors) }
        return out
    }

    // MARK: - Writing

    /// The archive's bytes: a tar.gz with `<name>/manifest.json`, `<name>/revisions/…`,
    /// `<name>/kept/…` and `<name>/strata.sum`.
    public static func encode(manifest: ArchiveManifest, files: [String: Data], kept: Data?, sum: Data?, tools: [String: Data] = [:], modified: Int) throws(StrataError) -> Data {
        let root = manifest.name
        var entries: [Tar.Entry] = [Tar.Entry(path: "\(root)/manifest.json", data: Data(JSONText.encode(manifest).utf8), modified: modified)]
        for entry in manifest.revisions {
            entries.append(Tar.Entry(path: "\(root)/revisions/\(entry.file)", data: files[entry.file] ?? Data(), modified: modified))
        }
        if let kept, let keptEntry = manifest.keptRevision {
            entries.append(Tar.Entry(path: "\(root)/kept/\(keptEntry.file)", data: kept, modified: modified))
        }
        if let sum { entries.append(Tar.Entry(path: "\(root)/\(SumFile.fileName)", data: sum, modified: modified)) }
        for file in manifest.toolFiles ?? [] {
            entries.append(Tar.Entry(path: "\(root)/tool/\(file.file)", data: tools[file.file] ?? Data(), modified: modified))
        }
        do {
            return try Gzip.compress(try Tar.write(entries))
        } catch let error as Tar.Failure {
            throw .environment("cannot build the archive: \(error.description)")
        } catch {
            throw .environment("cannot compress the archive: \(error)")
        }
    }

    // MARK: - Reading

    /// Reads an archive and checks every file against the manifest's SHA-256.
    public static func read(_ url: URL) throws(StrataError) -> SquashArchive {
        let display = DisplayPath.of(url)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw .environment("cannot read archive \(display)")
        }
        let entries: [Tar.Entry]
        do {
            entries = try Tar.read(try Gzip.decompress(data))
        } catch let error as Gzip.Failure {
            throw .usage("archive \(display) is damaged: \(error.description)")
        } catch let error as Tar.Failure {
            throw .usage("archive \(display) is damaged: \(error.description)")
        } catch {
            throw .usage("archive \(display) is damaged: \(error)")
        }
        guard let manifestEntry = entries.first(where: { $0.path.hasSuffix("/manifest.json") }) else {
            throw .usage("archive \(display) has no manifest.json")
        }
        let root = String(manifestEntry.path.dropLast("/manifest.json".count))
        let manifest: ArchiveManifest
        do {
            manifest = try JSONDecoder().decode(ArchiveManifest.self, from: manifestEntry.data)
        } catch {
            throw .usage("archive \(display): manifest.json is unreadable: \(error)")
        }
        var byPath: [String: Data] = [:]
        for entry in entries { byPath[entry.path] = entry.data }
        var files: [String: Data] = [:]
        for file in manifest.revisions {
            guard let bytes = byPath["\(root)/revisions/\(file.file)"] else {
                throw .usage("archive \(display) lacks revisions/\(file.file), which its manifest lists")
            }
            guard SHA256Hex.of(bytes) == file.sha256, bytes.count == file.bytes else {
                throw .usage("archive \(display): revisions/\(file.file) does not match its SHA-256 in the manifest")
            }
            files[file.file] = bytes
        }
        var kept: Data?
        if let keptFile = manifest.keptRevision {
            guard let bytes = byPath["\(root)/kept/\(keptFile.file)"], SHA256Hex.of(bytes) == keptFile.sha256 else {
                throw .usage("archive \(display): kept/\(keptFile.file) is missing or does not match its SHA-256")
            }
            kept = bytes
        }
        var sum: Data?
        if let sumFile = manifest.sum {
            guard let bytes = byPath["\(root)/\(SumFile.fileName)"], SHA256Hex.of(bytes) == sumFile.sha256 else {
                throw .usage("archive \(display): \(SumFile.fileName) is missing or does not match its SHA-256")
            }
            sum = bytes
        }
        var tools: [String: Data] = [:]
        for file in manifest.toolFiles ?? [] {
            guard let bytes = byPath["\(root)/tool/\(file.file)"], SHA256Hex.of(bytes) == file.sha256 else {
                throw .usage("archive \(display): tool/\(file.file) is missing or does not match its SHA-256")
            }
            tools[file.file] = bytes
        }
        return SquashArchive(url: url, manifest: manifest, files: files, keptOriginal: kept, sumOriginal: sum, toolOriginals: tools)
    }

    /// Every archive in a directory, oldest first (by creation time, then name).
    public static func all(in directory: URL) throws(StrataError) -> [SquashArchive] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return [] }
        var archives: [SquashArchive] = []
        for name in names.sorted() where name.hasSuffix(".tar.gz") && !name.hasPrefix(".") {
            archives.append(try read(directory.appendingPathComponent(name)))
        }
        return archives.sorted { ($0.manifest.created, $0.name) < ($1.manifest.created, $1.name) }
    }
}
