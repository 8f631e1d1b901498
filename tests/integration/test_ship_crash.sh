#!/usr/bin/env bash
# `asc order ship` killed at every step (kill -9 style, through the ASC_TEST_CRASH_AT test hook) and
# run again: every package ends confirmed, and each is on its order exactly once. Through
# confirmShipment (a batch of 5) and through one feed (a batch of 30), plus a lost confirmShipment
# answer (a slow request the client gave up on) and faults on the new operations.
source "$(dirname "$0")/lib.sh"

sim_start --orders 3000 --seed 43 --time-scale 1000 --feed-processing-seconds 2000 --search-lag-seconds 3
# searchOrders shows changes up to two minutes before a request (Amazon's rule), and recovery through a
# sync waits that out in real time: 3 s here, in the sim and in asc alike.
export ASC_TEST_SEARCH_LAG_SECONDS=3
export ASC_TEST_IN_FLIGHT_FLOOR_MS=500
sim_get "/_sim/orders?fulfillmentStatus=UNSHIPPED&fulfilledBy=MERCHANT" | json "'\n'.join(d['order_ids'])" >"$WORK/pool"
check "the sim has enough unshipped orders" [ "$(wc -l <"$WORK/pool")" -ge 300 ]
next=1
# take N TAG: a CSV of the next N unused orders, one package each (every unshipped unit).
take() {
  { echo "order_id,carrier,tracking"; sed -n "${next},$((next + $1 - 1))p" "$WORK/pool" | awk -v t="$2" '{print $1 ",UPS," t NR}'; } >"$WORK/group.csv"
  next=$((next + $1))
}
# once: every package of the group is on its order exactly once (by tracking number).
once() {
  python3 - "$WORK/group.csv" "$SIM_URL" <<'PY'
import csv, json, sys, urllib.request
bad = []
for row in csv.DictReader(open(sys.argv[1])):
    with urllib.request.urlopen(f"{sys.argv[2]}/_sim/orders/{row['order_id']}") as r:
        o = json.load(r)["order"]
    n = sum(1 for p in o.get("packages", []) if p["trackingNumber"] == row["tracking"])
    if n != 1 or o["fulfillment"]["fulfillmentStatus"] != "SHIPPED":
        bad.append((row["order_id"], n, o["fulfillment"]["fulfillmentStatus"]))
assert not bad, bad[:3]
PY
}
all_confirmed() {
  python3 -c "
import json; rows = json.load(open('$WORK/out'))
assert rows and all(r['outcome'] in ('confirmed', 'already_shipped') for r in rows), [r for r in rows if r['outcome'] not in ('confirmed', 'already_shipped')][:3]"
}
ship() { asc --timeout 3 order ship --from "$WORK/group.csv" --ignore-cancel-request --yes -o json "$@"; }

i=0
for at in after-plan before-send after-send after-confirm; do
  take 5 "API$i-"
  expect_exit 137 "killed at $at (api)" env ASC_TEST_CRASH_AT="$at" "$ASC_BIN" --timeout 3 order ship --from "$WORK/group.csv" --ignore-cancel-request --via api --yes
  expect_exit 0 "the same command again completes the batch killed at $at" ship --via api
  check "after a kill at $at every package is confirmed" all_confirmed
  check "after a kill at $at every package is on its order exactly once" once
  i=$((i + 1))
done
for at in after-plan after-document after-upload before-create-feed after-create-feed after-submit waiting after-report-page; do
  # A kill around createFeed leaves the feed's rows `sending`: 30 of them (more than 20) are settled
  # through one incremental sync, which waits out searchOrders' lag; the 5 of the API batches above
  # with a getOrder each.
  n=30
  take "$n" "FEED$i-"
  expect_exit 137 "killed at $at (feed)" env ASC_TEST_CRASH_AT="$at" "$ASC_BIN" --timeout 3 order ship --from "$WORK/group.csv" --ignore-cancel-request --via feed --yes
  # -v: the rerun's progress notes on stderr, to see which way recovery went.
  expect_exit 0 "the same command again completes the feed batch killed at $at" ship --via feed -v
  case $at in before-create-feed | after-create-feed)
    check "the rerun after a kill at $at settled the feed's packages through one sync" \
      contains "$WORK/err" "checking their orders through one incremental sync" ;;
  esac
  if [ "$at" = after-submit ]; then
    # Recovery read the feed's report: its packages are told as the earlier run's, settled.
    check "the rerun after a kill at $at says it settled them" \
      contains "$WORK/err" "settled $n packages of an interrupted run: $n confirmed"
  fi
  check "after a kill at $at (feed) every package is confirmed" all_confirmed
  check "after a kill at $at (feed) every package is on its order exactly once" once
  i=$((i + 1))
done
check "nothing is left in flight" [ -z "$(asc shipments list --state planned,sending,submitted -o ids)" ]

# A lost answer: confirmShipment is slower than the client waits. The package reached Amazon; the
# run says it does not know, and the rerun proves it from the order instead of sending again.
take 1 "SLOW"
sim_post /_sim/config '{"faults": ["slow:confirmShipment:1"], "slow_seconds": 3}' >/dev/null
before=$(sim_requests confirmShipment)
expect_exit 75 "a lost confirmShipment answer is a temporary failure" asc --timeout 1 order ship --from "$WORK/group.csv" --ignore-cancel-request --yes -o json
sim_post /_sim/config '{"faults": []}' >/dev/null
sleep 3
expect_exit 0 "the rerun settles it from the order's packages" ship
check "without sending it again" [ "$(sim_requests confirmShipment)" = "$((before + 1))" ]
check "the lost package is on its order once" once

# Faults on the new operations: 5xx and 429 on confirmShipment, createFeed, getFeed; reruns until
# done; nothing confirmed twice.
take 20 "FAULT"
sim_post /_sim/config '{"faults": ["500:confirmShipment:0.3", "429:confirmShipment:0.3", "503:getFeed:0.3", "500:createFeedDocument:0.3"]}' >/dev/null
for attempt in 1 2 3 4 5 6 7 8; do
  if ship --via api >"$WORK/out" 2>"$WORK/err"; then break; fi
  sleep 2
done
sim_post /_sim/config '{"faults": []}' >/dev/null
ship --via api >"$WORK/out" 2>"$WORK/err" || true
check "under faults every package ends confirmed" all_confirmed
check "under faults every package is on its order exactly once" once
finish
