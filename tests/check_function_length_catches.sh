#!/usr/bin/env bash
# The function-length check must fail on a long function: a tree with a 130-line function (braces
# in strings, comments and a raw string must not confuse it) makes check_function_length.py exit 1
# naming it; the same function at 120 lines passes.
set -euo pipefail
src=${1:?usage: check_function_length_catches.sh SOURCE_DIR}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/src/cli"
body() { # body N: a function of N lines, brace to brace
  printf 'namespace x {\nstruct S {\n    int f() const { return 1; }\n};\nint long_one(int a) {\n'
  printf '    const char* s = "}}}"; // }\n    const char* r = R"(}})";\n    /* { */\n'
  for ((i = 5; i < $1; i++)); do printf '    a += %d;\n' "$i"; done
  printf '}\n} // namespace x\n'
}
body 130 > "$tmp/src/cli/bad.cpp"
if out=$(python3 "$src/tests/check_function_length.py" "$tmp" 2>&1); then
  echo "FAIL: check_function_length.py passed a 130-line function:"; echo "$out"; exit 1
fi
grep -q 'src/cli/bad.cpp:5: x::long_one is 130 lines\|src/cli/bad.cpp:5: long_one is 130 lines' <<<"$out" || { echo "FAIL: $out"; exit 1; }
rm "$tmp/src/cli/bad.cpp"
body 120 > "$tmp/src/cli/ok.cpp"
python3 "$src/tests/check_function_length.py" "$tmp" >/dev/null || { echo "FAIL: a 120-line function was refused"; exit 1; }
echo "check_function_length.py catches a function over 120 lines"
