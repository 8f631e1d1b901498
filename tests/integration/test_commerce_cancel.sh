#!/usr/bin/env bash
# The Magento (Adobe Commerce) order follows the Amazon cancellation: against asc-sim's commerce
# surface. A linked order becomes complete with one comment; an unlinked one is reported; the
# commerce side down leaves the Amazon cancellation recorded (exit 6) and `cancellations resume`
# completes only the commerce step, once; a wrong token exits 4 naming the commerce side;
# --no-commerce skips; a batch of 500 updates each Magento order exactly once.
source "$(dirname "$0")/lib.sh"

sim_start --orders 1500 --seed 31 --time-scale 1000
export ASC_COMMERCE_URL="$SIM_URL" ASC_COMMERCE_TOKEN=sim-commerce-token

# Unshipped merchant orders, split into those with a linked Magento order and those without.
split_orders() {
  sim_get "/_sim/orders?fulfillmentStatus=UNSHIPPED&fulfilledBy=MERCHANT" >"$WORK/unshipped.json"
  sim_get /_sim/commerce/orders >"$WORK/links.json"
  python3 - "$WORK/unshipped.json" "$WORK/links.json" "$WORK" <<'PY'
import json, sys
unshipped = json.load(open(sys.argv[1]))["order_ids"]
linked = {l["amazon_order_id"] for l in json.load(open(sys.argv[2]))["links"]}
open(sys.argv[3] + "/linked", "w").write("".join(i + "\n" for i in unshipped if i in linked))
open(sys.argv[3] + "/unlinked", "w").write("".join(i + "\n" for i in unshipped if i not in linked))
PY
}
split_orders
mapfile -t L <"$WORK/linked"
mapfile -t U <"$WORK/unlinked"
check "the sim has linked and unlinked unshipped orders (${#L[@]}, ${#U[@]})" [ "${#L[@]}" -ge 8 -a "${#U[@]}" -ge 1 ]

# magento ID EXPR: evaluates EXPR over the sim's linked Magento order of Amazon order ID.
magento() { sim_get "/_sim/commerce/orders/$1" | json "$2"; }
amazon_status() { sim_get "/_sim/orders/$1" | json "d['order']['fulfillment']['fulfillmentStatus'], d['cancellations']"; }
journal() { asc cancellations list --order "$1" -o json | json "d[-1]['state'], d[-1]['commerce_state']"; }
row() { python3 -c "import json; r = json.load(open('$WORK/out'))[0]; print($1)"; }

# 1. A linked order: canceled on Amazon, then its Magento order is complete with one comment.
expect_exit 0 "a linked order is canceled" asc order cancel "${L[0]}" --reason NoInventory --yes -o json
check "the row says canceled and commerce done" [ "$(row "r['outcome'], r['commerce']")" = "canceled done" ]
check "the row names the Magento order" bash -c "grep -q \"$(magento "${L[0]}" "d['increment_id']")\" '$WORK/out'"
check "the summary line counts the Magento update" contains "$WORK/err" "1 Magento order updated"
check "the Magento order is complete" [ "$(magento "${L[0]}" "d['state'], d['status']")" = "complete complete" ]
check "with one new comment naming the Amazon order, the reason and asc" python3 -c "
import json, urllib.request
d = json.load(urllib.request.urlopen('$SIM_URL/_sim/commerce/orders/${L[0]}'))
h = d['status_histories']; assert len(h) == 1, h
c = h[0]['comment']; assert '${L[0]}' in c and 'NoInventory' in c and 'asc' in c, c
assert h[0]['is_customer_notified'] == 0 and h[0]['is_visible_on_front'] == 0, h"
check "the journal records commerce done" [ "$(journal "${L[0]}")" = "canceled done" ]
before=$(sim_requests commerceComment)
expect_exit 0 "canceling it again exits 0" asc order cancel "${L[0]}" --reason NoInventory --yes
check "no second comment" [ "$(magento "${L[0]}" "len(d['status_histories'])")" -eq 1 -a "$(sim_requests commerceComment)" -eq "$before" ]

# 2. No linked Magento order: canceled, and reported as such.
expect_exit 0 "an order without a linked Magento order is canceled" asc order cancel "${U[0]}" --reason NoInventory --yes -o json
check "the row says canceled, no linked order" [ "$(row "r['outcome'], r['commerce']")" = "canceled no_link" ]
check "the message says so" [ "$(row "'no Magento order is linked' in r['message']")" = True ]
check "the journal records no_link" [ "$(journal "${U[0]}")" = "canceled no_link" ]

# 3. --no-commerce skips the step for one run (journaled skipped); resume leaves it alone.
searches=$(sim_requests commerceSearch)
expect_exit 0 "--no-commerce cancels on Amazon only" asc order cancel "${L[1]}" --reason NoInventory --yes --no-commerce -o json
check "the row says commerce skipped" [ "$(row "r['outcome'], r['commerce']")" = "canceled skipped" ]
check "no commerce request was made" [ "$(sim_requests commerceSearch)" -eq "$searches" ]
check "the journal records skipped" [ "$(journal "${L[1]}")" = "canceled skipped" ]
check "the Magento order is untouched" [ "$(magento "${L[1]}" "d['status'], len(d['status_histories'])")" = "processing 0" ]

# 4. The commerce side down: 500s, then timeouts. The Amazon cancellation stands, exit 6.
sim_post /_sim/config '{"faults":["500:commerceComment:1"]}' >/dev/null
expect_exit 6 "Magento answering 500 exits 6" asc order cancel "${L[2]}" --reason NoInventory --yes -o json
check "the row says canceled on Amazon, commerce failed" [ "$(row "r['outcome'], r['commerce']")" = "canceled failed" ]
check "the row says resume retries it" [ "$(row "'cancellations resume' in r['message']")" = True ]
check "stderr names the commerce side" contains "$WORK/err" "commerce system (Magento)"
check "Amazon has it canceled, once" [ "$(amazon_status "${L[2]}")" = "CANCELLED 1" ]
check "the journal records canceled, commerce failed" [ "$(journal "${L[2]}")" = "canceled failed" ]
check "the Magento order has no comment" [ "$(magento "${L[2]}" "len(d['status_histories'])")" -eq 0 ]

# Timeouts: the comment reaches Magento after asc gave up waiting (the sim applies it late).
sim_post /_sim/config '{"faults":["slow:commerceComment:1"],"slow_seconds":2}' >/dev/null
expect_exit 6 "Magento timing out exits 6" asc --timeout 1 order cancel "${L[3]}" --reason NoInventory --yes -o json
check "the row says commerce failed" [ "$(row "r['outcome'], r['commerce']")" = "canceled failed" ]
check "Amazon has it canceled, once" [ "$(amazon_status "${L[3]}")" = "CANCELLED 1" ]
sleep 2.5
check "the late comment did land in Magento" [ "$(magento "${L[3]}" "len(d['status_histories'])")" -eq 1 ]
sim_post /_sim/config '{"faults":[]}' >/dev/null

# Resume completes only the commerce step, once per order.
feeds_before="$(sim_requests createFeed) $(sim_requests getOrder)"
comments_before=$(sim_requests commerceComment)
expect_exit 0 "cancellations resume completes the commerce step" asc cancellations resume -o json
check "resume shows both orders done" python3 -c "
import json; rows = {r['order_id']: r for r in json.load(open('$WORK/out'))}
assert rows['${L[2]}']['commerce'] == 'done' and rows['${L[3]}']['commerce'] == 'done', rows
assert all(r['outcome'] == 'canceled' for r in rows.values()), rows"
check "nothing was sent to Amazon" [ "$(sim_requests createFeed) $(sim_requests getOrder)" = "$feeds_before" ]
check "one comment was posted (the late one was found in the history)" [ "$(sim_requests commerceComment)" -eq $((comments_before + 1)) ]
check "each Magento order has exactly one comment and is complete" [ "$(magento "${L[2]}" "d['status'], len(d['status_histories'])") $(magento "${L[3]}" "d['status'], len(d['status_histories'])")" = "complete 1 complete 1" ]
check "the journal records commerce done" [ "$(journal "${L[2]}") $(journal "${L[3]}")" = "canceled done canceled done" ]
check "the skipped order stayed skipped" [ "$(journal "${L[1]}")" = "canceled skipped" ]
comments_before=$(sim_requests commerceComment)
expect_exit 0 "a second resume has nothing to do" asc cancellations resume
check "it says so" contains "$WORK/err" "nothing to resume"
check "and posts nothing" [ "$(sim_requests commerceComment)" -eq "$comments_before" ]

# 5. A wrong token: exit 4 naming the commerce side; the Amazon cancellation stands.
ASC_COMMERCE_TOKEN=wrong-token-0123456789 expect_exit 4 "a wrong commerce token exits 4" \
  asc order cancel "${L[4]}" --reason NoInventory --yes -o json
check "the message names the commerce side" contains "$WORK/err" "commerce system (Magento) refused the access token"
check "the token is not shown" bash -c "! grep -q wrong-token-0123456789 '$WORK/err' '$WORK/out'"
check "Amazon has it canceled" [ "$(amazon_status "${L[4]}")" = "CANCELLED 1" ]
check "the journal records commerce failed" [ "$(journal "${L[4]}")" = "canceled failed" ]
expect_exit 0 "resume with the right token completes it" asc cancellations resume -o json
check "the Magento order is complete with one comment" [ "$(magento "${L[4]}" "d['status'], len(d['status_histories'])")" = "complete 1" ]

# 6. An incomplete commerce link fails before anything is sent to Amazon.
feeds_before=$(sim_requests createFeed)
ASC_COMMERCE_TOKEN= expect_exit 78 "a commerce link without a token is a config error" \
  asc order cancel "${L[5]}" --reason NoInventory --yes
check "it names ASC_COMMERCE_TOKEN" contains "$WORK/err" "ASC_COMMERCE_TOKEN"
check "nothing was sent to Amazon" [ "$(sim_requests createFeed)" -eq "$feeds_before" ]

# 7. A batch of 500 linked orders: every Magento order updated exactly once.
sim_start --orders 2500 --seed 32 --time-scale 1000 --commerce-link-ratio 1
export ASC_COMMERCE_URL="$SIM_URL" ASC_STORE="$WORK/batch.db"
split_orders
head -n 500 "$WORK/linked" >"$WORK/batch"
check "the sim has 500 linked unshipped orders" [ "$(wc -l <"$WORK/batch")" -eq 500 ]
expect_exit 0 "a batch of 500 is canceled" asc order cancel --from "$WORK/batch" --reason NoInventory --yes -o jsonl
check "every row says canceled and commerce done" python3 - "$WORK/out" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert len(rows) == 500, len(rows)
bad = [r for r in rows if r["outcome"] != "canceled" or r["commerce"] != "done"]
assert not bad, bad[:3]
PY
check "500 comments were posted" [ "$(sim_requests commerceComment)" -eq 500 ]
check "every Magento order is complete with exactly one comment" python3 - "$WORK/batch" "$SIM_URL" <<'PY'
import json, sys, urllib.request
for line in open(sys.argv[1]):
    d = json.load(urllib.request.urlopen(f"{sys.argv[2]}/_sim/commerce/orders/{line.strip()}"))
    assert d["status"] == "complete" and len(d["status_histories"]) == 1, d
PY
check "the journal records done for all 500" [ "$(asc cancellations list --state canceled -o json | json "sum(r['commerce_state'] == 'done' for r in d)")" -eq 500 ]

finish
