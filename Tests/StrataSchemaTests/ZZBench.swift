import Foundation
import StrataPostgres
import StrataSchema
import XCTest

final class ZZBench: XCTestCase {
    func testBench() throws {
        guard let url = ProcessInfo.processInfo.environment["STRATA_SCHEMA_BENCH_URL"] else { return }
        let connection = try PGConnection(ConnectionString(url))
        let oids = try connection.query("SELECT oid FROM pg_class WHERE relname IN ('w0500_order_items','w0501_invoices','w0502_invoice_lines') ORDER BY 1").rows.compactMap { $0[0].flatMap { UInt32($0) } }
        let scope = Scope.objects(oids.map { .relation($0) })
        for _ in 0..<3 {
            var start = Date()
            let full = try SchemaReflector.reflect(connection)
            let fullTime = Date().timeIntervalSince(start)
            start = Date()
            var scoped: Snapshot?
            for _ in 0..<20 { scoped = try SchemaReflector.reflect(connection, options: ReflectionOptions(scope: scope)) }
            let scopedTime = Date().timeIntervalSince(start) / 20
            start = Date()
            let diff = SchemaDiff(from: full, to: full)
            let diffTime = Date().timeIntervalSince(start)
            start = Date()
            let text = SnapshotText.render(full)
            let textTime = Date().timeIntervalSince(start)
            print(String(format: "full %.1f ms (%d objects), scoped %.2f ms (%d objects), diff %.1f ms (%d), text %.1f ms (%d bytes)",
                         fullTime * 1000, full.count, scopedTime * 1000, scoped?.count ?? 0, diffTime * 1000, diff.changes.count, textTime * 1000, text.utf8.count))
        }
    }
}
