import StrataTestSupport

/// One acceptance case (STYLE 14): two states that differ in exactly one attribute, and the
/// complete list of findings the diff must report, as `DiffText` lines. Adding a case is adding
/// a row to `DetectionCase.all`.
struct DetectionCase {
    var name: String
    /// DDL of state A (the old side) and state B (the new side), each run in a fresh database.
    var a: String
    var b: String
    var expected: [String]
    /// Reflect table contents too.
    var data = false
    /// Roles the DDL uses (cluster-wide, created once).
    var roles: [String] = []
    /// The oldest PostgreSQL major the case runs on (what it tests is newer than 14): skipped on
    /// older servers.
    var since = 14
    /// An SQL condition the server must meet for the case to run (a build option), or nil.
    var requires: String?

    init(
        _ name: String, _ a: String, _ b: String, _ expected: [String], data: Bool = false, roles: [String] = [], since: Int = 14,
        requires: String? = nil
    ) {
        self.name = name
        self.a = a
        self.b = b
        self.expected = expected
        self.data = data
        self.roles = roles
        self.since = since
        self.requires = requires
    }

    /// ICU collations (a build option: not every installation has it).
    static let icu = "EXISTS (SELECT FROM pg_catalog.pg_collation WHERE collname = 'und-x-icu')"

    /// The cases the test server's major version supports.
    static func supported() throws -> [DetectionCase] {
        let major = try TestServer.major()
        var holds: [String: Bool] = [:]
        return try all.filter { detection in
            guard detection.since <= major else { return false }
            guard let condition = detection.requires else { return true }
            if holds[condition] == nil { holds[condition] = try TestServer.holds(condition) }
            return holds[condition] ?? false
        }
    }

    /// Prints how many cases `test` ran on this server (`scripts/test-matrix.sh` reads the line):
    /// a case newer than the server, or needing a build option it lacks, is left out.
    static func report(_ test: String, ran cases: [DetectionCase]) throws {
        let skipped = all.filter { detection in !cases.contains { $0.name == detection.name } }.map(\.name)
        print("matrix-cases \(test): \(cases.count) of \(all.count) cases on PostgreSQL \(try TestServer.major())"
            + (skipped.isEmpty ? "" : " (not on this server: \(skipped.joined(separator: ", ")))"))
    }
}

extension DetectionCase {
    static let reader = "strata_schema_test_reader"

    static let all: [DetectionCase] = columns + constraints + indexes + types + sequences + relations
        + routines + triggersPoliciesRules + privilegesComments + databaseObjects + contents + equivalent + newerServers

    // MARK: - Columns

    static let columns: [DetectionCase] = [
        DetectionCase("column type",
            "CREATE TABLE t (id int, c text);",
            "CREATE TABLE t (id int, c varchar(20));",
            ["~ column public.t.c: type text → character varying(20)"]),
        DetectionCase("column type from an extension",
            "CREATE EXTENSION citext; CREATE TABLE users (email text);",
            "CREATE EXTENSION citext; CREATE TABLE users (email citext);",
            ["~ column public.users.email: type text → public.citext"]),
        DetectionCase("column default changed",
            "CREATE TABLE t (c text DEFAULT 'a');",
            "CREATE TABLE t (c text DEFAULT 'b');",
            ["~ column public.t.c: default 'a'::text → 'b'::text"]),
        DetectionCase("column default added",
            "CREATE TABLE t (c timestamptz);",
            "CREATE TABLE t (c timestamptz DEFAULT now());",
            ["~ column public.t.c: default (none) → now()"]),
        DetectionCase("column nullability",
            "CREATE TABLE t (c text);",
            "CREATE TABLE t (c text NOT NULL);",
            ["~ column public.t.c: not_null false → true"]),
        DetectionCase("column storage",
            "CREATE TABLE t (id int, c text);",
            "CREATE TABLE t (id int, c text); ALTER TABLE t ALTER COLUMN c SET STORAGE EXTERNAL;",
            ["~ column public.t.c: storage (none) → external"]),
        DetectionCase("column compression",
            "CREATE TABLE t (id int, c text);",
            "CREATE TABLE t (id int, c text); ALTER TABLE t ALTER COLUMN c SET COMPRESSION pglz;",
            ["~ column public.t.c: compression (none) → pglz"]),
        DetectionCase("column statistics target",
            "CREATE TABLE t (id int, c text);",
            "CREATE TABLE t (id int, c text); ALTER TABLE t ALTER COLUMN c SET STATISTICS 500;",
            ["~ column public.t.c: statistics_target (none) → 500"]),
        DetectionCase("column options",
            "CREATE TABLE t (id int, c text);",
            "CREATE TABLE t (id int, c text); ALTER TABLE t ALTER COLUMN c SET (n_distinct = 100);",
            ["~ column public.t.c: options (none) → n_distinct=100"]),
        DetectionCase("column collation",
            "CREATE TABLE t (c text);",
            "CREATE TABLE t (c text COLLATE \"C\");",
            ["~ column public.t.c: collation (none) → pg_catalog.\"C\""]),
        DetectionCase("identity kind",
            "CREATE TABLE t (id int GENERATED ALWAYS AS IDENTITY);",
            "CREATE TABLE t (id int GENERATED BY DEFAULT AS IDENTITY);",
            ["~ column public.t.id: identity always → by default"]),
        DetectionCase("identity sequence start",
            "CREATE TABLE t (id bigint GENERATED ALWAYS AS IDENTITY);",
            "CREATE TABLE t (id bigint GENERATED ALWAYS AS IDENTITY (START WITH 100));",
            ["~ column public.t.id: identity_sequence start 1, increment 1, min 1, max 9223372036854775807, cache 1 → start 100, increment 1, min 1, max 9223372036854775807, cache 1"]),
        DetectionCase("identity added",
            "CREATE TABLE t (id int NOT NULL);",
            "CREATE TABLE t (id int NOT NULL); ALTER TABLE t ALTER id ADD GENERATED ALWAYS AS IDENTITY;",
            ["~ column public.t.id: identity (none) → always",
             "~ column public.t.id: identity_sequence (none) → start 1, increment 1, min 1, max 2147483647, cache 1"]),
        DetectionCase("generated expression",
            "CREATE TABLE t (a int, b int GENERATED ALWAYS AS (a * 2) STORED);",
            "CREATE TABLE t (a int, b int GENERATED ALWAYS AS (a * 3) STORED);",
            ["~ column public.t.b: generated (a * 2) → (a * 3)"]),
        DetectionCase("column order",
            "CREATE TABLE t (a int, b int, c int);",
            "CREATE TABLE t (a int, c int, b int);",
            ["~ column public.t.c moved from position 3 to 2"]),
        DetectionCase("column added at the end",
            "CREATE TABLE t (a int);",
            "CREATE TABLE t (a int, b int);",
            ["+ column public.t.b"]),
        DetectionCase("column dropped in the middle does not move the rest",
            "CREATE TABLE t (a int, b int, c int);",
            "CREATE TABLE t (a int, c int);",
            ["- column public.t.b"]),
        DetectionCase("column added in the middle does not move the rest",
            "CREATE TABLE t (a int, c int);",
            "CREATE TABLE t (a int, b int, c int);",
            ["+ column public.t.b"]),
    ]

    // MARK: - Constraints

    static let constraints: [DetectionCase] = [
        DetectionCase("check constraint text",
            "CREATE TABLE t (a int CONSTRAINT a_positive CHECK (a > 0));",
            "CREATE TABLE t (a int CONSTRAINT a_positive CHECK (a >= 0));",
            ["~ constraint public.t.a_positive: definition CHECK ((a > 0)) → CHECK ((a >= 0))"]),
        DetectionCase("foreign key ON DELETE",
            "CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (p int CONSTRAINT c_p_fk REFERENCES p);",
            "CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (p int CONSTRAINT c_p_fk REFERENCES p ON DELETE CASCADE);",
            ["~ constraint public.c.c_p_fk: definition FOREIGN KEY (p) REFERENCES public.p(id) → FOREIGN KEY (p) REFERENCES public.p(id) ON DELETE CASCADE"]),
        DetectionCase("deferrable",
            "CREATE TABLE t (a int CONSTRAINT t_a_key UNIQUE);",
            "CREATE TABLE t (a int CONSTRAINT t_a_key UNIQUE DEFERRABLE);",
            ["~ constraint public.t.t_a_key: deferrable false → true"]),
        DetectionCase("initially deferred",
            "CREATE TABLE t (a int CONSTRAINT t_a_key UNIQUE DEFERRABLE);",
            "CREATE TABLE t (a int CONSTRAINT t_a_key UNIQUE DEFERRABLE INITIALLY DEFERRED);",
            ["~ constraint public.t.t_a_key: deferred false → true"]),
        DetectionCase("not validated",
            "CREATE TABLE t (a int); ALTER TABLE t ADD CONSTRAINT a_positive CHECK (a > 0) NOT VALID;",
            "CREATE TABLE t (a int); ALTER TABLE t ADD CONSTRAINT a_positive CHECK (a > 0) NOT VALID; ALTER TABLE t VALIDATE CONSTRAINT a_positive;",
            ["~ constraint public.t.a_positive: validated false → true"]),
        DetectionCase("unique constraint NULLS NOT DISTINCT",
            "CREATE TABLE t (a int CONSTRAINT t_a_key UNIQUE);",
            "CREATE TABLE t (a int CONSTRAINT t_a_key UNIQUE NULLS NOT DISTINCT);",
            ["~ constraint public.t.t_a_key: definition UNIQUE (a) → UNIQUE NULLS NOT DISTINCT (a)"], since: 15),
        DetectionCase("primary key columns",
            "CREATE TABLE t (a int, b int, CONSTRAINT t_pkey PRIMARY KEY (a));",
            "CREATE TABLE t (a int, b int, CONSTRAINT t_pkey PRIMARY KEY (a, b));",
            ["~ column public.t.b: not_null false → true",
             "~ constraint public.t.t_pkey: definition PRIMARY KEY (a) → PRIMARY KEY (a, b)"]),
    ]

    // MARK: - Indexes

    static let indexes: [DetectionCase] = [
        DetectionCase("index NULLS NOT DISTINCT",
            "CREATE TABLE t (a int); CREATE UNIQUE INDEX ix ON t (a);",
            "CREATE TABLE t (a int); CREATE UNIQUE INDEX ix ON t (a) NULLS NOT DISTINCT;",
            ["~ index public.ix: nulls_not_distinct false → true"], since: 15),
        DetectionCase("index method",
            "CREATE TABLE t (a int); CREATE INDEX ix ON t USING btree (a);",
            "CREATE TABLE t (a int); CREATE INDEX ix ON t USING hash (a);",
            ["~ index public.ix: method btree → hash"]),
        DetectionCase("index predicate",
            "CREATE TABLE t (a int); CREATE INDEX ix ON t (a) WHERE a > 0;",
            "CREATE TABLE t (a int); CREATE INDEX ix ON t (a) WHERE a > 1;",
            ["~ index public.ix: predicate (a > 0) → (a > 1)"]),
        DetectionCase("index expression",
            "CREATE TABLE t (c text); CREATE INDEX ix ON t (lower(c));",
            "CREATE TABLE t (c text); CREATE INDEX ix ON t (upper(c));",
            ["~ index public.ix: key lower(c) → upper(c)"]),
        DetectionCase("index sort order",
            "CREATE TABLE t (a int); CREATE INDEX ix ON t (a);",
            "CREATE TABLE t (a int); CREATE INDEX ix ON t (a DESC);",
            ["~ index public.ix: key a → a DESC"]),
        DetectionCase("index INCLUDE columns",
            "CREATE TABLE t (a int, b int, c int); CREATE INDEX ix ON t (a) INCLUDE (b);",
            "CREATE TABLE t (a int, b int, c int); CREATE INDEX ix ON t (a) INCLUDE (b, c);",
            ["~ index public.ix: include b → b, c"]),
        DetectionCase("index unique",
            "CREATE TABLE t (a int); CREATE INDEX ix ON t (a);",
            "CREATE TABLE t (a int); CREATE UNIQUE INDEX ix ON t (a);",
            ["~ index public.ix: unique false → true"]),
        DetectionCase("index storage options",
            "CREATE TABLE t (a int); CREATE INDEX ix ON t (a);",
            "CREATE TABLE t (a int); CREATE INDEX ix ON t (a) WITH (fillfactor = 70);",
            ["~ index public.ix: options (none) → fillfactor=70"]),
    ]

    // MARK: - Types

    static let types: [DetectionCase] = [
        DetectionCase("enum label added",
            "CREATE TYPE order_status AS ENUM ('new', 'paid');",
            "CREATE TYPE order_status AS ENUM ('new', 'paid', 'shipped');",
            ["~ enum public.order_status: labels 'new', 'paid' → 'new', 'paid', 'shipped'"]),
        DetectionCase("enum label order",
            "CREATE TYPE order_status AS ENUM ('new', 'paid');",
            "CREATE TYPE order_status AS ENUM ('paid', 'new');",
            ["~ enum public.order_status: labels 'new', 'paid' → 'paid', 'new'"]),
        DetectionCase("enum left behind",
            "",
            "CREATE TYPE order_status AS ENUM ('new');",
            ["+ enum public.order_status"]),
        DetectionCase("domain constraint",
            "CREATE DOMAIN posint AS int CONSTRAINT posint_check CHECK (VALUE > 0);",
            "CREATE DOMAIN posint AS int CONSTRAINT posint_check CHECK (VALUE >= 0);",
            ["~ constraint public.posint.posint_check: definition CHECK ((VALUE > 0)) → CHECK ((VALUE >= 0))"]),
        DetectionCase("domain default",
            "CREATE DOMAIN d AS int DEFAULT 1;",
            "CREATE DOMAIN d AS int DEFAULT 2;",
            ["~ domain public.d: default 1 → 2"]),
        DetectionCase("domain not null",
            "CREATE DOMAIN d AS text;",
            "CREATE DOMAIN d AS text NOT NULL;",
            ["~ domain public.d: not_null false → true"]),
        DetectionCase("composite type field",
            "CREATE TYPE pair AS (a int, b int);",
            "CREATE TYPE pair AS (a int, b bigint);",
            ["~ composite type public.pair: fields a integer, b integer → a integer, b bigint"]),
        DetectionCase("range type subtype diff",
            "CREATE TYPE floatrange AS RANGE (subtype = float8);",
            "CREATE TYPE floatrange AS RANGE (subtype = float8, subtype_diff = float8mi);",
            ["~ range type public.floatrange: subtype_diff (none) → float8mi"]),
    ]

    // MARK: - Sequences

    static let sequences: [DetectionCase] = [
        DetectionCase("sequence increment",
            "CREATE SEQUENCE s;",
            "CREATE SEQUENCE s INCREMENT BY 5;",
            ["~ sequence public.s: increment 1 → 5"]),
        DetectionCase("sequence cache",
            "CREATE SEQUENCE s;",
            "CREATE SEQUENCE s CACHE 20;",
            ["~ sequence public.s: cache 1 → 20"]),
        DetectionCase("sequence cycle",
            "CREATE SEQUENCE s;",
            "CREATE SEQUENCE s CYCLE;",
            ["~ sequence public.s: cycle false → true"]),
        DetectionCase("sequence type and bounds",
            "CREATE SEQUENCE s AS bigint MAXVALUE 1000;",
            "CREATE SEQUENCE s AS bigint MAXVALUE 2000;",
            ["~ sequence public.s: max 1000 → 2000"]),
        DetectionCase("sequence owned by",
            "CREATE TABLE t (id int); CREATE SEQUENCE s;",
            "CREATE TABLE t (id int); CREATE SEQUENCE s OWNED BY t.id;",
            ["~ sequence public.s: owned_by (none) → public.t.id"]),
    ]

    // MARK: - Tables, views

    static let relations: [DetectionCase] = [
        DetectionCase("view body",
            "CREATE TABLE t (a int); CREATE VIEW v AS SELECT a FROM t;",
            "CREATE TABLE t (a int); CREATE VIEW v AS SELECT a FROM t WHERE a > 0;",
            ["~ view public.v: definition line 2: FROM public.t; → FROM public.t"]),
        DetectionCase("materialized view body",
            "CREATE TABLE t (a int); CREATE MATERIALIZED VIEW mv AS SELECT a FROM t;",
            "CREATE TABLE t (a int); CREATE MATERIALIZED VIEW mv AS SELECT a FROM t WHERE a > 0;",
            ["~ materialized view public.mv: definition line 2: FROM public.t; → FROM public.t"]),
        DetectionCase("materialized view populated",
            "CREATE TABLE t (a int); CREATE MATERIALIZED VIEW mv AS SELECT a FROM t;",
            "CREATE TABLE t (a int); CREATE MATERIALIZED VIEW mv AS SELECT a FROM t WITH NO DATA;",
            ["~ materialized view public.mv: populated true → false"]),
        DetectionCase("partition bounds",
            "CREATE TABLE p (a int) PARTITION BY RANGE (a); CREATE TABLE p1 PARTITION OF p FOR VALUES FROM (1) TO (10);",
            "CREATE TABLE p (a int) PARTITION BY RANGE (a); CREATE TABLE p1 PARTITION OF p FOR VALUES FROM (1) TO (20);",
            ["~ table public.p1: partition_bound FOR VALUES FROM (1) TO (10) → FOR VALUES FROM (1) TO (20)"]),
        DetectionCase("partition key",
            "CREATE TABLE p (a int, b int) PARTITION BY RANGE (a);",
            "CREATE TABLE p (a int, b int) PARTITION BY RANGE (b);",
            ["~ table public.p: partition_key RANGE (a) → RANGE (b)"]),
        DetectionCase("inheritance",
            "CREATE TABLE parent (a int); CREATE TABLE child (a int, b int);",
            "CREATE TABLE parent (a int); CREATE TABLE child (b int) INHERITS (parent);",
            ["~ table public.child: inherits (none) → public.parent"]),
        DetectionCase("unlogged table",
            "CREATE TABLE t (a int);",
            "CREATE UNLOGGED TABLE t (a int);",
            ["~ table public.t: persistence permanent → unlogged"]),
        DetectionCase("replica identity",
            "CREATE TABLE t (a int);",
            "CREATE TABLE t (a int); ALTER TABLE t REPLICA IDENTITY FULL;",
            ["~ table public.t: replica_identity default → full"]),
        DetectionCase("row level security enabled",
            "CREATE TABLE t (a int);",
            "CREATE TABLE t (a int); ALTER TABLE t ENABLE ROW LEVEL SECURITY;",
            ["~ table public.t: row_security false → true"]),
        DetectionCase("row level security forced",
            "CREATE TABLE t (a int); ALTER TABLE t ENABLE ROW LEVEL SECURITY;",
            "CREATE TABLE t (a int); ALTER TABLE t ENABLE ROW LEVEL SECURITY; ALTER TABLE t FORCE ROW LEVEL SECURITY;",
            ["~ table public.t: row_security_forced false → true"]),
        DetectionCase("table dropped",
            "CREATE TABLE keep (a int); CREATE TABLE gone (a int PRIMARY KEY, b text); CREATE INDEX gone_b ON gone (b);",
            "CREATE TABLE keep (a int);",
            ["- table public.gone"]),
    ]

    // MARK: - Functions and procedures

    static let touch = "CREATE TABLE t (a int, b int);"
    static func function(_ options: String = "", body: String = "BEGIN RETURN 1; END") -> String {
        "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql \(options) AS $$\(body)$$;"
    }

    static let routines: [DetectionCase] = [
        DetectionCase("function body",
            function(), function(body: "BEGIN RETURN 2; END"),
            ["~ function public.f(): body BEGIN RETURN 1; END → BEGIN RETURN 2; END"]),
        DetectionCase("function volatility",
            function(), function("STABLE"),
            ["~ function public.f(): volatility volatile → stable"]),
        DetectionCase("function security definer",
            function(), function("SECURITY DEFINER"),
            ["~ function public.f(): security_definer false → true"]),
        DetectionCase("function search_path",
            function("SET search_path = public"), function("SET search_path = pg_catalog, public"),
            ["~ function public.f(): config search_path=public → search_path=pg_catalog, public"]),
        DetectionCase("function strict",
            function(), function("STRICT"),
            ["~ function public.f(): strict false → true"]),
        DetectionCase("function argument default",
            "CREATE FUNCTION g(x int) RETURNS int LANGUAGE sql RETURN x;",
            "CREATE FUNCTION g(x int DEFAULT 0) RETURNS int LANGUAGE sql RETURN x;",
            ["~ function public.g(integer): arguments x integer → x integer DEFAULT 0"]),
        DetectionCase("function overload added",
            "CREATE FUNCTION g(x int) RETURNS int LANGUAGE sql RETURN x;",
            "CREATE FUNCTION g(x int) RETURNS int LANGUAGE sql RETURN x; CREATE FUNCTION g(x text) RETURNS text LANGUAGE sql RETURN x;",
            ["+ function public.g(text)"]),
        DetectionCase("procedure body",
            "CREATE PROCEDURE p() LANGUAGE sql AS $$SELECT 1$$;",
            "CREATE PROCEDURE p() LANGUAGE sql AS $$SELECT 2$$;",
            ["~ procedure public.p(): body SELECT 1 → SELECT 2"]),
    ]

    // MARK: - Triggers, policies, rules

    static let triggerFunction = "CREATE TABLE t (a int, b int); CREATE FUNCTION trg() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;"

    static let triggersPoliciesRules: [DetectionCase] = [
        DetectionCase("trigger timing",
            triggerFunction + "CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION trg();",
            triggerFunction + "CREATE TRIGGER tr AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION trg();",
            ["~ trigger public.t.tr: timing BEFORE → AFTER"]),
        DetectionCase("trigger events",
            triggerFunction + "CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION trg();",
            triggerFunction + "CREATE TRIGGER tr BEFORE INSERT OR UPDATE OF b ON t FOR EACH ROW EXECUTE FUNCTION trg();",
            ["~ trigger public.t.tr: events INSERT → INSERT OR UPDATE OF b"]),
        DetectionCase("trigger WHEN",
            triggerFunction + "CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW WHEN (NEW.a > 0) EXECUTE FUNCTION trg();",
            triggerFunction + "CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW WHEN (NEW.a > 1) EXECUTE FUNCTION trg();",
            ["~ trigger public.t.tr: when (new.a > 0) → (new.a > 1)"]),
        DetectionCase("trigger level",
            triggerFunction + "CREATE TRIGGER tr AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION trg();",
            triggerFunction + "CREATE TRIGGER tr AFTER INSERT ON t FOR EACH STATEMENT EXECUTE FUNCTION trg();",
            ["~ trigger public.t.tr: level ROW → STATEMENT"]),
        DetectionCase("trigger disabled",
            triggerFunction + "CREATE TRIGGER tr AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION trg();",
            triggerFunction + "CREATE TRIGGER tr AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION trg(); ALTER TABLE t DISABLE TRIGGER tr;",
            ["~ trigger public.t.tr: enabled origin → disabled"]),
        DetectionCase("policy expression",
            "CREATE TABLE t (a int); CREATE POLICY p ON t USING (a > 0);",
            "CREATE TABLE t (a int); CREATE POLICY p ON t USING (a > 1);",
            ["~ policy public.t.p: using (a > 0) → (a > 1)"]),
        DetectionCase("policy roles",
            "CREATE TABLE t (a int); CREATE POLICY p ON t USING (true);",
            "CREATE TABLE t (a int); CREATE POLICY p ON t TO \(reader) USING (true);",
            ["~ policy public.t.p: roles PUBLIC → \(reader)"], roles: [reader]),
        DetectionCase("rule action",
            "CREATE TABLE t (a int); CREATE RULE r AS ON DELETE TO t DO INSTEAD NOTHING;",
            "CREATE TABLE t (a int); CREATE RULE r AS ON DELETE TO t DO ALSO NOTHING;",
            ["~ rule public.t.r: definition line 2: ON DELETE TO public.t DO INSTEAD NOTHING; → ON DELETE TO public.t DO NOTHING;"]),
    ]

    // MARK: - Privileges and comments

    static let privilegesComments: [DetectionCase] = [
        DetectionCase("grant on a table",
            "CREATE TABLE t (a int);",
            "CREATE TABLE t (a int); GRANT SELECT ON t TO \(reader);",
            ["~ table public.t: grant \(reader) (none) → SELECT"], roles: [reader]),
        DetectionCase("grant option",
            "CREATE TABLE t (a int); GRANT SELECT ON t TO \(reader);",
            "CREATE TABLE t (a int); GRANT SELECT ON t TO \(reader) WITH GRANT OPTION;",
            ["~ table public.t: grant \(reader) SELECT → SELECT (grantable)"], roles: [reader]),
        DetectionCase("column grant",
            "CREATE TABLE t (a int);",
            "CREATE TABLE t (a int); GRANT UPDATE (a) ON t TO \(reader);",
            ["~ column public.t.a: grant \(reader) (none) → UPDATE"], roles: [reader]),
        DetectionCase("revoke execute from PUBLIC",
            function(),
            function() + "REVOKE EXECUTE ON FUNCTION f() FROM PUBLIC;",
            ["~ function public.f(): revoke PUBLIC (none) → EXECUTE"]),
        DetectionCase("default privileges",
            "",
            "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO \(reader);",
            ["+ default privileges postgres in public on tables"], roles: [reader]),
        // Owners: an object owned by the role that reflects (who runs the migrations) has no
        // owner attribute; ALTER ... OWNER TO another role shows.
        DetectionCase("table owner",
            "CREATE TABLE t (a int);",
            "CREATE TABLE t (a int); ALTER TABLE t OWNER TO \(reader);",
            ["~ table public.t: owner (none) → \(reader)"], roles: [reader]),
        DetectionCase("sequence owner",
            "CREATE SEQUENCE s;",
            "CREATE SEQUENCE s; ALTER SEQUENCE s OWNER TO \(reader);",
            ["~ sequence public.s: owner (none) → \(reader)"], roles: [reader]),
        DetectionCase("function owner",
            function(),
            function() + "ALTER FUNCTION f() OWNER TO \(reader);",
            ["~ function public.f(): owner (none) → \(reader)"], roles: [reader]),
        DetectionCase("type owner",
            "CREATE TYPE mood AS ENUM ('sad', 'happy');",
            "CREATE TYPE mood AS ENUM ('sad', 'happy'); ALTER TYPE mood OWNER TO \(reader);",
            ["~ enum public.mood: owner (none) → \(reader)"], roles: [reader]),
        DetectionCase("schema owner",
            "CREATE SCHEMA app;",
            "CREATE SCHEMA app AUTHORIZATION \(reader);",
            ["~ schema app: owner (none) → \(reader)"], roles: [reader]),
        DetectionCase("comment on table",
            "CREATE TABLE t (a int);",
            "CREATE TABLE t (a int); COMMENT ON TABLE t IS 'people';",
            ["~ table public.t: comment (none) → people"]),
        DetectionCase("comment on column",
            "CREATE TABLE t (a int); COMMENT ON COLUMN t.a IS 'old';",
            "CREATE TABLE t (a int); COMMENT ON COLUMN t.a IS 'new';",
            ["~ column public.t.a: comment old → new"]),
    ]

    // MARK: - Schemas and extensions

    static let databaseObjects: [DetectionCase] = [
        DetectionCase("foreign data wrapper options",
            "CREATE FOREIGN DATA WRAPPER w;",
            "CREATE FOREIGN DATA WRAPPER w OPTIONS (debug 'true');",
            ["~ foreign data wrapper w: options (none) → debug=true"]),
        DetectionCase("foreign server options",
            "CREATE FOREIGN DATA WRAPPER w; CREATE SERVER s FOREIGN DATA WRAPPER w OPTIONS (host 'a');",
            "CREATE FOREIGN DATA WRAPPER w; CREATE SERVER s FOREIGN DATA WRAPPER w OPTIONS (host 'b');",
            ["~ foreign server s: options host=a → host=b"]),
        DetectionCase("foreign server version",
            "CREATE FOREIGN DATA WRAPPER w; CREATE SERVER s VERSION '1' FOREIGN DATA WRAPPER w;",
            "CREATE FOREIGN DATA WRAPPER w; CREATE SERVER s VERSION '2' FOREIGN DATA WRAPPER w;",
            ["~ foreign server s: version 1 → 2"]),
        DetectionCase("foreign table options",
            "CREATE FOREIGN DATA WRAPPER w; CREATE SERVER s FOREIGN DATA WRAPPER w; CREATE FOREIGN TABLE ft (a int) SERVER s OPTIONS (t 'x');",
            "CREATE FOREIGN DATA WRAPPER w; CREATE SERVER s FOREIGN DATA WRAPPER w; CREATE FOREIGN TABLE ft (a int) SERVER s OPTIONS (t 'y');",
            ["~ foreign table public.ft: server_options t=x → t=y"]),
        DetectionCase("publication present",
            "CREATE TABLE t (id int PRIMARY KEY, a int);",
            "CREATE TABLE t (id int PRIMARY KEY, a int); CREATE PUBLICATION pub FOR TABLE t;",
            ["+ publication pub"]),
        DetectionCase("publication operations",
            "CREATE TABLE t (id int PRIMARY KEY, a int); CREATE PUBLICATION pub FOR TABLE t;",
            "CREATE TABLE t (id int PRIMARY KEY, a int); CREATE PUBLICATION pub FOR TABLE t WITH (publish = 'insert, update');",
            ["~ publication pub: publish insert, update, delete, truncate → insert, update"]),
        DetectionCase("publication tables",
            "CREATE TABLE t (id int PRIMARY KEY, a int); CREATE TABLE u (id int PRIMARY KEY); CREATE PUBLICATION pub FOR TABLE t;",
            "CREATE TABLE t (id int PRIMARY KEY, a int); CREATE TABLE u (id int PRIMARY KEY); CREATE PUBLICATION pub FOR TABLE t, u;",
            ["~ publication pub: tables line 2: (none) → public.u"]),
        DetectionCase("publication row filter",
            "CREATE TABLE t (id int PRIMARY KEY, a int); CREATE PUBLICATION pub FOR TABLE t;",
            "CREATE TABLE t (id int PRIMARY KEY, a int); CREATE PUBLICATION pub FOR TABLE t WHERE (a > 0);",
            ["~ publication pub: tables public.t → public.t WHERE (a > 0)"], since: 15),
        DetectionCase("text search configuration present",
            "",
            "CREATE TEXT SEARCH CONFIGURATION fts (PARSER = pg_catalog.default);",
            ["+ text search configuration public.fts"]),
        DetectionCase("text search configuration mapping",
            "CREATE TEXT SEARCH CONFIGURATION fts (COPY = pg_catalog.english);",
            "CREATE TEXT SEARCH CONFIGURATION fts (COPY = pg_catalog.english); ALTER TEXT SEARCH CONFIGURATION fts ALTER MAPPING FOR asciiword WITH simple;",
            ["~ text search configuration public.fts: mapping line 1: asciiword pg_catalog.english_stem → asciiword pg_catalog.simple"]),
        DetectionCase("text search dictionary options",
            "CREATE TEXT SEARCH DICTIONARY words (TEMPLATE = pg_catalog.simple, STOPWORDS = english);",
            "CREATE TEXT SEARCH DICTIONARY words (TEMPLATE = pg_catalog.simple, STOPWORDS = english, ACCEPT = false);",
            ["~ text search dictionary public.words: options stopwords = 'english' → stopwords = 'english', accept = 'false'"]),
        DetectionCase("extension present",
            "",
            "CREATE EXTENSION pg_trgm;",
            ["+ extension pg_trgm"]),
        DetectionCase("extension version",
            "CREATE EXTENSION pg_trgm VERSION '1.5';",
            "CREATE EXTENSION pg_trgm VERSION '1.6';",
            ["~ extension pg_trgm: version 1.5 → 1.6"]),
        DetectionCase("schema present",
            "",
            "CREATE SCHEMA app;",
            ["+ schema app"]),
        DetectionCase("collation",
            "CREATE COLLATION german (provider = icu, locale = 'de');",
            "CREATE COLLATION german (provider = icu, locale = 'de', deterministic = false);",
            ["~ collation public.german: deterministic true → false"], requires: icu),
        DetectionCase("statistics object",
            "CREATE TABLE t (a int, b int); CREATE STATISTICS t_ab (ndistinct) ON a, b FROM t;",
            "CREATE TABLE t (a int, b int); CREATE STATISTICS t_ab (dependencies) ON a, b FROM t;",
            ["~ statistics public.t_ab: definition CREATE STATISTICS public.t_ab (ndistinct) ON a, b FROM public.t → CREATE STATISTICS public.t_ab (dependencies) ON a, b FROM public.t"]),
        DetectionCase("event trigger tags",
            "CREATE FUNCTION on_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$BEGIN END$$; CREATE EVENT TRIGGER ddl ON ddl_command_end WHEN TAG IN ('CREATE TABLE') EXECUTE FUNCTION on_ddl();",
            "CREATE FUNCTION on_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$BEGIN END$$; CREATE EVENT TRIGGER ddl ON ddl_command_end WHEN TAG IN ('CREATE TABLE', 'ALTER TABLE') EXECUTE FUNCTION on_ddl();",
            ["~ event trigger ddl: tags CREATE TABLE → CREATE TABLE, ALTER TABLE"]),
        DetectionCase("schema removed with its objects",
            "CREATE SCHEMA app; CREATE TABLE app.t (a int);",
            "CREATE SCHEMA app;",
            ["- table app.t"]),
    ]

    // MARK: - Table contents

    static let contents: [DetectionCase] = [
        DetectionCase("seed rows: another row",
            "CREATE TABLE t (id int, name text); INSERT INTO t VALUES (1, 'a'), (2, 'b');",
            "CREATE TABLE t (id int, name text); INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c');",
            ["~ data public.t: rows 2 → 3"], data: true),
        DetectionCase("seed rows: same count, other values",
            "CREATE TABLE t (id int, name text); INSERT INTO t VALUES (1, 'a'), (2, 'b');",
            "CREATE TABLE t (id int, name text); INSERT INTO t VALUES (1, 'a'), (2, 'B');",
            ["~ data public.t: content hash 07fd0caa → e3ac5f09 (same row count)"], data: true),
    ]

    // MARK: - What newer servers add (skipped on older ones)

    /// A table whose key and foreign key can use WITHOUT OVERLAPS / PERIOD (range columns: no btree_gist needed).
    static let temporal = """
        CREATE TABLE t (id int4range, valid_at daterange, CONSTRAINT t_pkey PRIMARY KEY (id, valid_at WITHOUT OVERLAPS));
        """

    static let newerServers: [DetectionCase] = [
        DetectionCase("MAINTAIN privilege",
            "CREATE TABLE t (a int);",
            "CREATE TABLE t (a int); GRANT MAINTAIN ON t TO \(reader);",
            ["~ table public.t: grant \(reader) (none) → MAINTAIN"], roles: [reader], since: 17),
        DetectionCase("domain NOT NULL constraint name",
            "CREATE DOMAIN d int NOT NULL;",
            "CREATE DOMAIN d int CONSTRAINT d_required NOT NULL;",
            ["~ domain public.d: not_null_constraint (none) → d_required"], since: 17),
        DetectionCase("domain NOT NULL set later",
            "CREATE DOMAIN d int NOT NULL;",
            "CREATE DOMAIN d int; ALTER DOMAIN d SET NOT NULL;",
            [], since: 17),
        DetectionCase("virtual generated column expression",
            "CREATE TABLE t (a int, b int GENERATED ALWAYS AS (a * 2) VIRTUAL);",
            "CREATE TABLE t (a int, b int GENERATED ALWAYS AS (a * 3) VIRTUAL);",
            ["~ column public.t.b: generated (a * 2) → (a * 3)"], since: 18),
        DetectionCase("generated column stored or virtual",
            "CREATE TABLE t (a int, b int GENERATED ALWAYS AS (a * 2) STORED);",
            "CREATE TABLE t (a int, b int GENERATED ALWAYS AS (a * 2) VIRTUAL);",
            ["~ column public.t.b: generated_kind (none) → virtual"], since: 18),
        DetectionCase("NOT NULL constraint name",
            "CREATE TABLE t (a int NOT NULL);",
            "CREATE TABLE t (a int CONSTRAINT a_required NOT NULL);",
            ["~ column public.t.a: not_null_constraint (none) → a_required"], since: 18),
        DetectionCase("NOT NULL constraint not validated",
            "CREATE TABLE t (a int); ALTER TABLE t ADD CONSTRAINT t_a_not_null NOT NULL a NOT VALID;",
            "CREATE TABLE t (a int NOT NULL);",
            ["~ column public.t.a: not_null_options NOT VALID → (none)"], since: 18),
        DetectionCase("NOT NULL constraint NO INHERIT",
            "CREATE TABLE t (a int NOT NULL);",
            "CREATE TABLE t (a int NOT NULL NO INHERIT);",
            ["~ column public.t.a: not_null_options (none) → NO INHERIT"], since: 18),
        DetectionCase("check constraint NOT ENFORCED",
            "CREATE TABLE t (a int CONSTRAINT a_positive CHECK (a > 0));",
            "CREATE TABLE t (a int CONSTRAINT a_positive CHECK (a > 0) NOT ENFORCED);",
            ["~ constraint public.t.a_positive: enforced (none) → false",
             "~ constraint public.t.a_positive: validated true → false"], since: 18),
        DetectionCase("primary key WITHOUT OVERLAPS",
            "CREATE TABLE t (id int4range, valid_at daterange, CONSTRAINT t_pkey PRIMARY KEY (id, valid_at));",
            "CREATE TABLE t (id int4range, valid_at daterange, CONSTRAINT t_pkey PRIMARY KEY (id, valid_at WITHOUT OVERLAPS));",
            ["~ constraint public.t.t_pkey: definition PRIMARY KEY (id, valid_at) → PRIMARY KEY (id, valid_at WITHOUT OVERLAPS)"], since: 18),
        DetectionCase("foreign key PERIOD",
            temporal + "CREATE TABLE r (id int4range, valid_at daterange);",
            temporal + "CREATE TABLE r (id int4range, valid_at daterange, CONSTRAINT r_fk FOREIGN KEY (id, PERIOD valid_at) REFERENCES t (id, PERIOD valid_at));",
            ["+ constraint public.r.r_fk"], since: 18),
        DetectionCase("publication of generated columns",
            "CREATE TABLE t (a int); CREATE PUBLICATION pub FOR TABLE t;",
            "CREATE TABLE t (a int); CREATE PUBLICATION pub FOR TABLE t WITH (publish_generated_columns = stored);",
            ["~ publication pub: publish_generated_columns (none) → stored"], since: 18),
        // Must compare equal: a NOT NULL constraint's default name, however it came about.
        DetectionCase("NOT NULL inline or added later",
            "CREATE TABLE t (a int NOT NULL);",
            "CREATE TABLE t (a int); ALTER TABLE t ALTER a SET NOT NULL;",
            [], since: 18),
        DetectionCase("NOT NULL constraint named as the default",
            "CREATE TABLE t (a int NOT NULL);",
            "CREATE TABLE t (a int CONSTRAINT t_a_not_null NOT NULL);",
            [], since: 18),
    ]

    // MARK: - States that must compare equal

    static let equivalent: [DetectionCase] = [
        DetectionCase("same schema built in another order",
            """
            CREATE TYPE status AS ENUM ('on', 'off');
            CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL,
                state status DEFAULT 'on', CONSTRAINT users_email_key UNIQUE (email));
            CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint CONSTRAINT orders_user_fk REFERENCES users ON DELETE CASCADE,
                total numeric(10,2) CONSTRAINT orders_total_check CHECK (total >= 0));
            CREATE INDEX orders_user_ix ON orders (user_id);
            CREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 100;
            COMMENT ON TABLE users IS 'people';
            """,
            """
            CREATE TABLE orders (id bigint, user_id bigint, total numeric(10,2));
            CREATE TYPE status AS ENUM ('on', 'off');
            CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY, email text, state status);
            ALTER TABLE users ALTER email SET NOT NULL, ALTER state SET DEFAULT 'on';
            ALTER TABLE users ADD CONSTRAINT users_pkey PRIMARY KEY (id);
            ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);
            ALTER TABLE orders ADD CONSTRAINT orders_pkey PRIMARY KEY (id);
            CREATE INDEX orders_user_ix ON orders (user_id);
            ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0);
            ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users ON DELETE CASCADE;
            COMMENT ON TABLE users IS 'people';
            CREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 100;
            """,
            []),
        DetectionCase("dropped columns leave no trace",
            "CREATE TABLE t (a int, junk1 text, b text DEFAULT 'x', junk2 int, c int); ALTER TABLE t DROP junk1, DROP junk2;",
            "CREATE TABLE t (a int, b text DEFAULT 'x', c int);",
            []),
        DetectionCase("partition with a NOT NULL column attached later",
            "CREATE TABLE p (a int NOT NULL, b text) PARTITION BY LIST (a); CREATE TABLE p1 PARTITION OF p FOR VALUES IN (1);",
            "CREATE TABLE p (a int NOT NULL, b text) PARTITION BY LIST (a); CREATE TABLE p1 (a int NOT NULL, b text); ALTER TABLE p ATTACH PARTITION p1 FOR VALUES IN (1);",
            []),
        DetectionCase("partition attached later",
            "CREATE TABLE p (a int, b text) PARTITION BY LIST (a); CREATE TABLE p1 PARTITION OF p FOR VALUES IN (1);",
            "CREATE TABLE p (a int, b text) PARTITION BY LIST (a); CREATE TABLE p1 (a int, b text); ALTER TABLE p ATTACH PARTITION p1 FOR VALUES IN (1);",
            []),
        DetectionCase("grant and revoke back",
            "CREATE TABLE t (a int);",
            "CREATE TABLE t (a int); GRANT SELECT ON t TO \(reader); REVOKE SELECT ON t FROM \(reader);",
            [], roles: [reader]),
        DetectionCase("serial sequence and the version table",
            "CREATE TABLE t (id serial);",
            "CREATE TABLE t (id serial); CREATE TABLE strata_version (revision text PRIMARY KEY);",
            []),
    ]
}
