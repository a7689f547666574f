#!/usr/bin/env bash
# The installed binary works anywhere: `make install` into a temporary prefix, .build moved out of
# the way (nothing may be read from the build tree: no resource bundle, no toolchain), then the
# installed strata runs on a copy of the repository's example project (strata.toml, migrations/,
# archive/) from another directory: lint, squash --dry-run, verify squash, verify stairway.
#   scripts/installed-smoke.sh
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
prefix=$(mktemp -d -t strata-prefix-XXXXXX)
work=$(mktemp -d -t strata-installed-XXXXXX)
moved="$repo/.build.installed-smoke"
# A run killed while .build was moved away left it here: put it back before anything else.
if [ -d "$moved" ]; then
  if [ -d "$repo/.build" ]; then
    echo "installed-smoke: both .build and $moved exist (a killed run?); remove one and run again" >&2
    exit 3
  fi
  mv -T "$moved" "$repo/.build"
fi
restore() {
  if [ -d "$moved" ]; then
    rm -rf "$repo/.build"
    mv -T "$moved" "$repo/.build"
  fi
  rm -rf "$prefix" "$work"
}
trap restore EXIT

echo "== make install PREFIX=$prefix"
make -C "$repo" --no-print-directory install PREFIX="$prefix"
strata="$prefix/bin/strata"

# Linked in: no Swift runtime or Foundation library may come from the toolchain.
if ldd "$strata" | grep -E 'libswift|libFoundation|libdispatch|/opt/swift' >&2; then
  echo "installed-smoke: $strata links the libraries above from the Swift toolchain" >&2
  exit 1
fi

echo "== move .build out of the way"
[ -d "$repo/.build" ] && mv -T "$repo/.build" "$moved"

cp -r "$repo/strata.toml" "$repo/migrations" "$repo/archive" "$work/"
cd "$work"
# No toolchain on PATH.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
run() {
  echo "== strata $*"
  "$strata" "$@"
}
run --version
run lint --strict
run squash --keep 5 --dry-run
run verify squash
run verify stairway
echo "== the installed strata passed lint, squash --dry-run, verify squash and verify stairway"
