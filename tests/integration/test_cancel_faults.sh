#!/usr/bin/env bash
# Cancellation when Amazon misbehaves: FATAL and CANCELLED feeds, an access token that expires
# mid-batch, Amazon unreachable. (429s: test_cancel_throttle.sh.)
source "$(dirname "$0")/lib.sh"

sim_start --orders 3000 --seed 51 --time-scale 1000 --feed-processing-seconds 2000
sim_get "/_sim/orders?fulfillmentStatus=UNSHIPPED&fulfilledBy=MERCHANT" | json "'\n'.join(d['order_ids'])" >"$WORK/pool"
next=1
take() { sed -n "${next},$((next + $1 - 1))p" "$WORK/pool" >"$WORK/group"; next=$((next + $1)); }
counts() { sim_cancellation_counts "$WORK/group"; }
outcomes() { python3 -c "import json; print(' '.join(sorted({r['outcome'] for r in json.load(open('$WORK/out'))})))"; }
cancel_group() { asc order cancel --from "$WORK/group" --reason NoInventory --yes -o json "$@"; }

# FATAL: every order failed with the hint to check it; a rerun cancels them.
take 3
sim_post "/_sim/feeds/next?outcome=FATAL" >/dev/null
expect_exit 6 "a FATAL feed exits 6" cancel_group
check "every row failed with FATAL" python3 -c "
import json; rows = json.load(open('$WORK/out'))
assert all(r['outcome'] == 'failed' and r['result_code'] == 'FATAL' and 'asc order show' in r['message'] for r in rows), rows"
check "the journal says failed" [ "$(asc cancellations list --state failed -o ids | grep -cFf "$WORK/group")" -eq 3 ]
expect_exit 0 "the rerun after FATAL cancels them" cancel_group
check "all canceled now" [ "$(outcomes)" = "canceled" ]
check "each canceled once" [ "$(counts)" = "1:3" ]

# CANCELLED: Amazon dropped the feed before processing; nothing canceled.
take 2
sim_post "/_sim/feeds/next?outcome=CANCELLED" >/dev/null
expect_exit 6 "a CANCELLED feed exits 6" cancel_group
check "every row failed with CANCELLED" python3 -c "
import json; rows = json.load(open('$WORK/out'))
assert all(r['outcome'] == 'failed' and r['result_code'] == 'CANCELLED' for r in rows), rows"
check "nothing was canceled on the sim" [ "$(counts)" = "0:2" ]

# The access token expires while the batch waits for its feed: refreshed once, batch completes.
take 4
tokens_before=$(sim_requests token)
asc order cancel --from "$WORK/group" --reason NoInventory --yes -o json >"$WORK/out" 2>"$WORK/err" &
pid=$!
for _ in $(seq 200); do
  [ "$(asc cancellations list --state submitted -o ids | grep -cFf "$WORK/group" || true)" -eq 4 ] && break
  sleep 0.05
done
sim_post /_sim/tokens/expire >/dev/null
rc=0; wait "$pid" || rc=$?
check "the batch completes after the token expired mid-batch (exit $rc)" [ "$rc" -eq 0 ]
check "all canceled" [ "$(outcomes)" = "canceled" ]
check "a new token was fetched" [ "$(sim_requests token)" -gt "$tokens_before" ]
check "each canceled once" [ "$(counts)" = "1:4" ]

# Amazon unreachable: exit 75, nothing journaled as sent.
take 2
expect_exit 75 "Amazon unreachable exits 75" env ASC_ENDPOINT=http://127.0.0.1:9 ASC_LWA_ENDPOINT=http://127.0.0.1:9/t \
  "$ASC_BIN" --max-attempts 2 order cancel --from "$WORK/group" --reason NoInventory --yes
check "nothing was journaled for them" [ -z "$(asc cancellations list -o ids | grep -Ff "$WORK/group" || true)" ]

finish
