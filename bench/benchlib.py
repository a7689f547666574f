"""Shared pieces of the strata benchmark harness: a throwaway PostgreSQL cluster on tmpfs,
reading strata revision files (format v1), and psql scripts built from them.

Python 3.11 standard library only (the harness itself needs no virtualenv).
"""

from __future__ import annotations

import glob
import os
import pwd
import re
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_DIR = os.path.dirname(BENCH_DIR)
WORK_DIR = os.path.join(BENCH_DIR, "work")

# ---------------------------------------------------------------------------------------------
# PostgreSQL binaries
# ---------------------------------------------------------------------------------------------


def pg_bindir() -> str:
    """The real PostgreSQL binaries (never Debian's pg_wrapper scripts on PATH):
    $PG_BINDIR, else the newest /usr/lib/postgresql/*/bin, else `pg_config --bindir`."""
    env = os.environ.get("PG_BINDIR")
    if env:
        return env
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"),
                   key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    if found:
        return os.path.dirname(found[-1])
    out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True)
    return out.stdout.strip()


PG_BIN = pg_bindir()
PSQL = os.path.join(PG_BIN, "psql")

# ---------------------------------------------------------------------------------------------
# Running things as the unprivileged server user
# ---------------------------------------------------------------------------------------------

SERVER_USER = os.environ.get("BENCH_PG_USER", "postgres")


def as_server_user(cmd: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root: run them as `postgres` when we are root."""
    if os.geteuid() == 0:
        return ["runuser", "-u", SERVER_USER, "--"] + cmd
    return cmd


def chown_to_server_user(path: str) -> None:
    if os.geteuid() == 0:
        pw = pwd.getpwnam(SERVER_USER)
        os.chown(path, pw.pw_uid, pw.pw_gid)


def ram_dir() -> str:
    return "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) \
        else tempfile.gettempdir()


# ANCHORS.md's "test" settings; everything else stays at PostgreSQL's defaults
TEST_SETTINGS = {
    "listen_addresses": "''",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
}


class Cluster:
    """A PostgreSQL cluster in a private directory on tmpfs, unix socket only, trust auth.

    Use as a context manager; stop() is idempotent and also runs from the signal handlers
    that install_signal_handlers() sets up, so Ctrl-C leaves nothing behind."""

    live: list["Cluster"] = []

    def __init__(self, prefix: str = "strata-bench-", settings: dict | None = None):
        self.base = tempfile.mkdtemp(prefix=prefix, dir=ram_dir())
        chown_to_server_user(self.base)
        os.chmod(self.base, 0o755)
        self.data = os.path.join(self.base, "data")
        self.sock = self.base
        self.log = os.path.join(self.base, "server.log")
        self.settings = dict(TEST_SETTINGS)
        self.settings["unix_socket_directories"] = f"'{self.sock}'"
        if settings:
            self.settings.update(settings)
        self.started = False
        Cluster.live.append(self)

    # -- lifecycle ------------------------------------------------------------------------------
    def initdb(self) -> None:
        run(as_server_user([os.path.join(PG_BIN, "initdb"), "-D", self.data, "-U", "postgres",
                            "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync", "-N"]))

    def start(self) -> "Cluster":
        if not os.path.isdir(self.data):
            self.initdb()
        opts = " ".join(f"-c {k}={v}" for k, v in self.settings.items())
        # a new session: Ctrl-C in the terminal reaches us, not the server; we stop it cleanly
        run(as_server_user([os.path.join(PG_BIN, "pg_ctl"), "start", "-w", "-t", "60",
                            "-D", self.data, "-l", self.log, "-o", opts]),
            start_new_session=True)
        self.started = True
        return self

    def stop(self) -> None:
        if self.started:
            subprocess.run(as_server_user([os.path.join(PG_BIN, "pg_ctl"), "stop", "-m",
                                           "immediate", "-w", "-D", self.data]),
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self.started = False
        shutil.rmtree(self.base, ignore_errors=True)
        if self in Cluster.live:
            Cluster.live.remove(self)

    def __enter__(self) -> "Cluster":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- clients --------------------------------------------------------------------------------
    def url(self, db: str) -> str:
        return f"postgresql:///{db}?host={self.sock}&user=postgres"

    def psql_cmd(self, db: str, *extra: str) -> list[str]:
        return [PSQL, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", self.sock, "-U", "postgres",
                "-d", db, *extra]

    def sql(self, sql: str, db: str = "postgres") -> str:
        """Run SQL through psql (tab-separated, unaligned output) and return stdout."""
        out = run(self.psql_cmd(db, "-At", "-F", "\t", "-c", sql))
        return out.stdout

    def create_db(self, name: str, template: str = "template0") -> str:
        self.sql(f'DROP DATABASE IF EXISTS "{name}"')
        self.sql(f'CREATE DATABASE "{name}" TEMPLATE {template}')
        return name

    def drop_db(self, name: str) -> None:
        self.sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def server_version(self) -> str:
        return self.sql("SHOW server_version").strip()


def stop_all_clusters() -> None:
    for c in list(Cluster.live):
        c.stop()


def install_signal_handlers() -> None:
    """SIGINT/SIGTERM/SIGHUP unwind the stack (so every `finally` runs) and clusters stop."""
    def handler(signum, _frame):
        signal.signal(signum, signal.SIG_IGN)
        raise KeyboardInterrupt(f"signal {signum}")
    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, handler)


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    kw.setdefault("capture_output", True)
    kw.setdefault("text", True)
    p = subprocess.run(cmd, **kw)
    if p.returncode != 0:
        raise CommandError(cmd, p.returncode, p.stdout or "", p.stderr or "")
    return p


class CommandError(RuntimeError):
    def __init__(self, cmd, code, out, err):
        self.cmd, self.code, self.out, self.err = cmd, code, out, err
        tail = (err or out).strip().splitlines()[-8:]
        super().__init__(f"{os.path.basename(cmd[0])} exited {code}: " + "\n".join(tail))


# ---------------------------------------------------------------------------------------------
# strata revision files (format v1)
# ---------------------------------------------------------------------------------------------


@dataclass
class RevisionFile:
    path: str
    id: str
    down: str | None
    header: dict
    up: str
    down_sql: str | None

    @property
    def transactional(self) -> bool:
        return self.header.get("transactional", "true").lower() != "false"


_HEADER = re.compile(r"^--\s*([a-z_]+):\s*(.*?)\s*$")


def parse_revision(path: str) -> RevisionFile:
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    header: dict = {}
    i = 0
    while i < len(lines) and lines[i].strip() != "-- migrate:up":
        mt = _HEADER.match(lines[i])
        if mt:
            header[mt.group(1)] = mt.group(2)
        i += 1
    if i == len(lines):
        raise ValueError(f"{path}: no '-- migrate:up' marker")
    rest = lines[i + 1:]
    up, down = rest, None
    for j, line in enumerate(rest):
        if line.strip() == "-- migrate:down":
            up, down = rest[:j], rest[j + 1:]
            break
    d = header.get("down_revision", "none")
    return RevisionFile(path, header["revision"], None if d == "none" else d, header,
                        "\n".join(up).strip() + "\n",
                        None if down is None else "\n".join(down).strip() + "\n")


def read_history(directory: str) -> list[RevisionFile]:
    """Revision files of a linear history, root first."""
    revs = [parse_revision(p) for p in sorted(glob.glob(os.path.join(directory, "*.sql")))]
    by_parent = {r.down: r for r in revs}
    if len(by_parent) != len(revs):
        raise ValueError(f"{directory}: history is not linear")
    out, cur = [], None
    while cur in by_parent:
        r = by_parent[cur]
        out.append(r)
        cur = r.id
    if len(out) != len(revs):
        raise ValueError(f"{directory}: {len(revs) - len(out)} revisions not reachable from root")
    return out


def psql_script(revs: list[RevisionFile], direction: str = "up",
                one_transaction: bool = False) -> str:
    """The floor: the revisions' SQL as one psql script, one transaction per revision, or all
    in one transaction; non-transactional revisions always run outside BEGIN/COMMIT."""
    seq = revs if direction == "up" else list(reversed(revs))
    parts = []
    if one_transaction:
        parts.append("BEGIN;\n")
    for r in seq:
        body = r.up if direction == "up" else r.down_sql
        if body is None:
            raise ValueError(f"{r.path}: no down section")
        if not r.transactional:
            # runs alone, outside any transaction (as strata runs it)
            parts.append(("COMMIT;\n" + body + "BEGIN;\n") if one_transaction else body)
        elif one_transaction:
            parts.append(body)
        else:
            parts.append("BEGIN;\n" + body + "COMMIT;\n")
    if one_transaction:
        parts.append("COMMIT;\n")
    return "".join(parts)


def stairway_script(revs: list[RevisionFile], broken_downs: bool = False) -> str:
    """The stairway floor: for every revision, root first, up, down, up, each in its own
    transaction (non-transactional revisions bare); no comparison at all.

    `broken_downs`, for a history whose downs may leave things behind (run it without
    ON_ERROR_STOP): a transactional revision's down and second up share one transaction, so
    when the second up fails (a table the down left behind is still there) the down is rolled
    back with it and the next revision starts from the state its first up left, as it does in
    the plain history (and in strata's stairway). Separate transactions would let the errors
    cascade: every later revision that uses what the failed up did not redo fails too."""
    parts = []
    for r in revs:
        if r.down_sql is None:
            raise ValueError(f"{r.path}: no down section")
        if broken_downs and r.transactional:
            parts.append("BEGIN;\n" + r.up + "COMMIT;\nBEGIN;\n" + r.down_sql + r.up
                         + "COMMIT;\n")
            continue
        for body in (r.up, r.down_sql, r.up):
            parts.append(body if not r.transactional else "BEGIN;\n" + body + "COMMIT;\n")
    return "".join(parts)


_SESSION_SET = re.compile(r"(?m)^(SET [a-z_.]+ *(=|TO) |SELECT pg_catalog\.set_config\()")


def session_safe_script(revs: list[RevisionFile]) -> str:
    """psql_script(revs, "up") for a history whose revisions may change session settings (a
    squash's init revision is pg_dump output: `set_config('search_path', '', false)`,
    `SET check_function_bodies = false`, ...): `RESET ALL;` after every such revision, as a
    tool that resets its session between revisions would have it."""
    parts = []
    for r in revs:
        parts.append(psql_script([r], "up"))
        if _SESSION_SET.search(r.up):
            parts.append("RESET ALL;\n")
    return "".join(parts)


# ---------------------------------------------------------------------------------------------
# Catalog checks
# ---------------------------------------------------------------------------------------------

LEFTOVERS_SQL = """
SELECT 'relation ' || c.relname || ' (' || c.relkind::text || ')'
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'public' AND c.relname NOT IN ({keep})
   AND NOT EXISTS (SELECT 1 FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
                    WHERE i.indexrelid = c.oid AND t.relname IN ({keep}))
UNION ALL
SELECT 'type ' || t.typname
  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
 WHERE n.nspname = 'public' AND t.typrelid = 0 AND t.typname NOT LIKE '\\_%'
UNION ALL
SELECT 'function ' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')'
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname = 'public'
ORDER BY 1
"""


def leftovers(cluster: Cluster, db: str, keep: tuple[str, ...] = ()) -> list[str]:
    """Tables, indexes, sequences, views, types and functions left in schema public."""
    names = ", ".join(f"'{k}'" for k in keep) or "''"
    out = cluster.sql(LEFTOVERS_SQL.format(keep=names), db)
    return [line for line in out.splitlines() if line]


CATALOG_STATS_SQL = """
SELECT
 (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid=c.relnamespace
   WHERE n.nspname='public' AND c.relkind IN ('r','p') AND c.relname NOT IN {skip}),
 (SELECT count(*) FROM pg_attribute a JOIN pg_class c ON c.oid=a.attrelid
   JOIN pg_namespace n ON n.oid=c.relnamespace
   WHERE n.nspname='public' AND c.relkind IN ('r','p') AND a.attnum > 0 AND NOT a.attisdropped
     AND c.relname NOT IN {skip}),
 (SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid=i.indrelid
   JOIN pg_namespace n ON n.oid=c.relnamespace WHERE n.nspname='public'
     AND c.relname NOT IN {skip}),
 (SELECT count(*) FROM pg_constraint k JOIN pg_namespace n ON n.oid=k.connamespace
   WHERE n.nspname='public' AND k.contype='f'
     AND k.conrelid NOT IN (SELECT oid FROM pg_class WHERE relname IN {skip})),
 (SELECT count(*) FROM pg_constraint k JOIN pg_namespace n ON n.oid=k.connamespace
   WHERE n.nspname='public' AND k.contype='c' AND k.conrelid <> 0
     AND k.conrelid NOT IN (SELECT oid FROM pg_class WHERE relname IN {skip})),
 (SELECT count(*) FROM pg_constraint k JOIN pg_namespace n ON n.oid=k.connamespace
   WHERE n.nspname='public' AND k.contype='u'
     AND k.conrelid NOT IN (SELECT oid FROM pg_class WHERE relname IN {skip})),
 (SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid=t.tgrelid
   JOIN pg_namespace n ON n.oid=c.relnamespace WHERE n.nspname='public' AND NOT t.tgisinternal),
 (SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid=t.typnamespace
   WHERE n.nspname='public' AND t.typtype='e'),
 (SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid=t.typnamespace
   WHERE n.nspname='public' AND t.typtype='d'),
 (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid=c.relnamespace
   WHERE n.nspname='public' AND c.relkind='S' AND NOT EXISTS (
     SELECT 1 FROM pg_depend d WHERE d.objid=c.oid AND d.deptype IN ('a','i'))),
 (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid=c.relnamespace
   WHERE n.nspname='public' AND c.relkind='v'),
 (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid=c.relnamespace
   WHERE n.nspname='public' AND c.relkind='m'),
 (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid=p.pronamespace
   WHERE n.nspname='public')
"""
CATALOG_STATS_KEYS = ["tables", "columns", "indexes", "fks", "checks", "uniques", "triggers",
                      "enums", "domains", "sequences", "views", "matviews", "functions"]


def catalog_stats(cluster: Cluster, db: str,
                  skip: tuple[str, ...] = ("strata_version", "alembic_version")) -> dict:
    skip_sql = "(" + ", ".join(f"'{s}'" for s in skip) + ")"
    row = cluster.sql(CATALOG_STATS_SQL.format(skip=skip_sql), db).strip().split("\t")
    return dict(zip(CATALOG_STATS_KEYS, (int(x) for x in row), strict=True))


def timed(cmd: list[str], **kw) -> tuple[float, subprocess.CompletedProcess]:
    """Wall-clock seconds of one child process, output captured (not timed separately)."""
    kw.setdefault("capture_output", True)
    kw.setdefault("text", True)
    t0 = time.perf_counter()
    p = subprocess.run(cmd, **kw)
    return time.perf_counter() - t0, p


# ---------------------------------------------------------------------------------------------
# Generated histories, cached under bench/work/
# ---------------------------------------------------------------------------------------------


def _generator_key(kind: str, n: int, seed: int) -> str:
    import hashlib
    with open(os.path.join(BENCH_DIR, "gen_history.py"), "rb") as f:
        src = f.read()
    return hashlib.sha256(src + f"|{kind}|{n}|{seed}".encode()).hexdigest()


def _fresh(stamp: str, key: str) -> bool:
    try:
        with open(stamp) as f:
            return f.read().strip() == key
    except OSError:
        return False


def ensure_wide(seed: int = 1) -> str:
    """Generate (once per generator version) the wide schema under bench/work/wide:
    wide.sql (1,000 tables), wide_down.sql and migrations/. Returns the directory."""
    import gen_history  # noqa: E402  (same directory)
    out = os.path.join(WORK_DIR, "wide" if seed == 1 else f"wide-seed{seed}")
    key = _generator_key("wide", 0, seed)
    if not _fresh(out + ".stamp", key) or not os.path.isfile(os.path.join(out, "wide.sql")):
        gen_history.write_wide(out, seed)
        with open(out + ".stamp", "w") as f:
            f.write(key + "\n")
    return out


def ensure_history(n: int, seed: int = 1, alembic: bool = False, volatile: bool = False) -> dict:
    """Generate (once per generator version) the N-revision history in strata format under
    bench/work/hist/nN and, if asked, its Alembic rendering under bench/work/alembic/nN.
    `volatile`: the same history with seed rows stamped by now() and gen_random_uuid()."""
    import gen_history  # noqa: E402  (same directory)
    name = (f"n{n}" if seed == 1 else f"n{n}-seed{seed}") + ("-volatile" if volatile else "")
    out = {"strata": os.path.join(WORK_DIR, "hist", name),
           "alembic": os.path.join(WORK_DIR, "alembic", name)}
    want = [("strata", out["strata"])] + ([("alembic", out["alembic"])] if alembic else [])
    stale = [(k, d) for k, d in want if not _fresh(d + ".stamp", _generator_key(k, n, seed) + name)]
    if stale:
        revs = gen_history.generate(n, seed, volatile)
        for kind, d in stale:
            if kind == "strata":
                gen_history.write_strata(revs, d)
            else:
                gen_history.write_alembic(revs, d)
            with open(d + ".stamp", "w") as f:
                f.write(_generator_key(kind, n, seed) + name + "\n")
    return out


def ensure_layouts(n: int, layouts, seed: int = 1, volatile: bool = False) -> dict[str, str]:
    """Generate (once per generator version) the N-revision history as a strata project in
    each of `layouts` (gen_history.LAYOUTS: strata, diesel, golang-migrate, ...):
    bench/work/layouts/nN/<layout>/ holds strata.toml (format = "<layout>"), migrations/ in
    that tool's layout and an empty archive/. Returns {layout: project directory}; the
    project's config is <dir>/strata.toml. The revisions are generated once for all stale ones.
    """
    import gen_history  # noqa: E402  (same directory)
    name = (f"n{n}" if seed == 1 else f"n{n}-seed{seed}") + ("-volatile" if volatile else "")
    out = {lay: os.path.join(WORK_DIR, "layouts", name, lay) for lay in layouts}
    stale = [lay for lay in layouts
             if not _fresh(out[lay] + ".stamp", _generator_key("layout:" + lay, n, seed) + name)
             or not os.path.isfile(os.path.join(out[lay], "strata.toml"))]
    if stale:
        revs = gen_history.generate(n, seed, volatile)
        for lay in stale:
            gen_history.write_project(revs, out[lay], lay)
            with open(out[lay] + ".stamp", "w") as f:
                f.write(_generator_key("layout:" + lay, n, seed) + name + "\n")
    return out


def ensure_layout(n: int, layout: str, seed: int = 1, volatile: bool = False) -> str:
    """ensure_layouts for one layout: the project directory (config: <dir>/strata.toml)."""
    return ensure_layouts(n, [layout], seed, volatile)[layout]
