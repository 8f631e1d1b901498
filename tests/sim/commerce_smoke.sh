#!/usr/bin/env bash
# Smoke test of asc-sim's Adobe Commerce (Magento 2.4.7) surface: linked orders, searchCriteria
# lookups, order reads, status comments (only a status of the current state; none blanks the
# status), cancel (false with HTTP 200 when Magento cannot), offline credit memos with quantity
# checks, ACL per integration token, faults and the control endpoints.
# usage: tests/sim/commerce_smoke.sh path/to/asc-sim
# Needs bash, curl and python3. Exits non-zero with a message on the first failure.

set -euo pipefail

SIM=${1:?usage: commerce_smoke.sh path/to/asc-sim}
WORK=$(mktemp -d)
PIDS=()

cleanup() {
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT

fail() {
    echo "FAIL: $*" >&2
    exit 1
}
pass() { echo "ok - $*"; }

json() { python3 -c "import json,sys; j=json.load(sys.stdin); print($1)"; }

start() {
    local name=$1
    shift
    "$SIM" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
    PIDS+=($!)
    local line=""
    for _ in $(seq 1 100); do
        line=$(head -n 1 "$WORK/$name.out" 2>/dev/null || true)
        [[ $line == "asc-sim listening on http://"* ]] && break
        sleep 0.1
    done
    [[ $line =~ ^asc-sim\ listening\ on\ (http://[^[:space:]]+:[0-9]+)$ ]] ||
        fail "$name: no listening line (got '$line'; stderr: $(cat "$WORK/$name.err"))"
    printf -v "URL_$name" '%s' "${BASH_REMATCH[1]}"
}

call() {
    local method=$1 url=$2
    shift 2
    curl -sS -o "$WORK/body" -w '%{http_code}' -X "$method" "$url" "$@"
}

TOKEN=sim-commerce-token
AUTH=(-H "Authorization: Bearer $TOKEN")
# search URL FIELD VALUE: the searchCriteria lookup asc sends.
search() {
    call GET "$1/rest/default/V1/orders" --get "${AUTH[@]}" \
        --data-urlencode "searchCriteria[filterGroups][0][filters][0][field]=$2" \
        --data-urlencode "searchCriteria[filterGroups][0][filters][0][value]=$3" \
        --data-urlencode "searchCriteria[filterGroups][0][filters][0][conditionType]=eq"
}

start A --orders 200 --seed 7 --commerce-status amazon_canceled:closed \
    --commerce-acl reader:Magento_Sales::actions_view
start B --orders 200 --seed 7 --commerce-link-ratio 0 --commerce-token other-token
start C --orders 50 --seed 7 --commerce-link-ratio 1 --commerce-increment-ids amazon
pass "three simulators listening"

# --- links ---
call GET "$URL_A/_sim/orders?fulfilledBy=MERCHANT" >/dev/null
merchant=$(json 'len(j["order_ids"])' <"$WORK/body")
call GET "$URL_A/_sim/commerce/orders" >/dev/null
links=$(json 'len(j["links"])' <"$WORK/body")
[[ $links == $((merchant / 2)) ]] || fail "ratio 0.5: $links links for $merchant merchant orders"
LINKED=$(json 'j["links"][0]["amazon_order_id"]' <"$WORK/body")
INCREMENT=$(json 'j["links"][0]["increment_id"]' <"$WORK/body")
ENTITY=$(json 'j["links"][0]["entity_id"]' <"$WORK/body")
call GET "$URL_B/_sim/commerce/orders" >/dev/null
[[ $(json 'len(j["links"])' <"$WORK/body") == 0 ]] || fail "ratio 0 still links orders"
pass "every other merchant order is linked ($links of $merchant); ratio 0 links none"

# --- searchCriteria ---
code=$(search "$URL_A" ext_order_id "$LINKED")
[[ $code == 200 ]] || fail "search: $code $(cat "$WORK/body")"
[[ $(json 'j["total_count"], j["items"][0]["ext_order_id"], j["items"][0]["status"], len(j["items"][0]["status_histories"])' <"$WORK/body") == "1 $LINKED processing 0" ]] ||
    fail "search result: $(cat "$WORK/body")"
[[ $(json 'j["search_criteria"]["filter_groups"][0]["filters"][0]["field"]' <"$WORK/body") == ext_order_id ]] ||
    fail "search_criteria: $(cat "$WORK/body")"
code=$(search "$URL_A" increment_id "$INCREMENT")
[[ $code == 200 && $(json 'j["items"][0]["entity_id"]' <"$WORK/body") == "$ENTITY" ]] || fail "increment_id search: $(cat "$WORK/body")"
code=$(search "$URL_A" ext_order_id 999-9999999-9999999)
[[ $code == 200 && $(json 'j["total_count"], j["items"]' <"$WORK/body") == "0 []" ]] || fail "no match: $(cat "$WORK/body")"
code=$(search "$URL_A" customer_email x@example.com)
[[ $code == 400 ]] || fail "unsupported field: $code"
code=$(search "$URL_C" increment_id "$LINKED")
LINKED_C=$LINKED
if [[ $code == 200 && $(json 'j["total_count"]' <"$WORK/body") == 0 ]]; then
    # Not linked in C: use one that is.
    call GET "$URL_C/_sim/commerce/orders?limit=1" >/dev/null
    LINKED_C=$(json 'j["links"][0]["amazon_order_id"]' <"$WORK/body")
    code=$(search "$URL_C" increment_id "$LINKED_C")
fi
[[ $code == 200 && $(json 'j["items"][0]["increment_id"]' <"$WORK/body") == "$LINKED_C" ]] ||
    fail "--commerce-increment-ids amazon: $(cat "$WORK/body")"
pass "searchCriteria on ext_order_id and increment_id (eq); unsupported fields are 400"

# --- auth ---
code=$(call GET "$URL_A/rest/default/V1/orders/$ENTITY" -H "Authorization: Bearer wrong")
[[ $code == 401 && $(json 'j["message"], j["parameters"]["resources"]' <"$WORK/body") == "The consumer isn't authorized to access %resources. Magento_Sales::actions_view" ]] ||
    fail "wrong token: $code $(cat "$WORK/body")"
code=$(call GET "$URL_A/rest/default/V1/orders/$ENTITY")
[[ $code == 401 ]] || fail "no token: $code"
code=$(call GET "$URL_B/rest/default/V1/orders/1" -H "Authorization: Bearer other-token")
[[ $code == 404 ]] || fail "--commerce-token: $code $(cat "$WORK/body")"
pass "401 in Magento's shape without the bearer token; --commerce-token sets it"

# --- read and comment ---
code=$(call GET "$URL_A/rest/default/V1/orders/$ENTITY" "${AUTH[@]}")
[[ $code == 200 && $(json 'j["ext_order_id"], j["state"]' <"$WORK/body") == "$LINKED processing" ]] || fail "get: $(cat "$WORK/body")"
code=$(call GET "$URL_A/rest/default/V1/orders/999999" "${AUTH[@]}")
[[ $code == 404 && $(json '"message" in j' <"$WORK/body") == True ]] || fail "unknown entity: $code"
BODY='{"statusHistory":{"comment":"Canceled on Amazon by asc","status":"complete","is_customer_notified":0,"is_visible_on_front":0}}'
code=$(call POST "$URL_A/rest/default/V1/orders/$ENTITY/comments" "${AUTH[@]}" -H 'Content-Type: application/json' -d "$BODY")
[[ $code == 400 && $(json 'j["message"], j["parameters"][0]' <"$WORK/body") == 'Unable to add comment: The status "%1" is not part of the order status history. complete' ]] ||
    fail "a status of another state (2.4.7+): $code $(cat "$WORK/body")"
BODY='{"statusHistory":{"comment":"Canceled on Amazon by asc","status":"processing","is_customer_notified":0,"is_visible_on_front":0}}'
code=$(call POST "$URL_A/rest/default/V1/orders/$ENTITY/comments" "${AUTH[@]}" -H 'Content-Type: application/json' -d "$BODY")
[[ $code == 200 && $(cat "$WORK/body") == true ]] || fail "comment: $code $(cat "$WORK/body")"
call GET "$URL_A/_sim/commerce/orders/$LINKED" >/dev/null
[[ $(json 'j["state"], j["status"], len(j["status_histories"]), j["status_histories"][0]["comment"]' <"$WORK/body") == "processing processing 1 Canceled on Amazon by asc" ]] ||
    fail "truth after the comment: $(cat "$WORK/body")"
code=$(call POST "$URL_A/rest/default/V1/orders/$ENTITY/comments" "${AUTH[@]}" -H 'Content-Type: application/json' \
    -d '{"statusHistory":{"comment":"x","status":"no_such_status"}}')
[[ $code == 400 ]] || fail "unknown status: $code"
code=$(call POST "$URL_A/rest/default/V1/orders/$ENTITY/comments" "${AUTH[@]}" -H 'Content-Type: application/json' -d '{}')
[[ $code == 400 ]] || fail "no statusHistory: $code"
call GET "$URL_A/_sim/orders?fulfilledBy=AMAZON" >/dev/null
AFN=$(json 'j["order_ids"][0]' <"$WORK/body")
code=$(call GET "$URL_A/_sim/commerce/orders/$AFN")
[[ $code == 404 ]] || fail "an unlinked order has a Magento order: $code"
pass "comments: only a status of the current state (2.4.7+); the history is kept; /_sim/commerce/orders/ID is the truth"

# --- cancel, refund, ACL ---
# entity 1 is invoiced (processing), 9 not invoiced (new), 18 on hold, 19 closed (see commerce.hpp).
code=$(call POST "$URL_A/rest/default/V1/orders/1/cancel" "${AUTH[@]}" -d '')
[[ $code == 200 && $(cat "$WORK/body") == false ]] || fail "cancel of an invoiced order: $code $(cat "$WORK/body")"
code=$(call POST "$URL_A/rest/default/V1/orders/18/cancel" "${AUTH[@]}" -d '')
[[ $code == 200 && $(cat "$WORK/body") == false ]] || fail "cancel of an order on hold: $code $(cat "$WORK/body")"
code=$(call POST "$URL_A/rest/default/V1/orders/9/cancel" "${AUTH[@]}" -d '')
[[ $code == 200 && $(cat "$WORK/body") == true ]] || fail "cancel: $code $(cat "$WORK/body")"
code=$(call POST "$URL_A/rest/default/V1/orders/9/cancel" "${AUTH[@]}" -d '')
[[ $code == 200 && $(cat "$WORK/body") == false ]] || fail "second cancel: $code $(cat "$WORK/body")"
code=$(call POST "$URL_A/rest/default/V1/orders/9/comments" "${AUTH[@]}" -H 'Content-Type: application/json' \
    -d '{"statusHistory":{"comment":"no status"}}')
call GET "$URL_A/rest/default/V1/orders/9" "${AUTH[@]}" >/dev/null
[[ $(json 'j["state"], repr(j["status"])' <"$WORK/body") == "canceled ''" ]] || fail "a comment without status blanks it: $(cat "$WORK/body")"
call GET "$URL_A/rest/default/V1/orders/1" "${AUTH[@]}" >/dev/null
ITEM=$(json 'j["items"][0]["item_id"]' <"$WORK/body")
QTY=$(json 'j["items"][0]["qty_invoiced"]' <"$WORK/body")
code=$(call POST "$URL_A/rest/default/V1/order/1/refund" -H "Authorization: Bearer reader" -d '{}')
[[ $code == 401 && $(json 'j["parameters"]["resources"]' <"$WORK/body") == Magento_Sales::creditmemo ]] ||
    fail "refund without the credit memo resource: $code $(cat "$WORK/body")"
code=$(call GET "$URL_A/rest/default/V1/orders/1" -H "Authorization: Bearer reader")
[[ $code == 200 ]] || fail "the reader integration reads: $code"
code=$(call POST "$URL_A/rest/default/V1/order/1/refund" "${AUTH[@]}" -H 'Content-Type: application/json' \
    -d "{\"items\":[{\"order_item_id\":$ITEM,\"qty\":$(python3 -c "print($QTY + 1)")}]}")
[[ $code == 400 && $(json 'j["message"]' <"$WORK/body") == *"The quantity to refund must not be greater than the unrefunded quantity."* ]] ||
    fail "refunding more than refundable: $code $(cat "$WORK/body")"
code=$(call POST "$URL_A/rest/default/V1/order/1/refund" "${AUTH[@]}" -H 'Content-Type: application/json' -d '{"notify":false}')
[[ $code == 200 && $(cat "$WORK/body") =~ ^[0-9]+$ ]] || fail "refund: $code $(cat "$WORK/body")"
MEMO=$(cat "$WORK/body")
call GET "$URL_A/_sim/commerce/orders/$LINKED" >/dev/null
[[ $(json 'j["state"], j["status"], len(j["credit_memos"]), j["credit_memos"][0]["entity_id"]' <"$WORK/body") == "closed closed 1 $MEMO" ]] ||
    fail "truth after the refund: $(cat "$WORK/body")"
code=$(call GET "$URL_A/rest/default/V1/creditmemos" --get "${AUTH[@]}" \
    --data-urlencode "searchCriteria[filterGroups][0][filters][0][field]=order_id" \
    --data-urlencode "searchCriteria[filterGroups][0][filters][0][value]=1")
[[ $code == 200 && $(json '[m["entity_id"] for m in j["items"]] == [int("'"$MEMO"'")]' <"$WORK/body") == True ]] ||
    fail "credit memos of the order: $code $(cat "$WORK/body")"
code=$(call POST "$URL_A/rest/default/V1/order/1/refund" "${AUTH[@]}" -H 'Content-Type: application/json' -d '{}')
[[ $code == 400 && $(json 'j["message"]' <"$WORK/body") == *"We can't create creditmemo for the order."* ]] ||
    fail "a second refund: $code $(cat "$WORK/body")"
code=$(call POST "$URL_A/rest/default/V1/orders/1/comments" "${AUTH[@]}" -H 'Content-Type: application/json' \
    -d '{"statusHistory":{"comment":"x","status":"amazon_canceled"}}')
[[ $code == 200 ]] || fail "a custom status of the state closed: $code $(cat "$WORK/body")"
pass "cancel answers false when Magento cannot; refunds check quantities and close; ACL per token"

# --- faults and stats ---
call POST "$URL_A/_sim/stats/reset" >/dev/null
code=$(call POST "$URL_A/_sim/config" -H 'Content-Type: application/json' -d '{"faults":["500:commerceComment:1","503:commerceRefund:1"]}')
[[ $code == 200 ]] || fail "config: $code $(cat "$WORK/body")"
code=$(call POST "$URL_A/rest/default/V1/orders/$ENTITY/comments" "${AUTH[@]}" -H 'Content-Type: application/json' -d "$BODY")
[[ $code == 500 && $(json '"message" in j' <"$WORK/body") == True ]] || fail "500 fault: $code $(cat "$WORK/body")"
code=$(search "$URL_A" ext_order_id "$LINKED")
[[ $code == 200 ]] || fail "a fault on commerceComment hit commerceSearch: $code"
call GET "$URL_A/_sim/commerce/orders/$LINKED" >/dev/null
[[ $(json 'len(j["status_histories"])' <"$WORK/body") == 2 ]] || fail "a faulted comment was applied"
code=$(call POST "$URL_A/rest/default/V1/order/2/refund" "${AUTH[@]}" -d '{}')
[[ $code == 503 ]] || fail "503 fault on commerceRefund: $code"
call GET "$URL_A/_sim/stats" >/dev/null
[[ $(json 'j["operations"]["commerceComment"]["requests"], j["operations"]["commerceComment"]["faults"], j["operations"]["commerceSearch"]["requests"]' <"$WORK/body") == "1 1 1" ]] ||
    fail "stats: $(cat "$WORK/body")"
code=$(call POST "$URL_A/_sim/config" -H 'Content-Type: application/json' -d '{"faults":["slow:commerceGet:1"],"slow_seconds":0.3}')
start_ns=$(date +%s%N)
code=$(call GET "$URL_A/rest/default/V1/orders/$ENTITY" "${AUTH[@]}")
elapsed_ms=$((($(date +%s%N) - start_ns) / 1000000))
[[ $code == 200 && $elapsed_ms -ge 250 ]] || fail "slow fault: $code after ${elapsed_ms}ms"
pass "faults by operation name (commerceComment, commerceRefund, commerceGet), counted in /_sim/stats"

echo "all commerce smoke checks passed"
