#!/usr/bin/env python3
"""Check that the generated benchmark histories are correct on a real PostgreSQL.

For each N: apply every up with psql (one transaction per revision), every down (head to
empty: no table, type, function or sequence may be left), every up again, and compare full
pg_dump output (schema and data) of the two ups. With --stairway, also check every single
revision: up, down, up, with a catalog fingerprint (and table contents) compared after each
step, so a down that leaves anything behind is named. With --alembic, run the Alembic rendering:
`alembic upgrade head` must build what psql built, `alembic downgrade base` must empty it.

    python3 bench/check_history.py                        # N = 100 300 1000
    python3 bench/check_history.py -n 100 --stairway --alembic
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as b  # noqa: E402

FINGERPRINT_SQL = r"""
SELECT coalesce(string_agg(line, E'\n' ORDER BY line), '') FROM (
  SELECT 'rel ' || c.relname || ' ' || c.relkind::text AS line
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'
  UNION ALL
  SELECT 'col ' || c.relname || ' '
         || lpad((row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum))::text, 4, '0')
         || ' ' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
         || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END
         || coalesce(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '')
         || CASE WHEN a.attidentity <> '' THEN ' IDENTITY ' || a.attidentity::text ELSE '' END
         || coalesce(' COMMENT ' || col_description(c.oid, a.attnum), '')
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
   WHERE n.nspname = 'public' AND a.attnum > 0 AND NOT a.attisdropped
     AND c.relkind IN ('r', 'v', 'm', 'p', 'c')
  UNION ALL
  SELECT 'con ' || coalesce(nullif(k.conrelid, 0)::regclass::text, k.contypid::regtype::text)
         || ' ' || k.conname || ' ' || pg_get_constraintdef(k.oid)
    FROM pg_constraint k JOIN pg_namespace n ON n.oid = k.connamespace
   WHERE n.nspname = 'public'
  UNION ALL
  SELECT 'idx ' || pg_get_indexdef(i.indexrelid)
    FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'
  UNION ALL
  SELECT 'type ' || t.typname || ' ' || t.typtype::text || ' '
         || coalesce((SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
                        FROM pg_enum e WHERE e.enumtypid = t.oid), '')
         || CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) ELSE '' END
    FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public'
  UNION ALL
  SELECT 'func ' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ') '
         || md5(pg_get_functiondef(p.oid))
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'
  UNION ALL
  SELECT 'trg ' || pg_get_triggerdef(t.oid)
    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = 'public' AND NOT t.tgisinternal
  UNION ALL
  SELECT 'view ' || c.relname || ' ' || md5(pg_get_viewdef(c.oid))
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = 'public' AND c.relkind IN ('v', 'm')
  UNION ALL
  SELECT 'seq ' || c.relname || ' ' || s.seqtypid::regtype::text || ' ' || s.seqstart
         || ' ' || s.seqincrement
    FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'
  UNION ALL
  SELECT 'comment ' || c.relname || ' ' || d.description
    FROM pg_description d JOIN pg_class c ON d.classoid = 'pg_class'::regclass
         AND d.objoid = c.oid AND d.objsubid = 0
    JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'
) s
"""

DATA_SQL = r"""
SELECT coalesce(string_agg(c.relname || ' ' || (xpath('/row/h/text()', query_to_xml(
         format('SELECT count(*) || '':'' || md5(coalesce(string_agg(t::text, '','' '
                'ORDER BY t::text), '''')) AS h FROM %I.%I t', n.nspname, c.relname),
         false, true, '')))[1]::text, E'\n' ORDER BY c.relname), '')
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'public' AND c.relkind = 'r'
"""


def diff(a: str, b_: str, la: str, lb: str, limit: int = 40) -> str:
    lines = list(difflib.unified_diff(a.splitlines(), b_.splitlines(), la, lb, lineterm="", n=0))
    return "\n".join(lines[:limit]) + ("\n  ..." if len(lines) > limit else "")


def dump(cluster: b.Cluster, db: str, exclude: tuple[str, ...] = ()) -> str:
    cmd = [os.path.join(b.PG_BIN, "pg_dump"), "-h", cluster.sock, "-U", "postgres", "-d", db,
           "--no-owner", "--no-privileges", "--inserts"]
    for t in exclude:
        cmd += ["--exclude-table", t]
    out = b.run(cmd).stdout
    # drop the unstable lines: version banner and pg_dump 15.14+ \restrict keys
    return "\n".join(line for line in out.splitlines()
                     if not line.startswith(("-- Dumped", "\\restrict", "\\unrestrict")))


def check_up_down_up(cluster: b.Cluster, n: int, hdir: str) -> tuple[bool, str | None]:
    revs = b.read_history(hdir)
    db = cluster.create_db(f"check_{n}")
    scripts = {d: os.path.join(b.WORK_DIR, f"check_n{n}_{d}.sql") for d in ("up", "down")}
    for d, path in scripts.items():
        with open(path, "w") as f:
            f.write(b.psql_script(revs, d))
    ok = True
    dumps = []
    for step in ("up", "down", "up"):
        t0 = time.perf_counter()
        try:
            b.run(cluster.psql_cmd(db, "-f", scripts[step]))
        except b.CommandError as e:
            print(f"  n={n} {step}: FAILED\n{e}")
            return False, None
        dt = time.perf_counter() - t0
        if step == "down":
            left = b.leftovers(cluster, db)
            print(f"  n={n} all downs: {dt:.3f} s, leftovers: {left or 'none'}")
            ok &= not left
        else:
            dumps.append(dump(cluster, db))
            stats = b.catalog_stats(cluster, db)
            print(f"  n={n} all ups:   {dt:.3f} s, {stats}")
    same = dumps[0] == dumps[1]
    print(f"  n={n} pg_dump after up == after up-down-up: {same}")
    if not same:
        print(diff(dumps[0], dumps[1], "up", "up-down-up"))
    cluster.drop_db(db)
    return ok and same, dumps[0]


def check_stairway(cluster: b.Cluster, n: int, hdir: str) -> bool:
    import psycopg2  # noqa: E402  (the virtualenv's)
    revs = b.read_history(hdir)
    db = cluster.create_db(f"stairway_{n}")
    conn = psycopg2.connect(host=cluster.sock, user="postgres", dbname=db)
    conn.autocommit = True
    cur = conn.cursor()

    def state() -> tuple[str, str]:
        cur.execute(FINGERPRINT_SQL)
        schema = cur.fetchone()[0]
        cur.execute(DATA_SQL)
        return schema, cur.fetchone()[0]

    def apply(sql: str, transactional: bool) -> None:
        if transactional:
            cur.execute("BEGIN")
            cur.execute(sql)
            cur.execute("COMMIT")
        else:
            cur.execute(sql)

    failures = 0
    t0 = time.perf_counter()
    before = state()
    for i, r in enumerate(revs):
        where = f"revision {i + 1} {os.path.basename(r.path)}"
        try:
            apply(r.up, r.transactional)
            after = state()
            apply(r.down_sql, r.transactional)
            back = state()
            apply(r.up, r.transactional)
            again = state()
        except psycopg2.Error as e:
            print(f"  {where}: SQL error: {e}")
            return False
        if back != before:
            failures += 1
            print(f"  {where}: down does not restore the state before up")
            print(diff(before[0] + "\n" + before[1], back[0] + "\n" + back[1], "before up",
                       "after down"))
        if again[0] != after[0]:
            failures += 1
            print(f"  {where}: second up builds a different schema")
            print(diff(after[0], again[0], "first up", "second up"))
        before = again
        if failures > 5:
            break
    conn.close()
    cluster.drop_db(db)
    print(f"  n={n} stairway with per-step catalog + data comparison: "
          f"{'ok' if not failures else f'{failures} failures'} ({time.perf_counter() - t0:.1f} s)")
    return failures == 0


def check_alembic(cluster: b.Cluster, n: int, adir: str, psql_dump: str | None) -> bool:
    alembic = os.path.join(b.BENCH_DIR, ".venv", "bin", "alembic")
    db = cluster.create_db(f"alembic_{n}")
    base = [alembic, "-c", os.path.join(adir, "alembic.ini"), "-x", f"url={cluster.url(db)}"]
    ok = True
    for args in (["upgrade", "head"], ["downgrade", "base"], ["upgrade", "head"]):
        dt, p = b.timed(base + args)
        if p.returncode != 0:
            print(f"  n={n} alembic {' '.join(args)}: FAILED\n" + p.stderr[-3000:])
            return False
        if args[0] == "downgrade":
            left = b.leftovers(cluster, db, keep=("alembic_version",))
            print(f"  n={n} alembic downgrade base: {dt:.3f} s, leftovers: {left or 'none'}")
            ok &= not left
        else:
            print(f"  n={n} alembic upgrade head: {dt:.3f} s")
    if psql_dump is not None:
        same = dump(cluster, db, exclude=("alembic_version",)) == psql_dump
        print(f"  n={n} alembic head == psql head (pg_dump, schema and data): {same}")
        ok &= same
    cluster.drop_db(db)
    return ok


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, nargs="+", default=[100, 300, 1000])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--stairway", action="store_true")
    ap.add_argument("--alembic", action="store_true")
    a = ap.parse_args()
    if a.stairway or a.alembic:
        try:
            import psycopg2  # noqa: F401
        except ImportError:
            venv_py = os.path.join(b.BENCH_DIR, ".venv", "bin", "python")
            if not os.path.exists(venv_py) or sys.executable == venv_py:
                print("psycopg2 missing: run python3 bench/bench.py --setup-only first")
                return 2
            os.execv(venv_py, [venv_py, os.path.abspath(__file__)] + sys.argv[1:])
    b.install_signal_handlers()
    os.makedirs(b.WORK_DIR, exist_ok=True)
    ok = True
    try:
        with b.Cluster(prefix="strata-check-") as cluster:
            print(f"PostgreSQL {cluster.server_version()} in {cluster.base}")
            for n in a.n:
                h = b.ensure_history(n, a.seed, alembic=a.alembic)
                good, head_dump = check_up_down_up(cluster, n, h["strata"])
                ok &= good
                if a.stairway:
                    ok &= check_stairway(cluster, n, h["strata"])
                if a.alembic:
                    ok &= check_alembic(cluster, n, h["alembic"], head_dump)
    finally:
        b.stop_all_clusters()
    print("ALL OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
