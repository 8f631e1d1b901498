#!/usr/bin/env bash
# `asc order ship`: one package through confirmShipment, a partial shipment then the rest, the
# refused cases (with the documented exit codes), an idempotent rerun, the store and the Tracking
# tab afterwards, and `asc shipments list`.
source "$(dirname "$0")/lib.sh"

sim_start --orders 400 --seed 51 --rate-limits off
sim_get "/_sim/orders?fulfillmentStatus=UNSHIPPED&fulfilledBy=MERCHANT" | json "'\n'.join(d['order_ids'])" >"$WORK/pool"
order_json() { sim_get "/_sim/orders/$1"; }
# An unshipped merchant order with one item of quantity >= 2, and one more with any items.
read -r multi item qty < <(python3 - "$WORK/pool" "$SIM_URL" <<'PY'
import json, sys, urllib.request
for oid in open(sys.argv[1]).read().split():
    o = json.load(urllib.request.urlopen(f"{sys.argv[2]}/_sim/orders/{oid}"))["order"]
    its = o["orderItems"]
    if len(its) == 1 and its[0]["quantityOrdered"] >= 2 and not its[0].get("cancellation", {}).get("buyerCancellationRequest", {}).get("isBuyerRequestedCancellation"):
        print(oid, its[0]["orderItemId"], its[0]["quantityOrdered"]); break
PY
)
check "the sim has an unshipped order with two units" [ -n "$multi" ]
packages() { order_json "$1" | json "len([p for p in d['order'].get('packages', []) if p['trackingNumber'] == '$2'])"; }

# Partial shipment: one unit, then the rest.
expect_exit 0 "one unit ships" asc order ship "$multi" --carrier ups --tracking 1ZPART0001 --item "$item:1" --yes -o json
check "the row says confirmed via api" python3 -c "
import json; r = json.load(open('$WORK/out'))[0]
assert r['outcome'] == 'confirmed' and r['via'] == 'api' and r['carrier'] == 'UPS' and r['items'] == '$item:1', r"
check "Amazon shows the order PartiallyShipped" [ "$(order_json "$multi" | json "d['order']['fulfillment']['fulfillmentStatus']")" = PARTIALLY_SHIPPED ]
check "the store shows it PartiallyShipped at once" [ "$(asc order show "$multi" --cached -o json | json "d['details']['status']")" = PartiallyShipped ]
expect_exit 0 "the same command again is idempotent" asc order ship "$multi" --carrier UPS --tracking 1ZPART0001 --item "$item:1" --yes -o json
check "the rerun reports already_shipped" [ "$(json "d[0]['outcome']" <"$WORK/out")" = already_shipped ]
check "the package is on the order once" [ "$(packages "$multi" 1ZPART0001)" = 1 ]
expect_exit 5 "more units than are unshipped are refused" asc order ship "$multi" --carrier UPS --tracking 1ZPART0002 --item "$item:$qty" --yes
check "the refusal says how many are unshipped" contains "$WORK/err" "unshipped"
expect_exit 0 "the rest ships (no --item: every unshipped unit)" asc order ship "$multi" --carrier FedEx --tracking FX0002 --method Ground --yes -o json
check "Amazon shows it Shipped" [ "$(order_json "$multi" | json "d['order']['fulfillment']['fulfillmentStatus']")" = SHIPPED ]
check "the store shows it Shipped at once" [ "$(asc order show "$multi" --cached -o json | json "d['details']['status']")" = Shipped ]
expect_exit 0 "order show reads it again" asc order show "$multi" --tab tracking -o json
check "the Tracking tab shows both packages" python3 -c "
import json; d = json.load(open('$WORK/out')); t = {p['tracking_number'] for p in d}
assert {'1ZPART0001', 'FX0002'} <= t, t"
expect_exit 5 "a Shipped order is refused" asc order ship "$multi" --carrier UPS --tracking 1ZPART0003 --yes
check "the refusal says it is Shipped" contains "$WORK/err" "Shipped"

# Bad input, before anything is sent.
one=$(sed -n 5p "$WORK/pool")
expect_exit 2 "an unknown carrier is bad input" asc order ship "$one" --carrier Fedx --tracking T1 --yes
check "with the close matches" contains "$WORK/err" "did you mean FedEx"
expect_exit 2 "Other needs a carrier name" asc order ship "$one" --carrier other --tracking T1 --yes
expect_exit 2 "a malformed id is bad input" asc order ship 12-34 --carrier UPS --tracking T1 --yes
expect_exit 2 "no tracking number is bad input" asc order ship "$one" --carrier UPS --yes
expect_exit 2 "off a terminal --yes is required" asc order ship "$one" --carrier UPS --tracking T1
expect_exit 2 "an unknown item quantity is bad input" asc order ship "$one" --carrier UPS --tracking T1 --item 1:x --yes
expect_exit 3 "an unknown order is not found" asc order ship 999-9999999-9999999 --carrier UPS --tracking T1 --yes
confirms=$(sim_requests confirmShipment)
expect_exit 0 "a dry run sends nothing" asc order ship "$one" --carrier Other --carrier-name "Acme Post" --tracking ACME1 --dry-run -o json
check "it would ship" [ "$(json "d[0]['outcome']" <"$WORK/out")" = would_ship ]
check "no confirmShipment went out" [ "$(sim_requests confirmShipment)" = "$confirms" ]
expect_exit 0 "Other with a name ships" asc order ship "$one" --carrier Other --carrier-name "Acme Post" --tracking ACME1 --yes -o json
check "Amazon's package names the carrier" [ "$(order_json "$one" | json "d['order']['packages'][-1]['carrier']")" = "Acme Post" ]

# An Amazon-fulfilled order, a Canceled one, a pending buyer cancellation request.
afn=$(sim_get "/_sim/orders?fulfilledBy=AMAZON" | json "d['order_ids'][0]")
expect_exit 5 "an Amazon-fulfilled order is refused" asc order ship "$afn" --carrier UPS --tracking T9 --yes
two=$(sed -n 6p "$WORK/pool")
sim_post "/_sim/orders/$two/status?to=CANCELLED&by=BUYER" >/dev/null
expect_exit 5 "a Canceled order is refused" asc order ship "$two" --carrier UPS --tracking T10 --yes

# The journal.
expect_exit 0 "shipments list shows the journal" asc shipments list -o json
check "with the confirmed and refused packages" python3 -c "
import json; rows = json.load(open('$WORK/out')); s = {r['state'] for r in rows}
assert {'confirmed', 'refused'} <= s, s
assert not any(r['state'] in ('planned', 'sending', 'submitted') for r in rows)"
expect_exit 2 "an unknown state is bad input" asc shipments list --state shipped
finish
