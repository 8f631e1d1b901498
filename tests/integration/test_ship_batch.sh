#!/usr/bin/env bash
# A batch of 1,000 orders and 1,200 packages from a CSV: one POST_ORDER_FULFILLMENT_DATA feed (auto),
# every package confirmed and on its order once; the store shows the orders Shipped at once and the
# Tracking tab the packages after the next read; a rerun reports every package already_shipped and
# sends nothing; the feed's per-message errors come back per package.
source "$(dirname "$0")/lib.sh"

sim_start --orders 6000 --seed 52 --time-scale 1000 --feed-processing-seconds 3000
python3 - "$SIM_URL" "$WORK" <<'PY'
import json, sys, urllib.request
url, work = sys.argv[1], sys.argv[2]
ids = json.load(urllib.request.urlopen(f"{url}/_sim/orders?fulfillmentStatus=UNSHIPPED&fulfilledBy=MERCHANT"))["order_ids"]
lines, twice, n = ["order_id,carrier,tracking,method,ship_date,item_id,quantity"], 0, 0
for oid in ids:
    if n == 1000:
        break
    o = json.load(urllib.request.urlopen(f"{url}/_sim/orders/{oid}"))["order"]
    it = o["orderItems"][0]
    n += 1
    if twice < 200 and (len(o["orderItems"]) > 1 or it["quantityOrdered"] > 1):
        # Two packages: one unit of the first item, then the rest.
        lines.append(f"{oid},UPS,B{n}A,UPS Ground,2026-01-02,{it['orderItemId']},1")
        lines.append(f"{oid},Royal Mail,B{n}B,,,,")
        twice += 1
    else:
        lines.append(f"{oid},FedEx,B{n}A,,,,")
open(f"{work}/batch.csv", "w").write("\n".join(lines) + "\n")
print(n, twice)
PY
check "the CSV has 1,200 packages of 1,000 orders" [ "$(($(wc -l <"$WORK/batch.csv") - 1))" -eq 1200 ]
expect_exit 0 "a dry run plans the batch" asc order ship --from "$WORK/batch.csv" --ignore-cancel-request --dry-run -o json
check "every package would ship, through a feed" python3 -c "
import json; rows = json.load(open('$WORK/out'))
assert len(rows) == 1200 and all(r['outcome'] == 'would_ship' and r['via'] == 'feed' for r in rows), rows[:2]"
feeds=$(sim_requests createFeed)
expect_exit 0 "the batch ships" asc order ship --from "$WORK/batch.csv" --ignore-cancel-request --yes -o json
check "every package is confirmed through one feed" python3 -c "
import json; rows = json.load(open('$WORK/out'))
assert len(rows) == 1200 and all(r['outcome'] == 'confirmed' for r in rows), [r for r in rows if r['outcome'] != 'confirmed'][:2]
assert len({r['feed_id'] for r in rows}) == 1"
check "with one createFeed" [ "$(sim_requests createFeed)" = "$((feeds + 1))" ]
check "and no confirmShipment" [ "$(sim_requests confirmShipment)" = 0 ]
check "every package is on its order once and every order is Shipped" python3 - "$WORK/batch.csv" "$SIM_URL" <<'PY'
import collections, csv, json, sys, urllib.request
rows = list(csv.DictReader(open(sys.argv[1])))
by_order = collections.defaultdict(list)
for r in rows:
    by_order[r["order_id"]].append(r["tracking"])
for oid, tracks in by_order.items():
    o = json.load(urllib.request.urlopen(f"{sys.argv[2]}/_sim/orders/{oid}"))["order"]
    got = [p["trackingNumber"] for p in o.get("packages", [])]
    assert all(got.count(t) == 1 for t in tracks), (oid, got, tracks)
    assert o["fulfillment"]["fulfillmentStatus"] == "SHIPPED", (oid, o["fulfillment"])
PY
first=$(sed -n 2p "$WORK/batch.csv" | cut -d, -f1)
check "the store shows a shipped order Shipped at once" [ "$(asc order show "$first" --cached -o json | json "d['details']['status']")" = Shipped ]
expect_exit 0 "the Tracking tab reads the order again" asc order show "$first" --tab tracking -o json
check "and shows its packages" python3 -c "
import json; t = {p['tracking_number'] for p in json.load(open('$WORK/out'))}
assert 'B1A' in t, t"
expect_exit 0 "the same batch again" asc order ship --from "$WORK/batch.csv" --ignore-cancel-request --yes -o json
check "reports every package already_shipped" python3 -c "
import json; rows = json.load(open('$WORK/out'))
assert len(rows) == 1200 and all(r['outcome'] == 'already_shipped' for r in rows)"
check "and sends no feed" [ "$(sim_requests createFeed)" = "$((feeds + 1))" ]

# Per-message errors of the feed: an order canceled on Amazon while the feed waits to be processed.
# (The rerun reads 25 orders through a sync, which sees changes two minutes late: it may send the
# canceled order again, and Amazon refuses it; either way it is not confirmed.)
sim_get "/_sim/orders?fulfillmentStatus=UNSHIPPED&fulfilledBy=MERCHANT" | json "'\n'.join(d['order_ids'][:25])" >"$WORK/more"
{ echo "order_id,carrier,tracking"; awk '{print $1 ",DHL,E" NR}' "$WORK/more"; } >"$WORK/more.csv"
victim=$(sed -n 1p "$WORK/more")
expect_exit 0 "--no-wait returns once the feed is accepted" asc order ship --from "$WORK/more.csv" --ignore-cancel-request --no-wait --yes -o json
sim_post "/_sim/orders/$victim/status?to=CANCELLED&by=BUYER" >/dev/null
check "the rows are pending in the feed" python3 -c "
import json; rows = json.load(open('$WORK/out')); assert all(r['outcome'] == 'pending' and r['feed_id'] for r in rows), rows[:2]"
expect_exit 6 "the rerun reads the report: one package failed" asc order ship --from "$WORK/more.csv" --ignore-cancel-request --yes -o json
check "the canceled order's package failed with Amazon's code, the others confirmed" python3 -c "
import json; rows = json.load(open('$WORK/out')); assert len(rows) == 25, len(rows)
bad = [r for r in rows if r['outcome'] != 'already_shipped']
assert len(bad) == 1 and bad[0]['order_id'] == '$victim' and bad[0]['outcome'] in ('refused', 'failed'), bad"
expect_exit 0 "shipments list keeps the feed's error" asc shipments list --order "$victim" -o json
check "with result code 28" python3 -c "
import json; rows = json.load(open('$WORK/out')); assert any(r['state'] == 'failed' and r['result_code'] == '28' for r in rows), rows"
finish
