#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server for the store's tests, used by the unit tests (ctest
# unit.store.pg) and the integration tests (tests/integration/test_pg_*.sh).
#
#   tests/pg/start.sh DIR     initdb into DIR/data, listen on a Unix socket in DIR only (no TCP),
#                             create the database "asc", print its URI on stdout
#   tests/pg/start.sh --stop DIR
#                             stop the server started in DIR (fast shutdown) and remove DIR
#
# PostgreSQL refuses to run as root, and CI runs as root: then initdb and the server run as the
# unprivileged user `nobody` (runuser), DIR is handed to it, and the client connects over the
# socket (trust authentication, which the socket in a private directory confines to this machine's
# processes that can reach DIR). Debian's `postgresql` package provides the binaries
# (scripts/test installs it). When the server cannot start, this exits non-zero with the reason on
# stderr: the tests that use it fail, they never skip.
set -euo pipefail

pg_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && { echo "$d"; return 0; }
  done
  command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
  return 1
}

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi
}

if [ "${1:-}" = "--stop" ]; then
  dir=${2:?usage: start.sh --stop DIR}
  bin=$(pg_bin) || exit 0
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  exit 0
fi

dir=${1:?usage: start.sh DIR}
bin=$(pg_bin) || {
  echo "tests/pg/start.sh: PostgreSQL is not installed (no initdb): apt-get install postgresql" >&2
  exit 1
}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
if [ "$(id -u)" -eq 0 ]; then
  chown nobody "$dir"
  # nobody must reach DIR through its parents (e.g. a 0700 mktemp directory of root).
  p=$dir
  while p=$(dirname "$p") && [ "$p" != / ]; do
    if ! runuser -u nobody -- test -x "$p"; then
      echo "tests/pg/start.sh: the server's user (nobody) cannot enter $p: use a DIR under /tmp" >&2
      exit 1
    fi
  done
fi
log="$dir/server.log"
# C locale: text sorts by bytes, as in SQLite.
if ! as_owner "$bin/initdb" -D "$dir/data" -U asc --auth=trust --no-locale -E UTF8 >"$dir/initdb.log" 2>&1; then
  echo "tests/pg/start.sh: initdb failed:" >&2
  cat "$dir/initdb.log" >&2
  exit 1
fi
if ! as_owner "$bin/pg_ctl" -D "$dir/data" -l "$log" -w -t 30 \
    -o "-c listen_addresses='' -k $dir -c fsync=off -c max_connections=60" start >/dev/null 2>&1; then
  echo "tests/pg/start.sh: the server did not start:" >&2
  cat "$log" >&2 2>/dev/null || true
  exit 1
fi
if ! "$bin/createdb" -h "$dir" -U asc asc 2>"$dir/createdb.err"; then
  echo "tests/pg/start.sh: createdb failed: $(cat "$dir/createdb.err")" >&2
  exit 1
fi
echo "postgresql:///asc?host=$dir&user=asc"
