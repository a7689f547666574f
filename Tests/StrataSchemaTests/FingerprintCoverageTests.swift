import StrataPostgres
import StrataSchema
import StrataTestSupport
import XCTest

@testable import StrataKit

/// The stairway's fingerprints see at least what reflection sees: every detection case (on the
/// server's major version) built in two fresh databases with the recorder installed; where
/// reflection reports a difference the full fingerprints (`StepRecorder.allEntries`, the
/// stairway's backstop) must differ, and where it reports none they must be equal. Otherwise a
/// leftover reflection would name goes unnoticed by `verify stairway`, or a step it calls equal fails.
final class FingerprintCoverageTests: XCTestCase {
    func testFingerprintsTellApartWhatReflectionDoes() throws {
        var failures: [String] = []
        let cases = try DetectionCase.supported()
        try DetectionCase.report("fingerprint", ran: cases)
        for detection in cases {
            for role in detection.roles { try ensureRole(role) }
            do {
                let a = try fingerprints(detection.a), b = try fingerprints(detection.b)
                if detection.expected.isEmpty, a != b {
                    let differ = a.symmetricDifference(b).map(\.identity).sorted()
                    failures.append("\(detection.name): reflection finds them equal, the fingerprints differ in \(Set(differ).sorted())")
                } else if !detection.expected.isEmpty, a == b {
                    failures.append("\(detection.name): reflection finds \(detection.expected), the fingerprints are equal")
                }
            } catch {
                failures.append("\(detection.name): \(error)")
            }
        }
        XCTAssert(failures.isEmpty, "\(failures.count) of \(cases.count) cases failed:\n" + failures.joined(separator: "\n"))
    }

    /// The recorder's full fingerprint of a fresh database after `sql`. Reflection leaves the
    /// version table out (a stairway never has one: it runs the revisions' SQL itself), so the
    /// entries that name it are left out here too.
    private func fingerprints(_ sql: String) throws -> Set<StepRecorder.Entry> {
        try withBuilt(sql) { connection in
            XCTAssertTrue(try StepRecorder.install(on: connection))
            let entries = try StepRecorder.allEntries(on: connection).values
            return Set(entries.filter { !$0.identity.contains(ReflectionOptions.defaultVersionTable) })
        }
    }
}
