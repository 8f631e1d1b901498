#!/usr/bin/env bash
# A batch worked through in chunks (ASC_TEST_SHIP_CHUNK=7, as a batch of more than 2,000 is) and
# feeds of at most 10 packages (ASC_TEST_SHIP_FEED_PACKAGES, as 10,000 are): the dry run's output
# is byte for byte the one-plan output in JSON and CSV; the run fills each feed from several chunks
# (as few feeds as whole orders allow, every package of an order in one feed), every package
# confirmed and on its order once (an order's second package at the end of the file ships with its
# first), the rows in input order; a rerun sends nothing.
source "$(dirname "$0")/lib.sh"

sim_start --orders 800 --seed 57 --time-scale 1000 --feed-processing-seconds 3000
python3 - "$SIM_URL" "$WORK" <<'PY'
import json, sys, urllib.request
url, work = sys.argv[1], sys.argv[2]
ids = json.load(urllib.request.urlopen(f"{url}/_sim/orders?fulfillmentStatus=UNSHIPPED&fulfilledBy=MERCHANT"))["order_ids"]
lines, later, n = ["order_id,carrier,tracking,method,ship_date,item_id,quantity"], [], 0
for oid in ids:
    if n == 40:
        break
    o = json.load(urllib.request.urlopen(f"{url}/_sim/orders/{oid}"))["order"]
    it = o["orderItems"][0]
    n += 1
    if len(later) < 5 and (len(o["orderItems"]) > 1 or it["quantityOrdered"] > 1):
        # One unit of the first item now, the rest at the end of the file (another chunk's place).
        lines.append(f"{oid},UPS,C{n}A,UPS Ground,2026-01-02,{it['orderItemId']},1")
        later.append(f"{oid},Royal Mail,C{n}B,,,,")
    else:
        lines.append(f"{oid},FedEx,C{n}A,,,,")
lines += later
lines.append(next(l for l in lines if l.endswith(",,,,"))) # a package given twice (no items: not joined)
open(f"{work}/batch.csv", "w").write("\n".join(lines) + "\n")
PY
check "the CSV has 46 packages" [ "$(($(wc -l <"$WORK/batch.csv") - 1))" -eq 46 ]
ship() { asc order ship --from "$WORK/batch.csv" --ignore-cancel-request "$@"; }

for format in json csv; do
  expect_exit 0 "a dry run in one plan (-o $format)" ship --dry-run -o "$format"
  mv "$WORK/out" "$WORK/one.$format"
  expect_exit 0 "a dry run in chunks of 7 (-o $format)" env ASC_TEST_SHIP_CHUNK=7 "$ASC_BIN" order ship \
    --from "$WORK/batch.csv" --ignore-cancel-request --dry-run -o "$format"
  check "gives the same bytes (-o $format)" cmp -s "$WORK/out" "$WORK/one.$format"
done

feeds=$(sim_requests createFeed)
expect_exit 6 "the batch ships in chunks of 7 (the duplicate is refused: exit 6)" env ASC_TEST_SHIP_CHUNK=7 \
  ASC_TEST_SHIP_FEED_PACKAGES=10 "$ASC_BIN" order ship --from "$WORK/batch.csv" --ignore-cancel-request --yes -o json
check "every package confirmed but the duplicate, in input order" python3 - "$WORK/out" "$WORK/batch.csv" <<'PY'
import csv, json, sys
rows = json.load(open(sys.argv[1]))
lines = list(csv.DictReader(open(sys.argv[2])))
assert [(r["order_id"], r["tracking_number"]) for r in rows] == [(l["order_id"], l["tracking"]) for l in lines], rows[:3]
assert [r["outcome"] for r in rows[:-1]] == ["confirmed"] * (len(rows) - 1), [r for r in rows if r["outcome"] != "confirmed"]
assert rows[-1]["outcome"] == "refused" and "given twice" in rows[-1]["message"], rows[-1]
PY
sent=$(json "len({r['feed_id'] for r in d if r['feed_id']})" <"$WORK/out")
# 45 packages to send, no order with more than two: each feed but the last closes with 9 or 10.
check "45 packages in 5 feeds filled across chunks of 7" [ "$sent" -eq 5 ]
check "each feed holds at most 10 packages, every package of an order in one feed" python3 - "$WORK/out" <<'PY'
import collections, json, sys
rows = [r for r in json.load(open(sys.argv[1])) if r["feed_id"]]
sizes = collections.Counter(r["feed_id"] for r in rows)
assert max(sizes.values()) <= 10, sizes
feeds_of = collections.defaultdict(set)
for r in rows:
    feeds_of[r["order_id"]].add(r["feed_id"])
assert all(len(f) == 1 for f in feeds_of.values()), {o: f for o, f in feeds_of.items() if len(f) > 1}
PY
check "one createFeed each" [ "$(sim_requests createFeed)" = "$((feeds + sent))" ]
check "the summary counts the feeds" contains "$WORK/err" "($sent feeds)"
check "every package is on its order once" python3 - "$WORK/batch.csv" "$SIM_URL" <<'PY'
import collections, csv, json, sys, urllib.request
by_order = collections.defaultdict(set)
for r in csv.DictReader(open(sys.argv[1])):
    by_order[r["order_id"]].add(r["tracking"])
for oid, tracks in by_order.items():
    o = json.load(urllib.request.urlopen(f"{sys.argv[2]}/_sim/orders/{oid}"))["order"]
    got = [p["trackingNumber"] for p in o.get("packages", [])]
    assert sorted(got) == sorted(tracks), (oid, got, tracks)
PY

feeds=$(sim_requests createFeed)
expect_exit 6 "a rerun in chunks" env ASC_TEST_SHIP_CHUNK=7 "$ASC_BIN" order ship --from "$WORK/batch.csv" \
  --ignore-cancel-request --yes -o json
check "reports every package already shipped" python3 -c "
import json; rows = json.load(open('$WORK/out'))
assert [r['outcome'] for r in rows[:-1]] == ['already_shipped'] * 45, [r for r in rows if r['outcome'] != 'already_shipped']"
check "and sends nothing" [ "$(sim_requests createFeed)" = "$feeds" ]
finish
