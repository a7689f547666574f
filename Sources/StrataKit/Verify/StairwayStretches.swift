/// The stairway's cost model (pure): how a history is cut into stretches that jobs check at the
/// same time and that take about as long.
extension StairwayVerifier {
    /// Cuts revisions `start..<end` into at most `jobs` stretches that take about as long. Checking
    /// revision `i` costs `1 + i / end` (the schema grows: later revisions have more to scan and
    /// fingerprint, measured about twice as much at the end of a history), and a stretch first
    /// applies the ups before it (`fastForward` of that cost each), so later stretches are
    /// shorter. A stretch has at least `minimum` revisions.
    static func stretches(from start: Int, to end: Int, jobs: Int, fastForward: Double = 0.12, minimum: Int = 12) -> [Range<Int>] {
        let count = max(1, min(jobs, (end - start) / minimum))
        guard count > 1 else { return [start..<end] }
        // before[i]: the cost of checking revisions 0..<i
        var before = [0.0]
        for index in 0..<end { before.append(before[index] + checkCost(index, of: end)) }
        // With at most `time` per job, where each of `count` jobs gets (each as far as it can).
        func bounds(_ time: Double) -> [Int] {
            var result = [start]
            for _ in 0..<count {
                let from = result.last!
                var to = from
                let budget = time - fastForward * before[from]
                while to < end && before[to + 1] - before[from] <= budget { to += 1 }
                result.append(max(min(from + 1, end), to))
            }
            return result
        }
        var low = 0.0, high = before[end] - before[start]
        while high - low > 0.25 {
            let middle = (low + high) / 2
            if bounds(middle).last! >= end { high = middle } else { low = middle }
        }
        let cut = bounds(high)
        return zip(cut, cut.dropFirst()).map { $0..<$1 }.filter { !$0.isEmpty }
    }

    /// The model's cost of checking revision `index` of a history of `count`.
    static func checkCost(_ index: Int, of count: Int) -> Double { 1 + Double(index) / Double(max(1, count)) }
}
