#!/usr/bin/env bash
# Installs what a clean Debian machine lacks to build and test strata: libpq and zlib headers,
# pkg-config, and the PostgreSQL server binaries (the embedded scratch server needs them).
# Installs only what is missing, and only with apt-get as root.
set -euo pipefail

missing=()
pkg-config --exists libpq 2>/dev/null || missing+=(libpq-dev)
pkg-config --exists zlib 2>/dev/null || missing+=(zlib1g-dev)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
have_server=no
for dir in "$(pg_config --bindir 2>/dev/null || true)" /usr/lib/postgresql/*/bin; do
  if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/postgres" ]; then have_server=yes; fi
done
[ "$have_server" = yes ] || missing+=(postgresql postgresql-contrib)
[ "$have_server" = yes ] && ! ls /usr/share/postgresql/*/extension/pg_trgm.control >/dev/null 2>&1 && missing+=(postgresql-contrib)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "strata needs: ${missing[*]}" >&2
  echo "install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
