#!/usr/bin/env bash
# The demo: strata on its own example history.
set -euo pipefail
strata=$(realpath "${1:-.build/debug/strata}")
cd "$(dirname "$0")/.."
echo "== strata lint"
"$strata" lint
echo
echo "== strata history"
"$strata" history
