#!/usr/bin/env bash
# Two clients of one seller with different stores on one sim. Client A dies before recording
# createFeed (ASC_TEST_CRASH_AT), client B sends a feed of its own orders meanwhile, of the same
# size or another. A's rerun must never take B's feed for its own: it waits for it, reads its own
# orders, and sends what Amazon did not receive; every order of both ends canceled exactly once.
source "$(dirname "$0")/lib.sh"

# Feeds take 2 s, so B's feed is still processing when A reruns.
sim_start --orders 3000 --seed 71 --time-scale 1000 --feed-processing-seconds 2000
export ASC_TEST_IN_FLIGHT_FLOOR_MS=1000
sim_get "/_sim/orders?fulfillmentStatus=UNSHIPPED&fulfilledBy=MERCHANT" | json "'\n'.join(d['order_ids'])" >"$WORK/pool"
next=1
take() { sed -n "${next},$((next + $2 - 1))p" "$WORK/pool" >"$WORK/$1"; next=$((next + $2)); }
as_a() { ASC_STORE="$WORK/a.db" "$ASC_BIN" --timeout 3 "$@"; }
as_b() { ASC_STORE="$WORK/b.db" "$ASC_BIN" --timeout 3 "$@"; }

# once FILE: every order of the file is Canceled on the sim, canceled once, named by one feed.
once() {
  python3 - "$WORK/$1" "$SIM_URL" <<'PY'
import json, sys, urllib.request
for oid in open(sys.argv[1]).read().split():
    with urllib.request.urlopen(f"{sys.argv[2]}/_sim/orders/{oid}") as resp:
        s = json.load(resp)
    assert s["order"]["fulfillment"]["fulfillmentStatus"] == "CANCELLED", oid
    assert s["cancellations"] == 1 and len(s["feeds"]) == 1, (oid, s["cancellations"], s["feeds"])
PY
}
# a_rows_honest: A's rows are canceled, name no feed of B's, and claim no interrupted run's feed.
a_rows_honest() {
  python3 - "$WORK/out" "$WORK/b_feed" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
b_feed = open(sys.argv[2]).read().strip()
assert rows and all(r["outcome"] == "canceled" for r in rows), rows
assert all(r["feed_id"] != b_feed for r in rows), (b_feed, rows)
assert not any("interrupted run" in (r["message"] or "") for r in rows), rows
PY
}

for sizes in "3 3" "5 5" "2 6" "6 2"; do
  read -r na nb <<<"$sizes"
  take a "$na"
  take b "$nb"
  expect_exit 137 "A ($na orders) dies before recording createFeed" env ASC_TEST_CRASH_AT=before-create-feed \
    ASC_STORE="$WORK/a.db" "$ASC_BIN" --timeout 3 order cancel --from "$WORK/a" --reason NoInventory --yes
  expect_exit 0 "B sends its $nb orders (--no-wait)" as_b order cancel --from "$WORK/b" --reason NoInventory --yes \
    --no-wait -o json
  json "d[0]['feed_id']" <"$WORK/out" >"$WORK/b_feed"
  expect_exit 0 "A's rerun ($na vs $nb) completes" as_a order cancel --from "$WORK/a" --reason NoInventory --yes -o json
  check "A ($na vs $nb): canceled in its own feed, never B's" a_rows_honest
  expect_exit 0 "B collects its feed" as_b cancellations resume
  check "A's orders ($na vs $nb): each canceled once, in one feed" once a
  check "B's orders ($na vs $nb): each canceled once, in one feed" once b
done

# A's feed did reach Amazon before A died, and B sends one of the same size: A's rerun reports
# its orders canceled as the orders show, naming no feed (neither can be proven A's).
take a 4
take b 4
expect_exit 137 "A dies after createFeed was answered, before recording it" env ASC_TEST_CRASH_AT=after-create-feed \
  ASC_STORE="$WORK/a.db" "$ASC_BIN" --timeout 3 order cancel --from "$WORK/a" --reason NoInventory --yes
expect_exit 0 "B sends 4 orders" as_b order cancel --from "$WORK/b" --reason NoInventory --yes --no-wait -o json
expect_exit 0 "A's rerun completes" as_a order cancel --from "$WORK/a" --reason NoInventory --yes -o json
check "A's rows are canceled, confirmed by the orders' state, no feed named" python3 -c "
import json; rows = json.load(open('$WORK/out'))
assert rows and all(r['outcome'] == 'canceled' and not r['feed_id'] and 'confirmed by the order' in (r['message'] or '') for r in rows), rows"
expect_exit 0 "B collects its feed" as_b cancellations resume
check "A's orders: each canceled once" once a
check "B's orders: each canceled once" once b

finish
