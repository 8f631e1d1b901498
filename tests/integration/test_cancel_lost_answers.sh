#!/usr/bin/env bash
# Exactly once when answers are lost: a misbehaving proxy (misbehaving_proxy.py) between asc and
# asc-sim drops, delays, garbles or redirects the answer of each write of a cancellation
# (createFeedDocument, the upload, createFeed). For every mode on every write:
#   - asc never reports canceled what the sim shows not Canceled;
#   - after at most three runs every order is Canceled on the sim, canceled exactly once;
#   - no order was named by two feeds;
#   - no write went out on a reused connection (libcurl would silently resend it).
source "$(dirname "$0")/lib.sh"

# Feeds take 1 s; short request timeouts and a short in-flight floor (a test hook) keep this quick.
sim_start --orders 3000 --seed 61 --time-scale 1000 --feed-processing-seconds 1000
python3 "$(dirname "$0")/misbehaving_proxy.py" "$SIM_URL" >"$WORK/proxy.out" 2>"$WORK/proxy.err" &
SIM_PIDS+=($!)
for _ in $(seq 100); do grep -q '^proxy listening on ' "$WORK/proxy.out" 2>/dev/null && break; sleep 0.05; done
PROXY=$(sed -n 's/^proxy listening on //p' "$WORK/proxy.out")
[ -n "$PROXY" ] || { echo "the proxy did not start" >&2; cat "$WORK/proxy.err" >&2; exit 1; }
export ASC_ENDPOINT="$PROXY" ASC_TEST_IN_FLIGHT_FLOOR_MS=1000

sim_get "/_sim/orders?fulfillmentStatus=UNSHIPPED&fulfilledBy=MERCHANT" | json "'\n'.join(d['order_ids'])" >"$WORK/pool"
next=1
take() { sed -n "${next},$((next + $1 - 1))p" "$WORK/pool" >"$WORK/group"; next=$((next + $1)); }
rules() { curl -fsS -X POST "$PROXY/_proxy/rules" -H 'Content-Type: application/json' -d "$1" >/dev/null; }

# claims_hold: every order the last run (in $WORK/out) reports canceled is Canceled on the sim.
claims_hold() {
  python3 - "$WORK/out" "$SIM_URL" <<'PY'
import json, sys, urllib.request
try:
    rows = json.load(open(sys.argv[1]))
except ValueError:
    rows = []
for r in rows:
    if r["outcome"] in ("canceled", "already_canceled"):
        with urllib.request.urlopen(f"{sys.argv[2]}/_sim/orders/{r['order_id']}") as resp:
            status = json.load(resp)["order"]["fulfillment"]["fulfillmentStatus"]
        assert status == "CANCELLED", f"{r['order_id']} reported {r['outcome']} but is {status}"
PY
}
# exactly_once: every order of the group is Canceled, canceled once, named by exactly one feed.
exactly_once() {
  python3 - "$WORK/group" "$SIM_URL" <<'PY'
import json, sys, urllib.request
for oid in open(sys.argv[1]).read().split():
    with urllib.request.urlopen(f"{sys.argv[2]}/_sim/orders/{oid}") as resp:
        s = json.load(resp)
    status = s["order"]["fulfillment"]["fulfillmentStatus"]
    assert status == "CANCELLED", f"{oid} is {status}"
    assert s["cancellations"] == 1, f"{oid} canceled {s['cancellations']} times"
    assert len(s["feeds"]) == 1, f"{oid} was in feeds {s['feeds']}"
PY
}

# run_until_done LABEL: cancels the group up to three times, checking every run's claims.
run_until_done() {
  local label=$1 rc runs=0
  for runs in 1 2 3; do
    rc=0
    asc --timeout 2 order cancel --from "$WORK/group" --reason NoInventory --yes -o json >"$WORK/out" 2>"$WORK/err" || rc=$?
    check "$label, run $runs (exit $rc): nothing reported canceled that the sim shows otherwise" claims_hold
    [ "$rc" -eq 0 ] && break
    rules '[]'
  done
  check "$label: done after $runs run(s) (exit $rc)" [ "$rc" -eq 0 ]
  check "$label: every order Canceled once, in exactly one feed" exactly_once
}

declare -A WRITE=(
  [createFeedDocument]='"method": "POST", "path": "^/feeds/2021-06-30/documents$"'
  [upload]='"method": "PUT", "path": "^/_upload/"'
  [createFeed]='"method": "POST", "path": "^/feeds/2021-06-30/feeds$"'
)
MODES=(drop drop-reused late html redirect oversized truncated wrongtypes)
for write in createFeedDocument upload createFeed; do
  for mode in "${MODES[@]}"; do
    take 2
    rules "[{\"mode\": \"$mode\", ${WRITE[$write]}, \"delay\": 3, \"size_mb\": 8}]"
    run_until_done "$mode on $write"
    rules '[]'
  done
done

# createFeed: a request that never reaches Amazon (lost on the way) is sent by a later run, once;
# and one that reaches Amazon after the client gave up (a late request, inside the grace period)
# is not sent again.
take 2
rules "[{\"mode\": \"drop\", ${WRITE[createFeed]}, \"forward\": false}]"
run_until_done "a createFeed lost before Amazon"
take 2
rules "[{\"mode\": \"hold\", ${WRITE[createFeed]}, \"delay\": 2.5}]"
run_until_done "a createFeed that reaches Amazon after the client's timeout"
rules '[]'

check "no write went out on a reused connection" python3 - "$PROXY" <<'PY'
import json, sys, urllib.request
log = json.load(urllib.request.urlopen(f"{sys.argv[1]}/_proxy/log"))["requests"]
writes = [r for r in log if r["method"] in ("POST", "PATCH", "DELETE")]
assert writes, "no writes seen"
reused = [r for r in writes if r["reused"]]
assert not reused, reused[:3]
# And the reads did reuse connections: the check above is not vacuous.
assert any(r["reused"] for r in log if r["method"] == "GET"), "no connection was ever reused"
PY
check "nothing is left in flight" [ -z "$(asc cancellations list --state planned,submitting,submitted -o ids)" ]

finish
