#!/usr/bin/env bash
# 429s on every Feeds operation (and on getOrder and the document transfers): every order still
# ends canceled exactly once. A 429 empties asc's token bucket for the operation, and a fresh asc
# learns the sim's time-scaled rate only from a successful answer's x-amzn-RateLimit-Limit, so a
# 429 on createFeed costs a real 2 minutes (0.0083/s) and on getFeeds/getFeedDocument 45 s
# (0.0222/s): those three get exactly one 429 each (a watcher removes the fault once it fired),
# in two runs side by side; the cheap operations get 429s at random.
source "$(dirname "$0")/lib.sh"

sim_start --orders 3000 --seed 61 --time-scale 1000 --feed-processing-seconds 1000 --search-lag-seconds 3
# searchOrders shows changes up to two minutes before a request (Amazon's rule), and recovery through a
# sync waits that out in real time: 3 s here, in the sim and in asc alike.
export ASC_TEST_SEARCH_LAG_SECONDS=3
# A lost createFeed is waited out for its recorded timeout plus a floor (60 s in production).
export ASC_TEST_IN_FLIGHT_FLOOR_MS=1000
sim_get "/_sim/orders?fulfillmentStatus=UNSHIPPED&fulfilledBy=MERCHANT" | json "'\n'.join(d['order_ids'])" >"$WORK/pool"
sed -n 1,8p "$WORK/pool" >"$WORK/a"
sed -n 9,33p "$WORK/pool" >"$WORK/b"
sed -n 34,38p "$WORK/pool" >"$WORK/c"
all_canceled() { python3 -c "import json,sys; rows = json.load(open(sys.argv[1])); assert rows and all(r['outcome'] == 'canceled' for r in rows), rows" "$1"; }
faults() { sim_get /_sim/stats | json "d['operations']['$1']['faults']"; }

# 1. The cheap operations at random, on a batch split into one feed per order.
cheap='"429:createFeedDocument:0.5", "429:getFeed:0.5", "429:getOrder:0.5", "429:uploadFeedDocument:0.1", "429:downloadFeedDocument:0.1"'
sim_post /_sim/config "{\"faults\": [$cheap]}" >/dev/null
expect_exit 0 "a batch with 429s on createFeedDocument, getFeed and getOrder" \
  asc --max-attempts 12 order cancel --from "$WORK/a" --reason NoInventory --yes --max-per-feed 1 -o json
check "all canceled" all_canceled "$WORK/out"
check "each canceled once" [ "$(sim_cancellation_counts "$WORK/a")" = "1:8" ]
for op in createFeedDocument getFeed getOrder; do
  check "the sim answered 429 to $op" [ "$(faults "$op")" -gt 0 ]
done
check "eight feeds, eight createFeed" [ "$(sim_requests createFeed)" -eq 8 ]

# 2. One 429 each on createFeed, getFeeds and getFeedDocument. Batch B is first left submitting
# (killed after createFeed) in its own store; its rerun settles it from the orders' state (after
# waiting for the feeds getFeeds lists, and for the order search to catch up: 25 orders are read
# through a sync) while batch C (another store) sends a new feed.
sim_post /_sim/config '{"faults": []}' >/dev/null
expect_exit 137 "batch B killed after createFeed" env ASC_STORE="$WORK/b.db" ASC_TEST_CRASH_AT=after-create-feed \
  "$ASC_BIN" --timeout 5 order cancel --from "$WORK/b" --reason NoInventory --yes
create_before=$(sim_requests createFeed)
python3 - "$SIM_URL" "$cheap" >"$WORK/watcher.log" 2>&1 <<'PY' &
import json, sys, time, urllib.request
url, cheap = sys.argv[1], json.loads("[" + sys.argv[2] + "]")
once = ["createFeed", "getFeeds", "getFeedDocument"]
def post(faults):
    req = urllib.request.Request(url + "/_sim/config", data=json.dumps({"faults": faults}).encode(),
                                 headers={"Content-Type": "application/json"}, method="POST")
    urllib.request.urlopen(req).read()
def stats():
    return json.load(urllib.request.urlopen(url + "/_sim/stats"))["operations"]
start = {op: stats()[op]["faults"] for op in once}
post(cheap + [f"429:{op}:1" for op in once])
deadline = time.time() + 250
while once and time.time() < deadline:
    s = stats()
    fired = [op for op in once if s[op]["faults"] > start[op]]
    if fired:
        once = [op for op in once if op not in fired]
        post(cheap + [f"429:{op}:1" for op in once])
        print("fired", fired, flush=True)
    time.sleep(0.05)
post([])
print("left", once, flush=True)
PY
watcher=$!
sleep 0.5
rc_b=0; rc_c=0
ASC_STORE="$WORK/b.db" "$ASC_BIN" --max-attempts 12 order cancel --from "$WORK/b" --reason NoInventory --yes -o json \
  >"$WORK/b.out" 2>"$WORK/b.err" &
pid_b=$!
ASC_STORE="$WORK/c.db" "$ASC_BIN" --max-attempts 12 order cancel --from "$WORK/c" --reason NoInventory --yes -o json \
  >"$WORK/c.out" 2>"$WORK/c.err" &
pid_c=$!
wait "$pid_b" || rc_b=$?
wait "$pid_c" || rc_c=$?
wait "$watcher" || true
check "the watcher saw one 429 on each of createFeed, getFeeds, getFeedDocument" grep -q "left \[\]" "$WORK/watcher.log"
check "batch B, recovered under 429s, exits 0 (got $rc_b)" [ "$rc_b" -eq 0 ]
check "batch C, sent under 429s, exits 0 (got $rc_c)" [ "$rc_c" -eq 0 ]
check "batch B all canceled" all_canceled "$WORK/b.out"
check "batch C all canceled" all_canceled "$WORK/c.out"
check "batch B canceled once each" [ "$(sim_cancellation_counts "$WORK/b")" = "1:25" ]
check "batch C canceled once each" [ "$(sim_cancellation_counts "$WORK/c")" = "1:5" ]
check "createFeed answered once more (batch C), after its 429" python3 -c "
import json, urllib.request
op = json.load(urllib.request.urlopen('$SIM_URL/_sim/stats'))['operations']['createFeed']
assert op['requests'] == $create_before + 2, op"
check "asc waited for the rate limit instead of hammering (no 429 from the sim's own buckets)" \
  [ "$(sim_get /_sim/stats | json "sum(v['throttled'] for v in d['operations'].values())")" -eq 0 ]

finish
