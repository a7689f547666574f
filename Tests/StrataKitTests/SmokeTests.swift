import XCTest
@testable import StrataKit
final class SmokeTests: XCTestCase { func testVersion() { XCTAssertFalse(StrataVersion.string.isEmpty) } }
