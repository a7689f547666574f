import Foundation

/// The original history rebuilt in memory: every init revision replaced, recursively, by the
/// revisions its archive holds, with the oldest kept revision pointing at the archived squash
/// point again (DESIGN §5 `verify squash`). Works after later revisions were added and after
/// several squashes (archives chain: an archive may start with an older init revision).
public struct ExpandedHistory: Sendable {
    /// The original revisions, oldest first.
    public let revisions: [Revision]
    /// The archives used, oldest first.
    public let archives: [SquashArchive]

    /// Expands `history` using the archives in `directory`.
    public static func expand(_ history: History, archiveDirectory: URL, settings: FormatSettings = .init()) throws(StrataError) -> ExpandedHistory {
        var used: [SquashArchive] = []
        var cache: [String: SquashArchive] = [:]
        func archive(for revision: Revision) throws(StrataError) -> SquashArchive {
            guard let name = revision.archive else {
                throw .usage("init revision \(revision.id) has no `archive` header; cannot rebuild what it replaces")
            }
            if let cached = cache[name] { return cached }
            let url = archiveDirectory.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw .usage("init revision \(revision.id) names archive \(name), which is not in \(DisplayPath.of(archiveDirectory))")
            }
            let read = try SquashArchive.read(url)
            guard read.manifest.initRevision == revision.id else {
                throw .usage("archive \(name) belongs to init revision \(read.manifest.initRevision), not \(revision.id)")
            }
            cache[name] = read
            return read
        }
        func expandList(_ list: [Revision]) throws(StrataError) -> [Revision] {
            var out: [Revision] = []
            for revision in list {
                if !revision.isSquashInit {
                    out.append(revision)
                    continue
                }
                var found = try archive(for: revision)
                found.settings = settings
                used.append(found)
                let archived = try found.revisions()
                if let count = revision.squashCount {
                    // A tool's layout: the init took the last archived revision's identity.
                    guard archived.count == count, archived.last?.id == revision.id else {
                        throw .usage("archive \(found.name) holds \(archived.count) revisions ending at \(archived.last?.id ?? "none"), but init revision \(revision.displayName) replaces \(count) ending at \(revision.id)")
                    }
                } else {
                    guard archived.map(\.id) == revision.replaces else {
                        throw .usage("archive \(found.name) holds \(archived.map(\.id).joined(separator: ", ")), but init revision \(revision.id) replaces \(revision.replaces.joined(separator: ", "))")
                    }
                }
                out.append(contentsOf: try expandList(archived))
            }
            // Re-point each revision at its predecessor in the expanded order.
            return out.enumerated().map { index, revision in
                var r = revision
                r.parents = index == 0 ? [] : [out[index - 1].id]
                return r
            }
        }
        let revisions = try expandList(history.revisions)
        return ExpandedHistory(revisions: revisions, archives: used.reversed())
    }

    public var history: History { History(revisions) }
}
