#!/usr/bin/env bash
# The Magento step of `asc order ship`: the linked Magento order gets one shipment per package with
# its tracking number, and becomes complete once invoiced and fully shipped; exactly once across a
# rerun, a kill -9 between Amazon and Magento, and a lost Magento answer; a Magento order that cannot
# ship (on hold) is reported while the Amazon confirmation stands.
source "$(dirname "$0")/lib.sh"

sim_start --orders 1500 --seed 33 --time-scale 1000
export ASC_COMMERCE_URL="$SIM_URL" ASC_COMMERCE_TOKEN=sim-commerce-token
sim_get "/_sim/orders?fulfillmentStatus=UNSHIPPED&fulfilledBy=MERCHANT" >"$WORK/unshipped.json"
sim_get /_sim/commerce/orders >"$WORK/links.json"
# pick STATE N: unshipped merchant orders whose linked Magento order is in STATE, one a line.
pick() {
  python3 - "$1" "$2" "$WORK/unshipped.json" "$WORK/links.json" <<'PY'
import json, sys
state, n = sys.argv[1], int(sys.argv[2])
unshipped = json.load(open(sys.argv[3]))["order_ids"]
links = {l["amazon_order_id"]: l for l in json.load(open(sys.argv[4]))["links"]}
print("\n".join([i for i in unshipped if i in links and links[i]["state"] == state][:n]))
PY
}
magento() { sim_get "/_sim/commerce/orders/$1"; }
ship() { asc order ship "$@" --ignore-cancel-request --yes -o json; }
mapfile -t picked < <(pick processing 4)
invoiced=${picked[0]:-} invoiced2=${picked[1]:-} invoiced3=${picked[2]:-} notified=${picked[3]:-}
fresh=$(pick new 1)
held=$(pick holded 1)
check "the sim links orders in each state" [ -n "$notified" ] && [ -n "$invoiced3" ] && [ -n "$fresh" ] && [ -n "$held" ]

expect_exit 0 "an invoiced order ships" ship "$invoiced" --carrier UPS --tracking MAG1
check "its row names the Magento shipment" contains "$WORK/out" "Magento shipment"
check "the Magento order is complete with one shipment tracking MAG1" python3 -c "
import json, urllib.request; d = json.load(urllib.request.urlopen('$SIM_URL/_sim/commerce/orders/$invoiced'))
assert d['state'] == 'complete', d['state']
assert len(d['shipments']) == 1 and d['shipments'][0]['tracks'][0]['track_number'] == 'MAG1', d['shipments']
assert d['shipments'][0]['tracks'][0]['carrier_code'] == 'ups'"
check "Magento sent the buyer no shipment email (notify_shipment is off by default)" \
  [ "$(magento "$invoiced" | json "d['shipments'][0]['email_sent']")" = 0 ]
ships=$(sim_requests commerceShip)
expect_exit 0 "the same command again" ship "$invoiced" --carrier UPS --tracking MAG1
check "creates no second Magento shipment" [ "$(sim_requests commerceShip)" = "$ships" ]
expect_exit 0 "shipments list shows the step done" asc shipments list --order "$invoiced" -o json

expect_exit 0 "a not invoiced order ships" ship "$fresh" --carrier FedEx --tracking MAG2
check "its Magento order is processing (not invoiced, so not complete)" [ "$(magento "$fresh" | json "d['state']")" = processing ]

expect_exit 6 "a Magento order on hold cannot ship there" ship "$held" --carrier DHL --tracking MAG3
check "the Amazon confirmation stands" [ "$(sim_get "/_sim/orders/$held" | json "d['order']['fulfillment']['fulfillmentStatus']")" = SHIPPED ]
check "the row says what Magento answered" contains "$WORK/out" "Magento: failed"
check "and Magento has no shipment" [ "$(magento "$held" | json "len(d['shipments'])")" = 0 ]

# Killed between Amazon's confirmation and the Magento step: the rerun does the step, once.
expect_exit 137 "killed right after Amazon confirmed" env ASC_TEST_CRASH_AT=after-confirm "$ASC_BIN" order ship "$invoiced2" \
  --carrier UPS --tracking MAG4 --ignore-cancel-request --yes
check "Magento has no shipment yet" [ "$(magento "$invoiced2" | json "len(d['shipments'])")" = 0 ]
expect_exit 0 "the rerun completes the Magento step" ship "$invoiced2" --carrier UPS --tracking MAG4
check "with one shipment" [ "$(magento "$invoiced2" | json "len(d['shipments'])")" = 1 ]

# A lost Magento answer (slower than the client waits): the rerun finds the shipment by its track.
sim_post /_sim/config '{"faults": ["slow:commerceShip:1"], "slow_seconds": 3}' >/dev/null
asc --timeout 1 order ship "$invoiced3" --carrier UPS --tracking MAG5 --ignore-cancel-request --yes -o json >"$WORK/out" 2>"$WORK/err" || true
sim_post /_sim/config '{"faults": []}' >/dev/null
sleep 3
ships=$(sim_requests commerceShip)
expect_exit 0 "the rerun settles the lost Magento answer" ship "$invoiced3" --carrier UPS --tracking MAG5
check "without a second shipment request" [ "$(sim_requests commerceShip)" = "$ships" ]
check "Magento has exactly one shipment" [ "$(magento "$invoiced3" | json "len(d['shipments'])")" = 1 ]
# notify_shipment = true in the profile's commerce section: Magento emails the buyer the shipment.
printf '[profiles.default.commerce]\nnotify_shipment = true\n' >"$WORK/notify.toml"
expect_exit 0 "config show reads notify_shipment" env ASC_CONFIG="$WORK/notify.toml" "$ASC_BIN" config show commerce_notify_shipment
check "as true" contains "$WORK/out" "true"
expect_exit 0 "with notify_shipment = true an order ships" env ASC_CONFIG="$WORK/notify.toml" "$ASC_BIN" order ship "$notified" \
  --carrier UPS --tracking MAG6 --ignore-cancel-request --yes
check "and Magento emailed the buyer its shipment" [ "$(magento "$notified" | json "d['shipments'][0]['email_sent']")" = 1 ]
finish
