import CLibPQ

/// One statement's result (`PGresult *`), freed with `PQclear` in `deinit`. Values are text.
public final class PGResult {
    private let handle: OpaquePointer
    /// libpq copied the connection's notice hooks into this result; keep their target alive.
    private let keepAlive: AnyObject?

    init(_ handle: OpaquePointer, keepAlive: AnyObject?) {
        self.handle = handle
        self.keepAlive = keepAlive
    }

    deinit {
        PQclear(handle)
    }

    public var rowCount: Int { Int(PQntuples(handle)) }

    public var columnCount: Int { Int(PQnfields(handle)) }

    /// Column names exactly as the server sent them (no case folding).
    public private(set) lazy var columnNames: [String] = (0..<columnCount).map { column in
        PQfname(handle, Int32(column)).map { String(cString: $0) } ?? ""
    }

    /// The text value at `row`, `column`; nil for SQL NULL and for out-of-range indexes.
    public subscript(row: Int, column: Int) -> String? {
        guard row >= 0, row < rowCount, column >= 0, column < columnCount else { return nil }
        let r = Int32(row)
        let c = Int32(column)
        guard PQgetisnull(handle, r, c) == 0, let value = PQgetvalue(handle, r, c) else { return nil }
        return String(cString: value)
    }

    /// The value in the first column called exactly `name` (case-sensitive, unlike `PQfnumber`).
    public func value(_ row: Int, _ name: String) -> String? {
        guard let column = columnNames.firstIndex(of: name) else { return nil }
        return self[row, column]
    }

    /// All rows, each with one entry per column.
    public var rows: [[String?]] {
        let columns = columnCount
        return (0..<rowCount).map { row in (0..<columns).map { self[row, $0] } }
    }

    /// Rows affected by INSERT/UPDATE/DELETE/MERGE/SELECT/MOVE/FETCH/COPY (`PQcmdTuples`); nil otherwise.
    public var commandTuples: Int? {
        guard let text = PQcmdTuples(handle), text.pointee != 0 else { return nil }
        return Int(String(cString: text))
    }

    /// The command tag, e.g. `CREATE TABLE`, `INSERT 0 3`.
    public var commandStatus: String {
        PQcmdStatus(handle).map { String(cString: $0) } ?? ""
    }
}
