import Foundation

/// The revision files of a `migrations/` directory, read and parsed. This is the I/O edge of the
/// history: everything after it (graph, lint, runner) works on values.
public struct MigrationDirectory: Sendable {
    public let url: URL
    /// Revisions that parsed, in file-name order (the graph never relies on that order).
    public let revisions: [Revision]
    /// Files that did not parse, each with file and line.
    public let errors: [RevisionFileError]
    /// SHA-256 of each revision file's bytes, by file name.
    public let fileHashes: [String: String]
    /// The text of `strata.sum`, if present.
    public let sumText: String?
    /// The layout the directory is in.
    public var format: HistoryFormat = .strata
    /// In a tool's layout: every file the tool reads, by path relative to the directory.
    public var tree: SourceTree?

    /// Reads every `*.sql` file directly in `url` (not below it). Files that fail to parse are
    /// collected in `errors`, so one run reports them all.
    public static func load(_ url: URL, format: HistoryFormat = .strata, settings: FormatSettings = .init()) throws(StrataError) -> MigrationDirectory {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .usage("migrations directory \(DisplayPath.of(url)) does not exist; run `strata init` or pass --migrations DIR")
        }
        if format != .strata {
            let tree = try SourceTree.read(url, format: format)
            let read = FormatReader(format: format, settings: settings, display: DisplayPath.of(url)).read(tree)
            var hashes: [String: String] = [:]
            for revision in read.revisions { for file in revision.files { hashes[file] = tree.files[file].map(SHA256Hex.of) } }
            var directory = MigrationDirectory(url: url, revisions: read.revisions, errors: read.errors, fileHashes: hashes, sumText: nil)
            directory.format = format
            directory.tree = tree
            return directory
        }
        let names: [String]
        do {
            names = try fm.contentsOfDirectory(atPath: url.path)
                .filter { $0.hasSuffix(".sql") && !$0.hasPrefix(".") }
                .sorted()
        } catch {
            throw .environment("cannot list \(DisplayPath.of(url)): \(error.localizedDescription)")
        }
        var revisions: [Revision] = []
        var errors: [RevisionFileError] = []
        var hashes: [String: String] = [:]
        revisions.reserveCapacity(names.count)
        let displayDirectory = DisplayPath.of(url)
        for name in names {
            let fileURL = url.appendingPathComponent(name)
            let display = displayDirectory == "." ? name : "\(displayDirectory)/\(name)"
            guard let data = fm.contents(atPath: fileURL.path) else {
                errors.append(RevisionFileError(file: display, line: 1, message: "cannot read the file"))
                continue
            }
            hashes[name] = SHA256Hex.of(data)
            do {
                var revision = try RevisionParser.parse(data, file: display)
                revision.fileName = name
                revisions.append(revision)
            } catch {
                errors.append(error)
            }
        }
        let sumURL = url.appendingPathComponent(SumFile.fileName)
        let sumText = fm.contents(atPath: sumURL.path).map { String(decoding: $0, as: UTF8.self) }
        return MigrationDirectory(url: url, revisions: revisions, errors: errors, fileHashes: hashes, sumText: sumText)
    }

    public var graph: RevisionGraph { RevisionGraph(revisions) }

    /// The path of a revision file as the user names it.
    public func path(of revision: Revision) -> String? {
        revision.fileName.map { DisplayPath.of(url.appendingPathComponent($0)) }
    }

    public var sumPath: String { DisplayPath.of(url.appendingPathComponent(SumFile.fileName)) }

    /// The sum file's text for revisions in this order.
    public func expectedSum(for order: [Revision]) -> String {
        SumFile.render(order.compactMap { revision in
            revision.fileName.map { SumFile.Entry(fileName: $0, sha256: fileHashes[$0] ?? "") }
        })
    }

    /// Lint findings for the directory (parse errors are in `errors`, not here).
    public func lint(rules: [LintRule] = LintRule.all) -> [Finding] {
        let graph = self.graph
        let sum = graph.linearOrder().map { SumFile.status(expected: expectedSum(for: $0), actual: sumText) }
        let displayDirectory = DisplayPath.of(url)
        var context = LintContext(graph: graph, sum: format == .strata ? sum : nil, sumPath: sumPath) { revision in
            revision.fileName.map { displayDirectory == "." ? $0 : "\(displayDirectory)/\($0)" }
        }
        context.format = format
        if format == .golangMigrate, let tree, let atlas = tree.files[AtlasSum.fileName] {
            context.atlasSum = (DisplayPath.of(url.appendingPathComponent(AtlasSum.fileName)), AtlasSum.render(tree.files) == String(decoding: atlas, as: UTF8.self))
        }
        return LintRule.lint(context, rules: rules)
    }

    /// The linear history, or an error saying why there is none.
    public func history() throws(StrataError) -> History {
        guard errors.isEmpty else { throw .invalidFiles(errors) }
        let graph = self.graph
        // An Alembic history may hold merges from its early years: it is applied in an order that
        // respects them, and squash checks that the part it keeps is linear.
        guard let order = graph.linearOrder() ?? (format == .alembic ? graph.topologicalOrder() : nil) else {
            throw .nonLinear(lint().filter { $0.severity == .error && $0.rule != "sum" })
        }
        return History(order)
    }
}

/// Paths as the user names them: relative to the working directory when below it.
public enum DisplayPath {
    public static func of(_ url: URL) -> String {
        let path = url.standardizedFileURL.path
        let cwd = FileManager.default.currentDirectoryPath
        if path == cwd { return "." }
        if path.hasPrefix(cwd + "/") { return String(path.dropFirst(cwd.count + 1)) }
        return path
    }
}
