#!/usr/bin/env python3
"""strata benchmark harness: strata against the psql floor and Alembic, side by side.

    python3 bench/bench.py                  every default task, 3 runs, N = 100 300 1000
    python3 bench/bench.py --quick          1 run, N = 100 only
    python3 bench/bench.py --only upgrade   selected tasks (comma-separated or repeated)
    python3 bench/bench.py --list           the registered tasks

Every timed run gets a fresh database (its CREATE DATABASE is not timed) on a PostgreSQL 15
cluster that the harness starts on tmpfs with the test settings and removes at exit. Results:
a table on stdout, bench/out/results.json and bench/out/upgrade.svg. See bench/README.md.

To add a task, write `def task_x(ctx: Context) -> None` that calls ctx.measure(...) (or
ctx.skip(...)) and register it with @task("x", "what it measures"). Python 3.11, standard
library only; Alembic runs from bench/.venv, which the harness creates when it is missing.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Callable

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as b  # noqa: E402

VENV = os.path.join(b.BENCH_DIR, ".venv")
VENV_PY = os.path.join(VENV, "bin", "python")
ALEMBIC = os.path.join(VENV, "bin", "alembic")
# the versions ANCHORS.md was measured with
VENV_PACKAGES = ["alembic==1.20.1", "SQLAlchemy==2.1.9", "psycopg2-binary==2.9.13"]
OUT_DIR = os.path.join(b.BENCH_DIR, "out")
RUN_DIR = os.path.join(b.WORK_DIR, "run")  # strata's working directory: no strata.toml here

# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------


@dataclass
class Result:
    task: str
    tool: str
    n: int | None
    status: str = "ok"                 # ok | skipped | failed
    times: list[float] = field(default_factory=list)
    reason: str | None = None
    extra: dict = field(default_factory=dict)

    @property
    def median(self) -> float | None:
        return statistics.median(self.times) if self.times else None

    def as_json(self) -> dict:
        d = asdict(self)
        if self.times:
            d.update(median=self.median, min=min(self.times), max=max(self.times))
        return d


@dataclass
class Task:
    name: str
    fn: Callable[["Context"], None]
    help: str
    default: bool = True


TASKS: list[Task] = []


def task(name: str, help: str, default: bool = True):
    """Register a benchmark task; --only NAME selects it, the registry order is the run order."""
    def deco(fn):
        TASKS.append(Task(name, fn, help, default))
        return fn
    return deco


# ---------------------------------------------------------------------------------------------
# Context: what tasks share
# ---------------------------------------------------------------------------------------------


class Context:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.runs: int = args.runs
        self.sizes: list[int] = args.sizes
        self.strata: str = args.strata
        self.results: list[Result] = []
        self._cluster: b.Cluster | None = None
        self._supports: dict[tuple, str | None] = {}
        self.env = {k: v for k, v in os.environ.items()
                    if k not in ("DATABASE_URL", "PGHOST", "PGDATABASE", "PGUSER", "PGPORT")}
        os.makedirs(RUN_DIR, exist_ok=True)

    # -- the target server ------------------------------------------------------------------
    @property
    def cluster(self) -> b.Cluster:
        if self._cluster is None:
            self._cluster = b.Cluster(prefix="strata-bench-").start()
            log(f"target server: PostgreSQL {self._cluster.server_version()} on "
                f"{self._cluster.sock} (tmpfs, fsync/synchronous_commit/full_page_writes off)")
        return self._cluster

    def fresh_db(self, tag: str) -> str:
        """A new empty database (not timed); dropped by the caller after the run."""
        return self.cluster.create_db(f"bench_{tag}_{os.getpid()}")

    # -- recording -------------------------------------------------------------------------
    def add(self, r: Result) -> Result:
        self.results.append(r)
        if r.status == "ok":
            mn, mx = min(r.times), max(r.times)
            log(f"  {r.task:<10} {fmt_n(r.n):>5}  {r.tool:<32} {r.median:8.3f} s  "
                f"({mn:.3f}–{mx:.3f}, {len(r.times)} run{'s' if len(r.times) > 1 else ''})"
                + (f"  {note(r)}" if note(r) else ""))
        else:
            log(f"  {r.task:<10} {fmt_n(r.n):>5}  {r.tool:<32} {r.status}: {r.reason}")
        return r

    def skip(self, task: str, tool: str, n: int | None, reason: str) -> Result:
        return self.add(Result(task, tool, n, "skipped", reason=reason))

    # -- strata -----------------------------------------------------------------------------
    def strata_missing(self, *words: str) -> str | None:
        """None when the strata binary has the subcommand `words`, else why not."""
        if words in self._supports:
            return self._supports[words]
        reason = None
        if not os.path.isfile(self.strata) or not os.access(self.strata, os.X_OK):
            reason = f"no strata binary at {self.strata} (build it: swift build -c release, " \
                     "or set STRATA)"
        else:
            p = subprocess.run([self.strata, *words, "--help"], capture_output=True, text=True,
                               cwd=RUN_DIR, env=self.env, timeout=60)
            text = p.stdout + p.stderr
            if p.returncode != 0 or "usage" not in text.lower():
                first = (text.strip().splitlines() or ["no output"])[0][:120]
                reason = f"strata has no `{' '.join(words)}` command yet " \
                         f"(`{' '.join(words)} --help` exited {p.returncode}: {first})"
        self._supports[words] = reason
        return reason

    def strata_cmd(self, *args: str) -> list[str]:
        return [self.strata, *args]

    # -- timing -----------------------------------------------------------------------------
    def run_timed(self, cmd: list[str], **kw) -> tuple[float, subprocess.CompletedProcess]:
        """Wall time of one process; a run past --timeout counts as failed (exit -9)."""
        kw.setdefault("env", self.env)
        kw.setdefault("cwd", RUN_DIR)
        kw.setdefault("timeout", self.args.timeout)
        try:
            return b.timed(cmd, **kw)
        except subprocess.TimeoutExpired:
            return kw["timeout"], subprocess.CompletedProcess(
                cmd, -9, "", f"timed out after {kw['timeout']} s")

    def close(self) -> None:
        if self._cluster is not None:
            self._cluster.stop()
            self._cluster = None


def log(msg: str) -> None:
    print(msg, flush=True)


def note(r: Result) -> str:
    """Phase timings worth a glance in the table (all of them are in results.json)."""
    def med(values):
        values = [v for v in values if isinstance(v, (int, float))]
        return statistics.median(values) if values else None
    if "phases" in r.extra:
        parts = [(k.replace("_seconds", ""), med([p.get(k) for p in r.extra["phases"]]))
                 for k in ("initdb_seconds", "start_seconds", "connect_seconds")]
        return ", ".join(f"{k} {v:.3f}" for k, v in parts if v is not None)
    if "strata_json" in r.extra:
        objs = [o for o in r.extra["strata_json"] if isinstance(o, dict)]
        ready = med([o.get("ready_seconds") for o in objs])
        return f"strata ready_seconds {ready:.3f}" if ready is not None else ""
    return ""


def fmt_n(n: int | None) -> str:
    return "–" if n is None else str(n)


def tail(p: subprocess.CompletedProcess, lines: int = 6) -> str:
    text = ((p.stderr or "") + (p.stdout or "")).strip().splitlines()
    return " | ".join(text[-lines:])[:600] or f"exit {p.returncode}, no output"


# ---------------------------------------------------------------------------------------------
# Setup: the Alembic virtualenv
# ---------------------------------------------------------------------------------------------


def ensure_venv() -> str | None:
    """Create bench/.venv with Alembic, SQLAlchemy and psycopg2 from PyPI if it is missing.
    Returns None when usable, else the reason it is not."""
    if os.path.exists(ALEMBIC) and subprocess.run(
            [VENV_PY, "-c", "import alembic, sqlalchemy, psycopg2"],
            capture_output=True).returncode == 0:
        return None
    log(f"creating {VENV} ({', '.join(VENV_PACKAGES)}) ...")
    try:
        b.run([sys.executable, "-m", "venv", VENV])
        b.run([VENV_PY, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
               *VENV_PACKAGES], timeout=900)
    except (b.CommandError, subprocess.TimeoutExpired) as e:
        return f"could not create the Alembic virtualenv: {e}"
    return None


def package_versions() -> dict:
    if not os.path.exists(VENV_PY):
        return {}
    code = ("import json, alembic, sqlalchemy, psycopg2; print(json.dumps({'alembic': "
            "alembic.__version__, 'sqlalchemy': sqlalchemy.__version__, 'psycopg2': "
            "psycopg2.__version__.split()[0]}))")
    p = subprocess.run([VENV_PY, "-c", code], capture_output=True, text=True)
    return json.loads(p.stdout) if p.returncode == 0 else {}


# ---------------------------------------------------------------------------------------------
# Tasks
# ---------------------------------------------------------------------------------------------


@task("upgrade", "apply N revisions to a fresh database: psql floor, alembic upgrade head, "
                 "strata upgrade head")
def task_upgrade(ctx: Context) -> None:
    venv_problem = ensure_venv()
    strata_problem = ctx.strata_missing("upgrade")
    for n in ctx.sizes:
        h = b.ensure_history(n, ctx.args.seed, alembic=True)
        revs = b.read_history(h["strata"])
        script = os.path.join(b.WORK_DIR, f"floor_n{n}.sql")
        with open(script, "w") as f:
            f.write(b.psql_script(revs, "up"))
        ini = os.path.join(h["alembic"], "alembic.ini")
        expected: dict | None = None

        def floor(db: str, script: str = script) -> list[str]:
            return ctx.cluster.psql_cmd(db, "-f", script)

        def alembic(db: str, ini: str = ini) -> list[str]:
            return [ALEMBIC, "-c", ini, "-x", f"url={ctx.cluster.url(db)}", "upgrade", "head"]

        def strata(db: str, h: dict = h) -> list[str]:
            return ctx.strata_cmd("upgrade", "head", "--migrations", h["strata"],
                                  "--database-url", ctx.cluster.url(db))

        tools = [("psql floor", floor, None), ("alembic", alembic, venv_problem),
                 ("strata", strata, strata_problem)]
        results = {name: Result("upgrade", name, n) for name, _, _ in tools}
        for name, _, problem in tools:
            if problem:
                results[name].status, results[name].reason = "skipped", problem
        if results["alembic"].status == "ok":
            # compile the revision modules once (untimed), as any second run would find them
            subprocess.run([ALEMBIC, "-c", ini, "heads"], capture_output=True, env=ctx.env)
        for _run in range(ctx.runs):
            for name, make_cmd, _ in tools:
                r = results[name]
                if r.status != "ok":
                    continue
                db = ctx.fresh_db(f"up{n}")
                try:
                    dt, p = ctx.run_timed(make_cmd(db))
                    if p.returncode != 0:
                        r.status, r.reason = "failed", f"exit {p.returncode}: {tail(p)}"
                        continue
                    # the run must have built the whole schema (untimed check)
                    stats = b.catalog_stats(ctx.cluster, db)
                    if expected is None:
                        expected = stats
                    elif stats != expected:
                        r.status = "failed"
                        r.reason = f"built a different schema: {stats} != {expected}"
                        continue
                    r.times.append(dt)
                finally:
                    ctx.cluster.drop_db(db)
        for name, _, _ in tools:
            r = results[name]
            if r.status == "ok":
                r.extra.update(revisions=len(revs), schema=expected)
            ctx.add(r)


@task("server", "start an embedded server until first connection: strata server check "
                "(cached, --no-cache) against initdb + pg_ctl start -w")
def task_server(ctx: Context) -> None:
    # (1) plain: initdb (default flags) + pg_ctl start -w + first connection, as postgres
    plain = Result("server", "initdb+pg_ctl start", None)
    for _ in range(ctx.runs):
        c = b.Cluster(prefix="strata-bench-plain-")
        try:
            opts = f"-c listen_addresses='' -c unix_socket_directories='{c.sock}'"
            t0 = time.perf_counter()
            b.run(b.as_server_user([os.path.join(b.PG_BIN, "initdb"), "-D", c.data, "-U",
                                    "postgres", "-A", "trust"]))
            t1 = time.perf_counter()
            b.run(b.as_server_user([os.path.join(b.PG_BIN, "pg_ctl"), "start", "-w", "-D",
                                    c.data, "-l", c.log, "-o", opts]), start_new_session=True)
            c.started = True
            t2 = time.perf_counter()
            b.run([b.PSQL, "-X", "-h", c.sock, "-U", "postgres", "-d", "postgres", "-Atc",
                   "SELECT 1"])
            t3 = time.perf_counter()
        except b.CommandError as e:
            plain.status, plain.reason = "failed", str(e)
            break
        finally:
            c.stop()
        plain.times.append(t3 - t0)
        plain.extra.setdefault("phases", []).append(
            {"initdb_seconds": t1 - t0, "start_seconds": t2 - t1, "connect_seconds": t3 - t2})
    ctx.add(plain)

    # (2) strata server check, with and without its cache
    problem = ctx.strata_missing("server", "check")
    variants = [("strata server check", []), ("strata server check --no-cache", ["--no-cache"])]
    for name, flags in variants:
        if problem:
            ctx.skip("server", name, None, problem)
            continue
        r = Result("server", name, None)
        cmd = ctx.strata_cmd("server", "check", *flags, "--format", "json")
        if not flags:
            ctx.run_timed(cmd)  # fill the cache (untimed)
        before = postgres_pids()
        for _ in range(ctx.runs):
            dt, p = ctx.run_timed(cmd)
            if p.returncode != 0:
                r.status, r.reason = "failed", f"exit {p.returncode}: {tail(p)}"
                break
            r.times.append(dt)
            try:
                r.extra.setdefault("strata_json", []).append(json.loads(p.stdout))
            except ValueError:
                r.extra.setdefault("strata_stdout", []).append(p.stdout[-2000:])
        time.sleep(0.2)
        left = sorted(postgres_pids() - before)
        if left:
            r.extra["leftover_postgres_pids"] = left
            log(f"  warning: {name} left postgres processes running: {left}")
        ctx.add(r)


def postgres_pids() -> set[int]:
    pids = set()
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/comm") as f:
                    if f.read().strip() in ("postgres", "postmaster"):
                        pids.add(int(d))
            except OSError:
                pass
    return pids


@task("lint", "strata lint on the 5,000-revision history (after an untimed strata hash)")
def task_lint(ctx: Context) -> None:
    n = ctx.args.lint_size
    problem = ctx.strata_missing("lint")
    if problem:
        ctx.skip("lint", "strata lint", n, problem)
        return
    h = b.ensure_history(n, ctx.args.seed)
    r = Result("lint", "strata lint", n)
    if ctx.strata_missing("hash") is None:
        p = subprocess.run(ctx.strata_cmd("hash", "--migrations", h["strata"]),
                           capture_output=True, text=True, cwd=RUN_DIR, env=ctx.env)
        if p.returncode != 0:
            r.extra["hash_error"] = tail(p)
    else:
        r.extra["hash_error"] = ctx.strata_missing("hash")
    for _ in range(ctx.runs):
        dt, p = ctx.run_timed(ctx.strata_cmd("lint", "--migrations", h["strata"]))
        if p.returncode != 0:
            r.status = "failed"
            r.reason = f"exit {p.returncode} (lint is expected to be clean): {tail(p)}"
            break
        r.times.append(dt)
    ctx.add(r)


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------


def ratios(results: list[Result]) -> list[dict]:
    med = {(r.task, r.tool, r.n): r.median for r in results if r.status == "ok"}
    out = []

    def add(task, n, label, a, b_):
        if med.get(a) and med.get(b_):
            out.append({"task": task, "n": n, "ratio": label, "value": med[a] / med[b_]})

    for n in sorted({r.n for r in results if r.task == "upgrade"}):
        add("upgrade", n, "strata / floor", ("upgrade", "strata", n), ("upgrade", "psql floor", n))
        add("upgrade", n, "alembic / strata", ("upgrade", "alembic", n), ("upgrade", "strata", n))
        add("upgrade", n, "alembic / floor", ("upgrade", "alembic", n),
            ("upgrade", "psql floor", n))
    plain = ("server", "initdb+pg_ctl start", None)
    add("server", None, "plain / strata (cached)", plain, ("server", "strata server check", None))
    add("server", None, "plain / strata (--no-cache)", plain,
        ("server", "strata server check --no-cache", None))
    return out


def print_table(results: list[Result], rats: list[dict]) -> None:
    log("")
    log(f"{'task':<10} {'N':>5}  {'tool':<32} {'median':>9}  {'(min – max)':<19} runs  note")
    log("-" * 100)
    for r in results:
        if r.status == "ok":
            log(f"{r.task:<10} {fmt_n(r.n):>5}  {r.tool:<32} {r.median:7.3f} s  "
                f"({min(r.times):.3f} – {max(r.times):.3f})  {len(r.times):>4}  {note(r)}")
        else:
            log(f"{r.task:<10} {fmt_n(r.n):>5}  {r.tool:<32} {r.status}: {r.reason}")
    if rats:
        log("")
        log("ratios of medians:")
        for x in rats:
            log(f"  {x['task']:<10} {fmt_n(x['n']):>5}  {x['ratio']:<28} {x['value']:6.2f}×")


def svg_chart(results: list[Result], path: str, runs: int) -> None:
    """Time against revision count for the upgrade task: one line per tool, min–max bars."""
    series: dict[str, list[Result]] = {}
    for r in results:
        if r.task == "upgrade" and r.status == "ok":
            series.setdefault(r.tool, []).append(r)
    W, H, L, R, T, B = 720, 470, 70, 60, 70, 60
    pw, ph = W - L - R, H - T - B
    colors = {"psql floor": "#555555", "alembic": "#d62728", "strata": "#1f77b4"}
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" '
           f'viewBox="0 0 {W} {H}" font-family="sans-serif" font-size="12">',
           f'<rect width="{W}" height="{H}" fill="white"/>',
           f'<text x="{W / 2}" y="24" text-anchor="middle" font-size="15">apply N revisions '
           f'to a fresh database (tmpfs, median of {runs}, min–max bars)</text>']
    ns = sorted({r.n for rs in series.values() for r in rs})
    if not ns:
        out.append(f'<text x="{W / 2}" y="{H / 2}" text-anchor="middle">no upgrade results'
                   '</text></svg>')
        with open(path, "w") as f:
            f.write("\n".join(out) + "\n")
        return
    ymax = max(max(r.times) for rs in series.values() for r in rs) * 1.1
    step = nice_step(ymax / 5)
    ymax = math.ceil(ymax / step) * step
    lo, hi = math.log10(ns[0]), math.log10(ns[-1])
    span = (hi - lo) or 1.0

    def x(n):
        return L + (pw * (math.log10(n) - lo) / span if hi > lo else pw / 2)

    def y(v):
        return T + ph - ph * v / ymax

    out.append(f'<line x1="{L}" y1="{T + ph}" x2="{L + pw}" y2="{T + ph}" stroke="black"/>')
    out.append(f'<line x1="{L}" y1="{T}" x2="{L}" y2="{T + ph}" stroke="black"/>')
    v = 0.0
    while v <= ymax + 1e-9:
        out.append(f'<line x1="{L}" y1="{y(v):.1f}" x2="{L + pw}" y2="{y(v):.1f}" '
                   'stroke="#e5e5e5"/>')
        out.append(f'<text x="{L - 8}" y="{y(v) + 4:.1f}" text-anchor="end">{v:g}</text>')
        v += step
    for n in ns:
        out.append(f'<text x="{x(n):.1f}" y="{T + ph + 18}" text-anchor="middle">{n}</text>')
    out.append(f'<text x="{L + pw / 2}" y="{H - 18}" text-anchor="middle">revisions '
               '(log scale)</text>')
    out.append(f'<text x="18" y="{T + ph / 2}" text-anchor="middle" '
               f'transform="rotate(-90 18 {T + ph / 2})">seconds (wall clock)</text>')
    order = {"psql floor": 0, "strata": 1, "alembic": 2}
    for i, (tool, rs) in enumerate(sorted(series.items(), key=lambda kv: (order.get(kv[0], 9),
                                                                           kv[0]))):
        col = colors.get(tool, ["#2ca02c", "#9467bd", "#8c564b"][i % 3])
        rs = sorted(rs, key=lambda r: r.n)
        pts = " ".join(f"{x(r.n):.1f},{y(r.median):.1f}" for r in rs)
        dash = ' stroke-dasharray="6 4"' if tool == "psql floor" else ""
        out.append(f'<polyline points="{pts}" fill="none" stroke="{col}" stroke-width="2"'
                   f'{dash}/>')
        for r in rs:
            cx = x(r.n)
            out.append(f'<line x1="{cx:.1f}" y1="{y(min(r.times)):.1f}" x2="{cx:.1f}" '
                       f'y2="{y(max(r.times)):.1f}" stroke="{col}"/>')
            out.append(f'<circle cx="{cx:.1f}" cy="{y(r.median):.1f}" r="3.5" fill="{col}">'
                       f'<title>{tool}, N={r.n}: {r.median:.3f} s</title></circle>')
            out.append(f'<text x="{cx + 7:.1f}" y="{y(r.median) + 4:.1f}" fill="{col}" '
                       'font-size="11" stroke="white" stroke-width="3" paint-order="stroke">'
                       f'{r.median:.2f}</text>')
        lx = L + 150 * i
        out.append(f'<line x1="{lx}" y1="46" x2="{lx + 30}" y2="46" stroke="{col}" '
                   f'stroke-width="2"{dash}/>')
        out.append(f'<text x="{lx + 36}" y="50">{tool}</text>')
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def nice_step(raw: float) -> float:
    if raw <= 0:
        return 1.0
    e = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * e:
            return m * e
    return 10 * e


def metadata(ctx: Context) -> dict:
    def out(cmd):
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=30, cwd=RUN_DIR)
            return p.stdout.strip() if p.returncode == 0 else None
        except (OSError, subprocess.TimeoutExpired):
            return None
    strata_version = out([ctx.strata, "--version"]) if os.path.isfile(ctx.strata) else None
    return {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "host": platform.node(), "cpus": os.cpu_count(), "kernel": platform.release(),
        "python": platform.python_version(),
        "postgres": (ctx._cluster.server_version() if ctx._cluster else
                     out([os.path.join(b.PG_BIN, "postgres"), "--version"])),
        "pg_bindir": b.PG_BIN, "packages": package_versions(),
        "strata": ctx.strata, "strata_version": strata_version,
        "git_commit": out(["git", "-C", b.REPO_DIR, "rev-parse", "HEAD"]),
        "runs": ctx.runs, "sizes": ctx.sizes, "seed": ctx.args.seed,
        "argv": sys.argv[1:],
    }


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 epilog="tasks: " + ", ".join(t.name for t in TASKS))
    ap.add_argument("--runs", "-r", type=int, default=3, help="timed runs per measurement")
    ap.add_argument("--sizes", "-n", type=lambda s: [int(x) for x in s.split(",")],
                    default=[100, 300, 1000], help="revision counts, e.g. 100,300,1000")
    ap.add_argument("--quick", action="store_true", help="1 run, N=100 only")
    ap.add_argument("--only", action="append", default=[],
                    help="run only these tasks (comma-separated, repeatable)")
    ap.add_argument("--list", action="store_true", help="list the tasks and exit")
    ap.add_argument("--strata", default=os.environ.get("STRATA") or os.path.join(
        b.REPO_DIR, ".build", "release", "strata"), help="strata binary (default: $STRATA, "
                    "else .build/release/strata)")
    ap.add_argument("--lint-size", type=int, default=5000, help="revisions for the lint task")
    ap.add_argument("--seed", type=int, default=1, help="history generator seed")
    ap.add_argument("--timeout", type=float, default=900,
                    help="seconds before one timed run counts as failed (default 900)")
    ap.add_argument("--out", default=OUT_DIR, help="directory for results.json and upgrade.svg")
    ap.add_argument("--setup-only", action="store_true",
                    help="create the virtualenv and generate the histories, measure nothing")
    a = ap.parse_args(argv)
    if a.quick:
        a.runs, a.sizes = 1, [100]
    a.only = [t for item in a.only for t in item.split(",") if t]
    if not os.path.isabs(a.strata):
        a.strata = os.path.abspath(a.strata)
    return a


def main(argv: list[str] | None = None) -> int:
    a = parse_args(argv)
    if a.list:
        for t in TASKS:
            log(f"{t.name:<10} {'' if t.default else '(not default) '}{t.help}")
        return 0
    unknown = [t for t in a.only if t not in {x.name for x in TASKS}]
    if unknown:
        log(f"unknown task(s): {', '.join(unknown)}; tasks: {', '.join(t.name for t in TASKS)}")
        return 2
    selected = [t for t in TASKS if (t.name in a.only if a.only else t.default)]
    b.install_signal_handlers()
    os.makedirs(b.WORK_DIR, exist_ok=True)
    if a.setup_only:
        problem = ensure_venv()
        for n in sorted(set(a.sizes + [a.lint_size])):
            b.ensure_history(n, a.seed, alembic=n in a.sizes)
        log(problem or "setup done")
        return 1 if problem else 0
    ctx = Context(a)
    code = 0
    try:
        log(f"strata: {a.strata}; runs: {a.runs}; sizes: {a.sizes}; tasks: "
            f"{', '.join(t.name for t in selected)}")
        for t in selected:
            log(f"\n[{t.name}] {t.help}")
            try:
                t.fn(ctx)
            except b.CommandError as e:
                ctx.add(Result(t.name, "harness", None, "failed", reason=str(e)))
                code = 1
    except KeyboardInterrupt:
        log("\ninterrupted: stopping the servers")
        code = 130
    finally:
        meta = metadata(ctx)
        ctx.close()
        b.stop_all_clusters()
    rats = ratios(ctx.results)
    print_table(ctx.results, rats)
    if code == 130:
        meta["interrupted"] = True
        if not ctx.results:
            return code  # keep the previous results files
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "results.json"), "w") as f:
        json.dump({"meta": meta, "results": [r.as_json() for r in ctx.results],
                   "ratios": rats}, f, indent=2)
        f.write("\n")
    written = [os.path.join(a.out, "results.json")]
    if any(t.name == "upgrade" for t in selected):
        written.append(os.path.join(a.out, "upgrade.svg"))
        svg_chart(ctx.results, written[-1], a.runs)
    log("\nwrote " + " and ".join(os.path.relpath(p) for p in written))
    if any(r.status == "failed" for r in ctx.results):
        code = code or 1
    return code


if __name__ == "__main__":
    sys.exit(main())
