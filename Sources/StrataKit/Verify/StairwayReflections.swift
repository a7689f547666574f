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

            // 1. Up.
            let upTouched: Set<CatalogRef>
            do {
                upTouched = try step(session, revision, .up, known: { refs(model) }).refs
            } catch let error as MigrationError {
                report(.error, "up failed at \(error.location): \(error.server.description)")
                return false  // later revisions build on this one: the stairway cannot go on
            }
            let afterUp = try reflect(session, scope: upTouched)
            let modelUp = apply(afterUp, to: model)

            // 2. Down, compared with the state before the up.
            guard revision.isReversible else {
                if !noDowns { report(.error, Self.noDown(revision)) }
                model = modelUp
                return true
            }
            let downTouched: Set<CatalogRef>
            do {
                downTouched = try step(session, revision, .down, known: { refs(modelUp) }).refs
            } catch let error as MigrationError {
                report(.error, Self.downFailed(error))
                model = modelUp  // the down's transaction was rolled back: the database is as after the up
                return true
            }
            let scopeDown = upTouched.union(downTouched)
            let afterDown = try reflect(session, scope: scopeDown)
            let downDiffers = downFindings(SchemaDiff(from: model.slice(matching: afterDown), to: afterDown).changes, revision)
            downDiffers.forEach { report($0.0, $0.1) }
            let modelDown = apply(afterDown, to: modelUp)

            // 3. Up again, compared with the first up.
            let reupTouched: Set<CatalogRef>
            do {
                reupTouched = try step(session, revision, .up, known: { refs(modelDown) }).refs
            } catch let error as MigrationError {
                report(.error, "up failed the second time, after the down, at \(error.location): \(error.server.description)")
                model = try rebuild(at: index)
                return true
            }
            let afterReup = try reflect(session, scope: scopeDown.union(reupTouched))
            let reupDiffers = reupFindings(SchemaDiff(from: modelUp.slice(matching: afterReup), to: afterReup).changes, revision)
            reupDiffers.forEach { report($0.0, $0.1) }
            // Go on from the state the ups build: the second up's, unless it built something else.
            model = reupDiffers.isEmpty ? apply(afterReup, to: modelDown) : try rebuild(at: index)
            return true
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
}
