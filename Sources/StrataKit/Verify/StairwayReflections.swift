import Foundation
import StrataPostgres
import StrataSchema

/// The stairway where the recorder cannot run: an in-memory model of the reflected database, and
/// scoped reflections after every step.
extension StairwayVerifier {

    func runReflecting(_ first: Session, _ range: Range<Int>, _ progress: Progress) throws -> Stretch {
        var stretch = Stretch()
        var session = first
        /// Builds a fresh database at position `index` (revisions 0…index applied) and reflects it.
        func rebuild(at index: Int) throws -> Snapshot {
            session.close()
            scratch.drop(session.database)
            session = try self.session(at: index, record: false)
            return try reflect(session, scope: nil)
        }
        var model = try reflect(session, scope: nil)

        try eachRevision(in: range, &stretch, progress) { index, revision, report in
            var upTouched = Set<CatalogRef>(), scopeDown = Set<CatalogRef>()
            var modelUp = model, modelDown = model
            var downChanges: [SchemaChange] = []
            return try withoutActuallyEscaping(report) { report in try check(revision, RevisionCheck(
                up: {
                    upTouched = try step(session, revision, .up, known: { refs(model) }).refs
                    modelUp = apply(try reflect(session, scope: upTouched), to: model)
                },
                irreversible: { model = modelUp },
                down: {
                    scopeDown = upTouched.union(try step(session, revision, .down, known: { refs(modelUp) }).refs)
                    let afterDown = try reflect(session, scope: scopeDown)
                    downChanges = SchemaDiff(from: model.slice(matching: afterDown), to: afterDown).changes
                    modelDown = apply(afterDown, to: modelUp)
                    return !downChanges.isEmpty
                },
                // A transactional down was rolled back: the database is as after the up. A
                // non-transactional one may have kept its first statements.
                downFailed: { model = revision.isTransactional(.down) ? modelUp : try rebuild(at: index) },
                reup: {
                    let reupTouched = try step(session, revision, .up, known: { refs(modelDown) }).refs
                    let afterReup = try reflect(session, scope: scopeDown.union(reupTouched))
                    let reupChanges = reupFindings(SchemaDiff(from: modelUp.slice(matching: afterReup), to: afterReup).changes, revision)
                    // Go on from the state the ups build: the second up's, unless it built something else.
                    model = reupChanges.isEmpty ? apply(afterReup, to: modelDown) : try rebuild(at: index)
                    downFindings(downChanges, revision).forEach { report($0.0, $0.1) }
                    reupChanges.forEach { report($0.0, $0.1) }
                    return !reupChanges.isEmpty
                },
                reupFailed: { _ in
                    downFindings(downChanges, revision).forEach { report($0.0, $0.1) }
                    model = try rebuild(at: index)
                },
                settle: { _, _ in }
            ), report) }
        }

        // Backstop: the model must equal a full reflection of the database.
        let full = try reflect(session, scope: nil)
        var modelWithoutScope = model
        modelWithoutScope.scope = nil
        let missed = SchemaDiff(from: modelWithoutScope, to: full).changes
        let last = history.revisions[range.lowerBound + max(0, stretch.checked - 1)].id
        for change in missed {
            stretch.findings.append(Finding(revision: last, file: nil, kind: .backstop,
                                            message: "the full comparison at the end found what the targeted snapshots missed: \(DiffText.line(change))"))
        }
        session.close()
        scratch.drop(session.database)
        return stretch
    }

    func reflect(_ session: Session, scope: Set<CatalogRef>?) throws -> Snapshot {
        let options = ReflectionOptions(scope: scope.map { .objects(Array($0)) } ?? .everything, includeData: true, excludedTables: [])
        return try SchemaReflector.reflect(session.connection, options: options)
    }

    /// The model with the slice `partial` covers replaced by `partial`.
    func apply(_ partial: Snapshot, to model: Snapshot) -> Snapshot {
        var updated = model
        let old = model.slice(matching: partial)
        for id in old.objects.keys { updated.remove(id) }
        for id in old.data.keys { updated.data.removeValue(forKey: id) }
        for object in partial.objects.values { updated.insert(object) }
        for (id, contents) in partial.data { updated.data[id] = contents }
        updated.scope = nil
        return updated
    }

    func refs(_ snapshot: Snapshot) -> Set<CatalogRef> {
        Set(snapshot.objects.values.compactMap(\.catalog))
    }
}
