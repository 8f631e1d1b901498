#!/usr/bin/env bash
# A commerce-linked batch worked through in chunks (the ASC_TEST_PLAN_CHUNK test hook with
# --max-per-feed 7: chunk boundaries, and the Magento step's parts, fall inside a batch of 20):
# every order is canceled once on Amazon, its Magento order updated exactly once, and the rows come
# in input order with the commerce columns. A run killed after its first chunk's feed was
# submitted (later chunks not journaled yet) is completed by the same command: nothing is sent
# twice to Amazon or to Magento.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/commerce_lib.sh"

sim_start --orders 1000 --seed 43 --time-scale 1000 --commerce-link-ratio 1
export ASC_COMMERCE_URL="$SIM_URL" ASC_COMMERCE_TOKEN=sim-commerce-token ASC_TEST_PLAN_CHUNK=7

commerce_pick 40 "$WORK/pick"
check "40 linked orders picked" [ "$(wc -l <"$WORK/pick")" -eq 40 ]
head -20 "$WORK/pick" >"$WORK/one"
tail -20 "$WORK/pick" >"$WORK/two"
python3 -c "
import json; b = json.load(open('$WORK/pick.before.json'))
for name in ('one', 'two'):
    ids = open('$WORK/' + name).read().split()
    json.dump({i: b[i] for i in ids}, open('$WORK/' + name + '.before.json', 'w'))"

expect_exit 0 "a batch of 20 in chunks of 7 is canceled" \
  asc order cancel --from "$WORK/one" --reason NoInventory --yes --max-per-feed 7 -o jsonl
check "one row per order, in input order, canceled with the Magento step done" python3 - "$WORK/out" "$WORK/one" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
ids = open(sys.argv[2]).read().split()
assert [r["order_id"] for r in rows] == ids, [r["order_id"] for r in rows][:3]
bad = [r for r in rows if r["outcome"] != "canceled" or r["commerce"] != "done" or not r["commerce_action"]]
assert not bad, bad[:3]
assert len({r["feed_id"] for r in rows}) == 3, {r["feed_id"] for r in rows}
PY
check "the summary counts all 20 Magento orders" grep -q "20 Magento orders updated" "$WORK/err"
check "every Magento order is canceled or closed, credit memos and comments exactly once" commerce_truth "$WORK/one"
check "every order was canceled exactly once on the sim" [ "$(sim_cancellation_counts "$WORK/one")" = "1:20" ]

expect_exit 137 "a batch killed once its first chunk's feed is submitted" env ASC_TEST_CRASH_AT=after-submit \
  "$ASC_BIN" order cancel --from "$WORK/two" --reason NoInventory --yes --max-per-feed 7
check "only the first chunk was journaled" [ "$(asc cancellations list -o ids | grep -cFf "$WORK/two")" -eq 7 ]
expect_exit 0 "the same command again completes the batch" \
  asc order cancel --from "$WORK/two" --reason NoInventory --yes --max-per-feed 7 -o jsonl
check "every row of the rerun is canceled (or already), in input order" python3 - "$WORK/out" "$WORK/two" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
ids = open(sys.argv[2]).read().split()
assert [r["order_id"] for r in rows] == ids, [r["order_id"] for r in rows][:3]
bad = [r for r in rows if r["outcome"] not in ("canceled", "already_canceled")]
assert not bad, bad[:3]
PY
check "after the rerun every Magento order was updated exactly once" commerce_truth "$WORK/two"
check "after the rerun every order was canceled exactly once on the sim" [ "$(sim_cancellation_counts "$WORK/two")" = "1:20" ]
check "the Magento step commented each of the 40 orders once" python3 -c "
import json, urllib.request
s = json.load(urllib.request.urlopen('$SIM_URL/_sim/stats'))['operations']
assert s['commerceComment']['requests'] == 40, s['commerceComment']"

finish
