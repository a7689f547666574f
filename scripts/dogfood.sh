#!/usr/bin/env bash
# strata checks its own example history with the built binary.
set -euo pipefail
strata=${1:-.build/debug/strata}
cd "$(dirname "$0")/.."
echo "== strata lint (example history)"
"$strata" lint --strict
