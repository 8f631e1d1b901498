#!/usr/bin/env bash
# asc-sim's --page-cache-mb (for benchmarks): a gzip client asking the same searchOrders question
# again gets the very same bytes (nextToken included) without the page being rendered again; a
# plain client and a cache that is off are answered as before; any change to an order drops what
# was kept. Every answer inflates to the page a simulator without the cache serves.
# usage: tests/sim/page_cache_smoke.sh path/to/asc-sim
# Needs bash, curl and python3. Exits non-zero with a message on the first failure.

set -euo pipefail

SIM=${1:?usage: page_cache_smoke.sh path/to/asc-sim}
WORK=${KEEP_WORK:-$(mktemp -d)}
PIDS=()

cleanup() {
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT

fail() {
    echo "FAIL: $*" >&2
    exit 1
}
pass() { echo "ok - $*"; }

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

token_for() {
    curl -fsS "$1/auth/o2/token" --data-urlencode grant_type=refresh_token \
        --data-urlencode 'refresh_token=Atzr|smoke' --data-urlencode client_id=smoke \
        --data-urlencode client_secret=secret |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])'
}

# page NAME OUT [gzip] [TOKEN]: the raw answer (headers in OUT.h) of the first page, or of the page
# after TOKEN, of one fixed query to simulator NAME.
page() {
    local url_var="URL_$1" out=$2 gz=${3:-} next=${4:-}
    local url=${!url_var} token_var="TOKEN_$1"
    curl -fsS -o "$out" -D "$out.h" -G "$url/orders/2026-01-01/orders" \
        -H "x-amz-access-token: ${!token_var}" ${gz:+-H 'Accept-Encoding: gzip'} \
        --data-urlencode createdAfter=2020-01-01T00:00:00Z --data-urlencode maxResultsPerPage=50 \
        --data-urlencode includedData=FULFILLMENT,PROCEEDS ${next:+--data-urlencode "paginationToken=$next"}
}

# text FILE: the page as JSON text, inflated if it came gzip-compressed, the nextToken left out
# (it carries the time it was issued).
text() {
    python3 - "$1" <<'PY'
import gzip, json, sys
raw = open(sys.argv[1], "rb").read()
headers = open(sys.argv[1] + ".h").read().lower()
if "content-encoding: gzip" in headers:
    raw = gzip.decompress(raw)
page = json.loads(raw)
page.pop("pagination", None)
print(json.dumps(page, sort_keys=True))
PY
}
next_token() {
    python3 - "$1" <<'PY'
import gzip, json, sys
raw = open(sys.argv[1], "rb").read()
if "content-encoding: gzip" in open(sys.argv[1] + ".h").read().lower():
    raw = gzip.decompress(raw)
print(json.loads(raw)["pagination"]["nextToken"])
PY
}

start C --orders 300 --seed 5 --rate-limits off --page-cache-mb 16
start P --orders 300 --seed 5 --rate-limits off
TOKEN_C=$(token_for "$URL_C")
TOKEN_P=$(token_for "$URL_P")

page C "$WORK/c1" gzip
grep -qi '^content-encoding: gzip' "$WORK/c1.h" || fail "no gzip answer: $(cat "$WORK/c1.h")"
grep -qi '^x-amzn-ratelimit-limit:' "$WORK/c1.h" || fail "the rate-limit header is missing: $(cat "$WORK/c1.h")"
sleep 1.1 # a page rendered again would carry a newer token
page C "$WORK/c2" gzip
cmp -s "$WORK/c1" "$WORK/c2" || fail "the same question got different bytes"
page P "$WORK/p1" gzip
[[ $(text "$WORK/c1") == "$(text "$WORK/p1")" ]] || fail "the kept page is not the page served without a cache"
pass "a gzip client asking again gets the same bytes, the page a simulator without the cache serves"

token=$(next_token "$WORK/c1")
page C "$WORK/c3" gzip "$token"
page P "$WORK/p3" gzip "$(next_token "$WORK/p1")"
[[ $(text "$WORK/c3") == "$(text "$WORK/p3")" ]] || fail "the second page differs"
page C "$WORK/c4" gzip "$token"
cmp -s "$WORK/c3" "$WORK/c4" || fail "the second page was not kept"
page C "$WORK/plain"
grep -qi '^content-encoding' "$WORK/plain.h" && fail "a plain client got an encoded answer"
[[ $(text "$WORK/plain") == "$(text "$WORK/p1")" ]] || fail "the plain answer differs"
pass "the page after a kept nextToken is kept too; a plain client gets plain JSON"

first=$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["orders"][0]["orderId"])' "$(text "$WORK/c1")")
curl -fsS -X POST "$URL_C/_sim/orders/$first/status?to=CANCELLED&by=SELLER" >/dev/null
curl -fsS -X POST "$URL_P/_sim/orders/$first/status?to=CANCELLED&by=SELLER" >/dev/null
page C "$WORK/c5" gzip
cmp -s "$WORK/c1" "$WORK/c5" && fail "a page kept from before the change was served"
[[ $(text "$WORK/c5") == "$(text "$WORK/c1")" ]] && fail "the page does not show the change"
page P "$WORK/p5" gzip
[[ $(text "$WORK/c5") == "$(text "$WORK/p5")" ]] || fail "after the change the pages differ from the uncached simulator's"
pass "a change to an order drops the kept pages"

status=0
timeout 10 "$SIM" --page-cache-mb lots >/dev/null 2>"$WORK/bad.err" || status=$?
[[ $status == 2 ]] && grep -q -- '--page-cache-mb' "$WORK/bad.err" ||
    fail "--page-cache-mb lots: exit $status, $(cat "$WORK/bad.err")"
pass "--page-cache-mb takes a number of MiB"
echo "all page cache checks passed"
