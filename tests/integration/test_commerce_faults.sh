#!/usr/bin/env bash
# A fault campaign on the Magento operations (500, 503, 429, dropped connections, garbage bodies,
# and answers that arrive after asc gave up while the write is applied anyway), then
# `asc cancellations resume` until done: the same truth as without faults. Every Magento order is
# canceled or closed, with exactly one credit memo where something was invoiced (never two, even
# when a refund's answer was lost) and exactly one comment carrying its status.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/commerce_lib.sh"

sim_start --orders 600 --seed 43 --time-scale 1000 --commerce-link-ratio 1
export ASC_COMMERCE_URL="$SIM_URL" ASC_COMMERCE_TOKEN=sim-commerce-token

commerce_pick 60 "$WORK/batch"
check "60 linked orders picked" [ "$(wc -l <"$WORK/batch")" -eq 60 ]

faults='"500:commerceRefund:0.2","slow:commerceRefund:0.15","drop:commerceCancel:0.2","slow:commerceCancel:0.1",
"garbage:commerceComment:0.15","slow:commerceComment:0.1","503:commerceGet:0.2","429:commerceSearch:0.2",
"drop:commerceGet:0.1"'
sim_post /_sim/config "{\"faults\":[${faults//$'\n'/}],\"slow_seconds\":1.5}" >/dev/null

# Under faults: asc gives up waiting after 1 s, so a slow write lands after its run ended.
got=0
asc --timeout 1 order cancel --from "$WORK/batch" --reason NoInventory --yes -o jsonl >"$WORK/out" 2>"$WORK/err" || got=$?
check "the batch under faults exits 0 or 6 (exit $got)" [ "$got" -eq 0 -o "$got" -eq 6 ]
check "every order is canceled on Amazon" python3 -c "
import json; rows = [json.loads(l) for l in open('$WORK/out')]
assert len(rows) == 60 and all(r['outcome'] == 'canceled' for r in rows), [r for r in rows if r['outcome'] != 'canceled'][:3]"
check "the faults did hit the Magento writes" python3 -c "
import json, urllib.request
s = json.load(urllib.request.urlopen('$SIM_URL/_sim/stats'))['operations']
assert sum(s.get(o, {}).get('faults', 0) for o in ('commerceRefund', 'commerceCancel', 'commerceComment')) >= 5, s"
for round in 1 2 3; do
  sleep 2 # what a slow fault delayed has landed
  asc --timeout 1 cancellations resume -o json >/dev/null 2>&1 || true
done

sim_post /_sim/config '{"faults":[]}' >/dev/null
sleep 2
for round in 1 2 3; do
  if asc cancellations resume -o json >"$WORK/out" 2>"$WORK/err"; then break; fi
done
expect_exit 0 "without faults, resume finishes" asc cancellations resume
check "the Amazon side was never sent twice" python3 -c "
import json, urllib.request
for i in open('$WORK/batch'):
    d = json.load(urllib.request.urlopen('$SIM_URL/_sim/orders/' + i.strip()))
    assert d['cancellations'] == 1, (i, d['cancellations'])"
check "the same truth as without faults: canceled or closed, credit memos and comments exactly once" \
  commerce_truth "$WORK/batch"

finish
