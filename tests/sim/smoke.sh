#!/usr/bin/env bash
# Smoke test of asc-sim: starts it on a free port and checks the main contract end to end.
# usage: tests/sim/smoke.sh path/to/asc-sim
# Needs bash, curl and python3. Exits non-zero with a message on the first failure.

set -euo pipefail

SIM=${1:?usage: smoke.sh path/to/asc-sim}
HERE=$(cd "$(dirname "$0")" && pwd)
FIXTURE="$HERE/../fixtures/sim-fixture-orders.json"
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

# json EXPR < body: evaluates a Python expression over the parsed body `j`.
json() { python3 -c "import json,sys; j=json.load(sys.stdin); print($1)"; }

# start NAME ARGS...: starts a simulator and sets URL_<NAME> from its first stdout line.
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

# call METHOD URL [curl args...]: prints the body to $WORK/body and returns the HTTP status.
call() {
    local method=$1 url=$2
    shift 2
    curl -sS -o "$WORK/body" -D "$WORK/headers" -w '%{http_code}' -X "$method" "$url" "$@"
}

token_for() {
    local code
    code=$(call POST "$1/auth/o2/token" \
        --data-urlencode grant_type=refresh_token --data-urlencode 'refresh_token=Atzr|smoke' \
        --data-urlencode client_id=amzn1.application-oa2-client.smoke --data-urlencode client_secret=secret)
    [[ $code == 200 ]] || fail "token endpoint answered $code: $(cat "$WORK/body")"
    json 'j["access_token"]' <"$WORK/body"
}

start A --orders 250 --seed 11 --time-scale 100 --feed-processing-seconds 1
start B --orders 0 --fixture "$FIXTURE"
pass "two simulators listening ($URL_A, $URL_B)"

# --- LWA ---
TOKEN=$(token_for "$URL_A")
[[ $TOKEN == Atza\|sim-* ]] || fail "unexpected access token '$TOKEN'"
[[ $(json 'j["token_type"], j["expires_in"]' <"$WORK/body") == "bearer 3600" ]] || fail "token response: $(cat "$WORK/body")"
code=$(call POST "$URL_A/auth/o2/token" -d 'grant_type=refresh_token&refresh_token=revoked&client_id=a&client_secret=b')
[[ $code == 400 && $(json 'j["error"]' <"$WORK/body") == invalid_grant ]] || fail "revoked refresh token: $code"
pass "LWA token endpoint issues tokens and rejects a revoked refresh token"

AUTH=(-H "x-amz-access-token: $TOKEN")
SEARCH="$URL_A/orders/2026-01-01/orders"

# --- auth and errors ---
code=$(call GET "$SEARCH?createdAfter=2020-01-01T00:00:00Z")
[[ $code == 403 && $(json 'j["errors"][0]["code"]' <"$WORK/body") == Unauthorized ]] || fail "no token: $code"
grep -qi '^x-amzn-RequestId:' "$WORK/headers" || fail "no x-amzn-RequestId on a 403"
pass "403 Unauthorized without an access token"

code=$(call GET "$SEARCH?createdAfter=2020-01-01T00:00:00%2B00:00" "${AUTH[@]}")
[[ $code == 400 && $(json 'j["errors"][0]["code"]' <"$WORK/body") == InvalidInput ]] || fail "offset date: $code"
code=$(call GET "$SEARCH?createdAfter=yesterday" "${AUTH[@]}")
[[ $code == 400 ]] || fail "bad date: $code"
grep -qi '^x-amzn-RateLimit-Limit: 0.56' "$WORK/headers" || fail "no x-amzn-RateLimit-Limit on a 400"
pass "400 InvalidInput on a bad date and on a +00:00 offset"

code=$(call GET "$SEARCH/111-0000000-0000000" "${AUTH[@]}")
[[ $code == 404 && $(json 'j["errors"][0]["code"]' <"$WORK/body") == NotFound ]] || fail "unknown order: $code"
pass "404 NotFound for an unknown order"

# --- pagination over 250 generated orders ---
: >"$WORK/ids"
next=""
pages=0
while :; do
    args=(--get "$SEARCH" --data-urlencode createdAfter=2000-01-01T00:00:00Z --data-urlencode maxResultsPerPage=40
        --data-urlencode includedData=FULFILLMENT)
    [[ -n $next ]] && args+=(--data-urlencode "paginationToken=$next")
    code=$(call GET "${args[@]}" "${AUTH[@]}")
    [[ $code == 200 ]] || fail "searchOrders page $pages: $code $(cat "$WORK/body")"
    json '"\n".join(o["orderId"] for o in j["orders"])' <"$WORK/body" >>"$WORK/ids"
    [[ $(json 'len(j["orders"]) <= 40' <"$WORK/body") == True ]] || fail "a page exceeds maxResultsPerPage"
    pages=$((pages + 1))
    next=$(json 'j.get("pagination", {}).get("nextToken", "")' <"$WORK/body")
    [[ -z $next ]] && break
done
total=$(grep -c . "$WORK/ids")
unique=$(sort -u "$WORK/ids" | grep -c .)
[[ $total == 250 && $unique == 250 && $pages == 7 ]] || fail "pagination: $total ids, $unique unique, $pages pages"
pass "searchOrders pages through 250 orders (7 pages, 250 unique ids)"

# --- fixture ---
code=$(call GET "$URL_B/_sim/orders")
[[ $(json 'len(j["order_ids"])' <"$WORK/body") == 3 ]] || fail "fixture: $(cat "$WORK/body")"
TOKEN_B=$(token_for "$URL_B")
code=$(call GET "$URL_B/orders/2026-01-01/orders/205-8834102-6677014?includedData=FULFILLMENT,PACKAGES" \
    -H "x-amz-access-token: $TOKEN_B")
[[ $code == 200 ]] || fail "fixture order: $code"
[[ $(json 'j["order"]["fulfillment"]["fulfillmentStatus"], j["order"]["packages"][0]["trackingNumber"]' <"$WORK/body") == \
    "PARTIALLY_SHIPPED RM482910375GB" ]] || fail "fixture order content: $(cat "$WORK/body")"
pass "the fixture's 3 orders load and are served"

# --- feed round trip cancelling one UNSHIPPED merchant order ---
call GET "$URL_A/_sim/orders?fulfillmentStatus=UNSHIPPED&fulfilledBy=MERCHANT" >/dev/null
ORDER=$(json 'j["order_ids"][0]' <"$WORK/body")
call GET "$URL_A/_sim/orders/$ORDER" >/dev/null
ITEMS=$(json '" ".join(i["orderItemId"] for i in j["order"]["orderItems"])' <"$WORK/body")
{
    echo '<?xml version="1.0" encoding="UTF-8"?>'
    echo '<AmazonEnvelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="amzn-envelope.xsd">'
    echo '<Header><DocumentVersion>1.01</DocumentVersion><MerchantIdentifier>SMOKESELLER</MerchantIdentifier></Header>'
    echo '<MessageType>OrderAcknowledgement</MessageType>'
    echo "<Message><MessageID>1</MessageID><OrderAcknowledgement><AmazonOrderID>$ORDER</AmazonOrderID><StatusCode>Failure</StatusCode>"
    for item in $ITEMS; do
        echo "<Item><AmazonOrderItemCode>$item</AmazonOrderItemCode><CancelReason>NoInventory</CancelReason></Item>"
    done
    echo '</OrderAcknowledgement></Message>'
    echo '<Message><MessageID>2</MessageID><OrderAcknowledgement><AmazonOrderID>111-0000000-0000000</AmazonOrderID><StatusCode>Failure</StatusCode></OrderAcknowledgement></Message>'
    echo '</AmazonEnvelope>'
} >"$WORK/feed.xml"

CT='text/xml; charset=UTF-8'
code=$(call POST "$URL_A/feeds/2021-06-30/documents" "${AUTH[@]}" -H 'Content-Type: application/json' \
    -d "{\"contentType\":\"$CT\"}")
[[ $code == 201 ]] || fail "createFeedDocument: $code"
DOC=$(json 'j["feedDocumentId"]' <"$WORK/body")
UPLOAD=$(json 'j["url"]' <"$WORK/body")
code=$(call PUT "$UPLOAD" -H 'Content-Type: text/xml' --data-binary @"$WORK/feed.xml")
[[ $code == 403 ]] && grep -q '<Code>SignatureDoesNotMatch</Code>' "$WORK/body" || fail "content-type mismatch: $code"
code=$(call PUT "$UPLOAD" -H "Content-Type: $CT" --data-binary @"$WORK/feed.xml")
[[ $code == 200 ]] || fail "upload: $code $(cat "$WORK/body")"
code=$(call POST "$URL_A/feeds/2021-06-30/feeds" "${AUTH[@]}" -H 'Content-Type: application/json' \
    -d "{\"feedType\":\"POST_ORDER_ACKNOWLEDGEMENT_DATA\",\"marketplaceIds\":[\"ATVPDKIKX0DER\"],\"inputFeedDocumentId\":\"$DOC\"}")
[[ $code == 202 ]] || fail "createFeed: $code $(cat "$WORK/body")"
FEED=$(json 'j["feedId"]' <"$WORK/body")
status=""
for _ in $(seq 1 100); do
    code=$(call GET "$URL_A/feeds/2021-06-30/feeds/$FEED" "${AUTH[@]}")
    [[ $code == 200 ]] || fail "getFeed: $code"
    status=$(json 'j["processingStatus"]' <"$WORK/body")
    [[ $status == DONE || $status == FATAL || $status == CANCELLED ]] && break
    sleep 0.1
done
[[ $status == DONE ]] || fail "feed ended $status"
RESULT=$(json 'j["resultFeedDocumentId"]' <"$WORK/body")
code=$(call GET "$URL_A/feeds/2021-06-30/documents/$RESULT" "${AUTH[@]}")
[[ $(json 'j.get("compressionAlgorithm")' <"$WORK/body") == GZIP ]] || fail "result document: $(cat "$WORK/body")"
curl -sS -o "$WORK/report.gz" "$(json 'j["url"]' <"$WORK/body")"
python3 - "$WORK/report.gz" "$ORDER" <<'EOF' || fail "processing report"
import gzip, sys
import xml.etree.ElementTree as ET
root = ET.fromstring(gzip.decompress(open(sys.argv[1], "rb").read()))
summary = root.find("Message/ProcessingReport/ProcessingSummary")
assert summary.findtext("MessagesProcessed") == "2", ET.tostring(summary)
assert summary.findtext("MessagesSuccessful") == "1", ET.tostring(summary)
results = root.findall("Message/ProcessingReport/Result")
assert [r.findtext("MessageID") for r in results] == ["2"], [ET.tostring(r) for r in results]
assert results[0].findtext("AdditionalInfo/AmazonOrderID") == "111-0000000-0000000"
EOF
call GET "$URL_A/_sim/orders/$ORDER" >/dev/null
[[ $(json 'j["order"]["fulfillment"]["fulfillmentStatus"], j["cancellations"]' <"$WORK/body") == "CANCELLED 1" ]] ||
    fail "order after the feed: $(cat "$WORK/body")"
code=$(call GET "$SEARCH/$ORDER?includedData=CANCELLATION" "${AUTH[@]}")
[[ $(json 'j["order"]["orderItems"][0]["cancellation"]["cancellationExecution"]["cancelReason"]' <"$WORK/body") == NoInventory ]] ||
    fail "getOrder after the feed: $(cat "$WORK/body")"
pass "a cancellation feed cancels $ORDER exactly once and reports the unknown order"

# --- stats ---
call GET "$URL_A/_sim/stats" >/dev/null
[[ $(json 'j["operations"]["searchOrders"]["requests"], j["operations"]["getOrder"]["requests"], j["operations"]["createFeed"]["requests"]' <"$WORK/body") == "10 2 1" ]] ||
    fail "stats: $(cat "$WORK/body")"
call POST "$URL_A/_sim/stats/reset" >/dev/null
call GET "$URL_A/_sim/stats" >/dev/null
[[ $(json 'j["total_requests"]' <"$WORK/body") == 0 ]] || fail "stats reset: $(cat "$WORK/body")"
pass "/_sim/stats counts every request, including rejected ones"

# --- clean exit ---
kill -TERM "${PIDS[0]}"
wait "${PIDS[0]}" || fail "asc-sim exited $? on SIGTERM"
PIDS=("${PIDS[@]:1}")
pass "SIGTERM stops the simulator cleanly"
echo "all smoke checks passed"
