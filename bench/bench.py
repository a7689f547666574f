#!/usr/bin/env python3
"""strata benchmark harness: strata against the psql floor and Alembic, side by side.

    python3 bench/bench.py                  every default task, 3 runs, each task's own sizes
                                            (upgrade 100 300 1000, stairway 100 300,
                                            squash and fresh-db 300 1000, alembic 100)
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
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Callable

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as b  # noqa: E402
import gen_history  # noqa: E402

VENV = os.path.join(b.BENCH_DIR, ".venv")
VENV_PY = os.path.join(VENV, "bin", "python")
ALEMBIC = os.path.join(VENV, "bin", "alembic")
# the versions ANCHORS.md was measured with
VENV_PACKAGES = ["alembic==1.20.1", "SQLAlchemy==2.1.9", "psycopg2-binary==2.9.13"]
# baselines of the stairway and schema tasks, installed into the same venv when first needed
VENV_EXTRAS = {"migra": "migra==3.0.1663481299", "pytest_alembic": "pytest-alembic==0.13.1",
               "pytest": "pytest==9.2.0"}
OUT_DIR = os.path.join(b.BENCH_DIR, "out")
# other tools' history layouts (issue 12; docs/formats): `lint` times every one, `squash` the
# SQUASH_LAYOUTS (--layouts chooses for both)
LAYOUTS = list(gen_history.LAYOUTS)
SQUASH_LAYOUTS = ["diesel", "golang-migrate"]
LINT_GOAL_SECONDS = 0.5          # issue 12: strata lint on 5,000 revisions, any layout
LAYOUT_PROBE_N = 5               # revisions of the tiny project that probes layout support
# what strata says when it does not know a layout (yet): an unknown config key or option, or a
# --format value it does not accept
UNSUPPORTED = re.compile(r"unknown (setting|option|key|format|layout)|is invalid for '--format"
                         r"|unsupported (format|layout)|not (yet )?supported|unrecognized",
                         re.IGNORECASE)
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
        self.squashed: dict[tuple[int, int], str] = {}   # (N, keep) -> a squashed history
        self.loadavg_at_start = list(os.getloadavg())
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

    def scratch_url(self) -> str:
        """--scratch-url for strata: the target server (strata creates its own databases)."""
        return self.cluster.url("postgres")

    def databases(self) -> set[str]:
        return set(self.cluster.sql("SELECT datname FROM pg_database").split())

    def sizes_for(self, default: list[int]) -> list[int]:
        """A task's own revision counts, unless --sizes (or --quick) chose them."""
        return self.args.sizes if self.args.sizes_given else default

    def fresh_db(self, tag: str) -> str:
        """A new empty database (not timed); dropped by the caller after the run."""
        return self.cluster.create_db(f"bench_{tag}_{os.getpid()}")

    def timed_in_fresh_db(self, r: Result, tag: str, make, check=None) -> None:
        """One timed run of the command make(db) on a fresh database into r; a non-zero exit
        fails r, and so does check(db, process) when it returns a reason (untimed, before the
        database is dropped). Nothing when r has already failed or was skipped."""
        if r.status != "ok":
            return
        db = self.fresh_db(tag)
        try:
            dt, p = self.run_timed(make(db))
            problem = f"exit {p.returncode}: {tail(p)}" if p.returncode != 0 else \
                check(db, p) if check else None
            if problem:
                r.status, r.reason = "failed", problem
            else:
                r.times.append(dt)
        finally:
            self.cluster.drop_db(db)

    def timed_in_two_fresh_dbs(self, r: Result, tag: str, script: str, after=None) -> None:
        """One timed run of `bash script db1 db2` on two fresh databases into r (a baseline that
        builds both sides of a squash); a non-zero exit fails r; after(db1, db2) records what to
        check, untimed, before the databases are dropped. Nothing when r is not ok."""
        if r.status != "ok":
            return
        db1, db2 = self.fresh_db(f"{tag}a"), self.fresh_db(f"{tag}b")
        try:
            dt, p = self.run_timed(["bash", script, db1, db2])
            if p.returncode != 0:
                r.status, r.reason = "failed", f"exit {p.returncode}: {tail(p)}"
            else:
                r.times.append(dt)
                if after:
                    after(db1, db2)
        finally:
            self.cluster.drop_db(db1)
            self.cluster.drop_db(db2)

    # -- recording -------------------------------------------------------------------------
    def add(self, r: Result) -> Result:
        self.results.append(r)
        # other work on the machine shows here (2 cores: a load above ~1.5 skews the figures)
        r.extra["loadavg_1m_at_end"] = round(os.getloadavg()[0], 2)
        if r.status == "ok":
            mn, mx = min(r.times), max(r.times)
            log(f"  {r.task:<10} {fmt_n(r.n):>5}  {r.tool:<36} {r.median:8.3f} s  "
                f"({mn:.3f}–{mx:.3f}, {len(r.times)} run{'s' if len(r.times) > 1 else ''})"
                + (f"  {note(r)}" if note(r) else ""))
        else:
            log(f"  {r.task:<10} {fmt_n(r.n):>5}  {r.tool:<36} {r.status}: {r.reason}")
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

    def layout_support(self, layout: str) -> tuple[str | None, str | None]:
        """How strata reads a project in `layout`: ("config", None) when `strata lint --config
        P/strata.toml` (format = "<layout>") runs, else ("flags", None) when `strata lint
        --format <layout> --migrations P/migrations` does, else (None, why not). "Runs": exits
        0, or fails with anything but an unknown setting/option/format (findings are the
        layout row's business). Probed once per layout on a tiny generated project."""
        key = ("layout", layout)
        if key in self._supports:
            return self._supports[key]  # type: ignore[return-value]
        problem = self.strata_missing("lint")
        result: tuple[str | None, str | None] = (None, problem)
        if problem is None:
            proj = b.ensure_layout(LAYOUT_PROBE_N, layout, self.args.seed)
            firsts = []
            for mode in ("config", "flags"):
                p = subprocess.run(self.strata_cmd("lint", *layout_args(mode, layout, proj)),
                                   capture_output=True, text=True, cwd=RUN_DIR, env=self.env,
                                   timeout=60)
                text = (p.stderr or "") + (p.stdout or "")
                if p.returncode == 0 or not UNSUPPORTED.search(text):
                    result = (mode, None)
                    break
                how = f'format = "{layout}" in strata.toml' if mode == "config" else \
                    f"lint --format {layout}"
                firsts.append(f"{how}: {gist(text)}")
            else:
                result = (None, f"strata does not read the {layout} layout yet ("
                          + "; ".join(firsts) + ")")
        self._supports[key] = result  # type: ignore[assignment]
        return result

    def strata_run(self, r: Result, cmd: list[str], what: str, keep_stdout: bool = False,
                   cwd: str = RUN_DIR, ok_codes: tuple = (0,)) -> subprocess.CompletedProcess | None:
        """One timed strata run into r, in `cwd` (default: the empty RUN_DIR). A non-zero exit
        fails r, prints strata's whole output and keeps it in bench/work/fail-*.log. Databases
        strata leaves on the target server (with --scratch-url), or servers and directories of
        its embedded server (without), are recorded in r.extra, reported and removed
        (untimed)."""
        if r.status != "ok":
            return None
        scratch = "--scratch-url" in cmd
        before_db = self.databases() if scratch else set()
        before_emb = embedded_leftovers()
        dt, p, pid = self.run_timed_pid(cmd, cwd=cwd)
        if keep_stdout:
            r.extra.setdefault("strata_stdout", []).append((p.stdout or "")[-1500:])
        if p.returncode not in ok_codes:
            r.status, r.reason = "failed", f"exit {p.returncode}: {tail(p)}"
            path = os.path.join(b.WORK_DIR, f"fail-{r.task}-n{r.n}-{int(time.time())}.log")
            with open(path, "w") as f:
                f.write(f"$ {' '.join(cmd)}\nexit {p.returncode}\n--- stdout\n{p.stdout}\n"
                        f"--- stderr\n{p.stderr}\n")
            log(f"  {what} FAILED (exit {p.returncode}); strata's output (also in {path}):")
            for line in ((p.stdout or "") + (p.stderr or "")).rstrip().splitlines()[-80:]:
                log(f"    | {line}")
        else:
            r.times.append(dt)
        if scratch:
            left = sorted(self.databases() - before_db)
            if left:
                r.extra.setdefault("leftover_databases", []).extend(left)
                log(f"  warning: strata {what} left databases on the server: {left} (dropped)")
                for db in left:
                    self.cluster.drop_db(db)
        else:
            # strata names its embedded server's directory /dev/shm/strata-<its pid>-<random>;
            # give it up to 5 s after exit to be gone (other processes' servers are ignored)
            mine = f"strata-{pid}-"
            t0 = time.perf_counter()
            while True:
                dirs = {d for d in embedded_leftovers()[1] - before_emb[1]
                        if d.startswith(mine)}
                waited = time.perf_counter() - t0
                if not dirs or waited > 5:
                    break
                time.sleep(0.05)
            if dirs:
                r.extra.setdefault("leftover_embedded", []).append(sorted(dirs))
                log(f"  warning: strata {what} (pid {pid}) left /dev/shm/{', '.join(dirs)} "
                    "behind, still there 5 s after it exited (not touched)")
            elif waited > 0.01:
                r.extra.setdefault("embedded_dir_gone_after_exit_seconds", []).append(
                    round(waited, 3))
        return p

    def run_timed_pid(self, cmd: list[str], cwd: str = RUN_DIR
                      ) -> tuple[float, subprocess.CompletedProcess, int]:
        """run_timed, also returning the child's pid."""
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=self.env, cwd=cwd)
        try:
            out, err = proc.communicate(timeout=self.args.timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            return self.args.timeout, subprocess.CompletedProcess(
                cmd, -9, out, f"timed out after {self.args.timeout} s"), proc.pid
        return time.perf_counter() - t0, subprocess.CompletedProcess(
            cmd, proc.returncode, out, err), proc.pid

    def squashed_history(self, n: int, keep: int, original: str) -> str:
        """A squashed copy (--keep) of the N-revision history: the squash task's, else one
        untimed strata squash on the target server now."""
        if (n, keep) in self.squashed:
            return self.squashed[(n, keep)]
        dest = os.path.join(b.WORK_DIR, "squashed", f"n{n}_keep{keep}")
        arch = dest + "_archive"
        for d in (dest, arch):
            shutil.rmtree(d, ignore_errors=True)
        shutil.copytree(original, dest)
        os.makedirs(arch)
        b.run(self.strata_cmd("hash", "--migrations", dest), cwd=RUN_DIR, env=self.env)
        log(f"  (squashing n{n} --keep {keep} for this task, untimed)")
        b.run(self.strata_cmd("squash", "--keep", str(keep), "--migrations", dest, "--archive",
                              arch, "--scratch-url", self.scratch_url()), cwd=RUN_DIR,
              env=self.env, timeout=self.args.timeout)
        self.squashed[(n, keep)] = dest
        return dest

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


def layout_args(mode: str, layout: str, project: str) -> list[str]:
    """strata's options for a generated project (gen_history.write_project) in `layout`:
    its strata.toml, or the equivalent --format/--migrations/--archive flags."""
    if mode == "config":
        return ["--config", os.path.join(project, "strata.toml")]
    return ["--format", layout, "--migrations", os.path.join(project, "migrations"),
            "--archive", os.path.join(project, "archive")]


def gist(text: str) -> str:
    """The line of strata's output that says what it does not know, without its prefix
    ("strata: FILE:LINE: ", "Error: ") and its list of alternatives."""
    line = next((x for x in text.splitlines() if UNSUPPORTED.search(x)), None)
    if line is None:
        return (text.strip().splitlines() or ["no output"])[0][:120]
    line = re.sub(r"^\s*(strata: (\S+:\d+: )?|Error: )", "", line.strip())
    return re.split(r"; expected|\. Please", line)[0][:120]


def unsupported_reason(layout: str, p: subprocess.CompletedProcess) -> str | None:
    """When a layout row's first run fails because strata does not know the layout (yet): the
    reason to skip it with; None for a real failure."""
    text = (p.stderr or "") + (p.stdout or "")
    if not UNSUPPORTED.search(text):
        return None
    return f"strata does not support the {layout} layout here yet (exit {p.returncode}: " \
        f"{gist(text)})"


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
    if r.extra.get("sql_seconds"):
        return f"SQL part {statistics.median(r.extra['sql_seconds']):.3f} s"
    if r.extra.get("failed_revisions") is not None:
        return f"{r.extra['failed_revisions']} failing revisions, " \
            f"{r.extra.get('findings')} findings"
    if r.extra.get("sql_errors") is not None:
        return f"{r.extra['sql_errors']} SQL errors (second ups)"
    if r.extra.get("test_call_seconds") is not None:
        return f"test call {r.extra['test_call_seconds']:.2f} s"
    if "goal_seconds" in r.extra and r.times:
        goal = r.extra["goal_seconds"]
        return f"goal < {goal:g} s: " + ("met" if r.median < goal else "MISSED")
    if r.extra.get("strata_phases"):
        ph = r.extra["strata_phases"][-1]
        top = sorted(ph.items(), key=lambda kv: -kv[1])[:3]
        return "strata: " + ", ".join(f"{k} {v:.2f}" for k, v in top)
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


def venv_extra_problem(module: str) -> str | None:
    """None when `module` (a key of VENV_EXTRAS) imports in bench/.venv; installs it from PyPI
    the first time. Else why not (the task then skips that baseline)."""
    problem = ensure_venv()
    if problem:
        return problem
    probe = [VENV_PY, "-c", f"import {module}"]
    if subprocess.run(probe, capture_output=True).returncode == 0:
        return None
    log(f"installing {VENV_EXTRAS[module]} into {VENV} ...")
    p = subprocess.run([VENV_PY, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        VENV_EXTRAS[module]], capture_output=True, text=True, timeout=900)
    if p.returncode != 0 or subprocess.run(probe, capture_output=True).returncode != 0:
        return f"could not install {VENV_EXTRAS[module]}: {tail(p)}"
    return None


def package_versions() -> dict:
    if not os.path.exists(VENV_PY):
        return {}
    code = ("import json, importlib.metadata as m\nout = {}\n"
            "for d in ('alembic', 'SQLAlchemy', 'psycopg2-binary', 'migra', 'schemainspect', "
            "'pytest', 'pytest-alembic'):\n"
            "    try: out[d] = m.version(d)\n"
            "    except m.PackageNotFoundError: pass\n"
            "print(json.dumps(out))")
    p = subprocess.run([VENV_PY, "-c", code], capture_output=True, text=True)
    return json.loads(p.stdout) if p.returncode == 0 else {}


# ---------------------------------------------------------------------------------------------
# Tasks
# ---------------------------------------------------------------------------------------------


def timed_builds(ctx: Context, tools: list, prefix: str, on_run=None) -> dict | None:
    """Times each (result, command-for-database) building a fresh database, one run at a time,
    ctx.runs rounds. Every run must build the same catalog (an untimed check); a tool that fails
    or builds something else is marked failed. Returns the catalog stats the runs agreed on."""
    expected = None

    def same_catalog(r: Result, db: str, p: subprocess.CompletedProcess) -> str | None:
        nonlocal expected
        stats = b.catalog_stats(ctx.cluster, db)
        if expected is None:
            expected = stats
        elif stats != expected:
            return f"built a different schema: {stats} != {expected}"
        if on_run:
            on_run(r, p)
        return None

    for _run in range(ctx.runs):
        for r, make in tools:
            ctx.timed_in_fresh_db(r, prefix, make, lambda db, p, r=r: same_catalog(r, db, p))
    return expected


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
        expected = timed_builds(ctx, [(results[name], make) for name, make, _ in tools], f"up{n}")
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


def embedded_leftovers() -> tuple[set[int], set[str]]:
    """Postmasters (postgres processes whose parent is not a postgres process) and strata's
    embedded-server directories in /dev/shm (strata-*, not the harness's strata-bench-*)."""
    pids = set()
    for pid in postgres_pids():
        try:
            with open(f"/proc/{pid}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{ppid}/comm") as f:
                parent = f.read().strip()
        except (OSError, ValueError, IndexError):
            continue
        if parent not in ("postgres", "postmaster"):
            pids.add(pid)
    try:
        dirs = {d for d in os.listdir("/dev/shm")
                if d.startswith("strata-") and not d.startswith("strata-bench-")}
    except OSError:
        dirs = set()
    return pids, dirs


@task("lint", "strata lint on the 5,000-revision history (after an untimed strata hash), and "
              "on the same history in each tool's layout (strata.toml format = ...; goal < 0.5 s)")
def task_lint(ctx: Context) -> None:
    n = ctx.args.lint_size
    problem = ctx.strata_missing("lint")
    if problem:
        ctx.skip("lint", "strata lint", n, problem)
    else:
        lint_strata(ctx, n)
    lint_layouts(ctx, n)


def lint_strata(ctx: Context, n: int) -> None:
    """Row "strata lint": the strata-format history through --migrations, hashed first."""
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


def lint_layouts(ctx: Context, n: int) -> None:
    """Rows "strata lint (<layout>)": `strata lint --config P/strata.toml` (or the --format
    flags) on the N-revision history in each layout, timed; a layout strata does not read yet
    is skipped. The strata layout is hashed first (untimed); the others have no strata.sum."""
    layouts = ctx.args.layouts or LAYOUTS
    rows = []
    for layout in layouts:
        r = Result("lint", f"strata lint ({layout})", n,
                   extra={"layout": layout, "goal_seconds": LINT_GOAL_SECONDS})
        mode, why = ctx.layout_support(layout)
        if why:
            r.status, r.reason = "skipped", why
        rows.append((layout, mode, r))
    ok = [layout for layout, _m, r in rows if r.status == "ok"]
    projects = b.ensure_layouts(n, ok, ctx.args.seed) if ok else {}
    for layout, mode, r in rows:
        if r.status == "ok":
            args = layout_args(mode, layout, projects[layout])
            r.extra["strata_args"] = args
            if layout == "strata":
                p = subprocess.run(ctx.strata_cmd("hash", *args), capture_output=True,
                                   text=True, cwd=RUN_DIR, env=ctx.env)
                if p.returncode != 0:
                    r.extra["hash_error"] = tail(p)
            for _ in range(ctx.runs):
                dt, p = ctx.run_timed(ctx.strata_cmd("lint", *args))
                if p.returncode != 0:
                    why = None if r.times else unsupported_reason(layout, p)
                    r.status = "skipped" if why else "failed"
                    r.reason = why or f"exit {p.returncode} (lint is expected to be clean): " \
                                      f"{tail(p)}"
                    break
                r.times.append(dt)
            if r.status == "ok":
                r.extra["meets_goal"] = r.median < LINT_GOAL_SECONDS
        ctx.add(r)


# ---------------------------------------------------------------------------------------------
# Checked stairway: strata verify stairway against the psql floor and Alembic
# ---------------------------------------------------------------------------------------------

PYTEST_ALEMBIC_ENV = '''\
"""Alembic environment for pytest-alembic and the in-process stairway loop (bench/bench.py).

Uses the connection the caller put in `config.attributes["connection"]` (a Connection, or
an engine-like object whose connect() yields one), else one from `-x url=...`,
BENCH_DATABASE_URL or DATABASE_URL. Otherwise the same as the generated env.py.
"""
''' + gen_history.ALEMBIC_ENV_PROLOGUE + '''

from sqlalchemy.engine import Connection  # noqa: E402


def run(connection) -> None:
    context.configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()


connectable = config.attributes.get("connection")
if connectable is None:
    connectable = create_engine(database_url(), poolclass=pool.NullPool)
if isinstance(connectable, Connection):
    run(connectable)
else:
    with connectable.connect() as connection:
        run(connection)
'''

PYTEST_ALEMBIC_CONFTEST = '''\
import os

import pytest
import sqlalchemy
from sqlalchemy import pool

HERE = os.path.dirname(os.path.abspath(__file__))


@pytest.fixture
def alembic_config():
    return {"file": os.path.join(HERE, "alembic.ini")}


@pytest.fixture
def alembic_engine():
    url = os.environ["BENCH_DATABASE_URL"].replace("postgresql://", "postgresql+psycopg2://", 1)
    engine = sqlalchemy.create_engine(url, poolclass=pool.NullPool)
    try:
        yield engine
    finally:
        engine.dispose()
'''

PYTEST_ALEMBIC_TEST = '''\
from pytest_alembic.tests.experimental import test_downgrade_leaves_no_trace  # noqa: F401
'''

# pytest-alembic's default round trip (alembic task): every revision up, then every one down,
# no comparison
PYTEST_ALEMBIC_UP_DOWN_TEST = '''\
from pytest_alembic.tests.default import test_up_down_consistency  # noqa: F401
'''

# One ScriptDirectory and one connection for the whole stairway (what pytest-alembic's runner
# does, ANCHORS.md section C): upgrade +1, downgrade -1, upgrade +1 for every revision.
ALEMBIC_LOOP = '''\
import sys

from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, pool

ini, versions, url = sys.argv[1:4]
cfg = Config(ini)
cfg.set_main_option("version_locations", versions)
script = ScriptDirectory.from_config(cfg)
revs = [r.revision for r in reversed(list(script.walk_revisions()))]
engine = create_engine(url.replace("postgresql://", "postgresql+psycopg2://", 1),
                       poolclass=pool.NullPool)


def step(dest, down=False):
    def fn(rev, context):
        return script._downgrade_revs(dest, rev) if down else script._upgrade_revs(dest, rev)
    with EnvironmentContext(cfg, script, fn=fn, destination_rev=dest):
        script.run_env()


with engine.connect() as conn:
    cfg.attributes["connection"] = conn
    prev = "base"
    for r in revs:
        step(r)
        step(prev, down=True)
        step(r)
        prev = r
print(f"{len(revs)} revisions: up, down, up")
'''

_AUTOCOMMIT = "    with op.get_context().autocommit_block():\n"


def pytest_alembic_project(n: int, alembic_dir: str) -> str:
    """bench/work/pytest_alembic/nN: the Alembic rendering of the N-revision history for
    pytest-alembic: a connection-aware env.py, conftest.py with the alembic_config and
    alembic_engine fixtures, test modules that import test_downgrade_leaves_no_trace
    (test_stairway.py) and test_up_down_consistency (test_up_down.py), and a copy of versions/
    in which the `transactional: false` revisions run inline and without CONCURRENTLY: the test
    holds one transaction open for the whole history (savepoints around every step), where
    neither an autocommit block nor CREATE/DROP INDEX CONCURRENTLY can run."""
    out = os.path.join(b.WORK_DIR, "pytest_alembic", f"n{n}")
    versions = os.path.join(out, "versions")
    if os.path.isdir(out):
        shutil.rmtree(out)
    os.makedirs(versions)
    with open(os.path.join(alembic_dir, "alembic.ini")) as f:
        ini = f.read()
    ini = ini.replace("script_location = %(here)s\n",
                      "script_location = %(here)s\nversion_locations = %(here)s/versions\n", 1)
    files = {"alembic.ini": ini, "env.py": PYTEST_ALEMBIC_ENV, "conftest.py": PYTEST_ALEMBIC_CONFTEST,
             "test_stairway.py": PYTEST_ALEMBIC_TEST,
             "test_up_down.py": PYTEST_ALEMBIC_UP_DOWN_TEST, "loop.py": ALEMBIC_LOOP,
             "pytest.ini": "[pytest]\n"}
    for name, text in files.items():
        with open(os.path.join(out, name), "w") as f:
            f.write(text)
    shutil.copy(os.path.join(alembic_dir, "script.py.mako"), out)
    inlined = 0
    for name in sorted(os.listdir(os.path.join(alembic_dir, "versions"))):
        if not name.endswith(".py"):
            continue
        with open(os.path.join(alembic_dir, "versions", name)) as f:
            text = f.read()
        if _AUTOCOMMIT in text:
            inlined += 1
            text = text.replace(_AUTOCOMMIT, "").replace("\n        op.execute(", "\n    op.execute(")
            text = text.replace(" CONCURRENTLY ", " ")
        with open(os.path.join(versions, name), "w") as f:
            f.write(text)
    with open(os.path.join(out, "inlined.txt"), "w") as f:
        f.write(f"{inlined}\n")
    return out


def junit_call_seconds(path: str) -> float | None:
    """The test call's duration from pytest's JUnit XML (-o junit_duration_report=call)."""
    import xml.etree.ElementTree as ET
    try:
        cases = ET.parse(path).getroot().iter("testcase")
        return sum(float(c.get("time", "0")) for c in cases)
    except (OSError, ET.ParseError):
        return None


# the stairway task's sizes from which it also checks the real-shaped history (broken downs)
STAIRWAY_BROKEN_MIN_N = 250


@task("stairway", "checked stairway (up, down, compare, up, compare per revision), N = 100, "
                  "300: strata verify stairway against the psql floor (up, down, up, no "
                  "comparison), pytest-alembic's test_downgrade_leaves_no_trace (N=100, once) "
                  "and an in-process Alembic loop; at N >= 250 also on the real-shaped history "
                  "(~12 % broken downs) against its own floor")
def task_stairway(ctx: Context) -> None:
    problem = ctx.strata_missing("verify", "stairway")
    venv_problem = ensure_venv()
    pa_problem = venv_extra_problem("pytest") or venv_extra_problem("pytest_alembic")
    for n in ctx.sizes_for([100, 300]):
        h = b.ensure_history(n, ctx.args.seed, alembic=True)
        revs = b.read_history(h["strata"])
        script = os.path.join(b.WORK_DIR, f"stairway_floor_n{n}.sql")
        with open(script, "w") as f:
            f.write(b.stairway_script(revs))
        proj = None if venv_problem else pytest_alembic_project(n, h["alembic"])

        floor = Result("stairway", "psql floor (up, down, up)", n)
        loop = Result("stairway", "alembic loop (1 ScriptDir, 1 conn)", n)
        strata = Result("stairway", "strata verify stairway", n)
        # the same with one job: what the per-step checking costs without the second processor
        single = Result("stairway", "strata verify stairway --jobs 1", n)
        if venv_problem:
            loop.status, loop.reason = "skipped", venv_problem
        if problem:
            strata.status, strata.reason = "skipped", problem
            single.status, single.reason = "skipped", problem
        scratch = ["--scratch-url", ctx.scratch_url()]
        strata_cmd = ctx.strata_cmd("verify", "stairway", "--migrations", h["strata"], *scratch)
        single_cmd = strata_cmd + ["--jobs", "1"]
        for _run in range(ctx.runs):
            ctx.timed_in_fresh_db(floor, f"sf{n}", lambda db: ctx.cluster.psql_cmd(db, "-f", script))
            ctx.timed_in_fresh_db(loop, f"sl{n}", lambda db: [
                VENV_PY, os.path.join(proj, "loop.py"), os.path.join(proj, "alembic.ini"),
                os.path.join(h["alembic"], "versions"), ctx.cluster.url(db)])
            if strata.status == "ok":
                ctx.strata_run(strata, strata_cmd, keep_stdout=True, what="stairway")
            if single.status == "ok":
                ctx.strata_run(single, single_cmd, keep_stdout=True, what="stairway")
        ctx.add(floor)
        ctx.add(loop)
        ctx.add(strata)
        ctx.add(single)

        # strata with its own embedded server: one run
        emb = Result("stairway", "strata verify stairway (embedded)", n)
        if problem:
            emb.status, emb.reason = "skipped", problem
        else:
            ctx.strata_run(emb, ctx.strata_cmd("verify", "stairway", "--migrations", h["strata"]),
                           keep_stdout=True, what="stairway")
        ctx.add(emb)
        if n >= STAIRWAY_BROKEN_MIN_N:
            stairway_broken(ctx, n, problem)

        # pytest-alembic's experimental test_downgrade_leaves_no_trace: N=100 only, one run
        if n == 100 or ctx.args.pytest_alembic_all:
            pa = Result("stairway", "pytest-alembic no_trace", n)
            if pa_problem:
                pa.status, pa.reason = "skipped", pa_problem
            else:
                db = ctx.fresh_db(f"pa{n}")
                junit = os.path.join(proj, "junit.xml")
                env = dict(ctx.env, BENCH_DATABASE_URL=ctx.cluster.url(db))
                try:
                    dt, p = ctx.run_timed(
                        [VENV_PY, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                         "--rootdir", proj, "-c", os.path.join(proj, "pytest.ini"),
                         "-o", "junit_duration_report=call", f"--junitxml={junit}",
                         os.path.join(proj, "test_stairway.py")], cwd=proj, env=env)
                    with open(os.path.join(proj, "inlined.txt")) as f:
                        pa.extra["revisions_run_inline"] = int(f.read())
                    pa.extra["test_call_seconds"] = junit_call_seconds(junit)
                    if p.returncode != 0:
                        pa.status, pa.reason = "failed", f"exit {p.returncode}: {tail(p, 12)}"
                        with open(os.path.join(proj, "pytest_output.txt"), "w") as f:
                            f.write(p.stdout + p.stderr)
                    else:
                        pa.times.append(dt)
                finally:
                    ctx.cluster.drop_db(db)
            ctx.add(pa)


def stairway_broken(ctx: Context, n: int, problem: str | None) -> None:
    """The stairway on the real-shaped history (gen_history's volatile one: ~12 % of the downs
    leave a table, an index, a type, a function, a row or a column moved to the end behind),
    rows suffixed " (broken downs)". strata exits 1 there by design: its findings are recorded
    from `--format json`. The floor keeps going after the errors of the second ups (no
    ON_ERROR_STOP) and runs each down with its second up in one transaction, so a failed second
    up rolls the down back and the next revision starts where it should
    (benchlib.stairway_script)."""
    bd = " (broken downs)"
    h = b.ensure_history(n, ctx.args.seed, volatile=True)
    script = os.path.join(b.WORK_DIR, f"stairway_floor_n{n}_broken.sql")
    with open(script, "w") as f:
        f.write(b.stairway_script(b.read_history(h["strata"]), broken_downs=True))
    floor = Result("stairway", "psql floor (up, down, up)" + bd, n)
    strata = Result("stairway", "strata verify stairway" + bd, n)
    single = Result("stairway", "strata verify stairway --jobs 1" + bd, n)
    for r in (strata, single):
        if problem:
            r.status, r.reason = "skipped", problem
    cmd = ctx.strata_cmd("verify", "stairway", "--migrations", h["strata"], "--format", "json",
                         "--scratch-url", ctx.scratch_url())

    def errors(db: str, p: subprocess.CompletedProcess) -> None:
        # the second ups that fail: what the broken downs left behind is in their way (not
        # counted: the statements after the error, ignored until the transaction ends)
        floor.extra["sql_errors"] = sum(1 for line in p.stderr.splitlines() if "ERROR:" in line
                                        and "current transaction is aborted" not in line)

    def run(r: Result, cmd: list[str]) -> None:
        p = ctx.strata_run(r, cmd, what="stairway (broken downs)", ok_codes=(0, 1))
        if p is None or p.returncode not in (0, 1):
            return
        try:
            report = json.loads(p.stdout)
        except json.JSONDecodeError as e:
            r.status, r.reason = "failed", f"exit {p.returncode}, no JSON report on stdout: {e}"
            return
        for key, field in (("checked", "checked"), ("failed_revisions", "failedRevisions"),
                           ("findings", "findings"), ("warnings", "warnings")):
            if field in report:
                v = report[field]
                r.extra[key] = len(v) if isinstance(v, list) else v
        kinds = [str(f.get("kind")) for f in report.get("findings", []) if isinstance(f, dict)]
        r.extra["findings_by_kind"] = {k: kinds.count(k) for k in sorted(set(kinds))}
        if p.returncode == 0:
            r.status, r.reason = "failed", "exit 0: found none of the broken downs"

    for _run in range(ctx.runs):
        ctx.timed_in_fresh_db(floor, f"sb{n}", lambda db: ctx.cluster.psql_cmd(
            db, "-v", "ON_ERROR_STOP=0", "-f", script), errors)
        run(strata, cmd)
        run(single, cmd + ["--jobs", "1"])
    ctx.add(floor)
    ctx.add(strata)
    ctx.add(single)


# ---------------------------------------------------------------------------------------------
# Schema: dump and diff of the wide schema
# ---------------------------------------------------------------------------------------------

# The raw floor of a schema reader: five bulk catalog queries (ANCHORS.md section D)
RAW_CATALOG_SQL = r"""
-- relations
SELECT c.oid, n.nspname, c.relname, c.relkind, c.relpersistence, c.relispartition,
       c.reloptions, obj_description(c.oid, 'pg_class')
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
 ORDER BY n.nspname, c.relname;
-- columns with defaults
SELECT a.attrelid, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
       pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated, a.attcollation,
       col_description(a.attrelid, a.attnum)
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
   AND a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'c')
 ORDER BY a.attrelid, a.attnum;
-- constraints
SELECT k.oid, n.nspname, k.conname, k.contype, k.conrelid, k.contypid, k.condeferrable,
       k.condeferred, k.convalidated, pg_get_constraintdef(k.oid)
  FROM pg_constraint k JOIN pg_namespace n ON n.oid = k.connamespace
 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
 ORDER BY k.conrelid, k.conname;
-- indexes
SELECT i.indexrelid, i.indrelid, ic.relname, i.indisunique, i.indisprimary,
       pg_get_indexdef(i.indexrelid)
  FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
  JOIN pg_namespace n ON n.oid = ic.relnamespace
 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
 ORDER BY i.indrelid, ic.relname;
-- types with enum labels
SELECT t.oid, n.nspname, t.typname, t.typtype, format_type(t.typbasetype, t.typtypmod),
       t.typnotnull, (SELECT array_agg(e.enumlabel ORDER BY e.enumsortorder)
                        FROM pg_enum e WHERE e.enumtypid = t.oid)
  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
  LEFT JOIN pg_class c ON c.oid = t.typrelid
 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
   AND t.typelem = 0 AND (t.typrelid = 0 OR c.relkind = 'c')
 ORDER BY n.nspname, t.typname;
"""


def sa_url(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg2://", 1)


@task("schema", "the wide schema (1,000 tables): strata schema dump against pg_dump "
                "--schema-only and five raw catalog queries; strata schema diff against migra")
def task_schema(ctx: Context) -> None:
    wide = b.ensure_wide(ctx.args.seed)
    dump_problem = ctx.strata_missing("schema", "dump")
    diff_problem = ctx.strata_missing("schema", "diff")
    venv_problem = venv_extra_problem("migra")
    migra = os.path.join(VENV, "bin", "migra")
    raw_sql = os.path.join(b.WORK_DIR, "raw_catalog.sql")
    with open(raw_sql, "w") as f:
        f.write(RAW_CATALOG_SQL)
    pg_dump = os.path.join(b.PG_BIN, "pg_dump")
    dbs = []
    try:
        for tag in ("wa", "wb"):   # both loaded untimed
            db = ctx.fresh_db(tag)
            dbs.append(db)
            b.run(ctx.cluster.psql_cmd(db, "-f", os.path.join(wide, "wide.sql")))
        a, bb = dbs
        ua, ub = ctx.cluster.url(a), ctx.cluster.url(bb)
        stats = b.catalog_stats(ctx.cluster, a)
        devnull = dict(capture_output=False, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        tools = [
            ("strata schema dump", "dump", ctx.strata_cmd("schema", "dump", ua), dump_problem,
             (0,)),
            ("strata schema dump --format json", "dump",
             ctx.strata_cmd("schema", "dump", ua, "--format", "json"), dump_problem, (0,)),
            ("pg_dump --schema-only", "dump",
             [pg_dump, "-h", ctx.cluster.sock, "-U", "postgres", "--schema-only", a], None, (0,)),
            ("psql 5 raw catalog queries", "dump",
             ctx.cluster.psql_cmd(a, "-A", "-t", "-f", raw_sql), None, (0,)),
            ("strata schema diff", "diff", ctx.strata_cmd("schema", "diff", ua, ub),
             diff_problem, (0,)),
            # SQLAlchemy 2.1 maps postgresql:// to psycopg 3; the venv has psycopg2
            ("migra", "diff", [migra, sa_url(ua), sa_url(ub)], venv_problem, (0,)),
        ]
        results = {}
        for name, kind, cmd, prob, _ok in tools:
            r = Result("schema", name, None)
            r.extra.update(schema="wide", what=kind, wide_schema=stats)
            if prob:
                r.status, r.reason = "skipped", prob
            results[name] = r
        # one untimed run of each strata command: output size, and diff must find A == B
        for name in ("strata schema dump", "strata schema dump --format json",
                     "strata schema diff"):
            r = results[name]
            if r.status != "ok":
                continue
            cmd = next(t[2] for t in tools if t[0] == name)
            p = subprocess.run(cmd, capture_output=True, text=True, cwd=RUN_DIR, env=ctx.env)
            r.extra["output_bytes"] = len(p.stdout.encode())
            r.extra["output_lines"] = p.stdout.count("\n")
            if p.returncode != 0:
                r.status, r.reason = "failed", f"exit {p.returncode} on equal databases: " \
                                               f"{tail(p)}"
        for _run in range(ctx.runs):
            for name, _kind, cmd, _prob, ok_codes in tools:
                r = results[name]
                if r.status != "ok":
                    continue
                dt, p = ctx.run_timed(cmd, **devnull)
                if p.returncode not in ok_codes:
                    r.status = "failed"
                    r.reason = f"exit {p.returncode}: " + " | ".join(
                        (p.stderr or "").strip().splitlines()[-6:])[:600]
                    continue
                r.times.append(dt)
        for name, *_ in tools:
            ctx.add(results[name])
    finally:
        for db in dbs:
            ctx.cluster.drop_db(db)


# ---------------------------------------------------------------------------------------------
# Squash: strata squash (with its proof) against the same work done with psql and pg_dump
# ---------------------------------------------------------------------------------------------

SQUASH_FLOOR_SH = """\
#!/bin/bash
# The squash floor (bench/bench.py): what strata squash does, with psql and pg_dump directly.
# usage: squash_floor.sh DB1 DB2
set -euo pipefail
PSQL=({psql} -X -q -v ON_ERROR_STOP=1 -h {sock} -U postgres)
DUMP=({pg_dump} -h {sock} -U postgres)
W={work}
# 1. the squash point: the k squashed revisions, one transaction each
"${{PSQL[@]}}" -d "$1" -f {squashed}
# 2. dump it, rows as INSERTs
"${{DUMP[@]}}" --column-inserts --no-owner -f "$W/init.sql" "$1"
# 3. build the dump on the second database
"${{PSQL[@]}}" -d "$2" -1 -f "$W/init.sql"
# 4. reflect both at the squash point
"${{DUMP[@]}}" --schema-only -f "$W/point1.sql" "$1"
"${{DUMP[@]}}" --schema-only -f "$W/point2.sql" "$2"
# 5. the kept revisions on both
"${{PSQL[@]}}" -d "$1" -f {kept}
"${{PSQL[@]}}" -d "$2" -f {kept}
# 6. reflect both at head
"${{DUMP[@]}}" --schema-only -f "$W/head1.sql" "$1"
"${{DUMP[@]}}" --schema-only -f "$W/head2.sql" "$2"
"""

_PHASE = re.compile(r"^\s{2}(\S.*?)\s{2,}([\d.]+)\s*(ms|s)\s*$")


def strata_phases(text: str) -> dict:
    """The `time:` block strata squash prints: {step: seconds}."""
    out, inside = {}, False
    for line in text.splitlines():
        if line.strip() == "time:":
            inside = True
            continue
        if inside:
            m = _PHASE.match(line)
            if not m:
                break
            out[m.group(1)] = float(m.group(2)) / (1000 if m.group(3) == "ms" else 1)
    return out


def dump_body(path: str) -> str:
    """pg_dump output without comments, SETs and \\restrict lines, for comparing two dumps."""
    with open(path) as f:
        return "\n".join(line for line in f.read().splitlines()
                         if line and not line.startswith(("--", "\\restrict", "\\unrestrict")))


@task("squash", "strata squash --keep 50 (with its proof) at N = 300, 1000 against the floor: "
                "the same work with psql and pg_dump; strata verify squash; strata squash of "
                "the same history in diesel and golang-migrate layouts (same floor)")
def task_squash(ctx: Context) -> None:
    keep = ctx.args.keep
    problem = ctx.strata_missing("squash") or ctx.strata_missing("hash")
    vproblem = ctx.strata_missing("verify", "squash")
    for n in ctx.sizes_for([300, 1000]):
        if n <= keep:
            ctx.skip("squash", "strata squash", n, f"N={n} is not more than --keep {keep}")
            continue
        # the history as generated, and the same one with seeds stamped by now() and
        # gen_random_uuid(): its proofs calibrate (a second build of one side)
        for volatile in (False, True):
            # the tool layouts on both: the volatile one is the real-shaped history (seeds
            # stamped by now() and random UUIDs, ~12 % broken downs, non-transactional revisions)
            squash_variant(ctx, n, keep, volatile, problem, vproblem, ctx.args.layouts or SQUASH_LAYOUTS)


def squash_variant(ctx: Context, n: int, keep: int, volatile: bool, problem, vproblem,
                   layouts: list[str] = ()) -> None:
    """One history of task_squash: the floor, strata squash, verify squash (and, for the plain
    history, squash on the embedded server, and rows "strata squash (<layout>)": the same
    revisions in another tool's layout, squashed through its strata.toml, against the same
    floor; a fresh copy of the project before each run, no strata hash)."""
    suffix = " (volatile seeds)" if volatile else ""
    h = b.ensure_history(n, ctx.args.seed, volatile=volatile)
    revs = b.read_history(h["strata"])
    k = n - keep
    work = os.path.join(b.WORK_DIR, "squash", f"n{n}" + ("-volatile" if volatile else ""))
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    squashed_sql, kept_sql = os.path.join(work, "squashed_up.sql"), os.path.join(work,
                                                                                 "kept_up.sql")
    with open(squashed_sql, "w") as f:
        f.write(b.psql_script(revs[:k], "up"))
    with open(kept_sql, "w") as f:
        f.write(b.psql_script(revs[k:], "up"))
    floor_sh = os.path.join(work, "squash_floor.sh")
    with open(floor_sh, "w") as f:
        f.write(SQUASH_FLOOR_SH.format(psql=b.PSQL, pg_dump=os.path.join(b.PG_BIN, "pg_dump"),
                                       sock=ctx.cluster.sock, work=work,
                                       squashed=squashed_sql, kept=kept_sql))
    os.chmod(floor_sh, 0o755)
    mig, arch = os.path.join(work, "migrations"), os.path.join(work, "archive")

    def fresh_copy() -> None:
        """A fresh copy of the history and an empty archive (untimed), hashed."""
        for d in (mig, arch):
            shutil.rmtree(d, ignore_errors=True)
        shutil.copytree(h["strata"], mig)
        os.makedirs(arch)
        b.run(ctx.strata_cmd("hash", "--migrations", mig), cwd=RUN_DIR, env=ctx.env)

    floor = Result("squash", "floor: psql + pg_dump" + suffix, n)
    floor.extra.update(squashed=k, kept=keep)
    sq = Result("squash", "strata squash" + suffix, n)
    ver = Result("squash", "strata verify squash" + suffix, n)
    for r in (sq, ver):
        r.extra.update(squashed=k, kept=keep)
    if problem:
        sq.status, sq.reason = "skipped", problem
    if problem or vproblem:
        ver.status, ver.reason = "skipped", problem or vproblem
    scratch = ["--scratch-url", ctx.scratch_url()]
    lay_rows = []
    for layout in layouts:
        r = Result("squash", f"strata squash ({layout})" + suffix, n)
        r.extra.update(squashed=k, kept=keep, layout=layout)
        mode, why = (None, ctx.strata_missing("squash")) if ctx.strata_missing("squash") \
            else ctx.layout_support(layout)
        if why:
            r.status, r.reason = "skipped", why
        lay_rows.append((layout, mode, r))
    ok = [layout for layout, _m, r in lay_rows if r.status == "ok"]
    sources = b.ensure_layouts(n, ok, ctx.args.seed, volatile=volatile) if ok else {}
    for _run in range(ctx.runs):
        # untimed: do the two databases' schema dumps agree?
        ctx.timed_in_two_fresh_dbs(floor, f"q{n}", floor_sh, lambda _db1, _db2: floor.extra.setdefault(
            "dumps_equal", []).append({w: dump_body(os.path.join(work, f"{w}1.sql")) ==
                                       dump_body(os.path.join(work, f"{w}2.sql")) for w in ("point", "head")}))
        for layout, mode, r in lay_rows:
            if r.status != "ok":
                continue
            proj = os.path.join(work, f"layout-{layout}")
            shutil.rmtree(proj, ignore_errors=True)
            shutil.copytree(sources[layout], proj)   # strata.toml, migrations/, empty archive/
            args = layout_args(mode, layout, proj)
            r.extra["strata_args"] = args
            p = ctx.strata_run(r, ctx.strata_cmd("squash", *args, "--keep", str(keep),
                                                 *scratch), what=f"squash ({layout})")
            if p is None:
                continue
            if p.returncode == 0:
                r.extra.setdefault("strata_phases", []).append(strata_phases(p.stdout))
                r.extra["entries_after"] = len(os.listdir(os.path.join(proj, "migrations")))
            elif not r.times and unsupported_reason(layout, p):
                r.status, r.reason = "skipped", unsupported_reason(layout, p)
        if sq.status == "ok":
            fresh_copy()
            p = ctx.strata_run(sq, ctx.strata_cmd("squash", "--keep", str(keep),
                                                  "--migrations", mig, "--archive", arch,
                                                  *scratch), what="squash")
            if p is not None and p.returncode == 0:
                sq.extra.setdefault("strata_phases", []).append(strata_phases(p.stdout))
                sq.extra["files_after"] = len([x for x in os.listdir(mig)
                                               if x.endswith(".sql")])
                if ver.status == "ok":
                    ctx.strata_run(ver, ctx.strata_cmd("verify", "squash", "--migrations",
                                                       mig, "--archive", arch, *scratch),
                                   what="verify squash")
                if volatile:
                    continue
                # keep one squashed history for the fresh-db task
                dest = os.path.join(b.WORK_DIR, "squashed", f"n{n}_keep{keep}")
                shutil.rmtree(dest, ignore_errors=True)
                shutil.copytree(mig, dest)
                ctx.squashed[(n, keep)] = dest
    if ver.status == "ok" and not ver.times:
        ver.status, ver.reason = "skipped", "strata squash failed: nothing to verify"
    ctx.add(floor)
    ctx.add(sq)
    ctx.add(ver)
    for layout, _m, r in lay_rows:
        ctx.add(r)
        shutil.rmtree(os.path.join(work, f"layout-{layout}"), ignore_errors=True)
    if volatile:
        for d in (mig, arch):
            shutil.rmtree(d, ignore_errors=True)
        return
    emb = Result("squash", "strata squash (embedded)", n)
    emb.extra.update(squashed=k, kept=keep)
    if problem:
        emb.status, emb.reason = "skipped", problem
    else:
        fresh_copy()
        p = ctx.strata_run(emb, ctx.strata_cmd("squash", "--keep", str(keep), "--migrations",
                                               mig, "--archive", arch), what="squash")
        if p is not None and p.returncode == 0:
            emb.extra.setdefault("strata_phases", []).append(strata_phases(p.stdout))
    ctx.add(emb)
    for d in (mig, arch):
        shutil.rmtree(d, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# Fresh database: the squashed history against the original one
# ---------------------------------------------------------------------------------------------


# A second floor: psql sends every statement on its own (one round trip each), which a tool that
# sends a whole revision as one simple-query message does not pay. With thousands of small
# statements (a pg_dump-made init revision) that is a large part of psql's time, so this floor
# sends each revision as one message through libpq (psycopg2, in the venv): BEGIN; up; COMMIT;
# (a non-transactional revision alone), RESET ALL after a revision that sets session settings.
# Whole process, Python start and the psycopg2 import included; stdout: the SQL part alone.
LIBPQ_FLOOR = """\
import sys, time
sys.path.insert(0, {bench!r})
import benchlib as b
import psycopg2

t0 = time.perf_counter()
revs = b.read_history(sys.argv[1])
conn = psycopg2.connect(sys.argv[2])
conn.autocommit = True
cur = conn.cursor()
t1 = time.perf_counter()
for r in revs:
    cur.execute(("BEGIN;\\n" + r.up + "COMMIT;") if r.transactional else r.up)
    if b._SESSION_SET.search(r.up):
        cur.execute("RESET ALL")
conn.close()
print(f"{{time.perf_counter() - t1:.4f}}")
"""


def libpq_dsn(cluster: b.Cluster, db: str) -> str:
    return f"dbname={db} host={cluster.sock} user=postgres"


@task("fresh-db", "strata upgrade head on a fresh database from the squashed history (--keep "
                  "50) against the original, N = 300, 1000; psql floor for both")
def task_fresh_db(ctx: Context) -> None:
    keep = ctx.args.keep
    problem = ctx.strata_missing("upgrade")
    sq_problem = ctx.strata_missing("squash") or ctx.strata_missing("hash")
    venv_problem = ensure_venv()
    libpq_floor = os.path.join(b.WORK_DIR, "floor_libpq.py")
    with open(libpq_floor, "w") as f:
        f.write(LIBPQ_FLOOR.format(bench=b.BENCH_DIR))
    for n in ctx.sizes_for([300, 1000]):
        if n <= keep:
            ctx.skip("fresh-db", "strata (squashed)", n, f"N={n} is not more than --keep {keep}")
            continue
        h = b.ensure_history(n, ctx.args.seed)
        squashed = None
        if not sq_problem:
            try:
                squashed = ctx.squashed_history(n, keep, h["strata"])
            except b.CommandError as e:
                sq_problem = f"strata squash failed: {e}"
        orig_revs = b.read_history(h["strata"])
        scripts = {"original": os.path.join(b.WORK_DIR, f"floor_n{n}.sql")}
        with open(scripts["original"], "w") as f:
            f.write(b.psql_script(orig_revs, "up"))
        dirs = {"original": h["strata"], "squashed": squashed}
        if squashed:
            sq_revs = b.read_history(squashed)
            scripts["squashed"] = os.path.join(b.WORK_DIR, f"floor_n{n}_squashed{keep}.sql")
            with open(scripts["squashed"], "w") as f:
                f.write(b.session_safe_script(sq_revs))
        tools = []
        for hist in ("original", "squashed"):
            nrev = len(orig_revs) if hist == "original" else (keep + 1)
            fr = Result("fresh-db", f"psql floor ({hist})", n, extra={"revisions": nrev})
            st = Result("fresh-db", f"strata ({hist})", n, extra={"revisions": nrev})
            if hist == "squashed" and not squashed:
                fr.status, fr.reason = "skipped", sq_problem
            if problem or (hist == "squashed" and not squashed):
                st.status, st.reason = "skipped", problem or sq_problem
            lf = Result("fresh-db", f"libpq floor ({hist})", n, extra={"revisions": nrev})
            if hist == "squashed" and not squashed:
                lf.status, lf.reason = "skipped", sq_problem
            elif venv_problem:
                lf.status, lf.reason = "skipped", venv_problem
            tools.append((fr, lambda db, s=scripts.get(hist): ctx.cluster.psql_cmd(db, "-f", s)))
            tools.append((lf, lambda db, d=dirs[hist]: [VENV_PY, libpq_floor, d,
                                                        libpq_dsn(ctx.cluster, db)]))
            tools.append((st, lambda db, d=dirs[hist]: ctx.strata_cmd(
                "upgrade", "head", "--migrations", d, "--database-url", ctx.cluster.url(db))))
        def libpq_sql_seconds(r: Result, p: subprocess.CompletedProcess) -> None:
            if r.tool.startswith("libpq"):
                r.extra.setdefault("sql_seconds", []).append(float(p.stdout.split()[-1]))

        expected = timed_builds(ctx, tools, f"fd{n}", on_run=libpq_sql_seconds)
        for r, _ in tools:
            if r.status == "ok":
                r.extra["schema"] = expected
            ctx.add(r)


# ---------------------------------------------------------------------------------------------
# Alembic: an Alembic history read in place (format = "alembic")
# ---------------------------------------------------------------------------------------------

ALEMBIC_TASK_KEEP = 5            # revisions the alembic task's squash keeps
ALEMBIC_STAIRWAY_GOAL = 20.0     # pytest-alembic / strata verify stairway: at least this
ALEMBIC_SQUASH_GOAL = 2.0        # strata squash --dry-run / the by-hand baseline: at most this

# The project's strata.toml: strata runs the revisions through the project's own Alembic and
# env.py, with the venv's Python (the helper process strata starts)
ALEMBIC_STRATA_TOML = '''\
# written by bench/bench.py (alembic task): strata reads this Alembic project in place
format = "alembic"
archive = "archive"

[alembic]
python = "{python}"
'''

# What a careful maintainer runs by hand to squash an Alembic history with a proof: the
# squash point, its dump (the init revision's text), and both sides built to head.
ALEMBIC_SQUASH_BASELINE_SH = """\
#!/bin/bash
# The alembic task's squash baseline (bench/bench.py): alembic and pg_dump, by hand.
# usage: squash_baseline.sh DB1 DB2
set -euo pipefail
url() {{ echo "postgresql:///$1?host={sock}&user=postgres"; }}
ALEMBIC=({alembic} -c {ini})
# 1. the squash point: the original history up to {k} ({keep} revisions before head)
"${{ALEMBIC[@]}}" -x "url=$(url "$1")" upgrade {k}
# 2. dump it, rows as INSERTs: the init revision's text
{pg_dump} -h {sock} -U postgres --column-inserts --no-owner -f {work}/init.sql "$1"
# 3. the kept revisions on top: DB1 at head
"${{ALEMBIC[@]}}" -x "url=$(url "$1")" upgrade head
# 4. the squashed side: a second fresh database from the dump (what the init revision does),
#    stamped at {k}, then the kept revisions by Alembic
{psql} -q -X -v ON_ERROR_STOP=1 -h {sock} -U postgres -d "$2" -f {work}/init.sql >/dev/null
"${{ALEMBIC[@]}}" -x "url=$(url "$2")" stamp {k}
"${{ALEMBIC[@]}}" -x "url=$(url "$2")" upgrade head
"""

_ALEMBIC_REVISION = re.compile(r"^revision\s*=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)
_ALEMBIC_DOWN = re.compile(r"^down_revision\s*=\s*(?:None|['\"]([^'\"]+)['\"])", re.MULTILINE)


def alembic_chain(versions: str) -> list[str]:
    """The revision ids of a linear Alembic versions/ directory, root first ([] when the
    files do not make one chain)."""
    parent = {}
    for name in os.listdir(versions):
        if not name.endswith(".py"):
            continue
        with open(os.path.join(versions, name)) as f:
            text = f.read()
        rev, down = _ALEMBIC_REVISION.search(text), _ALEMBIC_DOWN.search(text)
        if rev and down:
            parent[rev.group(1)] = down.group(1)
    child = {down: rev for rev, down in parent.items()}
    chain, cur = [], child.get(None)
    while cur is not None and len(chain) <= len(parent):
        chain.append(cur)
        cur = child.get(cur)
    return chain if len(chain) == len(parent) else []


def alembic_strata_project(src: str, dest: str) -> str:
    """A fresh copy of the Alembic rendering `src` at `dest` (untimed; strata squash writes
    files), with strata.toml (format = "alembic", the venv's Python) and an empty archive/."""
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("__pycache__"))
    os.makedirs(os.path.join(dest, "archive"))
    with open(os.path.join(dest, "strata.toml"), "w") as f:
        f.write(ALEMBIC_STRATA_TOML.format(python=VENV_PY))
    return dest


def alembic_strata_run(ctx: Context, r: Result, cmd: list[str], proj: str, what: str,
                       ok_codes: tuple = (0,)) -> subprocess.CompletedProcess | None:
    """One timed strata run from the project directory; a first run that fails because strata
    does not know format = "alembic" skips r (as the layout rows do)."""
    p = ctx.strata_run(r, cmd, what=what, keep_stdout=True, cwd=proj, ok_codes=ok_codes)
    if p is not None and p.returncode != 0 and not r.times:
        why = unsupported_reason("alembic", p)
        if why:
            r.status, r.reason = "skipped", why
    return p


def pytest_alembic_run(ctx: Context, r: Result, proj: str, module: str, tag: str) -> None:
    """One timed pytest process running `module` of the pytest-alembic project on a fresh
    database into r; the test call alone (JUnit XML) goes to r.extra."""
    if r.status != "ok":
        return
    db = ctx.fresh_db(tag)
    junit = os.path.join(proj, f"junit-{module}.xml")
    if os.path.exists(junit):
        os.remove(junit)
    env = dict(ctx.env, BENCH_DATABASE_URL=ctx.cluster.url(db))
    try:
        dt, p = ctx.run_timed(
            [VENV_PY, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", proj,
             "-c", os.path.join(proj, "pytest.ini"), "-o", "junit_duration_report=call",
             f"--junitxml={junit}", os.path.join(proj, module + ".py")], cwd=proj, env=env)
        if p.returncode != 0:
            r.status, r.reason = "failed", f"exit {p.returncode}: {tail(p, 12)}"
            with open(os.path.join(proj, f"pytest_output-{module}.txt"), "w") as f:
                f.write(p.stdout + p.stderr)
            return
        r.times.append(dt)
        calls = r.extra.setdefault("test_call_seconds_runs", [])
        calls.append(junit_call_seconds(junit))
        known = [c for c in calls if c is not None]
        r.extra["test_call_seconds"] = statistics.median(known) if known else None
    finally:
        ctx.cluster.drop_db(db)


@task("alembic", "an Alembic history read in place (format = \"alembic\"), N = 100: strata "
                 "verify stairway against pytest-alembic's test_up_down_consistency and "
                 "test_downgrade_leaves_no_trace; strata squash --keep 5 --dry-run against "
                 "alembic upgrade + pg_dump by hand")
def task_alembic(ctx: Context) -> None:
    venv_problem = ensure_venv()
    pa_problem = venv_problem or venv_extra_problem("pytest") \
        or venv_extra_problem("pytest_alembic")
    st_problem = venv_problem or ctx.strata_missing("verify", "stairway")
    sq_problem = venv_problem or ctx.strata_missing("squash")
    keep = ALEMBIC_TASK_KEEP
    for n in ctx.sizes_for([100]):
        h = b.ensure_history(n, ctx.args.seed, alembic=True)
        work = os.path.join(b.WORK_DIR, "alembic_task", f"n{n}")
        shutil.rmtree(work, ignore_errors=True)
        os.makedirs(work)
        proj = os.path.join(work, "project")     # the strata runs' copy, fresh for each run
        alembic_stairway(ctx, n, h, proj, st_problem, pa_problem)
        if n <= keep:
            ctx.skip("alembic", "strata squash --dry-run", n,
                     f"N={n} is not more than --keep {keep}")
        else:
            alembic_squash(ctx, n, h, work, proj, keep, sq_problem, venv_problem)
        # The same history shaped like a real one: seed rows stamped by now() and
        # gen_random_uuid(), ~12 % broken downs. pytest-alembic's tests stop at the first broken
        # down, so the stairway has no baseline there: its time and its findings are reported.
        hv = b.ensure_history(n, ctx.args.seed, alembic=True, volatile=True)
        real = Result("alembic", "strata verify stairway (real-shaped)", n)
        if st_problem:
            real.status, real.reason = "skipped", st_problem
        cmd = ctx.strata_cmd("verify", "stairway", "--format", "json", "--scratch-url", ctx.scratch_url())
        for _run in range(ctx.runs):
            if real.status == "ok":
                alembic_strata_project(hv["alembic"], proj)
                p = alembic_strata_run(ctx, real, cmd, proj, what="verify stairway (alembic, real-shaped)",
                                       ok_codes=(0, 1))
                if p is not None and p.returncode in (0, 1):
                    report = json.loads(p.stdout)
                    real.extra["failed_revisions"] = len(report["failedRevisions"])
                    real.extra["findings"] = len(report["findings"])
        ctx.add(real)
        if n > keep:
            alembic_squash(ctx, n, hv, work, proj, keep, sq_problem, venv_problem, label=" (real-shaped)")
        shutil.rmtree(proj, ignore_errors=True)


def alembic_stairway(ctx: Context, n: int, h: dict, proj: str, st_problem, pa_problem) -> None:
    """strata verify stairway on the Alembic rendering against pytest-alembic's two tests."""
    st = Result("alembic", "strata verify stairway", n)
    ud = Result("alembic", "pytest-alembic up_down_consistency", n)
    nt = Result("alembic", "pytest-alembic no_trace", n)
    if st_problem:
        st.status, st.reason = "skipped", st_problem
    for r in (ud, nt):
        if pa_problem:
            r.status, r.reason = "skipped", pa_problem
    pa_proj = None
    if not pa_problem:
        pa_proj = pytest_alembic_project(n, h["alembic"])
        with open(os.path.join(pa_proj, "inlined.txt")) as f:
            inlined = int(f.read())
        for r in (ud, nt):
            r.extra["revisions_run_inline"] = inlined
    cmd = ctx.strata_cmd("verify", "stairway", "--scratch-url", ctx.scratch_url())
    for _run in range(ctx.runs):
        if st.status == "ok":
            alembic_strata_project(h["alembic"], proj)
            alembic_strata_run(ctx, st, cmd, proj, what="verify stairway (alembic)")
        pytest_alembic_run(ctx, ud, pa_proj, "test_up_down", f"aud{n}")
        pytest_alembic_run(ctx, nt, pa_proj, "test_stairway", f"ant{n}")
    ctx.add(st)
    ctx.add(ud)
    ctx.add(nt)


def alembic_squash(ctx: Context, n: int, h: dict, work: str, proj: str, keep: int,
                   sq_problem, venv_problem, label: str = "") -> None:
    """strata squash --keep K --dry-run (builds, dumps, proves, writes nothing) on the Alembic
    rendering against the same work by hand with alembic and pg_dump on two fresh databases."""
    versions = os.path.join(h["alembic"], "versions")
    chain = alembic_chain(versions)
    base = Result("alembic", "by hand: alembic upgrade + pg_dump" + label, n)
    sq = Result("alembic", f"strata squash --keep {keep} --dry-run" + label, n)
    for r in (base, sq):
        r.extra.update(squashed=n - keep, kept=keep)
    if venv_problem:
        base.status, base.reason = "skipped", venv_problem
    elif len(chain) != n:
        base.status, base.reason = "failed", \
            f"{versions}: {len(chain)} revisions in one chain, expected {n}"
    if sq_problem:
        sq.status, sq.reason = "skipped", sq_problem
    script = os.path.join(work, "squash_baseline.sh")
    if base.status == "ok":
        base.extra["squash_point"] = chain[n - keep - 1]
        with open(script, "w") as f:
            f.write(ALEMBIC_SQUASH_BASELINE_SH.format(
                sock=ctx.cluster.sock, alembic=ALEMBIC,
                ini=os.path.join(h["alembic"], "alembic.ini"), k=chain[n - keep - 1], keep=keep,
                pg_dump=os.path.join(b.PG_BIN, "pg_dump"), psql=os.path.join(b.PG_BIN, "psql"), work=work))
        os.chmod(script, 0o755)
        # byte-compile the revision modules once, untimed (as the upgrade task does)
        b.run([ALEMBIC, "-c", os.path.join(h["alembic"], "alembic.ini"), "heads"],
              env=ctx.env, cwd=RUN_DIR)
    before = sorted(os.listdir(versions))
    cmd = ctx.strata_cmd("squash", "--keep", str(keep), "--dry-run",
                         "--scratch-url", ctx.scratch_url())
    for _run in range(ctx.runs):
        def same_catalog(db1, db2):
            # untimed: both sides at head have the same catalog
            base.extra.setdefault("same_catalog_at_head", []).append(
                b.catalog_stats(ctx.cluster, db1) == b.catalog_stats(ctx.cluster, db2))
            base.extra["dump_bytes"] = os.path.getsize(os.path.join(work, "init.sql"))
        ctx.timed_in_two_fresh_dbs(base, f"asq{n}", script, same_catalog)
        if sq.status == "ok":
            alembic_strata_project(h["alembic"], proj)
            p = alembic_strata_run(ctx, sq, cmd, proj, what="squash --dry-run (alembic)")
            if p is not None and p.returncode == 0:
                sq.extra.setdefault("strata_phases", []).append(strata_phases(p.stdout))
                # a dry run writes nothing: the same revision files, an empty archive
                sq.extra.setdefault("wrote_nothing", []).append(
                    sorted(os.listdir(os.path.join(proj, "versions"))) == before
                    and not os.listdir(os.path.join(proj, "archive")))
    ctx.add(base)
    ctx.add(sq)


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------


def ratios(results: list[Result]) -> list[dict]:
    med = {(r.task, r.tool, r.n): r.median for r in results if r.status == "ok"}
    out = []

    def add(task, n, label, a, b_, goal=None):
        """goal: (">=" or "<=", bound, text): the row also says whether it is met."""
        if med.get(a) and med.get(b_):
            row = {"task": task, "n": n, "ratio": label, "value": med[a] / med[b_]}
            if goal:
                op, bound, text = goal
                row["goal"] = f"goal {'≥' if op == '>=' else '≤'} {bound:g}×{text}"
                row["meets_goal"] = row["value"] >= bound if op == ">=" else row["value"] <= bound
            out.append(row)

    for n in sorted({r.n for r in results if r.task == "upgrade"}):
        add("upgrade", n, "strata / floor", ("upgrade", "strata", n), ("upgrade", "psql floor", n))
        add("upgrade", n, "alembic / strata", ("upgrade", "alembic", n), ("upgrade", "strata", n))
        add("upgrade", n, "alembic / floor", ("upgrade", "alembic", n),
            ("upgrade", "psql floor", n))
    for n in sorted({r.n for r in results if r.task == "stairway"}):
        st = ("stairway", "strata verify stairway", n)
        add("stairway", n, "strata / floor (goal <= 2)", st, ("stairway", "psql floor (up, down, up)", n))
        add("stairway", n, "pytest-alembic / strata (goal >= 20)",
            ("stairway", "pytest-alembic no_trace", n), st)
        add("stairway", n, "alembic loop / strata", ("stairway", "alembic loop (1 ScriptDir, 1 conn)", n), st)
        add("stairway", n, "embedded / scratch-url", ("stairway", "strata verify stairway (embedded)", n), st)
        add("stairway", n, "--jobs 1 / floor", ("stairway", "strata verify stairway --jobs 1", n),
            ("stairway", "psql floor (up, down, up)", n))
        bd = " (broken downs)"
        add("stairway", n, "broken downs: strata / floor (goal <= 2)",
            ("stairway", "strata verify stairway" + bd, n),
            ("stairway", "psql floor (up, down, up)" + bd, n), goal=("<=", 2, ""))
        add("stairway", n, "broken downs: strata --jobs 1 / floor (goal <= 3)",
            ("stairway", "strata verify stairway --jobs 1" + bd, n),
            ("stairway", "psql floor (up, down, up)" + bd, n), goal=("<=", 3, ""))
    dump = ("schema", "strata schema dump", None)
    add("schema", None, "dump / pg_dump (goal <= 1)", dump, ("schema", "pg_dump --schema-only", None))
    add("schema", None, "dump / raw queries (goal <= 1.5)", dump,
        ("schema", "psql 5 raw catalog queries", None))
    add("schema", None, "dump json / raw queries", ("schema", "strata schema dump --format json", None),
        ("schema", "psql 5 raw catalog queries", None))
    add("schema", None, "migra / diff (goal >= 4)", ("schema", "migra", None),
        ("schema", "strata schema diff", None))
    for n in sorted({r.n for r in results if r.task == "squash"}):
        add("squash", n, "strata / floor (goal <= 1.5)", ("squash", "strata squash", n),
            ("squash", "floor: psql + pg_dump", n))
        add("squash", n, "embedded / scratch-url", ("squash", "strata squash (embedded)", n),
            ("squash", "strata squash", n))
        add("squash", n, "verify squash / floor", ("squash", "strata verify squash", n),
            ("squash", "floor: psql + pg_dump", n))
        v = " (volatile seeds)"
        add("squash", n, "volatile seeds: strata / floor (goal <= 1.5)", ("squash", "strata squash" + v, n),
            ("squash", "floor: psql + pg_dump" + v, n))
        add("squash", n, "volatile seeds: verify squash / floor", ("squash", "strata verify squash" + v, n),
            ("squash", "floor: psql + pg_dump" + v, n))
        for layout in LAYOUTS:
            add("squash", n, f"{layout}: strata / floor (goal <= 1.5)",
                ("squash", f"strata squash ({layout})", n), ("squash", "floor: psql + pg_dump", n))
            add("squash", n, f"volatile seeds, {layout}: strata / floor (goal <= 1.5)",
                ("squash", f"strata squash ({layout})" + v, n), ("squash", "floor: psql + pg_dump" + v, n))
    for n in sorted({r.n for r in results if r.task == "lint"}):
        for layout in LAYOUTS:
            add("lint", n, f"{layout} / strata format", ("lint", f"strata lint ({layout})", n),
                ("lint", "strata lint", n))
    for n in sorted({r.n for r in results if r.task == "fresh-db"}):
        add("fresh-db", n, "strata: original / squashed", ("fresh-db", "strata (original)", n),
            ("fresh-db", "strata (squashed)", n))
        add("fresh-db", n, "floor: original / squashed", ("fresh-db", "psql floor (original)", n),
            ("fresh-db", "psql floor (squashed)", n))
        add("fresh-db", n, "strata / floor (squashed)", ("fresh-db", "strata (squashed)", n),
            ("fresh-db", "psql floor (squashed)", n))
        add("fresh-db", n, "strata / floor (original)", ("fresh-db", "strata (original)", n),
            ("fresh-db", "psql floor (original)", n))
        add("fresh-db", n, "strata / libpq floor (squashed)", ("fresh-db", "strata (squashed)", n),
            ("fresh-db", "libpq floor (squashed)", n))
        add("fresh-db", n, "strata / libpq floor (original)", ("fresh-db", "strata (original)", n),
            ("fresh-db", "libpq floor (original)", n))
    call = {(r.task, r.tool, r.n): r.extra.get("test_call_seconds")
            for r in results if r.status == "ok"}
    for n in sorted({r.n for r in results if r.task == "alembic"}):
        st = ("alembic", "strata verify stairway", n)
        for tool, short in (("pytest-alembic up_down_consistency", "up_down_consistency"),
                            ("pytest-alembic no_trace", "no_trace")):
            add("alembic", n, f"{short} / strata", ("alembic", tool, n), st,
                goal=(">=", ALEMBIC_STAIRWAY_GOAL, " vs pytest-alembic"))
            # the test call alone (pytest's JUnit XML) against strata's whole process
            if call.get(("alembic", tool, n)) and med.get(st):
                out.append({"task": "alembic", "n": n, "ratio": f"{short} test call / strata",
                            "value": call[("alembic", tool, n)] / med[st]})
        for label in ("", " (real-shaped)"):
            add("alembic", n, "squash --dry-run / by hand" + label,
                ("alembic", f"strata squash --keep {ALEMBIC_TASK_KEEP} --dry-run" + label, n),
                ("alembic", "by hand: alembic upgrade + pg_dump" + label, n),
                goal=("<=", ALEMBIC_SQUASH_GOAL, ""))
    plain = ("server", "initdb+pg_ctl start", None)
    add("server", None, "plain / strata (cached)", plain, ("server", "strata server check", None))
    add("server", None, "plain / strata (--no-cache)", plain,
        ("server", "strata server check --no-cache", None))
    return out


def print_table(results: list[Result], rats: list[dict]) -> None:
    log("")
    log(f"{'task':<10} {'N':>5}  {'tool':<36} {'median':>9}  {'(min – max)':<19} runs  note")
    log("-" * 104)
    for r in results:
        if r.status == "ok":
            log(f"{r.task:<10} {fmt_n(r.n):>5}  {r.tool:<36} {r.median:7.3f} s  "
                f"({min(r.times):.3f} – {max(r.times):.3f})  {len(r.times):>4}  {note(r)}")
        else:
            log(f"{r.task:<10} {fmt_n(r.n):>5}  {r.tool:<36} {r.status}: {r.reason}")
    if rats:
        log("")
        log("ratios of medians:")
        for x in rats:
            goal = f"  {x['goal']}: {'met' if x['meets_goal'] else 'MISSED'}" \
                if "goal" in x else ""
            log(f"  {x['task']:<10} {fmt_n(x['n']):>5}  {x['ratio']:<40} {x['value']:6.2f}×{goal}")


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
        "runs": ctx.runs, "sizes": ctx.sizes, "seed": ctx.args.seed, "keep": ctx.args.keep,
        "loadavg_at_start": ctx.loadavg_at_start, "loadavg_at_end": list(os.getloadavg()),
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
                    default=None, help="revision counts, e.g. 100,300,1000 (default: upgrade "
                    "100,300,1000; stairway 100,300; squash and fresh-db 300,1000; alembic 100)")
    ap.add_argument("--keep", type=int, default=50,
                    help="revisions squash keeps (squash and fresh-db tasks; default 50)")
    ap.add_argument("--pytest-alembic-all", action="store_true",
                    help="run pytest-alembic's test_downgrade_leaves_no_trace at every stairway "
                    "size, not only N=100")
    ap.add_argument("--quick", action="store_true", help="1 run, N=100 only")
    ap.add_argument("--only", action="append", default=[],
                    help="run only these tasks (comma-separated, repeatable)")
    ap.add_argument("--list", action="store_true", help="list the tasks and exit")
    ap.add_argument("--strata", default=os.environ.get("STRATA") or os.path.join(
        b.REPO_DIR, ".build", "release", "strata"), help="strata binary (default: $STRATA, "
                    "else .build/release/strata)")
    ap.add_argument("--lint-size", type=int, default=5000, help="revisions for the lint task")
    ap.add_argument("--layouts", type=lambda s: [x for x in s.split(",") if x], default=None,
                    help="history layouts for the lint task's and the squash task's layout rows "
                    f"(comma-separated, of: {', '.join(LAYOUTS)}; default: lint all, squash "
                    f"{','.join(SQUASH_LAYOUTS)}); --layouts none: no layout rows")
    ap.add_argument("--seed", type=int, default=1, help="history generator seed")
    ap.add_argument("--timeout", type=float, default=900,
                    help="seconds before one timed run counts as failed (default 900)")
    ap.add_argument("--out", default=OUT_DIR, help="directory for results.json and upgrade.svg")
    ap.add_argument("--setup-only", action="store_true",
                    help="create the virtualenv and generate the histories, measure nothing")
    a = ap.parse_args(argv)
    a.sizes_given = a.sizes is not None or a.quick
    if a.sizes is None:
        a.sizes = [100, 300, 1000]
    if a.quick:
        a.runs, a.sizes = 1, [100]
    a.only = [t for item in a.only for t in item.split(",") if t]
    if a.layouts == ["none"]:
        a.layouts = []
    bad = [x for x in (a.layouts or []) if x not in LAYOUTS]
    if bad:
        ap.error(f"unknown layout(s) {', '.join(bad)}; layouts: {', '.join(LAYOUTS)}")
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
        b.ensure_layouts(a.lint_size, LAYOUTS if a.layouts is None else a.layouts, a.seed)
        for n in (a.sizes if a.sizes_given else [300, 1000]):
            b.ensure_layouts(n, SQUASH_LAYOUTS if a.layouts is None else a.layouts, a.seed)
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
    log("\nload average (1, 5, 15 min): at start " + ", ".join(
        f"{x:.2f}" for x in meta["loadavg_at_start"]) + "; at end " + ", ".join(
        f"{x:.2f}" for x in meta["loadavg_at_end"]) + f" ({os.cpu_count()} CPUs)")
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
