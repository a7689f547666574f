/// What the lint rules look at: the graph, and how the sum file compares.
public struct LintContext: Sendable {
    public var graph: RevisionGraph
    /// How `strata.sum` compares with the files; `nil` when it could not be computed (the
    /// history is not linear, so it has no order to hash in).
    public var sum: SumFile.Status?
    /// The path of the sum file, as the user names it.
    public var sumPath: String
    /// The path of a revision file, as the user names it.
    public var path: @Sendable (Revision) -> String?
    /// The layout of the history: rules about strata's own headers apply to format v1 only.
    public var format: HistoryFormat = .strata
    /// A golang-migrate directory's `atlas.sum` against the files: `nil` when there is none,
    /// else (path as the user names it, whether it matches).
    public var atlasSum: (path: String, current: Bool)?

    public init(graph: RevisionGraph, sum: SumFile.Status?, sumPath: String = SumFile.fileName, path: @escaping @Sendable (Revision) -> String? = { $0.fileName }) {
        self.graph = graph
        self.sum = sum
        self.sumPath = sumPath
        self.path = path
    }
}

/// A linear-history or file rule (DESIGN §2). Rules run from `LintRule.all`, in that order.
public struct LintRule: Sendable {
    public var id: String
    public var summary: String
    public var check: @Sendable (LintContext) -> [Finding]

    /// Every rule, in the order they run.
    public static let all: [LintRule] = [
        duplicateID, filenameMismatch, danglingParent, merge, cycle, rootCount,
        multipleHeads, branch, branchLabel, dependsOn, irreversible, emptyRevision, sum, atlasSum,
    ]

    /// Runs every rule; findings come out in rule order, each rule's sorted by file and line.
    public static func lint(_ context: LintContext, rules: [LintRule] = all) -> [Finding] {
        rules.flatMap { rule in
            rule.check(context).sorted { ($0.file ?? "", $0.line ?? 0, $0.message) < ($1.file ?? "", $1.line ?? 0, $1.message) }
        }
    }

    // MARK: - Rules

    static let duplicateID = LintRule(id: "duplicate-id", summary: "every revision id is unique") { ctx in
        ctx.graph.duplicates.keys.sorted().flatMap { id -> [Finding] in
            let revisions = ctx.graph.duplicates[id] ?? []
            let names = revisions.map { ctx.path($0) ?? $0.id }
            return revisions.dropFirst().map { revision in
                Finding(
                    rule: "duplicate-id", severity: .error,
                    message: "revision id \(id) is declared by \(revisions.count) files: \(names.joined(separator: ", ")); give this one a new id",
                    file: ctx.path(revision), line: revision.headerLines["revision"], revisions: [id]
                )
            }
        }
    }

    static let filenameMismatch = LintRule(id: "filename-mismatch", summary: "the file name starts with the header's revision id") { ctx in
        guard ctx.format == .strata else { return [] }
        return ctx.graph.revisions.compactMap { revision in
            guard let name = revision.fileName else { return nil }
            if name == "\(revision.id).sql" || name.hasPrefix("\(revision.id)_") { return nil }
            return Finding(
                rule: "filename-mismatch", severity: .error,
                message: "file name \(name) does not match its header's revision id \(revision.id); expected \(revision.id)_<slug>.sql",
                file: ctx.path(revision), line: revision.headerLines["revision"], revisions: [revision.id],
                fix: "git mv \(name) \(RevisionWriter.fileName(id: revision.id, message: revision.message))"
            )
        }
    }

    static let danglingParent = LintRule(id: "dangling-parent", summary: "every down_revision names an existing revision") { ctx in
        ctx.graph.byID.values.sorted { $0.id < $1.id }.flatMap { revision in
            ctx.graph.danglingParents(of: revision.id).map { parent in
                Finding(
                    rule: "dangling-parent", severity: .error,
                    message: "revision \(revision.id) has down_revision \(parent), but no revision has that id (nor does any init revision replace it)",
                    file: ctx.path(revision), line: revision.headerLines["down_revision"], revisions: [revision.id, parent]
                )
            }
        }
    }

    static let merge = LintRule(id: "merge", summary: "no merge revisions") { ctx in
        ctx.graph.byID.values.filter { $0.parents.count > 1 }.map { revision in
            Finding(
                rule: "merge", severity: .error,
                message: "revision \(revision.id) merges \(revision.parents.joined(separator: " and ")); strata keeps history linear: give it one down_revision and put one branch on top of the other",
                file: ctx.path(revision), line: revision.headerLines["down_revision"], revisions: [revision.id] + revision.parents
            )
        }
    }

    static let cycle = LintRule(id: "cycle", summary: "no cycles") { ctx in
        ctx.graph.cycles().map { ring in
            let first = ctx.graph.byID[ring[0]]
            return Finding(
                rule: "cycle", severity: .error,
                message: "revisions form a cycle: \((ring + [ring[0]]).joined(separator: " → ")) (each arrow points at a down_revision)",
                file: first.flatMap(ctx.path), line: first?.headerLines["down_revision"], revisions: ring
            )
        }
    }

    static let rootCount = LintRule(id: "root", summary: "exactly one root (down_revision: none)") { ctx in
        let roots = ctx.graph.roots
        guard !ctx.graph.byID.isEmpty else { return [] }
        if roots.isEmpty {
            return [Finding(rule: "root", severity: .error, message: "no revision has `down_revision: none`; expected exactly one root")]
        }
        guard roots.count > 1 else { return [] }
        let described = roots.compactMap { ctx.graph.byID[$0] }.map { "\($0.id) (\(ctx.path($0) ?? $0.id))" }
        return roots.dropFirst().compactMap { ctx.graph.byID[$0] }.map { revision in
            Finding(
                rule: "root", severity: .error,
                message: "\(roots.count) revisions have `down_revision: none`: \(described.joined(separator: ", ")); expected exactly one root",
                file: ctx.path(revision), line: revision.headerLines["down_revision"], revisions: roots
            )
        }
    }

    static let multipleHeads = LintRule(id: "multiple-heads", summary: "exactly one head") { ctx in
        // Heads of chains that end in a dangling parent are `dangling-parent`'s to report.
        let heads = ctx.graph.heads.filter { head in
            ctx.graph.lineage(of: head).last.flatMap { ctx.graph.byID[$0]?.parents.isEmpty } ?? false
        }
        guard heads.count > 1 else { return [] }
        // The head that moves is the newest work (latest `created`, then id): it goes on top.
        let ordered = heads.compactMap { ctx.graph.byID[$0] }.sorted { ($0.created ?? "", $0.id) < ($1.created ?? "", $1.id) }
        guard let keep = ordered.first else { return [] }
        return ordered.dropFirst().map { moving in
            let fork = ctx.graph.forkPoint(keep.id, moving.id)
            let forkText = fork.map { id in "they fork at \(id)" + (ctx.graph.byID[id].flatMap(ctx.path).map { " (\($0))" } ?? "") }
                ?? "they share no ancestor"
            var fix = "strata rebase \(moving.id) --onto \(keep.id)"
            if ctx.format == .alembic {
                // The moving branch's first revision goes on top of the other head.
                let lineage = ctx.graph.lineage(of: moving.id)
                let first = fork.flatMap { f in lineage.firstIndex(of: f).map { $0 > 0 ? lineage[$0 - 1] : moving.id } } ?? lineage.last ?? moving.id
                let file = ctx.graph.byID[first].flatMap(ctx.path) ?? first
                fix = "in \(file), set down_revision = \"\(keep.id)\" (and check it runs after \(keep.id)); `alembic merge` would make a merge revision, which strata rejects"
            }
            return Finding(
                rule: "multiple-heads", severity: .error,
                message: "\(heads.count) heads: \(keep.id) (\(ctx.path(keep) ?? keep.id)) and \(moving.id) (\(ctx.path(moving) ?? moving.id)); \(forkText). Put one branch on top of the other: \(fix)",
                file: ctx.path(moving), line: moving.headerLines["revision"], revisions: [keep.id, moving.id] + (fork.map { [$0] } ?? []),
                fix: fix
            )
        }
    }

    static let branch = LintRule(id: "branch", summary: "no revision has two children") { ctx in
        // With several heads, `multiple-heads` already names the fork; this catches branches
        // that a merge joined again.
        guard ctx.graph.heads.count <= 1 else { return [] }
        return ctx.graph.children.keys.sorted().compactMap { id in
            guard let kids = ctx.graph.children[id], kids.count > 1, let revision = ctx.graph.byID[id] else { return nil }
            return Finding(
                rule: "branch", severity: .error,
                message: "revision \(id) has \(kids.count) children: \(kids.joined(separator: ", ")); expected a linear history",
                file: ctx.path(revision), line: revision.headerLines["revision"], revisions: [id] + kids
            )
        }
    }

    static let branchLabel = LintRule(id: "branch-label", summary: "no Alembic branch labels") { ctx in
        ctx.graph.revisions.filter { !$0.branchLabels.isEmpty }.map { revision in
            Finding(
                rule: "branch-label", severity: .error,
                message: "revision \(revision.id) declares branch_labels \(revision.branchLabels.joined(separator: ", ")): a linear history has one branch; set branch_labels = None",
                file: ctx.path(revision), line: revision.headerLines["branch_labels"], revisions: [revision.id],
                fix: "set branch_labels = None in \(ctx.path(revision) ?? revision.id)"
            )
        }
    }

    static let dependsOn = LintRule(id: "depends-on", summary: "an Alembic depends_on names an earlier revision") { ctx in
        // In a linear history every dependency is an ancestor; one that is not would make Alembic
        // order the revisions differently from their down_revision chain.
        ctx.graph.revisions.filter { !$0.dependsOn.isEmpty }.flatMap { revision -> [Finding] in
            let ancestors = ctx.graph.ancestors(of: revision.id)
            return revision.dependsOn.filter { !ancestors.contains($0) }.map { dependency in
                Finding(
                    rule: "depends-on", severity: .error,
                    message: ctx.graph.byID[dependency] == nil
                        ? "revision \(revision.id) depends_on \(dependency), which no revision declares"
                        : "revision \(revision.id) depends_on \(dependency), which is not one of its ancestors: put \(dependency) before it in the down_revision chain, then drop depends_on",
                    file: ctx.path(revision), line: revision.headerLines["depends_on"], revisions: [revision.id, dependency]
                )
            }
        }
    }

    static let irreversible = LintRule(id: "irreversible", summary: "every revision has a down section") { ctx in
        guard ctx.format.hasDowns else { return [] }
        let missing = ctx.format == .strata ? "`-- migrate:down` section" : "down section (\(Self.downHint(ctx.format)))"
        return ctx.graph.revisions.filter { !$0.isReversible }.map { revision in
            Finding(
                rule: "irreversible", severity: .warning,
                message: "revision \(revision.id) has no \(missing): downgrade cannot go past it",
                file: ctx.path(revision), line: revision.downLine ?? max(1, revision.upLine - 1), revisions: [revision.id]
            )
        }
    }

    static func downHint(_ format: HistoryFormat) -> String {
        switch format {
        case .diesel: "down.sql"
        case .alembic: "downgrade() only raises"
        case .golangMigrate, .sqlx: "a .down.sql file"
        case .dbmate: "`-- migrate:down` is empty"
        case .goose: "`-- +goose Down`"
        case .flyway: "a U undo migration"
        default: "down"
        }
    }

    static let emptyRevision = LintRule(id: "empty-up", summary: "the up section holds SQL") { ctx in
        ctx.graph.revisions.filter { $0.batching != .alembic && !SQLScanner($0.upSQL).hasCode }.map { revision in
            Finding(
                rule: "empty-up", severity: .warning,
                message: "revision \(revision.id) has an empty up section",
                file: ctx.path(revision), line: max(1, revision.upLine - 1), revisions: [revision.id]
            )
        }
    }

    static let atlasSum = LintRule(id: "atlas-sum", summary: "a golang-migrate directory's atlas.sum matches its files") { ctx in
        guard let atlas = ctx.atlasSum, !atlas.current else { return [] }
        return [Finding(
            rule: "atlas-sum", severity: .error,
            message: "\(atlas.path) does not match the migration files: `atlas migrate validate` fails (checksum mismatch); check the change, then run `atlas migrate hash`",
            file: atlas.path, line: 1, fix: "atlas migrate hash"
        )]
    }

    static let sum = LintRule(id: "sum", summary: "strata.sum matches the revision files") { ctx in
        switch ctx.sum {
        case nil, .current?:
            return []
        case .missing?:
            return [Finding(rule: "sum", severity: .error, message: "\(ctx.sumPath) is missing; run `strata hash` and commit it", file: ctx.sumPath, fix: "strata hash")]
        case .stale(let line, let file)?:
            let which = file.map { " (first difference at \($0))" } ?? ""
            return [Finding(
                rule: "sum", severity: .error,
                message: "\(ctx.sumPath) is stale\(which): revision files were added, changed or reordered since it was written; check the change, then run `strata hash`",
                file: ctx.sumPath, line: line, fix: "strata hash"
            )]
        }
    }
}
