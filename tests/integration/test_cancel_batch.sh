#!/usr/bin/env bash
# Batch cancellation against asc-sim (rate limits on, time-scaled): 1,000 ids from a pipe in one
# feed, a mixed batch row by row, a rerun that sends nothing, orders that ship after the check.
source "$(dirname "$0")/lib.sh"

# ids_of QUERY [N]: the sim's ids for a /_sim/orders query (the first N), one per line.
ids_of() { sim_get "/_sim/orders?$1" | json "'\n'.join(d['order_ids'][:${2:-None}])"; }
# canceled_counts FILE: "count:orders" pairs of the sim's cancellation counters for the ids in FILE.
canceled_counts() {
  python3 - "$1" "$SIM_URL" <<'PY'
import collections, json, sys, urllib.request
counts = collections.Counter()
for line in open(sys.argv[1]):
    oid = line.strip()
    if oid:
        with urllib.request.urlopen(f"{sys.argv[2]}/_sim/orders/{oid}") as r:
            counts[json.load(r)["cancellations"]] += 1
print(" ".join(f"{k}:{v}" for k, v in sorted(counts.items())))
PY
}

# --- 1,000 orders from a pipe: one createFeed, all canceled -------------------------------------
sim_start --orders 4600 --seed 11 --time-scale 1000
export ASC_STORE="$WORK/batch.db"
ids_of "fulfillmentStatus=UNSHIPPED&fulfilledBy=MERCHANT" >"$WORK/unshipped"
n=$(wc -l <"$WORK/unshipped")
check "the sim has at least 1,000 unshipped merchant orders ($n)" [ "$n" -ge 1000 ]
rc=0
asc orders list --status unshipped --fulfilled-by merchant --all -o ids \
  | asc order cancel --from - --reason NoInventory --yes -o jsonl >"$WORK/out" 2>"$WORK/err" || rc=$?
check "the pipeline exits 0 (got $rc)" [ "$rc" -eq 0 ]
check "one row per order" [ "$(wc -l <"$WORK/out")" -eq "$n" ]
check "every row says canceled, in one feed" python3 - "$WORK/out" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert all(r["outcome"] == "canceled" for r in rows), [r for r in rows if r["outcome"] != "canceled"][:3]
assert len({r["feed_id"] for r in rows}) == 1
PY
check "exactly one createFeed" [ "$(sim_requests createFeed)" -eq 1 ]
check "exactly one createFeedDocument" [ "$(sim_requests createFeedDocument)" -eq 1 ]
check "no getOrder per order: the store was synced instead" [ "$(sim_requests getOrder)" -le 20 ]
check "every order canceled exactly once on the sim" [ "$(canceled_counts "$WORK/unshipped")" = "1:$n" ]
check "the sim has no unshipped merchant order left" [ -z "$(ids_of "fulfillmentStatus=UNSHIPPED&fulfilledBy=MERCHANT")" ]
check "the summary says so" contains "$WORK/err" "$n canceled (feed "

# --- A mixed batch from a file: the right row for each, exit 6 ----------------------------------
sim_start --orders 800 --seed 12 --time-scale 1000
export ASC_STORE="$WORK/mixed.db"
mapfile -t good < <(ids_of "fulfillmentStatus=UNSHIPPED&fulfilledBy=MERCHANT" 5)
pending=$(ids_of "fulfillmentStatus=PENDING&fulfilledBy=MERCHANT" 1)
shipped=$(ids_of "fulfillmentStatus=SHIPPED&fulfilledBy=MERCHANT" 1)
partial=$(ids_of "fulfillmentStatus=PARTIALLY_SHIPPED&fulfilledBy=MERCHANT" 1)
afn=$(ids_of "fulfillmentStatus=UNSHIPPED&fulfilledBy=AMAZON" 1)
{
  echo "# orders to cancel"
  printf '%s\n' "${good[@]}"
  echo
  echo "$pending   # a comment after an id"
  echo "$shipped"; echo "$partial"; echo "$afn"
  echo "999-0000000-0000001"
  echo "not-an-order"
  echo "${good[0]}"
} >"$WORK/mixed"
expect_exit 6 "a mixed batch exits 6" asc order cancel --from "$WORK/mixed" --reason NoInventory --yes -o json
check "each order gets the right row" python3 - "$WORK/out" "${good[*]}" "$pending $shipped $partial $afn" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
by = {r["order_id"]: r for r in rows}
good, refused = sys.argv[2].split(), sys.argv[3].split()
assert len(rows) == len(good) + len(refused) + 2, len(rows)  # duplicate dropped
for g in good:
    assert by[g]["outcome"] == "canceled" and by[g]["feed_id"], by[g]
for r in refused:
    assert by[r]["outcome"] == "refused" and by[r]["message"], by[r]
assert by["999-0000000-0000001"]["outcome"] == "not_found"
assert by["not-an-order"]["outcome"] == "invalid_id"
assert [r["order_id"] for r in rows][:len(good)] == good  # input order kept
PY
check "the summary counts each kind" contains "$WORK/err" "5 canceled, 4 refused, 1 not found, 1 invalid id"
feeds_before=$(sim_requests createFeed)

# --- The same batch again sends nothing ---------------------------------------------------------
expect_exit 6 "the same batch again exits 6 (the refusals stay)" asc order cancel --from "$WORK/mixed" --reason NoInventory --yes -o json
check "the good orders are already canceled" python3 -c "
import json; rows = json.load(open('$WORK/out'))
assert sum(r['outcome'] == 'already_canceled' for r in rows) == 5, rows"
check "no createFeed the second time" [ "$(sim_requests createFeed)" -eq "$feeds_before" ]
printf '%s\n' "${good[@]}" >"$WORK/good"
check "every good order canceled exactly once" [ "$(canceled_counts "$WORK/good")" = "1:5" ]

# --- An order that ships after the store was synced: Amazon refuses it, reported failed ---------
ids_of "fulfillmentStatus=UNSHIPPED&fulfilledBy=MERCHANT" 25 >"$WORK/late"
check "25 more unshipped orders" [ "$(wc -l <"$WORK/late")" -eq 25 ]
asc -q orders sync >/dev/null
ships=$(head -1 "$WORK/late")
sim_post "/_sim/orders/$ships/ship" >/dev/null
expect_exit 6 "a batch with an order shipped since the sync exits 6" \
  asc order cancel --from "$WORK/late" --reason NoInventory --yes -o json
check "the shipped order failed with Amazon's reason, the others canceled" python3 - "$WORK/out" "$ships" <<'PY'
import json, sys
rows = {r["order_id"]: r for r in json.load(open(sys.argv[1]))}
bad = rows.pop(sys.argv[2])
assert bad["outcome"] == "failed" and bad["result_code"] == "25" and "shipped" in bad["message"], bad
assert all(r["outcome"] == "canceled" for r in rows.values()), rows
PY
check "the sim did not cancel the shipped order" [ "$(sim_get "/_sim/orders/$ships" | json "d['cancellations']")" -eq 0 ]

# --- An order that ships while its feed waits to be processed -----------------------------------
sim_post /_sim/config '{"feed_processing_seconds": 4000}' >/dev/null   # 4 s at time scale 1000
mapfile -t two < <(ids_of "fulfillmentStatus=UNSHIPPED&fulfilledBy=MERCHANT" 2)
expect_exit 0 "--no-wait submits" asc order cancel "${two[@]}" --reason NoInventory --yes --no-wait
sim_post "/_sim/orders/${two[1]}/ship" >/dev/null
expect_exit 6 "resume collects a result with one failure" asc cancellations resume -o json
check "resume reports Amazon's reason for the shipped order" python3 - "$WORK/out" "${two[0]}" "${two[1]}" <<'PY'
import json, sys
rows = {r["order_id"]: r for r in json.load(open(sys.argv[1]))}
assert rows[sys.argv[2]]["outcome"] == "canceled", rows
assert rows[sys.argv[3]]["outcome"] == "failed" and rows[sys.argv[3]]["result_code"] == "25", rows
PY
check "the journal keeps Amazon's code" bash -c "'$ASC_BIN' cancellations list --state failed -o csv --fields order_id,result_code | grep -q '${two[1]},25'"

finish
