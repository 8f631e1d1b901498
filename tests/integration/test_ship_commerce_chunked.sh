#!/usr/bin/env bash
# A commerce-linked ship batch worked through in chunks (ASC_TEST_SHIP_CHUNK=7, as a batch of more
# than 2,000 is; the Magento step's parts fall inside it) and feeds of at most 10 packages
# (ASC_TEST_SHIP_FEED_PACKAGES, as 10,000 are): every package is confirmed once on Amazon and gets
# exactly one Magento shipment, the rows in input order name it. A run killed once its first feed
# (the first chunk and part of the second) was submitted, the rest of the second chunk journaled
# but not sent and the third not journaled yet, is completed by the same command: Amazon and
# Magento each acted once per package.
source "$(dirname "$0")/lib.sh"

sim_start --orders 1000 --seed 61 --time-scale 1000 --commerce-link-ratio 1
export ASC_COMMERCE_URL="$SIM_URL" ASC_COMMERCE_TOKEN=sim-commerce-token ASC_TEST_SHIP_CHUNK=7 ASC_TEST_SHIP_FEED_PACKAGES=10
sim_get "/_sim/orders?fulfillmentStatus=UNSHIPPED&fulfilledBy=MERCHANT" >"$WORK/unshipped.json"
sim_get /_sim/commerce/orders >"$WORK/links.json"
# Two CSVs of 20 packages, one per order whose linked Magento order can ship (new or processing).
python3 - "$WORK" <<'PY'
import json, sys
work = sys.argv[1]
unshipped = json.load(open(f"{work}/unshipped.json"))["order_ids"]
links = {l["amazon_order_id"]: l for l in json.load(open(f"{work}/links.json"))["links"]}
ids = [i for i in unshipped if i in links and links[i]["state"] in ("new", "processing")][:40]
for name, part in (("one", ids[:20]), ("two", ids[20:])):
    lines = ["order_id,carrier,tracking"] + [f"{oid},UPS,{name.upper()}{n}" for n, oid in enumerate(part)]
    open(f"{work}/{name}.csv", "w").write("\n".join(lines) + "\n")
PY
check "two batches of 20 linked orders" [ "$(wc -l <"$WORK/two.csv")" -eq 21 ]
ship() { asc order ship --from "$WORK/$1.csv" --via feed --ignore-cancel-request --yes -o json; }
# truth CSV: every package of CSV is on its Amazon order once, and its Magento order has exactly one
# shipment, tracking it.
truth() {
  python3 - "$WORK/$1.csv" "$SIM_URL" <<'PY'
import csv, json, sys, urllib.request
for r in csv.DictReader(open(sys.argv[1])):
    o = json.load(urllib.request.urlopen(f"{sys.argv[2]}/_sim/orders/{r['order_id']}"))["order"]
    got = [p["trackingNumber"] for p in o.get("packages", [])]
    assert got == [r["tracking"]], (r, got)
    m = json.load(urllib.request.urlopen(f"{sys.argv[2]}/_sim/commerce/orders/{r['order_id']}"))
    tracks = [t["track_number"] for s in m["shipments"] for t in s["tracks"]]
    assert tracks == [r["tracking"]], (r, tracks)
PY
}

expect_exit 0 "a linked batch of 20 ships in chunks of 7" ship one
check "one row per package, in input order, confirmed, each naming its Magento shipment" python3 - "$WORK/out" "$WORK/one.csv" <<'PY'
import csv, json, sys
rows = json.load(open(sys.argv[1]))
lines = list(csv.DictReader(open(sys.argv[2])))
assert [(r["order_id"], r["tracking_number"]) for r in rows] == [(l["order_id"], l["tracking"]) for l in lines], rows[:3]
bad = [r for r in rows if r["outcome"] != "confirmed" or "Magento shipment" not in (r["message"] or "")]
assert not bad, bad[:3]
assert len({r["feed_id"] for r in rows}) == 2, {r["feed_id"] for r in rows} # 10 + 10, from chunks of 7
PY
check "the summary counts 20 Magento shipments" contains "$WORK/err" "20 Magento shipments created"
check "Amazon and Magento have each package once" truth one
check "Magento was asked for 20 shipments" [ "$(sim_requests commerceShip)" = 20 ]

expect_exit 137 "a linked batch killed once its first feed is submitted" env ASC_TEST_CRASH_AT=after-submit \
  "$ASC_BIN" order ship --from "$WORK/two.csv" --via feed --ignore-cancel-request --yes
check "the first feed submitted, the rest of its second chunk planned, the third chunk not journaled" [ "$(asc \
  shipments list -o json | json "sorted(r['state'] for r in d if r['tracking_number'].startswith('TWO')) == ['planned'] * 4 + ['submitted'] * 10")" = True ]
check "and Magento was asked nothing more" [ "$(sim_requests commerceShip)" = 20 ]
expect_exit 0 "the same command again completes the batch" ship two
check "every row of the rerun is confirmed or already shipped, in input order" python3 - "$WORK/out" "$WORK/two.csv" <<'PY'
import csv, json, sys
rows = json.load(open(sys.argv[1]))
lines = list(csv.DictReader(open(sys.argv[2])))
assert [(r["order_id"], r["tracking_number"]) for r in rows] == [(l["order_id"], l["tracking"]) for l in lines], rows[:3]
assert [r["outcome"] for r in rows] == ["already_shipped"] * 10 + ["confirmed"] * 10, [r["outcome"] for r in rows]
assert all("Magento shipment" in (r["message"] or "") for r in rows), [r for r in rows if "Magento" not in (r["message"] or "")][:2]
PY
check "after the rerun Amazon and Magento have each package once" truth two
check "Magento was asked for 40 shipments in all" [ "$(sim_requests commerceShip)" = 40 ]
expect_exit 0 "a third run" ship two
check "sends Magento nothing" [ "$(sim_requests commerceShip)" = 40 ]
finish
