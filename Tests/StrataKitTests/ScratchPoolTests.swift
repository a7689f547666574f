import Foundation
import XCTest
import StrataPostgres
import StrataTestSupport
@testable import StrataKit

final class ScratchPoolTests: XCTestCase {
    /// `--scratch-url`: uniquely named databases on an existing server, all dropped on close.
    func testExternalServerMakesAndDropsUniqueDatabases() throws {
        let server = try TestServer.shared()
        let admin = server.connectionString()
        let pool = try ScratchPool.open(url: admin.raw)
        XCTAssertNil(pool.installation)
        XCTAssertEqual(pool.serverMajor, 15)
        let a = try pool.database("strata_scratch")
        let b = try pool.database("strata_scratch")
        XCTAssertNotEqual(a.database, b.database)
        let probe = try PGConnection(a)
        try probe.execute("CREATE TABLE t (id int)")
        probe.close()
        let names = { try PGConnection(admin).query("SELECT datname FROM pg_database WHERE datname LIKE 'strata_scratch_%' ORDER BY 1").rows.compactMap { $0[0] } }
        XCTAssertTrue(try names().contains(a.database ?? "?"))
        pool.close()
        XCTAssertFalse(try names().contains(a.database ?? "?"))
        XCTAssertFalse(try names().contains(b.database ?? "?"))
        // The server itself is still there.
        XCTAssertEqual(try PGConnection(admin).query("SELECT 1")[0, 0], "1")
    }
}
