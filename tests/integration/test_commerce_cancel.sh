#!/usr/bin/env bash
# The Magento (Adobe Commerce) order is closed out the way Magento allows when its Amazon order is
# canceled, against asc-sim's Magento 2.4.7 surface: nothing invoiced -> canceled; invoiced -> one
# offline credit memo, closed; each with one comment carrying the status; shipped or on hold ->
# refused with the reason; unlinked -> reported; --no-commerce skips; the commerce side down leaves
# the Amazon cancellation recorded (exit 6) and `cancellations resume` completes only the commerce
# step; a lost answer on the refund makes no second credit memo; a refused token or a missing ACL
# resource exits 4 naming the commerce side; cancel_status of the wrong state exits 78 naming the
# state to assign it to; on_cancel = comment only comments.
source "$(dirname "$0")/lib.sh"

sim_start --orders 1500 --seed 31 --time-scale 1000 --commerce-status amazon_canceled:closed \
  --commerce-acl no-creditmemo:Magento_Sales::actions_view,Magento_Sales::cancel,Magento_Sales::comment
export ASC_COMMERCE_URL="$SIM_URL" ASC_COMMERCE_TOKEN=sim-commerce-token

# Unshipped merchant orders by what their linked Magento order is: files $WORK/{none,invoiced,
# partly,shipped,holded,closed,unlinked}, one Amazon order id a line.
split_orders() {
  sim_get "/_sim/orders?fulfillmentStatus=UNSHIPPED&fulfilledBy=MERCHANT" >"$WORK/unshipped.json"
  sim_get /_sim/commerce/orders >"$WORK/links.json"
  python3 - "$WORK/unshipped.json" "$WORK/links.json" "$WORK" "$SIM_URL" <<'PY'
import json, sys, urllib.request
unshipped = json.load(open(sys.argv[1]))["order_ids"]
links = {l["amazon_order_id"]: l for l in json.load(open(sys.argv[2]))["links"]}
out = {k: [] for k in ("none", "invoiced", "partly", "shipped", "holded", "closed", "unlinked")}
for i in unshipped:
    if i not in links:
        out["unlinked"].append(i); continue
    state = links[i]["state"]
    if state in ("complete", "holded", "closed"):
        out[{"complete": "shipped"}.get(state, state)].append(i); continue
    d = json.load(urllib.request.urlopen(f"{sys.argv[4]}/_sim/commerce/orders/{i}"))
    inv = [it["qty_invoiced"] for it in d["items"]]
    out["none" if not any(inv) else "invoiced" if all(it["qty_invoiced"] == it["qty_ordered"] for it in d["items"]) else "partly"].append(i)
for k, v in out.items():
    open(f"{sys.argv[3]}/{k}", "w").write("".join(i + "\n" for i in v))
PY
}
split_orders
mapfile -t NONE <"$WORK/none"; mapfile -t INV <"$WORK/invoiced"; mapfile -t PART <"$WORK/partly"
mapfile -t SHIP <"$WORK/shipped"; mapfile -t HOLD <"$WORK/holded"; mapfile -t CLOSED <"$WORK/closed"
mapfile -t U <"$WORK/unlinked"
check "the sim has every kind of linked order (${#NONE[@]} ${#INV[@]} ${#PART[@]} ${#SHIP[@]} ${#HOLD[@]} ${#CLOSED[@]} ${#U[@]})" \
  [ "${#NONE[@]}" -ge 4 -a "${#INV[@]}" -ge 8 -a "${#PART[@]}" -ge 1 -a "${#SHIP[@]}" -ge 1 -a "${#HOLD[@]}" -ge 1 -a "${#CLOSED[@]}" -ge 1 -a "${#U[@]}" -ge 1 ]

# magento ID EXPR: evaluates EXPR over the sim's linked Magento order of Amazon order ID.
magento() { sim_get "/_sim/commerce/orders/$1" | json "$2"; }
amazon_status() { sim_get "/_sim/orders/$1" | json "d['order']['fulfillment']['fulfillmentStatus'], d['cancellations']"; }
journal() { asc cancellations list --order "$1" -o json | json "d[-1]['state'], d[-1]['commerce_state'], d[-1]['commerce_action']"; }
row() { python3 -c "import json; r = json.load(open('$WORK/out'))[0]; print($1)"; }
# state, status, comments, credit memos of the Magento order
summary() { magento "$1" "d['state'], d['status'], len(d['status_histories']), len(d['credit_memos'])"; }

# 1. Nothing invoiced: the Magento order is canceled, with one comment carrying status canceled.
expect_exit 0 "a linked order with nothing invoiced is canceled" asc order cancel "${NONE[0]}" --reason NoInventory --yes -o json
check "the row says canceled, commerce done, action canceled" [ "$(row "r['outcome'], r['commerce'], r['commerce_action']")" = "canceled done canceled" ]
check "the row names the Magento order" bash -c "grep -q \"$(magento "${NONE[0]}" "d['increment_id']")\" '$WORK/out'"
check "the summary line counts the action" contains "$WORK/err" "1 Magento order updated (1 canceled)"
check "the Magento order is canceled, one comment, no credit memo" [ "$(summary "${NONE[0]}")" = "canceled canceled 1 0" ]
check "the comment names the Amazon order, the reason and asc, and carries the status" python3 -c "
import json, urllib.request
d = json.load(urllib.request.urlopen('$SIM_URL/_sim/commerce/orders/${NONE[0]}'))
h = d['status_histories'][0]; c = h['comment']
assert '${NONE[0]}' in c and 'NoInventory' in c and 'asc' in c, c
assert h['status'] == 'canceled' and h['is_customer_notified'] == 0 and h['is_visible_on_front'] == 0, h"
check "the journal records canceled, done, canceled" [ "$(journal "${NONE[0]}")" = "canceled done canceled" ]
before=$(sim_requests commerceComment)
expect_exit 0 "canceling it again exits 0" asc order cancel "${NONE[0]}" --reason NoInventory --yes
check "no second comment" [ "$(magento "${NONE[0]}" "len(d['status_histories'])")" -eq 1 -a "$(sim_requests commerceComment)" -eq "$before" ]

# 2. Invoiced: one offline credit memo of every item, back to stock; closed.
expect_exit 0 "an invoiced linked order is refunded" asc order cancel "${INV[0]}" --reason NoInventory --yes -o json
check "the row says refunded with the credit memo id" [ "$(row "r['commerce'], r['commerce_action'], r['commerce_creditmemo_id'] is not None")" = "done refunded True" ]
check "the Magento order is closed, one comment, one credit memo" [ "$(summary "${INV[0]}")" = "closed closed 1 1" ]
check "the credit memo covers every item, back to stock" python3 -c "
import json, urllib.request
d = json.load(urllib.request.urlopen('$SIM_URL/_sim/commerce/orders/${INV[0]}'))
m = d['credit_memos'][0]; ids = sorted(i['item_id'] for i in d['items'])
assert sorted(i['order_item_id'] for i in m['items']) == ids and sorted(m['return_to_stock_items']) == ids, m
assert all(i['qty_refunded'] == i['qty_ordered'] for i in d['items']), d['items']"
check "the journal keeps the credit memo id" [ "$(asc cancellations list --order "${INV[0]}" -o json | json "d[-1]['commerce_creditmemo_id'] == str($(magento "${INV[0]}" "d['credit_memos'][0]['entity_id']"))")" = True ]

# Partly invoiced: the rest canceled, the invoiced part refunded; closed.
expect_exit 0 "a partly invoiced linked order is closed out" asc order cancel "${PART[0]}" --reason NoInventory --yes -o json
check "the Magento order is closed with one credit memo and one comment" [ "$(summary "${PART[0]}")" = "closed closed 1 1" ]

# Already closed in Magento: nothing to do, still one comment.
expect_exit 0 "an order already closed in Magento" asc order cancel "${CLOSED[0]}" --reason NoInventory --yes -o json
check "the row says nothing_to_do" [ "$(row "r['commerce'], r['commerce_action']")" = "done nothing_to_do" ]
check "still its one credit memo, one comment" [ "$(summary "${CLOSED[0]}")" = "closed closed 1 1" ]

# 4. No linked Magento order: canceled, and reported as such.
expect_exit 0 "an order without a linked Magento order is canceled" asc order cancel "${U[0]}" --reason NoInventory --yes -o json
check "the row says canceled, no linked order" [ "$(row "r['outcome'], r['commerce']")" = "canceled no_link" ]

# 5. --no-commerce skips the step for one run (journaled skipped).
searches=$(sim_requests commerceSearch)
expect_exit 0 "--no-commerce cancels on Amazon only" asc order cancel "${NONE[1]}" --reason NoInventory --yes --no-commerce -o json
check "the row says commerce skipped" [ "$(row "r['outcome'], r['commerce']")" = "canceled skipped" ]
check "no commerce request was made" [ "$(sim_requests commerceSearch)" -eq "$searches" ]
check "the Magento order is untouched" [ "$(summary "${NONE[1]}")" = "new pending 0 0" ]

# 6. Magento answering 500 to the refund: the Amazon cancellation stands, exit 6, no credit memo.
sim_post /_sim/config '{"faults":["500:commerceRefund:1"]}' >/dev/null
expect_exit 6 "Magento answering 500 exits 6" asc order cancel "${INV[1]}" --reason NoInventory --yes -o json
check "the row says canceled on Amazon, commerce failed, resume retries it" [ "$(row "r['outcome'], r['commerce'], 'cancellations resume' in r['message']")" = "canceled failed True" ]
check "stderr names the commerce side" contains "$WORK/err" "commerce system (Magento)"
check "Amazon has it canceled, once" [ "$(amazon_status "${INV[1]}")" = "CANCELLED 1" ]
check "the Magento order has no credit memo and no comment" [ "$(summary "${INV[1]}")" = "processing processing 0 0" ]

# A lost answer: the refund reaches Magento after asc gave up waiting (the sim applies it late).
sim_post /_sim/config '{"faults":["slow:commerceRefund:1"],"slow_seconds":2}' >/dev/null
expect_exit 6 "Magento timing out on the refund exits 6" asc --timeout 1 order cancel "${INV[2]}" --reason NoInventory --yes -o json
check "the row says commerce failed, outcome unknown" [ "$(row "r['commerce'], 'may or may not have applied' in r['message']")" = "failed True" ]
check "the journal keeps the attempted action" [ "$(journal "${INV[2]}")" = "canceled failed refunded" ]
sleep 2.5
check "the late credit memo did land in Magento" [ "$(summary "${INV[2]}")" = "closed closed 0 1" ]
sim_post /_sim/config '{"faults":[]}' >/dev/null

# Resume completes only the commerce step: it reads each order again and decides from it.
feeds_before="$(sim_requests createFeed) $(sim_requests getOrder)"
refunds_before=$(sim_requests commerceRefund)
expect_exit 0 "cancellations resume completes the commerce step" asc cancellations resume -o json
check "resume shows both orders done and refunded" python3 -c "
import json; rows = {r['order_id']: r for r in json.load(open('$WORK/out'))}
for i in ('${INV[1]}', '${INV[2]}'):
    assert rows[i]['commerce'] == 'done' and rows[i]['commerce_action'] == 'refunded', rows[i]"
check "nothing was sent to Amazon" [ "$(sim_requests createFeed) $(sim_requests getOrder)" = "$feeds_before" ]
check "one refund was sent (the late one was found in the quantities)" [ "$(sim_requests commerceRefund)" -eq $((refunds_before + 1)) ]
check "each Magento order is closed with exactly one credit memo and one comment" \
  [ "$(summary "${INV[1]}") $(summary "${INV[2]}")" = "closed closed 1 1 closed closed 1 1" ]
check "the journal records done" [ "$(journal "${INV[1]}") $(journal "${INV[2]}")" = "canceled done refunded canceled done refunded" ]
check "the credit memo whose answer was lost is on record" [ "$(asc cancellations list --order "${INV[2]}" -o json | json "d[-1]['commerce_creditmemo_id'] == str($(magento "${INV[2]}" "d['credit_memos'][0]['entity_id']"))")" = True ]
check "the skipped order stayed skipped" [ "$(asc cancellations list --order "${NONE[1]}" -o json | json "d[-1]['commerce_state']")" = "skipped" ]

# 7. A wrong token: exit 4 naming the commerce side; the Amazon cancellation stands.
ASC_COMMERCE_TOKEN=wrong-token-0123456789 expect_exit 4 "a wrong commerce token exits 4" \
  asc order cancel "${NONE[2]}" --reason NoInventory --yes -o json
check "the message names the commerce side" contains "$WORK/err" "commerce system (Magento) refused the access token"
check "the token is not shown" bash -c "! grep -q wrong-token-0123456789 '$WORK/err' '$WORK/out'"
check "Amazon has it canceled" [ "$(amazon_status "${NONE[2]}")" = "CANCELLED 1" ]

# An integration without the credit memo resource: a canceled order works, a refund exits 4.
ASC_COMMERCE_TOKEN=no-creditmemo expect_exit 4 "a token without Magento_Sales::creditmemo exits 4 on a refund" \
  asc order cancel "${INV[3]}" --reason NoInventory --yes -o json
check "the message names the missing resource and where to grant it" bash -c \
  "grep -q 'Magento_Sales::creditmemo' '$WORK/err' && grep -q 'Credit Memos' '$WORK/err'"
check "the Magento order is untouched" [ "$(summary "${INV[3]}")" = "processing processing 0 0" ]
expect_exit 0 "resume with the right token completes both" asc cancellations resume -o json
check "both Magento orders are closed out with one comment" \
  [ "$(summary "${NONE[2]}") $(summary "${INV[3]}")" = "canceled canceled 1 0 closed closed 1 1" ]

# 8. cancel_status: set when it is assigned to the resulting state; else exit 78 naming the state.
mkdir -p "$XDG_CONFIG_HOME/asc"
printf '[profiles.default.commerce]\ncancel_status = "amazon_canceled"\n' >"$XDG_CONFIG_HOME/asc/config.toml"
expect_exit 0 "cancel_status assigned to closed is set on an invoiced order" asc order cancel "${INV[4]}" --reason NoInventory --yes -o json
check "the Magento order is closed with status amazon_canceled" [ "$(summary "${INV[4]}")" = "closed amazon_canceled 1 1" ]
expect_exit 78 "the same cancel_status on a canceled order fails clearly" asc order cancel "${NONE[3]}" --reason NoInventory --yes -o json
check "the message names the status, Magento's refusal and the state to assign it to" bash -c \
  "grep -q \"cancel_status 'amazon_canceled'\" '$WORK/err' && grep -q 'not part of the order status history' '$WORK/err' && grep -q \"state 'canceled'\" '$WORK/err'"
check "the order was canceled in Magento, without a comment" [ "$(summary "${NONE[3]}")" = "canceled canceled 0 0" ]
rm "$XDG_CONFIG_HOME/asc/config.toml"
expect_exit 0 "resume without cancel_status adds the comment" asc cancellations resume -o json
check "one comment now, canceled once" [ "$(summary "${NONE[3]}") $(journal "${NONE[3]}")" = "canceled canceled 1 0 canceled done canceled" ]

# 9. on_cancel = comment: only the comment, with the order's status; no state change.
printf '[profiles.default.commerce]\non_cancel = "comment"\n' >"$XDG_CONFIG_HOME/asc/config.toml"
expect_exit 0 "on_cancel = comment only comments" asc order cancel "${INV[5]}" --reason NoInventory --yes -o json
check "the row says comment_only" [ "$(row "r['commerce'], r['commerce_action']")" = "done comment_only" ]
check "the Magento order is still processing, with one comment carrying processing" [ "$(summary "${INV[5]}") $(magento "${INV[5]}" "d['status_histories'][0]['status']")" = "processing processing 1 0 processing" ]
rm "$XDG_CONFIG_HOME/asc/config.toml"

# 10. An incomplete commerce link fails before anything is sent to Amazon.
feeds_before=$(sim_requests createFeed)
ASC_COMMERCE_TOKEN= expect_exit 78 "a commerce link without a token is a config error" \
  asc order cancel "${INV[6]}" --reason NoInventory --yes
check "it names ASC_COMMERCE_TOKEN" contains "$WORK/err" "ASC_COMMERCE_TOKEN"
check "nothing was sent to Amazon" [ "$(sim_requests createFeed)" -eq "$feeds_before" ]

# 10b. Shipped or on hold in Magento: refused with the reason, Magento untouched, exit 6.
expect_exit 6 "a Magento order that has shipped is refused" asc order cancel "${SHIP[0]}" --reason NoInventory --yes -o json
check "the row says commerce failed, naming the shipment and Amazon" [ "$(row "r['commerce'], 'shipped' in r['message'], 'Amazon would have refused' in r['message']")" = "failed True True" ]
check "the Magento order is untouched" [ "$(summary "${SHIP[0]}")" = "complete complete 0 0" ]
expect_exit 6 "a Magento order on hold is refused" asc order cancel "${HOLD[0]}" --reason NoInventory --yes -o json
check "the row says on hold and how to go on" [ "$(row "'on hold' in r['message'], 'cancellations resume' in r['message']")" = "True True" ]
check "the Magento order is untouched" [ "$(summary "${HOLD[0]}")" = "holded holded 0 0" ]

writes_before="$(sim_requests commerceCancel) $(sim_requests commerceRefund) $(sim_requests commerceComment)"
expect_exit 6 "resume tries them again and they are refused again" asc cancellations resume -o json
check "nothing was written to Magento" [ "$(sim_requests commerceCancel) $(sim_requests commerceRefund) $(sim_requests commerceComment)" = "$writes_before" ]

# 11. `asc cancellations list` shows the action and the credit memo.
asc cancellations list --fields order_id,commerce_state,commerce_action,commerce_creditmemo_id -o csv >"$WORK/list.csv"
check "the journal list has the action and credit memo columns" python3 -c "
import csv; rows = {r['order_id']: r for r in csv.DictReader(open('$WORK/list.csv'))}
assert rows['${INV[0]}']['commerce_action'] == 'refunded' and rows['${INV[0]}']['commerce_creditmemo_id'], rows['${INV[0]}']
assert rows['${NONE[0]}']['commerce_action'] == 'canceled' and rows['${NONE[0]}']['commerce_creditmemo_id'] == '', rows['${NONE[0]}']"

finish
