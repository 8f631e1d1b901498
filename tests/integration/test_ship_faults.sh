#!/usr/bin/env bash
# A fault campaign on the operations `order ship` uses: for each fault (429, 500, 503, dropped
# connections, garbled answers, slow answers the client gives up on) on confirmShipment, the feed
# calls and the Magento shipment, a batch is run again until it succeeds; every package ends on its
# order exactly once, and every linked Magento order has exactly one shipment per package.
source "$(dirname "$0")/lib.sh"

sim_start --orders 4000 --seed 45 --time-scale 1000 --feed-processing-seconds 2000
export ASC_TEST_IN_FLIGHT_FLOOR_MS=500 ASC_COMMERCE_URL="$SIM_URL" ASC_COMMERCE_TOKEN=sim-commerce-token
sim_get "/_sim/orders?fulfillmentStatus=UNSHIPPED&fulfilledBy=MERCHANT" | json "'\n'.join(d['order_ids'])" >"$WORK/pool"
next=1
take() {
  { echo "order_id,carrier,tracking"; sed -n "${next},$((next + $1 - 1))p" "$WORK/pool" | awk -v t="$2" '{print $1 ",UPS," t NR}'; } >"$WORK/group.csv"
  next=$((next + $1))
}
once() {
  python3 - "$WORK/group.csv" "$SIM_URL" <<'PY'
import csv, json, sys, urllib.request, urllib.error
bad = []
for row in csv.DictReader(open(sys.argv[1])):
    o = json.load(urllib.request.urlopen(f"{sys.argv[2]}/_sim/orders/{row['order_id']}"))["order"]
    n = sum(1 for p in o.get("packages", []) if p["trackingNumber"] == row["tracking"])
    if n != 1:
        bad.append((row["order_id"], "amazon", n))
    try:
        m = json.load(urllib.request.urlopen(f"{sys.argv[2]}/_sim/commerce/orders/{row['order_id']}"))
    except urllib.error.HTTPError:
        continue  # no linked Magento order
    k = sum(1 for s in m.get("shipments", []) for t in s["tracks"] if t["track_number"] == row["tracking"])
    if k > 1 or (k == 0 and m["state"] not in ("holded", "canceled", "closed", "complete")):
        bad.append((row["order_id"], "magento", k, m["state"]))
assert not bad, bad[:3]
PY
}
i=0
for spec in 429:confirmShipment 500:confirmShipment drop:confirmShipment garbage:confirmShipment \
            slow:confirmShipment 500:createFeed slow:createFeed 503:getFeed 500:createFeedDocument \
            500:uploadFeedDocument 500:getFeedDocument 500:commerceShip slow:commerceShip drop:commerceShipments; do
  via=api; case $spec in *Feed*|*Document*) via=feed ;; esac
  take 8 "F$i-"
  sim_post /_sim/config "{\"faults\": [\"$spec:0.5\"], \"slow_seconds\": 2}" >/dev/null
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    [ "$attempt" -eq 6 ] && sim_post /_sim/config '{"faults": []}' >/dev/null
    if asc --timeout 1 order ship --from "$WORK/group.csv" --via "$via" --ignore-cancel-request --yes -o json \
      >"$WORK/out" 2>"$WORK/err"; then break; fi
    contains "$WORK/out" '"outcome":"refused"' && break # a Magento order that cannot ship: the row says so
    sleep 1
  done
  sim_post /_sim/config '{"faults": []}' >/dev/null
  check "under $spec ($via) the batch completes" python3 -c "
import json; rows = json.load(open('$WORK/out'))
assert all(r['outcome'] in ('confirmed', 'already_shipped') for r in rows), [r for r in rows if r['outcome'] not in ('confirmed', 'already_shipped')][:2]"
  check "under $spec nothing is confirmed twice (Amazon and Magento)" once
  i=$((i + 1))
done
check "nothing is left in flight" [ -z "$(asc shipments list --state planned,sending,submitted -o ids)" ]
finish
