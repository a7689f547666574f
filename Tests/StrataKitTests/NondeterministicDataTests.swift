import Foundation
import XCTest
@testable import StrataKit

/// Values computed when a database is built (`now()`, `gen_random_uuid()`, `random()`, …) differ
/// between any two builds of a history: the squash proof and `verify squash` leave exactly those
/// columns out, name them, and still fail on a real difference (README "Values computed at build
/// time").
final class NondeterministicDataTests: XCTestCase {
    /// r01–r03 are squashed (`--keep 3`), r04–r06 kept; volatile values in both parts.
    static let history: [(up: String, down: String?)] = [
        ("""
        CREATE EXTENSION IF NOT EXISTS "uuid-ossp";
        CREATE TABLE events (
            id serial PRIMARY KEY,
            at timestamptz NOT NULL DEFAULT now(),
            u uuid NOT NULL DEFAULT gen_random_uuid(),
            v uuid NOT NULL DEFAULT uuid_generate_v4(),
            r double precision NOT NULL DEFAULT random(),
            x bigint NOT NULL DEFAULT txid_current(),
            tag text NOT NULL,
            label text
        );
        INSERT INTO events (tag, label) VALUES ('a', 'r' || now()::text), ('b', 'fixed');
        CREATE TABLE kinds (code text PRIMARY KEY, name text NOT NULL);
        INSERT INTO kinds VALUES ('x', 'Ex'), ('y', 'Why');
        CREATE TABLE ranks (id serial PRIMARY KEY, name text NOT NULL);
        INSERT INTO ranks (name) SELECT n FROM unnest(ARRAY['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j']) n ORDER BY random();
        """, "DROP TABLE kinds;\nDROP TABLE events;\nDROP EXTENSION \"uuid-ossp\";"),
        ("""
        CREATE TABLE settings (
            key text PRIMARY KEY,
            value text NOT NULL,
            at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
            c timestamptz NOT NULL DEFAULT clock_timestamp()
        );
        INSERT INTO settings (key, value) VALUES ('secret', md5(random()::text)), ('mode', 'on');
        CREATE TABLE plans (
            code text PRIMARY KEY, valid_from date NOT NULL DEFAULT CURRENT_DATE, starts date NOT NULL,
            launch timestamptz NOT NULL DEFAULT '2024-03-01 12:00'
        );
        INSERT INTO plans (code, starts) VALUES ('basic', '2024-01-01'), ('pro', '2024-06-01');
        """, "DROP TABLE plans;\nDROP TABLE settings;"),
        ("ALTER TABLE events ADD COLUMN note text;", "ALTER TABLE events DROP COLUMN note;"),
        ("INSERT INTO events (tag) SELECT 'k' || g FROM generate_series(1, 3) g;", "DELETE FROM events WHERE tag LIKE 'k%';"),
        ("""
        CREATE TABLE audit (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), what text NOT NULL);
        INSERT INTO audit (what, at) SELECT 'seed ' || g, now() - g * interval '1 hour' FROM generate_series(1, 5) g;
        """, "DROP TABLE audit;"),
        ("ALTER TABLE settings ADD COLUMN updated timestamptz DEFAULT now();", "ALTER TABLE settings DROP COLUMN updated;"),
    ]

    private func squashed() throws -> URL {
        try SquashedStandard.copies(self, name: "volatile", revisions: Self.history, keep: 3).squashed
    }

    /// What the report says was not compared at the squash point and at head.
    private static let volatileAtSquashPoint = [
        "public.events.at", "public.events.u", "public.events.v", "public.events.r", "public.events.x", "public.events.label",
        "public.settings.value", "public.settings.at", "public.settings.c",
        "public.ranks (whole rows: its values pair up differently in two builds)",
    ]
    private static let volatileKeptOnly = ["public.audit.at", "public.settings.updated"]

    /// The squash itself passes (its proof at head calibrates the kept revisions' values), and
    /// `verify squash` passes later on, in other transactions and after `now()` moved on.
    func testSquashAndVerifyPassAndNameWhatTheyLeftOut() throws {
        let project = try squashed()
        Thread.sleep(forTimeInterval: 1.1)
        let r = try strataWithScratch(["verify", "squash", "--format", "json"], in: project)
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        let proof = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let checks = try XCTUnwrap(proof["checks"] as? [[String: Any]])
        XCTAssertEqual(checks.count, 2, r.stdout)
        for check in checks { XCTAssertEqual((check["differences"] as? [String]) ?? ["?"], [], r.stdout) }
        let atSquashPoint = Set(try XCTUnwrap(checks[0]["not_compared"] as? [String]))
        let atHead = Set(try XCTUnwrap(checks[1]["not_compared"] as? [String]))
        XCTAssertEqual(atSquashPoint, Set(Self.volatileAtSquashPoint), r.stdout)
        XCTAssertEqual(atHead, Set(Self.volatileAtSquashPoint + Self.volatileKeptOnly), r.stdout)
        // Never more than it must: the deterministic columns of the same tables are compared.
        for column in ["public.events.id", "public.events.tag", "public.events.note", "public.settings.key", "public.audit.id", "public.audit.what"] {
            XCTAssertFalse(atHead.contains(column), column)
        }
        XCTAssertFalse(atHead.contains { $0.hasPrefix("public.kinds") }, r.stdout)

        let text = try strataWithScratch(["verify", "squash"], in: project)
        XCTAssertEqual(text.status, 0, text.stdout + text.stderr)
        XCTAssertTrue(text.stdout.contains("      not compared: public.audit.at, "), text.stdout)
        XCTAssertTrue(text.stdout.contains(" — values differ between two builds of the same history\n"), text.stdout)
    }

    /// A row the init revision lost fails the proof, in a table with volatile columns.
    func testALostRowStillFails() throws {
        let r = try verifyWithEditedInit(self, try squashed(), appendingToUp("DELETE FROM public.settings WHERE key = 'mode';"))
        assertProofFails(r, mentioning: ["  ✗ squash point: ", "~ data public.settings: rows 2 → 1"])
    }

    /// A changed value in a deterministic column of a table that also has volatile ones.
    func testAChangedValueNextToVolatileColumnsStillFails() throws {
        let r = try verifyWithEditedInit(self, try squashed(), appendingToUp("UPDATE public.events SET tag = 'z' WHERE tag = 'b';"))
        assertProofFails(r, mentioning: [
            "  ✗ squash point: ", "~ data public.events: the compared columns (id, tag, note) hold other values (same row count; not compared: at, u, v, r, x, label)",
            "  ✗ head: ",
        ])
    }

    /// A changed constant in a table with no volatile column.
    func testAChangedConstantStillFails() throws {
        let r = try verifyWithEditedInit(self, try squashed(), appendingToUp("UPDATE public.kinds SET name = 'Wye' WHERE code = 'y';"))
        assertProofFails(r, mentioning: ["  ✗ squash point: ", "~ data public.kinds: content hash"])
    }

    /// A lost `setval` still fails: the sequence stands at the same place in both builds.
    func testALostSetvalStillFails() throws {
        let r = try verifyWithEditedInit(self, try squashed()) { text in
            text.split(separator: "\n", omittingEmptySubsequences: false)
                .filter { !$0.contains("setval('public.events_id_seq'") }.joined(separator: "\n")
        }
        assertProofFails(r, mentioning: ["  ✗ squash point: ", "~ sequence public.events_id_seq: last value 2 → never called"])
    }

    /// A value that depends on the day (`CURRENT_DATE`) agrees between two builds made the same
    /// day, so calibration builds in a time zone where it is another day: `verify squash` on a
    /// later day than the squash passes. The init revision with yesterday's date is the file a
    /// squash yesterday would have written.
    func testVerifyOnALaterDayPassesOnDayValues() throws {
        let r = try verifyWithEditedInit(self, try squashed(), appendingToUp("UPDATE public.plans SET valid_from = valid_from - 1;"))
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("public.plans.valid_from"), r.stdout)
        XCTAssertFalse(r.stdout.contains("public.plans.starts"), r.stdout)
    }

    /// ... and a changed constant date next to it still fails.
    func testAChangedDateNextToADayValueStillFails() throws {
        let r = try verifyWithEditedInit(
            self, try squashed(), appendingToUp("UPDATE public.plans SET valid_from = valid_from - 1, starts = '2024-02-01' WHERE code = 'basic';"))
        assertProofFails(r, mentioning: [
            "  ✗ squash point: ", "~ data public.plans: the compared columns (code, starts, launch) hold other values (same row count; not compared: valid_from)",
        ])
    }

    /// A `timestamptz` read from a literal without zone changes with the session's zone, not
    /// with the day: a changed one next to a day value still fails.
    func testAChangedZoneDependentValueNextToADayValueStillFails() throws {
        let r = try verifyWithEditedInit(
            self, try squashed(), appendingToUp("UPDATE public.plans SET valid_from = valid_from - 1, launch = launch + interval '1 hour';"))
        assertProofFails(r, mentioning: [
            "  ✗ squash point: ", "~ data public.plans: the compared columns (code, starts, launch) hold other values (same row count; not compared: valid_from)",
        ])
    }

    /// Rows whose values pair up differently in every build (`id` numbered in `random()` order)
    /// are compared column by column: a lost row still fails.
    func testALostRowWhereRowsPairUpDifferentlyStillFails() throws {
        let r = try verifyWithEditedInit(self, try squashed(), appendingToUp("DELETE FROM public.ranks WHERE name = 'c';"))
        assertProofFails(r, mentioning: ["  ✗ squash point: ", "~ data public.ranks: rows 10 → 9"])
    }

    /// ... and so does a changed value in one of those columns.
    func testAChangedValueWhereRowsPairUpDifferentlyStillFails() throws {
        let r = try verifyWithEditedInit(self, try squashed(), appendingToUp("UPDATE public.ranks SET name = 'z' WHERE name = 'c';"))
        assertProofFails(r, mentioning: ["  ✗ squash point: ", "~ data public.ranks: column name holds other values (same row count)"])
    }

    /// The calibration's zone is another day than the server's at any hour, in any zone, at
    /// least an hour from midnight, and a zone PostgreSQL has (UTC-12 to UTC+14).
    func testTheCalibrationZoneIsAlwaysAnotherDay() throws {
        for offset in -12...14 {
            for hour in 0...23 {
                let zone = Calibration.anotherDayZone(hour: hour, offset: offset)
                let target: Int
                if zone == "UTC" {
                    target = 0
                } else {
                    let hours = try XCTUnwrap(Int(zone.dropFirst("Etc/GMT".count)), zone)
                    target = -hours
                }
                XCTAssertTrue((-12...14).contains(target), "\(hour) h at \(offset): \(zone)")
                let there = hour + (target - offset)  // hours from this midnight, in the other zone
                XCTAssertTrue((25...).contains(there) || (...(-2)).contains(there), "\(hour) h at \(offset): \(zone) gives \(there)")
            }
        }
    }

    /// The same-day zone is an hour off and the same day, but at the very ends of the range.
    func testTheSameDayZoneIsAnHourOffOnTheSameDay() throws {
        for offset in -12...14 {
            for hour in 0...23 {
                let zone = Calibration.sameDayZone(hour: hour, offset: offset)
                let target = zone == "UTC" ? 0 : -(try XCTUnwrap(Int(zone.dropFirst("Etc/GMT".count)), zone))
                XCTAssertTrue((-12...14).contains(target), "\(hour) h at \(offset): \(zone)")
                XCTAssertEqual(abs(target - offset), 1, "\(hour) h at \(offset): \(zone)")
                let there = hour + (target - offset)
                if !((offset == -12 && hour >= 22) || (offset == 14 && hour < 2)) {
                    XCTAssertTrue((1...22).contains(there), "\(hour) h at \(offset): \(zone) gives \(there)")
                }
            }
        }
    }

    /// A column the init revision lost, in a table with volatile columns: the schema difference
    /// is the finding (exit 1), and calibration does not trip over the missing column.
    func testALostColumnNextToVolatileColumnsFails() throws {
        let r = try verifyWithEditedInit(self, try squashed(), appendingToUp("ALTER TABLE public.events DROP COLUMN note;"))
        assertProofFails(r, mentioning: ["  ✗ squash point: ", "public.events.note"])
    }
}
