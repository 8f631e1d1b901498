#!/usr/bin/env bash
# Help: the topics, every command's --help ending with examples, the nearest command for a typo,
# and --version.
source "$(dirname "$0")/lib.sh"

for topic in environment exit-codes formats config examples; do
  expect_exit 0 "asc help $topic" asc help "$topic"
  check "asc help $topic prints the topic" [ "$(wc -l <"$WORK/out")" -gt 5 ]
done
expect_exit 0 "asc help exit-codes" asc help exit-codes
check "the exit codes topic has 75" grep -q "^  75 .*Temporary failure" "$WORK/out"
expect_exit 0 "asc help environment" asc help environment
for var in ASC_PROFILE ASC_CONFIG ASC_STORE NO_COLOR CLICOLOR_FORCE COLUMNS XDG_CONFIG_HOME; do
  check "asc help environment names $var" grep -q "$var" "$WORK/out"
done
expect_exit 0 "asc help orders list is its --help" asc help orders list
check "... with its usage" grep -q "^Usage: asc orders list" "$WORK/out"
expect_exit 2 "asc help with an unknown topic" asc help exit-cods
check "... suggests the nearest topic" grep -q "did you mean 'exit-codes'?" "$WORK/err"

# Every command's --help ends with examples: walk the commands `asc --help` lists.
commands() { # commands PATH...: the subcommand names in PATH's --help
  # A name starts at column 3; a description wrapped under itself starts further right.
  asc "$@" --help | awk '/^Subcommands:/ {on=1; next} /^$/ {on=0} on && /^  [^ ]/ {sub(/,.*/, "", $1); print $1}'
}
walk() {
  local subs sub
  subs=$(commands "$@")
  asc "$@" --help >"$WORK/help.txt"
  if awk '/^Examples:/ {on=1; next} on && NF && !/^  / && !/^Help topics/ && !/^Every command/ {bad=1} on && /^Help topics/ {exit} END {exit !on || bad}' "$WORK/help.txt"; then
    pass "asc ${*:-} --help ends with examples"
  else
    fail "asc ${*:-} --help does not end with examples"
  fi
  for sub in $subs; do walk "$@" "$sub"; done
}
walk

expect_exit 2 "a mistyped subcommand" asc order shwo
check "... suggests the nearest one" grep -qF "unknown command 'shwo'; did you mean 'show'?" "$WORK/err"
expect_exit 2 "a mistyped command" asc ordrs list
check "... suggests orders" grep -qF "did you mean 'orders'?" "$WORK/err"
expect_exit 2 "a mistyped flag" asc orders list --stauts unshipped
check "... suggests --status" grep -qF "unknown flag '--stauts'; did you mean '--status'?" "$WORK/err"
expect_exit 2 "an unknown command with nothing near" asc frobnicate
check "... lists the commands" grep -q "the commands are: orders, " "$WORK/err"

expect_exit 0 "asc --version" asc --version
check "... prints the version and commit" grep -qE "^asc [0-9]+\.[0-9]+\.[0-9]+ \(commit [0-9a-f]+|unknown\)" "$WORK/out"
check "... prints the libcurl version" grep -qE "^libcurl [0-9]" "$WORK/out"
check "... prints the SQLite version" grep -qE "^SQLite [0-9]" "$WORK/out"

expect_exit 2 "an invalid --jq program" asc --jq '.[' orders list
check "... says what jq says" grep -q "syntax error" "$WORK/err"

# One name per field: --fields help and asc help fields list each command's fields.
expect_exit 0 "--fields help lists the command's fields" asc orders list --fields help
check "--fields help: a field with its meaning, JSON type and short header" \
  grep -qE "^  purchase_date +When the buyer placed the order \(string \(RFC 3339 UTC\); table header PURCHASED\)" "$WORK/out"
check "--fields help: money is an object" grep -qE "^  total +.*\(object \{amount, currency\}\)" "$WORK/out"
check "--fields help: only this command's fields" bash -c "! grep -q 'buyer_requested_cancel' '$WORK/out'"
expect_exit 0 "report late --fields help" asc report late --fields help
check "report late's fields" grep -qE "^  overdue +The ship-by date has passed \(boolean\)" "$WORK/out"
expect_exit 0 "asc help fields" asc help fields
check "asc help fields covers every command with fields" bash -c "for c in 'orders list' 'orders show --tab items' 'report summary' 'cancellations list' 'feeds show'; do grep -q \"asc \$c:\" '$WORK/out' || exit 1; done"

finish
