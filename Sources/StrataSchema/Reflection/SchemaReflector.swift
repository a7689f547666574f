import Dispatch
import Foundation
import StrataPostgres

/// Reads a database's schema from `pg_catalog` into a `Snapshot`: one bulk query per object kind
/// (Queries/*.sql), never one query per table, plus one query for all tables' contents.
///
/// Everything runs in one transaction: its own `REPEATABLE READ READ ONLY` one, or, when the
/// connection is already inside a transaction, a savepoint that is rolled back afterwards. The
/// session settings the output depends on (`search_path`, `DateStyle`, `TimeZone`, ...) are set
/// locally, so the caller's session is left as it was.
///
/// Given a connection string, the reflector may open a second connection that imports the first
/// one's snapshot (`pg_export_snapshot()`, as `pg_dump -j` does) and runs half of the queries,
/// so the server renders definitions on two cores and the client reads one result while the
/// server computes the next.
public enum SchemaReflector {
    /// Settings under which every name the server prints is schema-qualified and every constant
    /// prints the same whatever the caller's session says; joins in the written order (planning
    /// the catalog queries would otherwise cost more than running a scoped one) and sorts in memory.
    static let sessionSettings = """
        SET LOCAL search_path = ''; SET LOCAL DateStyle = 'ISO, YMD'; SET LOCAL IntervalStyle = 'postgres'; \
        SET LOCAL TimeZone = 'UTC'; SET LOCAL extra_float_digits = 3; SET LOCAL bytea_output = 'hex'; \
        SET LOCAL join_collapse_limit = 1; SET LOCAL from_collapse_limit = 1; SET LOCAL work_mem = '64MB'; SET LOCAL jit = off
        """

    /// Reflects the database `connection` is connected to, over that one connection.
    public static func reflect(_ connection: PGConnection, options: ReflectionOptions = ReflectionOptions()) throws -> Snapshot {
        try reflect(main: connection, helper: nil, options: options)
    }

    /// Connects to `target` and reflects it. `connections: 2` (the default) runs the catalog
    /// queries on two connections sharing one snapshot; 1 uses a single connection.
    public static func reflect(
        _ target: ConnectionString, options: ReflectionOptions = ReflectionOptions(), connections: Int = 2,
        applicationName: String = "strata"
    ) throws -> Snapshot {
        let helperBox = HelperConnection()
        let group = DispatchGroup()
        if connections > 1, options.scope.isEverything {
            // The second connection is opened while the first one resolves the scope.
            DispatchQueue.global().async(group: group) {
                helperBox.open(target, applicationName: applicationName)
            }
        }
        let main: PGConnection
        do {
            main = try PGConnection(target, applicationName: applicationName)
        } catch {
            group.wait()
            helperBox.connection?.close()
            throw error
        }
        defer { main.close() }
        group.wait()
        let helper = helperBox.connection
        defer { helper?.close() }
        return try reflect(main: main, helper: helper, options: options)
    }

    /// Connects to each target and reflects them at the same time, one thread each; with one
    /// target it uses two connections, with more one connection per target (a diff's two sides
    /// cost about as much as one). Throws the first target's error.
    public static func reflect(
        _ targets: [ConnectionString], options: ReflectionOptions = ReflectionOptions(), applicationName: String = "strata"
    ) throws -> [Snapshot] {
        let connections = targets.count == 1 ? 2 : 1
        let results = ResultSlots<Snapshot>(count: targets.count)
        DispatchQueue.concurrentPerform(iterations: targets.count) { index in
            results.set(index, Result {
                try reflect(targets[index], options: options, connections: connections, applicationName: applicationName)
            })
        }
        return try results.values().map { try $0.get() }
    }

    // MARK: - Transaction

    private static func reflect(main: PGConnection, helper: PGConnection?, options: ReflectionOptions) throws -> Snapshot {
        let queries = try CatalogQueries.load(serverVersion: main.serverVersionNumber)
        let ownTransaction = !main.inTransaction
        if !options.scope.isEverything {
            // A scoped reflection is a handful of cheap prepared statements on one connection.
            do {
                return try reflectScoped(main, options: options, queries: queries, ownTransaction: ownTransaction)
            } catch let error as PostgresError where error.sqlState == "26000" && !main.preparedStatements.isEmpty {
                // A revision ran DEALLOCATE: prepare everything again.
                main.preparedStatements.removeAll()
                return try reflectScoped(main, options: options, queries: queries, ownTransaction: ownTransaction)
            }
        }
        // A caller's open transaction may hold changes no other connection can see.
        let helper = ownTransaction ? helper : nil
        var helperInTransaction = false
        try main.execute(begin(ownTransaction))
        do {
            var clock = StepClock()
            let resolved = try resolveScope(main, options: options, sql: queries.scope)
            try main.execute(sessionSettings)
            if let helper {
                let exported = try main.query("SELECT pg_export_snapshot()")[0, 0] ?? ""
                helperInTransaction = true
                try helper.execute(
                    "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET TRANSACTION SNAPSHOT \(quoteLiteral(exported)); "
                        + sessionSettings)
            }
            clock.mark("scope")
            let objects = try runQueries(queries.objects, on: [main] + (helper.map { [$0] } ?? []), resolved: resolved)
            clock.mark("queries")
            var data: [ObjectID: TableData] = [:]
            if options.includeData {
                data = try readContents(TableContents.tables(in: objects), on: [main] + (helper.map { [$0] } ?? []))
                clock.mark("data")
            }
            if let helper {
                helperInTransaction = false
                try helper.execute("COMMIT")
            }
            try main.execute(end(ownTransaction))
            clock.report()
            return Snapshot(byID: objects, data: data, serverVersion: resolved.serverVersion, scope: nil)
        } catch {
            if let helper, helperInTransaction, !helper.isBroken { _ = try? helper.execute("ROLLBACK") }
            if !main.isBroken { _ = try? main.execute(rollback(ownTransaction)) }
            throw error
        }
    }

    /// A reflection reads in its own read-only transaction, or inside the caller's in a savepoint
    /// that is rolled back (it changes nothing, but its SET LOCALs must not stay).
    private static func begin(_ ownTransaction: Bool) -> String {
        ownTransaction ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "SAVEPOINT strata_reflect"
    }

    private static func end(_ ownTransaction: Bool) -> String {
        ownTransaction ? "COMMIT" : "ROLLBACK TO SAVEPOINT strata_reflect; RELEASE SAVEPOINT strata_reflect"
    }

    private static func rollback(_ ownTransaction: Bool) -> String {
        ownTransaction ? "ROLLBACK" : "ROLLBACK TO SAVEPOINT strata_reflect; RELEASE SAVEPOINT strata_reflect"
    }

    /// A scoped reflection in three round trips: (1) the scope, expanded by a prepared scope.sql,
    /// with the transaction's settings; (2) every object query that can find anything, as prepared
    /// statements in one message; (3) the contents of the tables found, with the end of the
    /// transaction. Statements are prepared once per connection (`PGConnection.preparedStatements`).
    private static func reflectScoped(
        _ connection: PGConnection, options: ReflectionOptions, queries: CatalogQueries.Prepared, ownTransaction: Bool
    ) throws -> Snapshot {
        let end = end(ownTransaction)
        do {
            var message = begin(ownTransaction) + ";\n"
            let scopeName = queries.scopeName
            if !connection.preparedStatements.contains(scopeName) {
                message += "PREPARE \(scopeName)(oid[], oid[], bool, text[]) AS \(queries.scope);\n"
            }
            let arguments = scopeArguments(options).map { quoteLiteral($0) }.joined(separator: ", ")
            // The scope resolves excluded table names before `search_path` is emptied. A scope names
            // a handful of OIDs: the planner starts from them (index scans on the catalogs) instead
            // of the written join order a full reflection wants. Every statement keeps its generic
            // plan: planning again costs more than running, the more so after a revision's DDL in
            // the same transaction (a stairway's) sent the catalog caches away.
            message += "SET LOCAL plan_cache_mode = force_generic_plan;\nEXECUTE \(scopeName)(\(arguments));\n" + sessionSettings
                + "; SET LOCAL plan_cache_mode = force_generic_plan; SET LOCAL join_collapse_limit = 8; SET LOCAL from_collapse_limit = 8"
            let first = try connection.executeAll(message)
            connection.preparedStatements.insert(scopeName)
            guard let scopeResult = first.first(where: { $0.columnNames.contains("relation_queries") }) else {
                throw SchemaReflectionError.malformedResult(query: "scope", message: "no result")
            }
            let resolved = try parseScope(scopeResult, connection: connection)
            let relationQueries = Set(elements(scopeResult.value(0, "relation_queries")).map(String.init))
            let work = queries.objects.filter { query in
                let filters = query.parameters.filter { $0 != .excluded }
                if filters.allSatisfy({ (resolved.arrays[$0] ?? nil) == "{}" }) { return false }
                // A query filtering on relations alone that cannot find anything is not run.
                if filters == [.rels] { return relationQueries.contains(query.name) }
                return true
            }

            message = ""
            var prepared: [String] = []
            for query in work where !connection.preparedStatements.contains(query.statementName) {
                let types = Array(repeating: "oid[]", count: query.scopedParameters.count).joined(separator: ", ")
                message += "PREPARE \(query.statementName)(\(types)) AS \(query.scopedSQL);\n"
                prepared.append(query.statementName)
            }
            for query in work {
                let arguments = query.scopedParameters.map { parameter -> String in
                    guard let array = resolved.arrays[parameter] ?? nil else { return "NULL" }
                    return quoteLiteral(array)
                }
                message += "EXECUTE \(query.statementName)(\(arguments.joined(separator: ", ")));\n"
            }
            if !options.includeData { message += end }
            var builder = SnapshotBuilder()
            if !message.isEmpty {
                let results = try connection.executeAll(message).filter { $0.columnCount > 0 }
                connection.preparedStatements.formUnion(prepared)
                guard results.count == work.count else {
                    throw SchemaReflectionError.malformedResult(query: "scoped reflection", message: "\(results.count) results for \(work.count) queries")
                }
                for (query, result) in zip(work, results) { try builder.load(result, query: query.name) }
            }
            var data: [ObjectID: TableData] = [:]
            if options.includeData {
                let tables = TableContents.tables(in: builder.objects)
                if tables.isEmpty {
                    try connection.execute(end)
                } else {
                    let results = try connection.executeAll(TableContents.query(for: tables) + ";\n" + end)
                    guard let result = results.first else {
                        throw SchemaReflectionError.malformedResult(query: "table contents", message: "no result")
                    }
                    data = try TableContents.parse(result, tables: tables)
                }
            }
            return Snapshot(byID: builder.objects, data: data, serverVersion: resolved.serverVersion, scope: resolved.scope)
        } catch {
            if !connection.isBroken { _ = try? connection.execute(rollback(ownTransaction)) }
            throw error
        }
    }

    /// `{a,b}` → ["a", "b"] (an array the server printed of names or numbers: no quoting inside).
    static func elements(_ text: String?) -> [Substring] {
        guard let text, text.count >= 2 else { return [] }
        return text.dropFirst().dropLast().split(separator: ",")
    }

    /// Runs the queries, heaviest first, each connection taking the next one when it is free;
    /// each connection's thread reads its own results.
    private static func runQueries(
        _ queries: [CatalogQuery], on connections: [PGConnection], resolved: Resolved
    ) throws -> [ObjectID: SchemaObject] {
        let ordered = queries.sorted { weight($0.name) > weight($1.name) }
        if connections.count == 1 {
            var builder = SnapshotBuilder()
            for query in ordered { try run(query, on: connections[0], resolved: resolved, into: &builder) }
            return builder.objects
        }
        let queue = WorkQueue(ordered)
        let boxes = connections.map { UncheckedBox($0) }
        let results = ResultSlots<[ObjectID: SchemaObject]>(count: connections.count)
        DispatchQueue.concurrentPerform(iterations: boxes.count) { index in
            results.set(index, Result {
                var builder = SnapshotBuilder()
                while let query = queue.next() {
                    do {
                        try run(query, on: boxes[index].value, resolved: resolved, into: &builder)
                    } catch {
                        queue.stop()
                        throw error
                    }
                }
                return builder.objects
            })
        }
        var merged: [ObjectID: SchemaObject] = [:]
        for result in try results.values().map({ try $0.get() }).sorted(by: { $0.count > $1.count }) {
            if merged.isEmpty {
                merged = result
            } else {
                merged.merge(result) { first, _ in first }
            }
        }
        return merged
    }

    /// Table contents in chunks of at most `TableContents.chunkSize` tables (a query per chunk,
    /// each table one `UNION ALL` branch), spread over the connections like the catalog queries.
    private static func readContents(_ tables: [ObjectID], on connections: [PGConnection]) throws -> [ObjectID: TableData] {
        let chunks = stride(from: 0, to: tables.count, by: TableContents.chunkSize).map {
            Array(tables[$0..<min($0 + TableContents.chunkSize, tables.count)])
        }
        if connections.count == 1 || chunks.count < 2 {
            var data: [ObjectID: TableData] = [:]
            for chunk in chunks { data.merge(try TableContents.read(connections[0], tables: chunk)) { first, _ in first } }
            return data
        }
        let queue = WorkQueue(chunks)
        let boxes = connections.map { UncheckedBox($0) }
        let results = ResultSlots<[ObjectID: TableData]>(count: boxes.count)
        DispatchQueue.concurrentPerform(iterations: boxes.count) { index in
            results.set(index, Result {
                var data: [ObjectID: TableData] = [:]
                while let chunk = queue.next() {
                    do {
                        data.merge(try TableContents.read(boxes[index].value, tables: chunk)) { first, _ in first }
                    } catch {
                        queue.stop()
                        throw error
                    }
                }
                return data
            })
        }
        var data: [ObjectID: TableData] = [:]
        for result in results.values() { data.merge(try result.get()) { first, _ in first } }
        return data
    }

    private static func run(
        _ query: CatalogQuery, on connection: PGConnection, resolved: Resolved, into builder: inout SnapshotBuilder
    ) throws {
        var clock = StepClock()
        // The parameters are bound per execution (NULL arrays): the server folds the tests away.
        let result = try connection.query(query.sql, query.parameters.map { resolved.arrays[$0] ?? nil })
        clock.mark(query.name)
        try builder.load(result, query: query.name)
        clock.mark(query.name + " (load)")
        clock.report()
    }

    /// Rough server cost of each query on a wide schema, for scheduling the heavy ones first.
    private static func weight(_ name: String) -> Int {
        switch name {
        case "columns": return 100
        case "indexes": return 70
        case "constraints": return 50
        case "relations", "sequences", "types": return 10
        default: return 1
        }
    }

    // MARK: - Scope

    struct Resolved: Sendable {
        var arrays: [QueryParameter: String?]
        var scope: ResolvedScope
        var serverVersion: Int
    }

    /// Runs scope.sql: expands the scope into OID arrays (text literals passed on as parameters)
    /// and finds the excluded tables (before `search_path` is emptied, so unqualified names work).
    static func resolveScope(_ connection: PGConnection, options: ReflectionOptions, sql: String) throws -> Resolved {
        let result = try connection.query(sql, scopeArguments(options))
        return try parseScope(result, connection: connection)
    }

    /// scope.sql's four parameters, as text.
    static func scopeArguments(_ options: ReflectionOptions) -> [String] {
        var classIDs: [UInt32] = []
        var objectIDs: [UInt32] = []
        if case .objects(let refs) = options.scope {
            classIDs = refs.map(\.classID)
            objectIDs = refs.map(\.objectID)
        }
        return [
            "{" + classIDs.map(String.init).joined(separator: ",") + "}",
            "{" + objectIDs.map(String.init).joined(separator: ",") + "}",
            options.scope.isEverything ? "true" : "false",
            arrayLiteral(options.excludedTables.map(regclassText)),
        ]
    }

    static func parseScope(_ result: PGResult, connection: PGConnection) throws -> Resolved {
        guard result.rowCount == 1 else {
            throw SchemaReflectionError.malformedResult(query: "scope", message: "expected one row")
        }
        var arrays: [QueryParameter: String?] = [:]
        for parameter in QueryParameter.allCases {
            guard result.columnNames.contains(parameter.rawValue) else {
                throw SchemaReflectionError.malformedResult(query: "scope", message: "no column \(parameter.rawValue)")
            }
            arrays[parameter] = .some(result.value(0, parameter.rawValue))
        }
        let scope = ResolvedScope(
            relations: oids(result.value(0, "rels")), types: oids(result.value(0, "types")),
            functions: oids(result.value(0, "funcs")), namespaces: oids(result.value(0, "nsps")),
            extensions: oids(result.value(0, "exts")), defaultACLs: oids(result.value(0, "defacls")),
            collations: oids(result.value(0, "colls")), eventTriggers: oids(result.value(0, "evtrigs")),
            textSearchDictionaries: oids(result.value(0, "tsdicts")), textSearchConfigurations: oids(result.value(0, "tscfgs")),
            publications: oids(result.value(0, "pubs")), foreignDataWrappers: oids(result.value(0, "fdws")),
            foreignServers: oids(result.value(0, "srvs")))
        let version = Int(result.value(0, "server_version_num") ?? "") ?? connection.serverVersionNumber
        return Resolved(arrays: arrays, scope: scope, serverVersion: version)
    }

    /// `schema.table` → `"schema"."table"`; `table` → `"table"`.
    static func regclassText(_ name: String) -> String {
        name.split(separator: ".", maxSplits: 1).map { quoteIdentifier(String($0)) }.joined(separator: ".")
    }

    /// A PostgreSQL array literal of text elements: `{"a","b \"c\""}`.
    static func arrayLiteral(_ elements: [String]) -> String {
        "{" + elements.map { element in
            "\"" + element.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }.joined(separator: ",") + "}"
    }

    /// `{1,2,3}` → [1, 2, 3].
    static func oids(_ text: String?) -> Set<UInt32> {
        Set(elements(text).compactMap { UInt32($0) })
    }
}

// MARK: - Concurrency helpers

/// A value handed to exactly one other thread at a time (a connection used by one worker).
private final class UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// The second connection, opened on another thread; a failure to open it only means reflecting
/// over one connection.
private final class HelperConnection: @unchecked Sendable {
    private let lock = NSLock()
    private var opened: PGConnection?

    func open(_ target: ConnectionString, applicationName: String) {
        let connection = try? PGConnection(target, applicationName: applicationName)
        lock.lock()
        opened = connection
        lock.unlock()
    }

    var connection: PGConnection? {
        lock.lock()
        defer { lock.unlock() }
        return opened
    }
}

/// Hands out work items to worker threads in order; `stop()` makes the others finish early.
private final class WorkQueue<Item>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Item]
    private var position = 0

    init(_ items: [Item]) {
        self.items = items
    }

    func next() -> Item? {
        lock.lock()
        defer { lock.unlock() }
        guard position < items.count else { return nil }
        position += 1
        return items[position - 1]
    }

    func stop() {
        lock.lock()
        position = items.count
        lock.unlock()
    }
}

/// Results of concurrent work, one slot per index.
/// One result per concurrently running task, filled in from any thread.
public final class ResultSlots<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<Value, Error>?]

    public init(count: Int) {
        slots = Array(repeating: nil, count: count)
    }

    public func set(_ index: Int, _ result: Result<Value, Error>) {
        lock.lock()
        slots[index] = result
        lock.unlock()
    }

    public func values() -> [Result<Value, Error>] {
        lock.lock()
        defer { lock.unlock() }
        return slots.map { $0 ?? .failure(SchemaReflectionError.malformedResult(query: "?", message: "no result")) }
    }
}

/// Per-step wall-clock times, printed to standard error when `STRATA_SCHEMA_TIMING` is set.
struct StepClock {
    private static let enabled = ProcessInfo.processInfo.environment["STRATA_SCHEMA_TIMING"] != nil
    private var last = DispatchTime.now().uptimeNanoseconds
    private var steps: [(String, Double)] = []

    mutating func mark(_ step: String) {
        guard Self.enabled else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        steps.append((step, Double(now - last) / 1e6))
        last = now
    }

    func report() {
        guard Self.enabled, !steps.isEmpty else { return }
        let lines = steps.map { String(format: "%8.2f ms  %@", $0.1, $0.0) }
        FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }
}
