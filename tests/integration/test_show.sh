#!/usr/bin/env bash
# `asc order show` against asc-sim: the three tabs, JSON shape, bad and unknown ids.
source "$(dirname "$0")/lib.sh"

sim_start --orders 200 --seed 5

shipped=$(sim_get "/_sim/orders?fulfillmentStatus=SHIPPED&fulfilledBy=MERCHANT" | json "d['order_ids'][0]")
unshipped=$(sim_get "/_sim/orders?fulfillmentStatus=UNSHIPPED&fulfilledBy=MERCHANT" | json "d['order_ids'][0]")

asc order show "$shipped" -o json >"$WORK/show.json"
sim_get "/_sim/orders/$shipped" >"$WORK/truth.json"
check "show -o json matches the sim's order" python3 - "$WORK/show.json" "$WORK/truth.json" <<'PY'
import json, sys
got = json.load(open(sys.argv[1])); truth = json.load(open(sys.argv[2]))
truth = truth.get("order", truth)
d = got["details"]
assert d["order_id"] == truth["orderId"]
assert d["status"] == "Shipped"
assert d["total"]["amount"] == truth["proceeds"]["grandTotal"]["amount"]
assert d["total"]["currency"] == truth["proceeds"]["grandTotal"]["currencyCode"]
assert len(got["items"]) == len(truth["orderItems"])
for gi, ti in zip(sorted(got["items"], key=lambda x: x["order_item_id"]),
                  sorted(truth["orderItems"], key=lambda x: x["orderItemId"])):
    assert gi["order_item_id"] == ti["orderItemId"]
    assert gi["sku"] == ti["product"]["sellerSku"]
    assert gi["quantity_ordered"] == ti["quantityOrdered"]
    for k in ("asin", "title", "quantity_shipped"):
        assert k in gi, k
assert len(got["tracking"]) == len(truth.get("packages", [])) > 0
for p in got["tracking"]:
    for k in ("carrier", "tracking_number", "ship_date", "items"):
        assert k in p, k
PY

asc order show "$shipped" --tab tracking -o json >"$WORK/tracking.json"
check "--tab tracking -o json prints only the tracking list" python3 -c "
import json; d = json.load(open('$WORK/tracking.json')); assert isinstance(d, list) and d[0]['tracking_number']"

ASC_FORCE_TTY=1 COLUMNS=120 asc order show "$unshipped" --color never >"$WORK/human"
check "the terminal view has the three tabs" bash -c "grep -q 'Order and Shipping Details' '$WORK/human' && grep -q 'Order Items' '$WORK/human' && grep -q 'Tracking' '$WORK/human'"
check "an unshipped order has no tracking yet" contains "$WORK/human" "No tracking information yet"

check "the terminal view has a title line with the order id" grep -q "^Order $unshipped  Unshipped" "$WORK/human"
check "times are relative and absolute" grep -qE "^  Purchased +.* ago \([0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} UTC\)" "$WORK/human"
check "the terminal view fits 120 columns" bash -c "! awk 'length > 120' '$WORK/human' | grep -q ."

ASC_FORCE_TTY=1 COLUMNS=120 asc order show "$shipped" --tab tracking --color never >"$WORK/tracking.txt"
check "tracking statuses are in words" grep -qE "  (Delivered|In transit|Shipped|Pending)( |$)" "$WORK/tracking.txt"
check "no SCREAMING tracking status on a terminal" bash -c "! grep -qE 'IN_TRANSIT|DELIVERED' '$WORK/tracking.txt'"
ASC_FORCE_TTY=1 COLUMNS=60 asc order show "$shipped" --tab items --color never >"$WORK/items60.txt"
check "at 60 columns the items are blocks: a title line, then SKU and prices" \
  bash -c "grep -qE '^    SKU ' '$WORK/items60.txt' && grep -qE 'Total [0-9.]+ [A-Z]{3}' '$WORK/items60.txt' && ! grep -q 'ITEM ID' '$WORK/items60.txt'"
check "at 60 columns no item line passes the width" bash -c "! awk 'length > 60' '$WORK/items60.txt' | grep -q ."

# In a pipe: key/value lines under a section marker per tab and record.
asc order show "$shipped" >"$WORK/pipe.txt"
check "in a pipe: a [details] section of key<TAB>value lines" \
  bash -c "head -1 '$WORK/pipe.txt' | grep -qx '\[details\]' && grep -qP '^order_id\t$shipped\$' '$WORK/pipe.txt'"
check "in a pipe: money as _amount and _currency" grep -qP '^total_amount\t[0-9]+(\.[0-9]+)?$' "$WORK/pipe.txt"
check "in a pipe: one [items N] section per item and [tracking N] per package" \
  bash -c "grep -qx '\[items 1\]' '$WORK/pipe.txt' && grep -qx '\[tracking 1\]' '$WORK/pipe.txt'"
check "in a pipe: no escape codes, no table header" bash -c "! grep -q $'\e' '$WORK/pipe.txt' && ! grep -q 'ITEM ID' '$WORK/pipe.txt'"
asc order show "$shipped" --tab items >"$WORK/pipe-items.txt"
check "--tab items in a pipe: only item sections" bash -c "head -1 '$WORK/pipe-items.txt' | grep -qx '\[items 1\]' && ! grep -q '^\[details\]' '$WORK/pipe-items.txt'"
asc order show "$shipped" -o table >"$WORK/explicit.txt"
check "-o table in a pipe draws the view" grep -q "^Order and Shipping Details" "$WORK/explicit.txt"

before=$(sim_requests getOrder)
expect_exit 2 "a malformed order id is refused" asc order show 12-34
check "the message shows the expected shape" contains "$WORK/err" "3-7-7"
check "no request was sent for a malformed id" [ "$(sim_requests getOrder)" -eq "$before" ]

expect_exit 3 "an unknown order id exits 3" asc order show 999-9999999-9999999
expect_exit 2 "csv with every tab asks for one" asc order show "$shipped" -o csv

finish
