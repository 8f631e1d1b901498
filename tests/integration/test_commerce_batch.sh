#!/usr/bin/env bash
# A batch of 200 Amazon orders whose linked Magento orders are a mix (nothing invoiced, invoiced,
# partly invoiced, already closed): after one `asc order cancel` every Magento order is canceled
# or closed, with exactly one credit memo where something was invoiced and one comment whose
# status is not empty, and the journal and `cancellations list` say which action was taken.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/commerce_lib.sh"

sim_start --orders 1000 --seed 41 --time-scale 1000 --commerce-link-ratio 1
export ASC_COMMERCE_URL="$SIM_URL" ASC_COMMERCE_TOKEN=sim-commerce-token

commerce_pick 200 "$WORK/batch"
check "200 linked orders picked" [ "$(wc -l <"$WORK/batch")" -eq 200 ]
check "they are a mix: not invoiced, invoiced, partly invoiced, closed" python3 -c "
import json; b = json.load(open('$WORK/batch.before.json')).values()
kinds = {('closed' if o['state'] == 'closed' else 'none' if not any(i['qty_invoiced'] for i in o['items'])
          else 'all' if all(i['qty_invoiced'] == i['qty_ordered'] for i in o['items']) else 'part') for o in b}
assert kinds == {'closed', 'none', 'all', 'part'}, kinds"

expect_exit 0 "a batch of 200 is canceled" asc order cancel --from "$WORK/batch" --reason NoInventory --yes -o jsonl
check "every row says canceled and commerce done, with an action" python3 - "$WORK/out" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert len(rows) == 200, len(rows)
bad = [r for r in rows if r["outcome"] != "canceled" or r["commerce"] != "done" or not r["commerce_action"]]
assert not bad, bad[:3]
PY
check "the summary counts the actions" grep -qE "200 Magento orders updated \(.*canceled.*refunded" "$WORK/err"
check "every Magento order is canceled or closed, credit memos and comments exactly once" commerce_truth "$WORK/batch"
check "one refund per refundable order, one comment per order" python3 -c "
import json, urllib.request
b = json.load(open('$WORK/batch.before.json')).values()
want = sum(1 for o in b if any(i['qty_invoiced'] > i['qty_refunded'] for i in o['items']))
s = json.load(urllib.request.urlopen('$SIM_URL/_sim/stats'))['operations']
assert s['commerceRefund']['requests'] == want and s['commerceComment']['requests'] == 200, (want, s)"
asc cancellations list --state canceled -o json >"$WORK/list.json"
check "cancellations list shows the action of all 200" python3 -c "
import json; rows = json.load(open('$WORK/list.json'))
assert len(rows) == 200 and all(r['commerce_action'] in ('canceled', 'refunded', 'nothing_to_do') for r in rows), rows[:2]
assert all(r['commerce_creditmemo_id'] for r in rows if r['commerce_action'] == 'refunded')"

finish
