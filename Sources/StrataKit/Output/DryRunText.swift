/// The text form of a dry-run report.
public enum DryRunText {
    public static func render(_ report: DryRunReport) -> String {
        guard !report.entries.isEmpty else { return "dry run: nothing pending (at \(report.from ?? "base"))\n" }
        var out = "dry run: \(report.from ?? "base") → \(report.to ?? "base"), \(report.entries.count) revision\(report.entries.count == 1 ? "" : "s"), rolled back\n"
        for entry in report.entries {
            let time = entry.milliseconds.map { String(format: "%.1f ms", $0) } ?? "-"
            out += "  \(entry.status.rawValue.padding(toLength: 16, withPad: " ", startingAt: 0)) \(entry.revision)  \(entry.message ?? "")  (\(time))\n"
            for lock in entry.locks {
                out += "      \(lock.mode) on \(lock.relation)\(lock.blocks == "nothing ordinary" ? "" : "  — blocks \(lock.blocks)")\n"
            }
            if entry.newRelations > 0 { out += "      + \(entry.newRelations) new relation\(entry.newRelations == 1 ? "" : "s") (locks on them block no one)\n" }
            if let error = entry.error { out += "      \(error.replacingOccurrences(of: "\n", with: "\n      "))\n" }
        }
        out += report.failed ? "dry run FAILED: nothing was committed\n" : "dry run passed: nothing was committed\n"
        return out
    }
}
