/// `strata history`: one line per revision, oldest first, marking the head and the database's
/// current revision when known.
public enum HistoryListing {
    public static func render(_ history: History, current: String?, verbose: Bool) -> String {
        guard !history.isEmpty else { return "no revisions yet; create one with `strata new MESSAGE`\n" }
        let width = String(history.count).count
        var out = ""
        for (index, revision) in history.revisions.enumerated() {
            var marks: [String] = []
            if revision.id == history.head?.id { marks.append("head") }
            if revision.id == current { marks.append("current") }
            if !revision.transactional { marks.append(revision.batching == .whole ? "no BEGIN: one simple query" : "non-transactional") }
            if !revision.replaces.isEmpty { marks.append("init, replaces \(revision.replaces.count)") }
            if !revision.isReversible { marks.append("irreversible") }
            let number = String(index + 1).leftPadded(to: width)
            let date = revision.created.map { String($0.prefix(10)) } ?? "          "
            var line = "\(number)  \(revision.id)  \(date)  \(revision.message ?? "")"
            if !marks.isEmpty { line += "  (\(marks.joined(separator: ", ")))" }
            if verbose, let file = revision.fileName { line += "\n" + String(repeating: " ", count: width + 2) + file }
            out += line + "\n"
        }
        return out
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
