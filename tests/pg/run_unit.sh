#!/usr/bin/env bash
# ctest unit.store.pg: the store's backend cases (doctest suite "store backends") against a
# throwaway PostgreSQL server started by tests/pg/start.sh. Fails, with the reason, when the server
# cannot start.
#   tests/pg/run_unit.sh UNIT_TEST_BINARY
set -euo pipefail
bin=${1:?usage: run_unit.sh UNIT_TEST_BINARY}
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d /tmp/asc-pg-unit.XXXXXX)
chmod 755 "$dir"
trap '"$here/start.sh" --stop "$dir/server"; rm -rf "$dir"' EXIT
uri=$("$here/start.sh" "$dir/server") || { echo "unit.store.pg: could not start PostgreSQL (see above)" >&2; exit 1; }
ASC_TEST_PG_URI=$uri "$bin" --test-suite="store backends"
