#!/usr/bin/env bash
# The demo: strata's main job on the embedded default server.
# The example history's original form (46 revisions, restored from the archive strata wrote
# when it squashed this repository's migrations) is copied to a temporary directory and
# squashed there with proof; then CI's check (verify squash) and the archive list.
set -euo pipefail
strata=$(realpath "${1:-.build/debug/strata}")
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d -t strata-demo-XXXXXX)
trap 'rm -rf "$work"' EXIT
cp -r "$repo/migrations" "$repo/archive" "$repo/strata.toml" "$work/"
cd "$work"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "restore the original example history from the archive (into $work)"
"$strata" archive restore
"$strata" lint
"$strata" history | tail -n 3

step "strata squash --keep 10   (embedded throwaway PostgreSQL, proof before any write)"
"$strata" squash --keep 10

step "strata lint"
"$strata" lint

step "strata verify squash   (what CI runs: rebuild the original from the archive and compare)"
"$strata" verify squash

step "strata archive list"
"$strata" archive list
echo
echo "the archive is plain tar.gz:"
# (the whole listing first: `| head` would end tar with SIGPIPE, a failure under pipefail)
listing=$(tar -tzf archive/*.tar.gz)
sed -n '1,4p' <<<"$listing"
echo "... ($(wc -l <<<"$listing") entries)"
