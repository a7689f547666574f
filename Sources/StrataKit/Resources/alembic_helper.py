# strata's Alembic helper: one long-lived process per scratch database that runs revision steps
# through the project's own Alembic, env.py and plugins, on request.
#
# Protocol: one JSON object per line on stdin; one JSON object per line on the descriptor strata
# passes in STRATA_ALEMBIC_REPLY (the process's own stdout and stderr carry whatever env.py and the
# revisions print). Requests:
#   {"op": "connect", "dbname", "host", "port", "user", "password"}   (first, once)
#   {"op": "step", "rev": ID, "up": bool, "record": bool, "capture": [SETTINGS, QUERY, NAME, PREPARE] | null}
#   {"op": "quit"}
# A step runs in its own transaction; with "record" Alembic updates its version table as
# `alembic upgrade` would, else the version table is neither created nor changed. "capture" runs
# in the step's transaction after the revision (its rows come back as text). All steps of one
# env.py run share its connection: env.py runs once, and again only after a step failed.
import argparse
import json
import os
import sys
import traceback


def main():
    reply_fd = int(os.environ.pop("STRATA_ALEMBIC_REPLY"))
    reply_file = os.fdopen(reply_fd, "w", buffering=1)

    def reply(obj):
        reply_file.write(json.dumps(obj) + "\n")
        reply_file.flush()

    ini = os.environ.pop("STRATA_ALEMBIC_INI")
    # strata starts the helper in alembic.ini's directory: the project's modules come first.
    sys.path.insert(0, os.getcwd())
    versions = os.environ.pop("STRATA_ALEMBIC_VERSIONS")
    # Everything that does not need the database first (Python, SQLAlchemy, Alembic, the revision
    # modules: half a second), so that strata can start the helper while it makes the database.
    try:
        from alembic.config import Config
        from alembic.runtime import migration as alembic_migration
        from alembic.runtime.environment import EnvironmentContext
        from alembic.runtime.migration import MigrationContext, RevisionStep
        from alembic.script import ScriptDirectory
        from sqlalchemy.engine import URL
    except Exception as error:  # noqa: BLE001
        reply({"ok": False, "fatal": True, "message": "cannot import Alembic and SQLAlchemy in %s: %s" % (sys.executable, error)})
        return

    x_args = json.loads(os.environ.pop("STRATA_ALEMBIC_X", "[]"))
    config = Config(ini, cmd_opts=argparse.Namespace(x=[], raiseerr=True, quiet=True, verbose=False))
    config_url = config.get_main_option("sqlalchemy.url") or ""
    driver = os.environ.pop("STRATA_ALEMBIC_DRIVER", "")
    if not driver and "+" in config_url.split("://")[0]:
        driver = config_url.split("://")[0]
    if not driver:
        for module, name in (("psycopg2", "postgresql+psycopg2"), ("psycopg", "postgresql+psycopg"), ("asyncpg", "postgresql+asyncpg")):
            try:
                __import__(module)
                driver = name
                break
            except ImportError:
                continue
    if not driver:
        reply({"ok": False, "fatal": True, "message": "no PostgreSQL driver (psycopg2, psycopg or asyncpg) in %s" % sys.executable})
        return
    config.set_main_option("version_locations", versions)
    config.set_main_option("recursive_version_locations", "false")
    try:
        script = ScriptDirectory.from_config(config)
        script.revision_map.get_revisions("heads")
    except Exception as error:  # noqa: BLE001
        reply({"ok": False, "fatal": True, "message": "Alembic cannot read the revisions: %s" % error})
        return
    url_env = json.loads(os.environ.pop("STRATA_ALEMBIC_URL_ENV", "[]"))

    # Then the database: {"op": "connect", "dbname", "host", "port", "user", "password"}.
    line = sys.stdin.readline()
    if not line:
        return
    target = json.loads(line)
    if target.get("op") != "connect":
        return
    database = target.get("dbname") or ""
    query = {}
    host = target.get("host") or None
    if host and host.startswith("/"):
        query["host"] = host
        host = None
    port = target.get("port")
    url = URL.create(driver, username=target.get("user") or None, password=target.get("password") or None,
                     host=host, port=int(port) if port else None, database=database, query=query)
    url_text = url.render_as_string(hide_password=False)
    # Every way an env.py is known to take its URL: the ini's sqlalchemy.url, -x url=…, and the
    # environment variables strata was told of.
    config.set_main_option("sqlalchemy.url", url_text.replace("%", "%%"))
    config.cmd_opts.x = ["url=" + url_text, "sqlalchemy.url=" + url_text] + [arg.replace("{url}", url_text) for arg in x_args]
    for name in url_env:
        os.environ[name] = url_text
    reply({"ok": True})

    state = {"record": True, "pending": None, "checked": False}

    # Every step in a transaction of its own, whatever env.py asks for: a failing step is then that
    # step's alone, and the version row of each is committed with it.
    original_configure = EnvironmentContext.configure

    def configure(self, *args, **kwargs):
        kwargs["transaction_per_migration"] = True
        return original_configure(self, *args, **kwargs)

    EnvironmentContext.configure = configure

    original_update = alembic_migration.HeadMaintainer.update_to_step

    def update_to_step(self, step):
        if state["record"]:
            original_update(self, step)

    alembic_migration.HeadMaintainer.update_to_step = update_to_step
    original_ensure = MigrationContext._ensure_version_table

    def ensure_version_table(self, purge=False):
        if state["record"]:
            original_ensure(self, purge)

    MigrationContext._ensure_version_table = ensure_version_table
    original_heads = MigrationContext.get_current_heads

    def current_heads(self):
        return original_heads(self) if state["record"] else ()

    MigrationContext.get_current_heads = current_heads

    def driver_connection(ctx):
        return ctx.connection.connection.driver_connection

    def run_sql(ctx, sql, fetch=None):
        """Runs `sql` (several statements, no parameters) on the step's connection; with `fetch`,
        then runs that one query and returns its rows as text."""
        raw = driver_connection(ctx)
        rows = None
        if ctx.connection.dialect.driver == "asyncpg":
            from sqlalchemy.util import await_only

            if sql:
                await_only(raw.execute(sql))
            if fetch:
                rows = [list(record.values()) for record in await_only(raw.fetch(fetch))]
        else:
            cursor = raw.cursor()
            try:
                if sql:
                    cursor.execute(sql)
                if fetch:
                    cursor.execute(fetch)
                    rows = [list(row) for row in cursor.fetchall()]
            finally:
                cursor.close()
        if rows is None:
            return None
        return [[None if v is None else ("t" if v is True else "f" if v is False else str(v)) for v in row] for row in rows]

    def make_step(request):
        """A RevisionStep whose migration function also runs the capture in its transaction."""
        step = RevisionStep(script.revision_map, script.get_revision(request["rev"]), bool(request["up"]))
        fn = step.migration_fn
        step.rows = None

        def run(**kw):
            fn(**kw)
            capture = request.get("capture")
            if capture:
                # [settings, query, name, prepare]: the query is prepared once per connection
                # (again after a revision's DEALLOCATE ALL), under the settings.
                ctx = state["ctx"]
                run_sql(ctx, capture[0])
                if len(capture) > 3 and not run_sql(ctx, None, "SELECT 1 FROM pg_catalog.pg_prepared_statements WHERE name = '%s'" % capture[2]):
                    run_sql(ctx, capture[3])
                step.rows = run_sql(ctx, None, capture[1])

        step.migration_fn = run
        return step

    def failure(error, request):
        """What a failed step says: the revision file's line, the server's error."""
        revision = script.get_revision(request["rev"]) if request and request.get("rev") else None
        path = os.path.realpath(revision.path) if revision is not None else None
        line = None
        in_revision = False
        frames = traceback.extract_tb(error.__traceback__)
        for frame in frames:
            if path and os.path.realpath(frame.filename) == path:
                line = frame.lineno
        if frames and path and os.path.realpath(frames[-1].filename) == path:
            in_revision = True
        orig = getattr(error, "orig", None)
        sqlstate = None
        message = str(error)
        if orig is not None:
            sqlstate = getattr(orig, "pgcode", None) or getattr(orig, "sqlstate", None)
            diag = getattr(orig, "diag", None)
            primary = getattr(diag, "message_primary", None) if diag is not None else None
            message = primary or str(orig).strip().split("\n")[0]
        database_error = orig is not None or type(error).__module__.split(".")[0] in ("psycopg2", "psycopg", "asyncpg", "sqlalchemy")
        return {
            "ok": False,
            "message": message,
            "sqlstate": sqlstate,
            "type": type(error).__name__,
            "line": line,
            "irreversible": bool(request and not request.get("up") and in_revision and not database_error),
            "traceback": "".join(traceback.format_exception(type(error), error, error.__traceback__))[-4000:],
        }

    def read_request():
        line = sys.stdin.readline()
        if not line:
            return {"op": "quit"}
        return json.loads(line)

    def steps(heads, ctx):
        state["ctx"] = ctx
        state["started"] = True
        if not state["checked"]:
            # The env.py must have connected to strata's scratch database, not its own.
            current = run_sql(ctx, None, "SELECT current_database()")[0][0]
            if current != database:
                raise RuntimeError("STRATA_WRONG_DATABASE " + current)
            state["checked"] = True
        while True:
            request = state["pending"] or read_request()
            state["pending"] = None
            if request["op"] != "step":
                state["quit"] = True
                return
            state["record"] = bool(request.get("record", True))
            state["current"] = request
            step = make_step(request)
            # SQLAlchemy notes the enum types a DDL run created in its runner's memo (Alembic's
            # impl): a long-lived context must forget them between steps, or a type dropped by a
            # downgrade is not created again by the next upgrade.
            ctx.impl.memo = {}
            yield step
            # Resumed: the step's transaction is over. A revision that committed by itself leaves
            # the version row in a transaction of its own: commit it.
            if ctx.connection.in_transaction():
                ctx.connection.commit()
            state["current"] = None
            reply({"ok": True, "rows": step.rows})

    state["quit"] = False
    while not state["quit"]:
        request = read_request()
        if request["op"] != "step":
            break
        state["pending"] = request
        state["current"] = request
        state["record"] = bool(request.get("record", True))
        state["started"] = False
        try:
            with EnvironmentContext(config, script, fn=steps):
                script.run_env()
        except BaseException as error:  # noqa: BLE001
            if isinstance(error, KeyboardInterrupt):
                raise
            current = state.get("current") or state["pending"]
            state["pending"] = None
            text = str(error)
            if text.startswith("STRATA_WRONG_DATABASE "):
                reply({"ok": False, "fatal": True, "message": "env.py connected to database %s, not to strata's scratch database %s: "
                       "it must take its URL from sqlalchemy.url, from -x url=… or from an environment variable strata sets "
                       "(see the README, \"Alembic histories\")" % (text.split(" ", 1)[1], database)})
                return
            if current is None or not state["started"]:
                reply({"ok": False, "fatal": True, "message": "env.py failed before it ran any migration: %s" % text,
                       "traceback": "".join(traceback.format_exception(type(error), error, error.__traceback__))[-4000:]})
                return
            reply(failure(error, current))
            continue
        if state["pending"] is not None:
            # env.py ran without running migrations (it never called context.run_migrations()).
            reply({"ok": False, "fatal": True, "message": "env.py did not call context.run_migrations()"})
            return


if __name__ == "__main__":
    if os.environ.get("STRATA_ALEMBIC_PROFILE"):
        # A profile of the helper's own time (developers): pstats file per process.
        import cProfile

        cProfile.run("main()", "%s.%d" % (os.environ["STRATA_ALEMBIC_PROFILE"], os.getpid()))
    else:
        main()
