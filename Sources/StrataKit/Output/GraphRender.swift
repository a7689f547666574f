/// `strata graph`: the revision graph as Graphviz dot or Mermaid, branches and all.
public enum GraphRender {
    public enum Format: String, Sendable, CaseIterable { case dot, mermaid }

    public static func render(_ graph: RevisionGraph, format: Format) -> String {
        let nodes = graph.byID.values.sorted { ($0.created ?? "", $0.id) < ($1.created ?? "", $1.id) }
        func label(_ r: Revision) -> String {
            let message = (r.message ?? "").replacingOccurrences(of: "\"", with: "'")
            return message.isEmpty ? r.id : "\(r.id)\\n\(message)"
        }
        var edges: [(String, String)] = []
        for r in nodes {
            for parent in graph.parents(of: r.id) { edges.append((parent, r.id)) }
        }
        switch format {
        case .dot:
            var out = "digraph strata {\n  rankdir=BT;\n  node [shape=box, fontname=\"monospace\"];\n"
            for r in nodes { out += "  \"\(r.id)\" [label=\"\(label(r))\"];\n" }
            for (from, to) in edges { out += "  \"\(to)\" -> \"\(from)\";\n" }
            return out + "}\n"
        case .mermaid:
            var out = "graph BT\n"
            for r in nodes {
                let text = label(r).replacingOccurrences(of: "\\n", with: "<br/>")
                out += "  r_\(r.id)[\"\(text)\"]\n"
            }
            for (from, to) in edges { out += "  r_\(to) --> r_\(from)\n" }
            return out
        }
    }
}
