import Foundation

/// A project on disk: its configuration and its migrations directory. The use cases of the
/// file-only commands (`init`, `new`, `hash`, `rebase`) live here; commands call them and format
/// the results.
public struct Workspace: Sendable {
    public var configuration: Configuration

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    public func migrations() throws(StrataError) -> MigrationDirectory {
        if SquashCommit.pending(in: configuration.migrationsDirectory) {
            throw .usage("an interrupted squash waits in \(DisplayPath.of(configuration.migrationsDirectory.appendingPathComponent(SquashCommit.journalName))); run `strata squash --resume` to finish it (or undo it, if its archive was not complete)")
        }
        return try MigrationDirectory.load(configuration.migrationsDirectory, format: configuration.format, settings: try formatSettings())
    }

    /// What the format's reader needs besides the files (for Alembic: the project).
    public func formatSettings() throws(StrataError) -> FormatSettings {
        var settings = configuration.formatSettings
        if configuration.format == .alembic { settings.alembic = try configuration.alembicProject() }
        return settings
    }

    public func history() throws(StrataError) -> History {
        try migrations().history()
    }

    // MARK: - init

    /// Creates `strata.toml`, `migrations/` (with an empty sum) and `archive/` in `directory`;
    /// returns what it created. Existing files are left alone.
    public static func initialize(at directory: URL) throws(StrataError) -> [String] {
        let fm = FileManager.default
        var created: [String] = []
        let config = directory.appendingPathComponent(Configuration.fileName)
        if !fm.fileExists(atPath: config.path) {
            try AtomicFile.write(Configuration.template, to: config)
            created.append(DisplayPath.of(config))
        }
        for name in ["migrations", "archive"] {
            if let made = try makeDirectory(directory.appendingPathComponent(name)) { created.append(made) }
        }
        let sum = directory.appendingPathComponent("migrations").appendingPathComponent(SumFile.fileName)
        if !fm.fileExists(atPath: sum.path) {
            try AtomicFile.write(SumFile.render([]), to: sum)
            created.append(DisplayPath.of(sum))
        }
        return created
    }

    /// `strata init` for a history in a tool's layout: strata.toml naming the format and the
    /// directory, and `archive/`; the tool's files are not touched.
    public static func initialize(at directory: URL, format: HistoryFormat, migrations: URL) throws(StrataError) -> [String] {
        let fm = FileManager.default
        var created: [String] = []
        let config = directory.appendingPathComponent(Configuration.fileName)
        if fm.fileExists(atPath: config.path) {
            throw .usage("\(DisplayPath.of(config)) exists; set `format = \"\(format.rawValue)\"` in it by hand")
        }
        var relative = migrations.standardizedFileURL.path
        let base = directory.standardizedFileURL.path
        if relative == base { relative = "." } else if relative.hasPrefix(base + "/") { relative = String(relative.dropFirst(base.count + 1)) }
        try AtomicFile.write(Configuration.template(format: format, migrations: relative), to: config)
        created.append(DisplayPath.of(config))
        for url in [directory.appendingPathComponent("archive"), migrations] {
            if let made = try makeDirectory(url) { created.append(made) }
        }
        return created
    }

    /// Creates a directory that does not exist yet; returns its display path then.
    private static func makeDirectory(_ url: URL) throws(StrataError) -> String? {
        guard !FileManager.default.fileExists(atPath: url.path) else { return nil }
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw .environment("cannot create \(DisplayPath.of(url)): \(error.localizedDescription)")
        }
        return DisplayPath.of(url) + "/"
    }

    // MARK: - new

    /// Writes a new revision on top of the head and updates the sum; returns its file.
    /// File commands that write strata's own format (`new`, `hash`, `rebase`) refuse a tool's layout.
    func requireOwnFormat(_ command: String) throws(StrataError) {
        let format = configuration.format
        guard format == .strata else {
            throw .usage("`strata \(command)` writes strata's own revision format; this history is in \(format.tool)'s layout: make revisions with \(format.tool)")
        }
    }

    public func newRevision(message: String, transactional: Bool = true, now: Date = Date()) throws(StrataError) -> URL {
        try requireOwnFormat("new")
        let directory = try migrations()
        let history = try directory.history()
        var id = RevisionID.generate()
        while history.revision(id) != nil { id = RevisionID.generate() }
        let revision = RevisionWriter.newRevision(id: id, parent: history.head?.id, message: message, created: now, transactional: transactional)
        let url = configuration.migrationsDirectory.appendingPathComponent(RevisionWriter.fileName(id: id, message: message))
        try AtomicFile.write(RevisionWriter.render(revision), to: url)
        _ = try writeSum()
        return url
    }

    // MARK: - hash

    /// Rewrites `strata.sum`; returns whether it changed.
    @discardableResult
    public func writeSum() throws(StrataError) -> Bool {
        try requireOwnFormat("hash")
        let directory = try migrations()
        let history = try directory.history()
        let text = directory.expectedSum(for: history.revisions)
        if text == directory.sumText { return false }
        try AtomicFile.write(text, to: configuration.migrationsDirectory.appendingPathComponent(SumFile.fileName))
        return true
    }

    // MARK: - rebase

    /// Puts the branch that ends at `head` on top of `onto`: the branch's first revision after
    /// the fork gets `down_revision: onto`. Only that header line changes. Returns the file changed.
    public func rebase(head: String, onto: String) throws(StrataError) -> URL {
        try requireOwnFormat("rebase")
        let directory = try migrations()
        guard directory.errors.isEmpty else { throw .invalidFiles(directory.errors) }
        let graph = directory.graph
        guard graph.byID[head] != nil else { throw .usage("no revision \(head)") }
        guard graph.byID[onto] != nil else { throw .usage("no revision \(onto)") }
        let branch = graph.lineage(of: head)  // head first
        if branch.contains(onto) {
            throw .usage("\(onto) is an ancestor of \(head); nothing to move")
        }
        guard let fork = graph.forkPoint(head, onto) else {
            throw .usage("\(head) and \(onto) share no ancestor; cannot tell where the branch starts")
        }
        guard let forkIndex = branch.firstIndex(of: fork), forkIndex > 0,
              let first = graph.byID[branch[forkIndex - 1]], let fileName = first.fileName,
              let line = first.headerLines["down_revision"]
        else {
            throw .usage("cannot find the first revision of \(head)'s branch")
        }
        let url = directory.url.appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: url.path),
              let updated = RevisionWriter.replacingHeader("down_revision", with: onto, in: String(decoding: data, as: UTF8.self), line: line)
        else {
            throw .environment("cannot rewrite the header of \(DisplayPath.of(url))")
        }
        try AtomicFile.write(updated, to: url)
        if (try? writeSum()) == nil {
            // The history may still have other problems; the sum is rewritten once it is linear.
        }
        return url
    }
}
