#!/usr/bin/env bash
# strata checks its own example history with the built binary: lint, the squash proof from the
# archive, and the stairway.
set -euo pipefail
strata=$(realpath "${1:-.build/debug/strata}")
cd "$(dirname "$0")/.."
echo "== strata lint --strict (example history)"
"$strata" lint --strict
echo "== strata archive verify"
"$strata" archive verify
echo "== strata verify squash"
"$strata" verify squash
echo "== strata verify stairway"
"$strata" verify stairway
