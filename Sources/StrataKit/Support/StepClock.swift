import Foundation

/// Times consecutive steps of a run, for the "time each step took" reports.
struct StepClock {
    private(set) var steps: [(String, Double)] = []
    private var last = Date()

    /// Ends the current step under `name`; the next one starts now.
    mutating func mark(_ name: String) {
        let now = Date()
        steps.append((name, now.timeIntervalSince(last)))
        last = now
    }

    /// Starts the next step now without recording the time since the last mark.
    mutating func restart() { last = Date() }

    mutating func append(_ more: [(String, Double)]) { steps.append(contentsOf: more) }
}
