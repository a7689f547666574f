import Foundation
import StrataSchema
import XCTest

/// The model, the diff and the formatters, from literals (no database).
final class ModelTests: XCTestCase {
    private func table(_ name: String, columns: [String], extra: Attributes = [:]) -> [SchemaObject] {
        let id = ObjectID(.table, name)
        var objects = [SchemaObject(id, attributes: extra)]
        for (index, column) in columns.enumerated() {
            objects.append(SchemaObject(
                ObjectID(.column, "\(name).\(column)"), parent: id,
                attributes: ["position": String(index + 1), "type": "integer"]))
        }
        return objects
    }

    func testAttributesStaySortedAndCompareByValue() {
        var attributes: Attributes = ["b": "2", "a": "1"]
        attributes["c"] = "3"
        attributes["a"] = nil
        XCTAssertEqual(attributes.names, ["b", "c"])
        XCTAssertEqual(attributes, Attributes(["c": "3", "b": "2"]))
        XCTAssertEqual(attributes["b"], "2")
        XCTAssertNil(attributes["a"])
    }

    func testCatalogOIDsAreNotCompared() {
        let a = SchemaObject(ObjectID(.table, "public.t"), attributes: ["x": "1"], catalog: .relation(1))
        let b = SchemaObject(ObjectID(.table, "public.t"), attributes: ["x": "1"], catalog: .relation(2))
        XCTAssertEqual(a, b)
        XCTAssertEqual(Snapshot(objects: [a], serverVersion: 130000), Snapshot(objects: [b], serverVersion: 170000))
    }

    func testMovesAreTheColumnsOutsideTheLongestKeptOrder() {
        let old = Snapshot(objects: table("public.t", columns: ["a", "b", "c", "d", "e"]))
        // e moved to the front, b dropped, f added: only e moved.
        let new = Snapshot(objects: table("public.t", columns: ["e", "a", "c", "d", "f"]))
        XCTAssertEqual(DiffText.render(SchemaDiff(from: old, to: new)), """
            - column public.t.b
            ~ column public.t.e moved from position 5 to 1
            + column public.t.f

            """)
        let reversed = Snapshot(objects: table("public.t", columns: ["e", "d", "c", "b", "a"]))
        XCTAssertEqual(SchemaDiff(from: old, to: reversed).changes.filter { $0.kind == .moved }.count, 4)
    }

    func testAddedAndRemovedObjectsCollapseTheirSubObjects() {
        let old = Snapshot(objects: table("public.a", columns: ["x"]))
        let new = Snapshot(objects: table("public.b", columns: ["x", "y"]))
        XCTAssertEqual(diffLines(old, new), ["- table public.a", "+ table public.b"])
    }

    /// A scoped reflection may hold an index without its table (the scope named the index alone):
    /// the index added or removed is a change of its own, not part of its table's.
    func testASubObjectWithoutItsParentIsAChangeOfItsOwn() {
        let index = SchemaObject(ObjectID(.index, "public.ix_t_a"), parent: ObjectID(.table, "public.t"), attributes: ["definition": "(a)"])
        XCTAssertEqual(diffLines(Snapshot(objects: []), Snapshot(objects: [index])), ["+ index public.ix_t_a"])
        XCTAssertEqual(diffLines(Snapshot(objects: [index]), Snapshot(objects: [])), ["- index public.ix_t_a"])
        // with its table, it is part of the table's change
        let withTable = Snapshot(objects: table("public.t", columns: ["a"]) + [index])
        XCTAssertEqual(diffLines(Snapshot(objects: []), withTable), ["+ table public.t"])
    }

    func testMultiLineValuesShowTheFirstDifferingLine() {
        let change = SchemaChange(.changed, ObjectID(.view, "public.v"), attribute: "definition",
                                  old: " SELECT a\n   FROM t;", new: " SELECT a\n   FROM u;")
        XCTAssertEqual(DiffText.line(change), "~ view public.v: definition line 2: FROM t; → FROM u;")
        let added = SchemaChange(.changed, ObjectID(.function, "public.f()"), attribute: "body", old: nil, new: "a\nb")
        XCTAssertEqual(DiffText.line(added), "~ function public.f(): body line 1: (none) → a")
        let empty = SchemaChange(.changed, ObjectID(.function, "public.f()"), attribute: "arguments", old: "", new: "a int")
        XCTAssertEqual(DiffText.line(empty), "~ function public.f(): arguments \"\" → a int")
    }

    func testDataChanges() {
        var old = Snapshot(objects: table("public.t", columns: ["a"]))
        var new = old
        old.data[ObjectID(.table, "public.t")] = TableData(rows: 1, hash: "aaaaaaaaaaaa")
        new.data[ObjectID(.table, "public.t")] = TableData(rows: 1, hash: "bbbbbbbbbbbb")
        XCTAssertEqual(diffLines(old, new), ["~ data public.t: content hash aaaaaaaa → bbbbbbbb (same row count)"])
        new.data[ObjectID(.table, "public.t")] = TableData(rows: 2, hash: "bbbbbbbbbbbb")
        XCTAssertEqual(diffLines(old, new), ["~ data public.t: rows 1 → 2"])
        new.data = [:]
        XCTAssertEqual(diffLines(old, new), [], "contents are compared only where both sides have them")
    }

    func testTheOrderIsDeterministic() {
        let objects = table("public.t", columns: ["z", "a", "m"]) + [
            SchemaObject(ObjectID(.schema, "public")),
            SchemaObject(ObjectID(.index, "public.ix"), parent: ObjectID(.table, "public.t")),
            SchemaObject(ObjectID(.enum, "public.e"), attributes: ["labels": "'a'"]),
        ]
        let snapshot = Snapshot(objects: objects.shuffled())
        XCTAssertEqual(snapshot.sortedObjects.map(\.id.description), [
            "schema public", "enum public.e", "table public.t",
            "column public.t.z", "column public.t.a", "column public.t.m", "index public.ix",
        ])
        XCTAssertEqual(SnapshotText.render(snapshot), SnapshotText.render(Snapshot(objects: objects.reversed())))
    }

    func testJSONRoundTrips() throws {
        var snapshot = Snapshot(objects: table("public.t", columns: ["a"], extra: ["comment": "quote \" backslash \\ newline \n tab \t"]) + [
            SchemaObject(ObjectID(.materializedView, "public.mv"), attributes: ["definition": " SELECT 1;"]),
            SchemaObject(ObjectID(.defaultPrivileges, "postgres in public on tables"), attributes: ["grant x": "SELECT"]),
        ], serverVersion: 150018)
        snapshot.data[ObjectID(.table, "public.t")] = TableData(rows: 3, hash: "abc")
        let decoded = try JSONDecoder().decode(Snapshot.self, from: Data(SnapshotJSON.render(snapshot).utf8))
        XCTAssertEqual(decoded, snapshot)
        XCTAssertEqual(decoded.serverVersion, 150018)
        let viaCodable = try JSONDecoder().decode(Snapshot.self, from: JSONEncoder().encode(snapshot))
        XCTAssertEqual(viaCodable, snapshot)

        let diff = SchemaDiff(from: Snapshot(objects: []), to: snapshot)
        let json = DiffJSON.render(diff)
        XCTAssertEqual(try JSONDecoder().decode(SchemaDiff.self, from: Data(json.utf8)), diff)
        XCTAssertTrue(json.contains("\"equal\": false"))
        XCTAssertEqual(DiffJSON.render(SchemaDiff(changes: [])), "{\n  \"equal\": true,\n  \"changes\": []\n}\n")
    }

    func testObjectIDsParseBack() {
        for kind in ObjectKind.allCases {
            let id = ObjectID(kind, "public.x y")
            XCTAssertEqual(ObjectID(parsing: id.description), id)
        }
    }
}
