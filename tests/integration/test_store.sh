#!/usr/bin/env bash
# The local store: sync completeness, idempotent re-sync, picking up changes, crash safety,
# concurrent syncs, cached queries, reports, and refusing a foreign file.
source "$(dirname "$0")/lib.sh"

sim_start --orders 5000 --seed 21 --rate-limits off
export ASC_STORE="$WORK/store.db"

# First sync: every order the sim has, exactly once.
asc -q orders sync --since 61d
asc orders list --cached --all --since 3650d -o ids | sort >"$WORK/got"
sim_get /_sim/orders | json "'\n'.join(sorted(d['order_ids']))" >"$WORK/want"
check "after a sync the store holds exactly the sim's 5000 orders" cmp -s "$WORK/got" "$WORK/want"
check "the store file is private (0600)" [ "$(stat -c %a "$ASC_STORE")" = 600 ]

# Nothing changed on Amazon: a re-sync makes only a handful of requests and changes nothing.
sim_post /_sim/stats/reset >/dev/null
asc orders sync 2>"$WORK/sync2"
check "a second sync reports nothing new or updated" grep -q " 0 new, 0 updated" "$WORK/sync2"
requests=$(sim_requests searchOrders)
check "a second sync made only a handful of searchOrders calls ($requests)" [ "$requests" -le 5 ]
check "a second sync made no getOrder calls" [ "$(sim_requests getOrder)" -eq 0 ]

# A change on the sim side (an order canceled, indexed 5 minutes ago) is picked up by the next sync.
id=$(sim_get "/_sim/orders?fulfillmentStatus=UNSHIPPED&fulfilledBy=MERCHANT" | json "d['order_ids'][0]")
sim_post "/_sim/orders/$id/status?to=CANCELLED&ago=300" >/dev/null
asc orders sync 2>"$WORK/sync3"
check "the next sync counts one updated order" grep -q " 1 updated" "$WORK/sync3"
asc order show "$id" --cached -o json | json "d['details']['status']" >"$WORK/status"
check "the cached copy shows the order Canceled" [ "$(cat "$WORK/status")" = Canceled ]

# Cached queries equal the sim's own sets.
asc orders list --cached --all --since 3650d --status unshipped --fulfilled-by merchant -o ids | sort >"$WORK/got"
sim_get "/_sim/orders?fulfillmentStatus=UNSHIPPED&fulfilledBy=MERCHANT" | json "'\n'.join(sorted(d['order_ids']))" >"$WORK/want"
check "--cached status filter equals the sim's set" cmp -s "$WORK/got" "$WORK/want"
sku=$(sim_get "/_sim/orders/$id" | json "(d.get('order', d))['orderItems'][0]['product']['sellerSku']")
asc orders list --cached --all --since 3650d --sku "$sku" -o ids >"$WORK/got"
check "--sku finds the order with that SKU" grep -qx "$id" "$WORK/got"
expect_exit 2 "--sku without --cached is a usage error" asc orders list --sku X
expect_exit 2 "an unknown --sort key is a usage error" asc orders list --cached --sort color

# Report summary figures equal a count from the sim's own data.
asc report summary -o json >"$WORK/summary.json"
check "report summary per status equals the sim's counts" python3 - "$WORK/summary.json" "$SIM_URL" <<'PY'
import json, sys, urllib.request
rows = json.load(open(sys.argv[1]))
names = {"PENDING_AVAILABILITY": "PendingAvailability", "PENDING": "Pending", "UNSHIPPED": "Unshipped",
         "PARTIALLY_SHIPPED": "PartiallyShipped", "SHIPPED": "Shipped", "CANCELLED": "Canceled",
         "UNFULFILLABLE": "Unfulfillable"}
for code, name in names.items():
    want = len(json.load(urllib.request.urlopen(f"{sys.argv[2]}/_sim/orders?fulfillmentStatus={code}"))["order_ids"])
    got = sum(r["orders"] for r in rows if r["dimension"] == "status" and r["value"] == name)
    assert got == want, (name, got, want)
total = [r for r in rows if r["dimension"] == "all"][0]["orders"]
assert total == 5000, total
PY
check "report summary totals are exact per currency" python3 - "$WORK/summary.json" "$SIM_URL" <<'PY'
import json, sys, urllib.request
from decimal import Decimal
rows = json.load(open(sys.argv[1]))
# The sim's orders, with their totals, straight from its truth endpoint for one currency (JPY).
ids = json.load(urllib.request.urlopen(f"{sys.argv[2]}/_sim/orders?marketplaceId=A1VC38T7YXB528"))["order_ids"]
total = Decimal(0)
for oid in ids:
    o = json.load(urllib.request.urlopen(f"{sys.argv[2]}/_sim/orders/{oid}"))
    o = o.get("order", o)
    gt = o.get("proceeds", {}).get("grandTotal")
    if gt:
        total += Decimal(gt["amount"])
got = [r for r in rows if r["dimension"] == "currency" and r["value"] == "JPY"]
assert got and Decimal(got[0]["total"]["amount"]) == total, (got, total)
PY
asc -q report late --within 24h -o csv >"$WORK/late.csv"
check "report late prints a CSV with a header" [ "$(head -1 "$WORK/late.csv" | cut -d, -f1)" = order_id ]
expect_exit 0 "report cancellations is empty but fine before any cancel" asc report cancellations -o json
check "report cancellations prints an empty list" [ "$(cat "$WORK/out")" = "[]" ]

# store info
asc store info -o json >"$WORK/info.json"
check "store info counts the orders" [ "$(json "d['orders']" <"$WORK/info.json")" -eq 5000 ]
check "store info shows a sync mark per marketplace" [ "$(json "len(d['last_sync'])" <"$WORK/info.json")" -ge 1 ]

# Buyer data is not written without store_pii.
check "no buyer email reached the store file" bash -c "! grep -qa '@marketplace.amazon' '$ASC_STORE' '$ASC_STORE-wal' 2>/dev/null"

# kill -9 in the middle of a sync, then sync again: the store equals the sim.
sim_start --orders 3000 --seed 22 --rate-limits off --fault slow:searchOrders:0.5 --slow-seconds 0.3
export ASC_STORE="$WORK/crash.db"
"$ASC_BIN" -q orders sync --since 61d & pid=$!
sleep 2; kill -9 "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
partial=$("$ASC_BIN" orders list --cached --all --since 3650d -o ids | wc -l)
check "the killed sync stored some pages ($partial orders)" [ "$partial" -gt 0 ]
sim_post /_sim/config '{"faults":[]}' >/dev/null
asc -q orders sync --since 61d
asc orders list --cached --all --since 3650d -o ids | sort >"$WORK/got"
sim_get /_sim/orders | json "'\n'.join(sorted(d['order_ids']))" >"$WORK/want"
check "after kill -9 and a re-sync the store equals the sim" cmp -s "$WORK/got" "$WORK/want"
check "nothing is duplicated" [ "$(sort -u "$WORK/got" | wc -l)" -eq "$(wc -l <"$WORK/got")" ]

# Two syncs started together both end well (the second waits for the first).
sim_post /_sim/config '{"faults":["slow:searchOrders:1"]}' >/dev/null
export ASC_STORE="$WORK/twin.db"
"$ASC_BIN" -q orders sync --since 61d --wait 120 & a=$!
"$ASC_BIN" -q orders sync --since 61d --wait 120 & b=$!
ra=0; rb=0; wait "$a" || ra=$?; wait "$b" || rb=$?
check "two syncs at once both succeed ($ra, $rb)" [ "$ra$rb" = 00 ]
asc orders list --cached --all --since 3650d -o ids | sort >"$WORK/got"
check "the twin syncs leave the store equal to the sim" cmp -s "$WORK/got" "$WORK/want"
# Without --wait, a second sync while one runs exits 75 at once. The first is kept running by slow
# pages (0.3 s each; a fast one can be done within any fixed sleep) and is known to hold the lock
# once the sim has its first request; it is stopped after the check.
before=$(sim_requests searchOrders)
"$ASC_BIN" -q orders sync --since 61d --wait 0 & a=$!
for _ in $(seq 200); do [ "$(sim_requests searchOrders)" -gt "$before" ] && break; sleep 0.05; done
expect_exit 75 "without --wait, a second sync at once exits 75" asc orders sync --since 61d
kill "$a" 2>/dev/null || true; wait "$a" 2>/dev/null || true
sim_post /_sim/config '{"faults":[]}' >/dev/null
check "it says another sync is running" contains "$WORK/err" "another"

# A corrupted or foreign file at the store path: a clear error, not a crash, file untouched.
head -c 4096 /dev/urandom >"$WORK/garbage.db"
sum_before=$(md5sum <"$WORK/garbage.db")
expect_exit 78 "a garbage file at the store path is refused" env ASC_STORE="$WORK/garbage.db" "$ASC_BIN" orders list --cached
check "the message says it is not an asc store" contains "$WORK/err" "not an asc store"
check "the garbage file is untouched" [ "$(md5sum <"$WORK/garbage.db")" = "$sum_before" ]
python3 -c "import sqlite3; c=sqlite3.connect('$WORK/foreign.db'); c.execute('create table t(x)'); c.commit()"
expect_exit 78 "another application's SQLite file is refused" env ASC_STORE="$WORK/foreign.db" "$ASC_BIN" store info

finish
