#!/usr/bin/env bash
# `order cancel --dry-run` succeeds once the plan is made, whatever the plan says: refused orders
# are rows of the plan and of the summary, which says nothing was sent; a `set -e` script gets
# past its dry run. Only bad input fails it.
source "$(dirname "$0")/lib.sh"

sim_start --orders 400 --seed 81 --rate-limits off
ids_of() { sim_get "/_sim/orders?$1" | json "'\n'.join(d['order_ids'][:$2])"; }
{ ids_of "fulfillmentStatus=UNSHIPPED&fulfilledBy=MERCHANT" 12; ids_of "fulfillmentStatus=SHIPPED&fulfilledBy=MERCHANT" 2; } >"$WORK/ids"
check "14 ids: 12 unshipped, 2 shipped" [ "$(wc -l <"$WORK/ids")" -eq 14 ]

expect_exit 0 "a dry run with 2 refused orders exits 0" asc order cancel --from "$WORK/ids" --reason NoInventory --dry-run -o json
check "the plan has 12 would_cancel and 2 refused rows" python3 -c "
import json, sys, collections
c = collections.Counter(r['outcome'] for r in json.load(open(sys.argv[1])))
assert c == {'would_cancel': 12, 'refused': 2}, c" "$WORK/out"
check "the summary counts both and says nothing was sent" \
  grep -q "^asc: cancel --dry-run: 12 would cancel, 2 refused; nothing was sent$" "$WORK/err"
check "no error line" bash -c "! grep -q '^asc: error' '$WORK/err'"
check "nothing was sent" [ "$(sim_requests createFeed)" -eq 0 ]
one_shipped=$(tail -1 "$WORK/ids")
expect_exit 0 "a dry run of one refused order exits 0 too" asc order cancel "$one_shipped" --reason NoInventory --dry-run
check "...its row says why" contains "$WORK/out" "refused"
expect_exit 0 "set -e gets past the dry run" bash -c "set -e; '$ASC_BIN' order cancel --from '$WORK/ids' --reason NoInventory --dry-run -o ids >/dev/null 2>&1; echo reached"
check "...and reaches the next line" contains "$WORK/out" "reached"
expect_exit 2 "bad input still fails a dry run" asc order cancel not-an-id --reason NoInventory --dry-run
expect_exit 2 "an unknown reason fails a dry run" asc order cancel "$one_shipped" --reason Whatever --dry-run
finish
