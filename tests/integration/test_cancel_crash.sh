#!/usr/bin/env bash
# A batch killed at every step (kill -9 style, through the documented ASC_TEST_CRASH_AT test hook,
# and with a real kill -9 while waiting and while createFeed is in flight) is completed by running
# the command again or `asc cancellations resume`, and every order is canceled exactly once.
source "$(dirname "$0")/lib.sh"

# Feeds take 3 s to process (time scale 1000); rate limits on.
sim_start --orders 3000 --seed 41 --time-scale 1000 --feed-processing-seconds 3000 --search-lag-seconds 3
# searchOrders shows changes up to two minutes before a request (Amazon's rule), and recovery through a
# sync waits that out in real time: 3 s here, in the sim and in asc alike.
export ASC_TEST_SEARCH_LAG_SECONDS=3
# Recovery waits out a lost createFeed for its recorded timeout plus a floor (60 s in production).
export ASC_TEST_IN_FLIGHT_FLOOR_MS=1000
sim_get "/_sim/orders?fulfillmentStatus=UNSHIPPED&fulfilledBy=MERCHANT" | json "'\n'.join(d['order_ids'])" >"$WORK/pool"
check "the sim has enough unshipped orders" [ "$(wc -l <"$WORK/pool")" -ge 200 ]
next=1
# take N: the next N unused unshipped ids into $WORK/group.
take() { sed -n "${next},$((next + $1 - 1))p" "$WORK/pool" >"$WORK/group"; next=$((next + $1)); }
# counts: the sim's cancellation counters of the group, as "count:orders".
counts() { sim_cancellation_counts "$WORK/group"; }
all_canceled() {
  python3 -c "
import json, sys; rows = json.load(open('$WORK/out'))
want = set(open('$WORK/group').read().split())
got = {r['order_id'] for r in rows if r['outcome'] in ('canceled', 'already_canceled')}
assert want <= got, sorted(want - got)[:3]"
}
cancel_group() { asc --timeout 3 order cancel --from "$WORK/group" --reason NoInventory --yes -o json "$@"; }

# Crash at each step; rerun alternately with the same command and with resume. Groups of 25 go
# through the store (sync), groups of 5 through getOrder.
i=0
for at in after-plan after-document after-upload before-create-feed after-create-feed after-submit waiting; do
  size=$([ $((i % 2)) -eq 0 ] && echo 25 || echo 5)
  take "$size"
  expect_exit 137 "killed at $at ($size orders)" env ASC_TEST_CRASH_AT="$at" "$ASC_BIN" --timeout 3 order cancel \
    --from "$WORK/group" --reason NoInventory --yes
  if [ $((i % 2)) -eq 0 ]; then
    expect_exit 0 "the same command again completes the batch killed at $at" cancel_group
  else
    expect_exit 0 "resume completes the batch killed at $at" asc --timeout 3 cancellations resume -o json
  fi
  check "after a kill at $at every order ends canceled" all_canceled
  check "after a kill at $at every order was canceled exactly once on the sim" [ "$(counts)" = "1:$size" ]
  i=$((i + 1))
done
check "nothing is left in flight" [ -z "$(asc cancellations list --state planned,submitting,submitted -o ids)" ]

# A real kill -9 while waiting for Amazon's result.
take 30
asc order cancel --from "$WORK/group" --reason NoInventory --yes >"$WORK/bg.out" 2>"$WORK/bg.err" &
pid=$!
for _ in $(seq 200); do
  [ "$(asc cancellations list --state submitted -o ids | grep -cFf "$WORK/group" || true)" -eq 30 ] && break
  sleep 0.05
done
kill -9 "$pid"; wait "$pid" 2>/dev/null || true
check "the batch was killed while its feed was submitted" [ "$(asc cancellations list --state submitted -o ids | grep -cFf "$WORK/group" || true)" -eq 30 ]
expect_exit 0 "the same command again collects the result" cancel_group
check "after kill -9 while waiting every order ends canceled" all_canceled
check "and was canceled exactly once on the sim" [ "$(counts)" = "1:30" ]

# A real kill -9 while createFeed is in flight (a slow createFeed); the rerun finds the feed.
take 5
sim_post /_sim/config '{"faults": ["slow:createFeed:1"], "slow_seconds": 2}' >/dev/null
feeds_before=$(sim_requests createFeed)
asc --timeout 10 order cancel --from "$WORK/group" --reason NoInventory --yes >"$WORK/bg.out" 2>"$WORK/bg.err" &
pid=$!
for _ in $(seq 200); do
  [ "$(sim_requests createFeed)" -gt "$feeds_before" ] && break
  sleep 0.05
done
sleep 0.3
kill -9 "$pid"; wait "$pid" 2>/dev/null || true
sim_post /_sim/config '{"faults": []}' >/dev/null
check "the batch was killed with its feed submitting" [ "$(asc cancellations list --state submitting -o ids | grep -cFf "$WORK/group" || true)" -eq 5 ]
expect_exit 0 "the same command again finds the feed and completes the batch" cancel_group
check "createFeed was not sent again" [ "$(sim_requests createFeed)" -eq $((feeds_before + 1)) ]
check "after kill -9 during createFeed every order ends canceled" all_canceled
check "and was canceled exactly once on the sim" [ "$(counts)" = "1:5" ]

# A createFeed whose connection drops (the sim does not create the feed): exit 75, not resent
# in that run (only once the lost request can no longer arrive does asc know Amazon did not act);
# the next run sends it once.
take 5
sim_post /_sim/config '{"faults": ["drop:createFeed:1"]}' >/dev/null
feeds_before=$(sim_requests createFeed)
expect_exit 75 "a dropped createFeed exits 75" cancel_group
check "the rows say it was not sent" python3 -c "
import json; rows = json.load(open('$WORK/out')); assert all(r['outcome'] == 'failed' for r in rows), rows"
sim_post /_sim/config '{"faults": []}' >/dev/null
expect_exit 0 "the rerun sends it" cancel_group
check "every order ends canceled" all_canceled
check "and was canceled exactly once" [ "$(counts)" = "1:5" ]

finish
