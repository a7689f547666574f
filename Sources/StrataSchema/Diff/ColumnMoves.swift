/// Finds columns that moved within their table's column order.
///
/// Only the columns both sides have are considered. Their order in the new snapshot, written as
/// old ranks, keeps a longest increasing subsequence in place; every other column is reported as
/// moved, with its absolute positions. So adding or dropping a column never moves the ones after
/// it, and swapping two neighbours reports one column, not every column in between.
enum ColumnMoves {
    static func find(in tables: Set<ObjectID>, old: Snapshot, new: Snapshot) -> [SchemaChange] {
        var oldColumns: [ObjectID: [(id: ObjectID, position: Int)]] = [:]
        var newColumns: [ObjectID: [(id: ObjectID, position: Int)]] = [:]
        collect(old, tables, into: &oldColumns)
        collect(new, tables, into: &newColumns)

        var changes: [SchemaChange] = []
        for table in tables {
            guard let before = oldColumns[table], let after = newColumns[table] else { continue }
            let afterPositions = Dictionary(after.map { ($0.id, $0.position) }, uniquingKeysWith: { first, _ in first })
            let commonBefore = before.sorted { $0.position < $1.position }.filter { afterPositions[$0.id] != nil }
            guard commonBefore.count > 1 else { continue }
            var oldRank: [ObjectID: Int] = [:]
            for (rank, column) in commonBefore.enumerated() { oldRank[column.id] = rank }
            let commonAfter = after.sorted { $0.position < $1.position }.filter { oldRank[$0.id] != nil }
            let ranks = commonAfter.compactMap { oldRank[$0.id] }
            let kept = longestIncreasingSubsequence(ranks)
            guard kept.count < ranks.count else { continue }
            let oldPositions = Dictionary(before.map { ($0.id, $0.position) }, uniquingKeysWith: { first, _ in first })
            for (index, column) in commonAfter.enumerated() where !kept.contains(index) {
                changes.append(SchemaChange(
                    .moved, column.id, attribute: "position",
                    old: oldPositions[column.id].map(String.init), new: afterPositions[column.id].map(String.init)))
            }
        }
        return changes
    }

    private static func collect(_ snapshot: Snapshot, _ tables: Set<ObjectID>, into columns: inout [ObjectID: [(id: ObjectID, position: Int)]]) {
        for object in snapshot.objects.values where object.id.kind == .column {
            guard let table = object.parent, tables.contains(table) else { continue }
            let position = object.attributes["position"].flatMap { Int($0) } ?? 0
            columns[table, default: []].append((object.id, position))
        }
    }

    /// Indexes (into `values`) of one longest strictly increasing subsequence (patience sorting).
    static func longestIncreasingSubsequence(_ values: [Int]) -> Set<Int> {
        var tails: [Int] = []  // index into values of the smallest tail of each length
        var previous = Array(repeating: -1, count: values.count)
        for (index, value) in values.enumerated() {
            var low = 0
            var high = tails.count
            while low < high {
                let middle = (low + high) / 2
                if values[tails[middle]] < value { low = middle + 1 } else { high = middle }
            }
            if low > 0 { previous[index] = tails[low - 1] }
            if low == tails.count { tails.append(index) } else { tails[low] = index }
        }
        var result = Set<Int>()
        var cursor = tails.last ?? -1
        while cursor >= 0 {
            result.insert(cursor)
            cursor = previous[cursor]
        }
        return result
    }
}
