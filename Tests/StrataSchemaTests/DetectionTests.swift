import StrataPostgres
import StrataSchema
import XCTest

/// Runs every row of `DetectionCase.all` on the embedded server: both states built in fresh
/// databases, reflected, diffed; the complete list of findings must match.
final class DetectionTests: XCTestCase {
    func testTheCaseTableIsLargeAndNamesAreUnique() {
        XCTAssertGreaterThanOrEqual(DetectionCase.all.count, 40)
        XCTAssertEqual(Set(DetectionCase.all.map(\.name)).count, DetectionCase.all.count)
        for detection in DetectionCase.all where detection.a == detection.b {
            XCTFail("\(detection.name): both states are the same DDL")
        }
    }

    func testEveryCase() throws {
        var failures: [String] = []
        let cases = try DetectionCase.supported()
        try DetectionCase.report("detection", ran: cases)
        for detection in cases {
            for role in detection.roles { try ensureRole(role) }
            let options = ReflectionOptions(includeData: detection.data)
            do {
                let a = try reflect(detection.a, options: options)
                let b = try reflect(detection.b, options: options)
                let found = diffLines(a, b)
                if found != detection.expected {
                    failures.append("""
                        \(detection.name):
                          expected: \(detection.expected)
                          found:    \(found)
                        """)
                }
                // The reverse direction reports the same attributes, old and new swapped.
                let reverse = SchemaDiff(from: b, to: a)
                let forward = SchemaDiff(from: a, to: b)
                XCTAssertEqual(reverse.changes.count, forward.changes.count, detection.name)
                XCTAssertEqual(Set(reverse.changes.compactMap(\.attribute)), Set(forward.changes.compactMap(\.attribute)), detection.name)
            } catch {
                failures.append("\(detection.name): \(error)")
            }
        }
        XCTAssert(failures.isEmpty, "\(failures.count) of \(cases.count) cases failed:\n" + failures.joined(separator: "\n"))
    }
}
