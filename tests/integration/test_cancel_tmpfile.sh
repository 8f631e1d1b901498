#!/usr/bin/env bash
# The feed document goes through a temporary file, written as it is built and uploaded from there
# (issue 17: cancel in bounded memory). It has no name in TMPDIR from the moment it exists (only
# the process's descriptor reaches it), so nothing is left behind after a run that succeeds, one
# whose upload fails, one interrupted with Ctrl-C during the upload, or one killed with kill -9
# during the upload; and the rows of a large JSON output stay one valid array.
source "$(dirname "$0")/lib.sh"

sim_start --orders 1500 --seed 61 --time-scale 1000 --feed-processing-seconds 2000
export TMPDIR="$WORK/tmp"
mkdir -p "$TMPDIR"
sim_get "/_sim/orders?fulfillmentStatus=UNSHIPPED&fulfilledBy=MERCHANT" | json "'\n'.join(d['order_ids'])" >"$WORK/pool"
check "the sim has enough unshipped orders" [ "$(wc -l <"$WORK/pool")" -ge 150 ]
next=1
take() { sed -n "${next},$((next + $1 - 1))p" "$WORK/pool" >"$WORK/group"; next=$((next + $1)); }
left() { find "$TMPDIR" -mindepth 1 | wc -l; }
cancel_group() { asc order cancel --from "$WORK/group" --reason NoInventory --yes -o json "$@"; }
all_canceled() {
  python3 -c "
import json; rows = json.load(open('$WORK/out'))
want = set(open('$WORK/group').read().split())
assert {r['order_id'] for r in rows if r['outcome'] == 'canceled'} == want, rows[:3]"
}
# the_feed_file PID: the process's open descriptor on the feed file ("... (deleted)"), if any.
the_feed_file() { ls -l "/proc/$1/fd" 2>/dev/null | grep -F "$TMPDIR/asc-feed-" || true; }

take 120
expect_exit 0 "120 orders are canceled through a feed uploaded from a temporary file" cancel_group --max-per-feed 50
check "every order is canceled, in one valid JSON array" all_canceled
check "three feeds went out" [ "$(sim_requests createFeed)" -eq 3 ]
check "nothing is left in TMPDIR after success" [ "$(left)" -eq 0 ]

take 2
sim_post /_sim/config '{"faults": ["500:uploadFeedDocument:1"]}' >/dev/null
expect_exit 75 "an upload that keeps failing exits 75" cancel_group
sim_post /_sim/config '{"faults": []}' >/dev/null
check "the rows say not sent" python3 -c "
import json; rows = json.load(open('$WORK/out')); assert all(r['outcome'] == 'failed' and 'not sent' in r['message'] for r in rows), rows"
check "nothing is left in TMPDIR after a failed upload" [ "$(left)" -eq 0 ]
expect_exit 0 "the rerun sends them" cancel_group
check "and cancels them" all_canceled

# Ctrl-C and kill -9 during a slow upload: while it runs the file has no name (an open descriptor
# on a deleted file), and afterwards there is nothing at all.
for signal in INT KILL; do
  take 3
  sim_post /_sim/config '{"faults": ["slow:uploadFeedDocument:1"], "slow_seconds": 3}' >/dev/null
  "$ASC_BIN" order cancel --from "$WORK/group" --reason NoInventory --yes >"$WORK/bg.out" 2>"$WORK/bg.err" &
  pid=$!
  open=
  for _ in $(seq 400); do
    open=$(the_feed_file "$pid")
    [ -n "$open" ] && break
    sleep 0.025
  done
  sleep 0.3 # into the upload (the sim holds it 3 s)
  check "the slow upload is in progress ($signal)" [ -n "$(the_feed_file "$pid")" ]
  check "during the upload ($signal) the feed file is open" [ -n "$open" ]
  check "during the upload ($signal) the feed file has no name" grep -q "(deleted)" <<<"$open"
  check "during the upload ($signal) TMPDIR is empty" [ "$(left)" -eq 0 ]
  kill -"$signal" "$pid"
  got=0; wait "$pid" || got=$?
  sim_post /_sim/config '{"faults": []}' >/dev/null
  want=$([ "$signal" = INT ] && echo 130 || echo 137)
  check "the run stopped by $signal exits $want (got $got)" [ "$got" -eq "$want" ]
  check "nothing is left in TMPDIR after $signal" [ "$(left)" -eq 0 ]
  expect_exit 0 "the same command again after $signal cancels the orders" cancel_group
  check "every order is canceled after $signal" all_canceled
done

finish
