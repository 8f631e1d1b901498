#!/usr/bin/env bash
# The wall check must fail on a crossed wall: a copy of the table and README, a store file that
# includes the cancel part and the CLI including sqlite3.h, must make check_layout.py exit 1 and
# name both files.
set -euo pipefail
src=${1:?usage: check_layout_catches.sh SOURCE_DIR}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/cmake" "$tmp/src/core/store" "$tmp/src/cli"
cp "$src/cmake/parts.table" "$tmp/cmake/"
cp "$src/README.md" "$tmp/"
printf '#include "asc/cancel/guard.hpp"\n' > "$tmp/src/core/store/bad.cpp"
printf '#include <sqlite3.h>\n' > "$tmp/src/cli/bad.cpp"
if out=$(python3 "$src/tests/check_layout.py" "$tmp" 2>&1); then
  echo "FAIL: check_layout.py passed a tree with crossed walls:"; echo "$out"; exit 1
fi
grep -q 'src/core/store/bad.cpp:1: the store part includes asc/cancel/guard.hpp' <<<"$out" || { echo "FAIL: $out"; exit 1; }
grep -q 'src/cli/bad.cpp:1: the cli part includes sqlite3.h, which belongs to store' <<<"$out" || { echo "FAIL: $out"; exit 1; }
# A README whose table disagrees with cmake/parts.table is caught too.
rm "$tmp/src/core/store/bad.cpp" "$tmp/src/cli/bad.cpp"
sed -i 's/^| `store` | base model |/| `store` | cancel base model |/' "$tmp/README.md"
if out=$(python3 "$src/tests/check_layout.py" "$tmp" 2>&1); then
  echo "FAIL: a README table that disagrees passed"; exit 1
fi
grep -q "README.md: the store row says" <<<"$out" || { echo "FAIL: $out"; exit 1; }
echo "check_layout.py catches crossed walls and a stale README table"
