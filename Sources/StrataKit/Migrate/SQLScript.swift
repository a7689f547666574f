import StrataPostgres

/// `upgrade --sql`: the script strata would run from base to a target, for review or for a DBA
/// to run by hand. No database is needed.
public enum SQLScript {
    public static func upgrade(_ history: History, to target: String, versionTable: VersionTable) throws(StrataError) -> String {
        let goal: Int
        if target == "head" {
            goal = history.count - 1
        } else if target.hasPrefix("+"), let n = Int(target.dropFirst()) {
            goal = min(n, history.count) - 1
        } else {
            goal = history.position(of: try history.resolve(target).id) ?? -1
        }
        var out = "-- strata upgrade --sql: base → \(goal >= 0 ? history.revisions[goal].id : "base")\n"
        out += versionTable.createSQL + "\n\n"
        guard goal >= 0 else { return out }
        for revision in history.revisions[0...goal] {
            out += "-- \(revision.id): \(revision.message ?? "")\n"
            let insert = "INSERT INTO \(versionTable.qualified) (revision, checksum) VALUES (\(quoteLiteral(revision.id)), \(quoteLiteral(revision.checksum)));\n"
            if revision.transactional {
                out += "BEGIN;\n"
                var body = revision.upSQL.trimmingTrailingWhitespace()
                if !body.isEmpty && !body.hasSuffix(";") { body += ";" }
                out += body + "\n" + insert + "COMMIT;\n"
            } else {
                out += "-- non-transactional: statements run one by one\n"
                for statement in SQLScanner(revision.upSQL).statements() { out += statement.text + ";\n" }
                out += insert
            }
            out += "RESET ALL;\n\n"
        }
        return out
    }
}
