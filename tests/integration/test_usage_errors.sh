#!/usr/bin/env bash
# Every command-line mistake takes one path: "asc: error: WHAT", a "hint:" line, exit 2; values get
# a did-you-mean. One check per message that used to be CLI11's raw text (issue 12). Also: bare
# `asc` is the short help with exit 0, and subcommand help shows the global flags, wrapped.
source "$(dirname "$0")/lib.sh"

# usage_error DESCRIPTION TEXT ARGS...: exit 2, the prefix, a hint, TEXT in the message.
usage_error() {
  local d=$1 text=$2; shift 2
  expect_exit 2 "$d" asc "$@"
  check "$d: 'asc: error:' first" bash -c "head -1 '$WORK/err' | grep -q '^asc: error: '"
  check "$d: a hint" grep -q '^  hint: ' "$WORK/err"
  check "$d: says '$text'" contains "$WORK/err" "$text"
  check "$d: no CLI11 raw text" bash -c "! grep -qE 'is required$|Could not convert|not in \\{|excludes|not expected|Run with --help' '$WORK/err'"
}

usage_error "order show without an id" "'asc orders show' needs ID" order show
usage_error "-o yaml lists the formats" "table, wide, json, jsonl, csv, tsv, ids" orders list -o yaml
usage_error "-o jsn suggests json" "did you mean 'json'?" orders list -o jsn
usage_error "--limit abc" "--limit expects a whole number, not 'abc'" orders list --limit abc
usage_error "--limit 10 --all" "--limit and --all cannot be used together" orders list --limit 10 --all
usage_error "a stray argument" "unexpected argument 'extra' for 'asc orders list'" orders list extra
usage_error "--tab item suggests items" "did you mean 'items'?" order show 112-1234567-1234567 --tab item
usage_error "--jq '.['" "jq" orders list --jq '.['
usage_error "--wait 2x is not a duration" "invalid duration '2x'" orders sync --wait 2x
usage_error "an unknown command" "did you mean 'list'?" orders lst
usage_error "an unknown flag" "did you mean '--status'?" orders list --statuss x
usage_error "--color sometimes" "the choices: auto, always, never" --color sometimes orders list
usage_error "a missing flag value" "--limit needs a value" orders list --limit

# --wait takes a duration now (90s, 5m, plain seconds); 2s is valid, so no parse error. Without a
# sim and credentials it fails on configuration (78), not on usage.
expect_exit 78 "orders sync --wait 2s parses (then needs credentials)" asc orders sync --wait 2s
check "--wait 2s: not a usage error" bash -c "! grep -q 'expects\\|invalid duration' '$WORK/err'"
expect_exit 78 "orders sync --wait 30 (plain seconds) parses" asc orders sync --wait 30

# Bare asc: the short help on stdout, exit 0.
expect_exit 0 "bare asc exits 0" asc
check "bare asc lists the commands" bash -c "grep -q '^  orders ' '$WORK/out' && grep -q '^  config ' '$WORK/out'"
check "bare asc: nothing on stderr" [ ! -s "$WORK/err" ]

# Subcommand help: the global flags under their own heading, wrapped to the width.
COLUMNS=60 asc orders list --help >"$WORK/help"
check "orders list --help has a Global flags heading" grep -q '^Global flags' "$WORK/help"
check "orders list --help lists -o under it" bash -c "sed -n '/^Global flags/,\$p' '$WORK/help' | grep -q -- '-o,--output'"
check "help lines fit COLUMNS=60" python3 -c "import sys; assert all(len(l.rstrip('\n')) <= 60 for l in open(sys.argv[1]) if not l.startswith('  asc ')), [l for l in open(sys.argv[1]) if len(l.rstrip()) > 60]" "$WORK/help"

# Time filters: today, yesterday; aliases keep the old spellings.
expect_exit 78 "--created-after yesterday parses" asc orders list --created-after yesterday
check "yesterday is not a usage error" bash -c "! grep -q 'invalid time' '$WORK/err'"
expect_exit 2 "--created-after someday is a usage error naming today and yesterday" asc orders list --created-after someday
check "the hint names today and yesterday" bash -c "grep -q 'today, yesterday' '$WORK/err'"
finish
