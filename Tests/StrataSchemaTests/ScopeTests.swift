import StrataPostgres
import StrataSchema
import XCTest

/// Scoped reflection: a few objects and their sub-objects, compared with the same slice of an
/// older snapshot.
final class ScopeTests: XCTestCase {
    static let schema = """
        CREATE TYPE mood AS ENUM ('ok', 'meh');
        CREATE DOMAIN posint AS int CONSTRAINT posint_check CHECK (VALUE > 0);
        CREATE TABLE users (id serial PRIMARY KEY, name text, mood mood);
        CREATE INDEX users_name_ix ON users (name);
        COMMENT ON COLUMN users.name IS 'full name';
        CREATE POLICY own ON users USING (true);
        CREATE TABLE other (id int PRIMARY KEY, user_id int CONSTRAINT other_user_fk REFERENCES users);
        CREATE FUNCTION f() RETURNS int LANGUAGE sql RETURN 1;
        CREATE SCHEMA extra;
        """

    private func oid(_ connection: PGConnection, _ sql: String) throws -> UInt32 {
        try XCTUnwrap(UInt32(try XCTUnwrap(connection.query(sql)[0, 0])))
    }

    func testATableScopeBringsItsSubObjectsOnly() throws {
        let database = try freshDatabase(self)
        let connection = try PGConnection(database)
        try connection.execute(Self.schema)
        let users = try oid(connection, "SELECT 'users'::regclass::oid")
        let scoped = try SchemaReflector.reflect(connection, options: ReflectionOptions(scope: .objects([.relation(users)])))
        XCTAssertEqual(scoped.sortedObjects.map(\.id.description), [
            "sequence public.users_id_seq",
            "table public.users",
            "column public.users.id", "column public.users.name", "column public.users.mood",
            "constraint public.users.users_pkey",
            "index public.users_name_ix",
            "policy public.users.own",
        ])
        XCTAssertEqual(scoped.scopeRoots, [ObjectID(.table, "public.users")])
        XCTAssertTrue(scoped.isPartial)

        let full = try SchemaReflector.reflect(connection)
        XCTAssertNil(full.scope)
        XCTAssertEqual(full.slice(matching: scoped), scoped, "the same slice of a full snapshot is equal")
        XCTAssertEqual(full.slice([ObjectID(.table, "public.users")]), scoped)
    }

    func testSubObjectAndTypeScopes() throws {
        let database = try freshDatabase(self)
        let connection = try PGConnection(database)
        try connection.execute(Self.schema)
        let fk = try oid(connection, "SELECT oid FROM pg_constraint WHERE conname = 'other_user_fk'")
        let posint = try oid(connection, "SELECT 'posint'::regtype::oid")
        let moodArray = try oid(connection, "SELECT '_mood'::regtype::oid")
        let f = try oid(connection, "SELECT 'f'::regproc::oid")
        let extra = try oid(connection, "SELECT oid FROM pg_namespace WHERE nspname = 'extra'")
        let scoped = try SchemaReflector.reflect(connection, options: ReflectionOptions(scope: .objects([
            CatalogRef(classID: CatalogRef.pgConstraint, objectID: fk), .type(posint), .type(moodArray), .function(f), .namespace(extra),
        ])))
        XCTAssertEqual(scoped.sortedObjects.map(\.id.description), [
            "schema extra", "enum public.mood", "domain public.posint",
            "table public.other", "column public.other.id", "column public.other.user_id",
            "constraint public.other.other_pkey", "constraint public.other.other_user_fk",
            "constraint public.posint.posint_check",
            "function public.f()",
        ])
        XCTAssertEqual(scoped.scopeRoots, [
            ObjectID(.schema, "extra"), ObjectID(.enum, "public.mood"), ObjectID(.domain, "public.posint"),
            ObjectID(.table, "public.other"), ObjectID(.function, "public.f()"),
        ])
    }

    func testAScopedDiffAfterChangesFindsRemovedAndChangedObjects() throws {
        let database = try freshDatabase(self)
        let connection = try PGConnection(database)
        try connection.execute(Self.schema)
        let before = try SchemaReflector.reflect(connection, options: ReflectionOptions(includeData: true))
        let users = try oid(connection, "SELECT 'users'::regclass::oid")
        let other = try oid(connection, "SELECT 'other'::regclass::oid")
        try connection.execute("""
            ALTER TABLE users DROP COLUMN mood, ALTER name SET NOT NULL;
            INSERT INTO users (name) VALUES ('x');
            DROP TABLE other;
            """)
        let after = try SchemaReflector.reflect(connection, options: ReflectionOptions(
            scope: .objects([.relation(users), .relation(other)]), includeData: true))
        XCTAssertEqual(diffLines(before.slice(matching: after), after), [
            "- table public.other",
            "- column public.users.mood",
            "~ column public.users.name: not_null false → true",
            "~ data public.users: rows 0 → 1",
        ])
        XCTAssertEqual(diffLines(before, after), [
            "- schema extra", "- schema public", "- extension plpgsql", "- enum public.mood", "- domain public.posint", "- table public.other",
            "- column public.users.mood", "~ column public.users.name: not_null false → true", "- function public.f()",
            "~ data public.users: rows 0 → 1",
        ], "the full old snapshot against a slice lists everything else as removed")
    }

    func testRepeatedScopedReflectionsReusePreparedStatements() throws {
        let database = try freshDatabase(self)
        let connection = try PGConnection(database)
        try connection.execute(Self.schema)
        let users = try oid(connection, "SELECT 'users'::regclass::oid")
        let options = ReflectionOptions(scope: .objects([.relation(users)]))
        let first = try SchemaReflector.reflect(connection, options: options)
        let prepared = try connection.query("SELECT count(*) FROM pg_prepared_statements WHERE name LIKE 'strata\\_schema\\_%'")[0, 0]
        let names = try connection.query("SELECT string_agg(split_part(name, '_', 3), ' ' ORDER BY name) FROM pg_prepared_statements WHERE name LIKE 'strata\\_schema\\_%'")[0, 0]
        XCTAssertEqual(names, "columns constraints indexes policies relations scope sequences",
                       "the scope, and one statement per query that can find something under users (no triggers, rules or statistics there)")
        XCTAssertEqual(try SchemaReflector.reflect(connection, options: options), first)
        XCTAssertEqual(try connection.query("SELECT count(*) FROM pg_prepared_statements")[0, 0], prepared)

        try connection.execute("DEALLOCATE ALL")
        XCTAssertEqual(try SchemaReflector.reflect(connection, options: options), first)

        // Inside the caller's transaction: sees its uncommitted change, leaves the transaction open.
        try connection.execute("BEGIN; ALTER TABLE users ADD COLUMN extra int")
        let pending = try SchemaReflector.reflect(connection, options: options)
        XCTAssertEqual(diffLines(first, pending), ["+ column public.users.extra"])
        XCTAssertTrue(connection.inTransaction)
        try connection.execute("ROLLBACK")
        XCTAssertEqual(try SchemaReflector.reflect(connection, options: options), first)
    }
}
