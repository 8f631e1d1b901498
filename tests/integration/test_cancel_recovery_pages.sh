#!/usr/bin/env bash
# Recovery reads the journal a page at a time (CancelOptions::recovery_page, 500); the
# ASC_TEST_RECOVERY_PAGE=3 test hook makes a page smaller than each feed of a killed batch of 20
# (--max-per-feed 7: 3 feeds), so that `asc cancellations resume` works through several pages per
# feed over real HTTP: with every feed submitted, with a createFeed whose answer was lost (its
# orders settled from their state a page at a time, the planned ones sent again), and with a
# Magento link (the rows go through the Magento step as they settle, and what the journal still
# owes is read a page at a time). Every order ends canceled, on Amazon and in Magento, exactly once.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/commerce_lib.sh"

# Feeds take 2 s to process (time scale 1000), rate limits on; every Magento order linked.
sim_start --orders 1000 --seed 47 --time-scale 1000 --feed-processing-seconds 2000 --commerce-link-ratio 1
# Recovery waits out a lost createFeed for its recorded timeout plus a floor (60 s in production).
export ASC_TEST_IN_FLIGHT_FLOOR_MS=500 ASC_TEST_RECOVERY_PAGE=3

commerce_pick 20 "$WORK/linked"
check "20 linked orders picked" [ "$(wc -l <"$WORK/linked")" -eq 20 ]
sim_get "/_sim/orders?fulfillmentStatus=UNSHIPPED&fulfilledBy=MERCHANT" | json "'\n'.join(d['order_ids'])" |
  grep -vxFf "$WORK/linked" >"$WORK/pool"
check "the sim has enough other unshipped orders" [ "$(wc -l <"$WORK/pool")" -ge 40 ]
head -20 "$WORK/pool" >"$WORK/one"
sed -n 21,40p "$WORK/pool" >"$WORK/two"

# killed GROUP STEP: cancels GROUP in feeds of 7, killed at STEP (kill -9 style).
killed() {
  expect_exit 137 "a batch of 20 killed at $2" env ASC_TEST_CRASH_AT="$2" "$ASC_BIN" --timeout 2 order cancel \
    --from "$WORK/$1" --reason NoInventory --yes --max-per-feed 7
}
in_state() { asc cancellations list --state "$1" -o ids | grep -cxFf "$WORK/$2" || true; }
# resumed GROUP: every order of GROUP has one row, canceled, in the resume's output.
resumed() {
  python3 - "$WORK/out" "$WORK/$1" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
want = open(sys.argv[2]).read().split()
got = [r["order_id"] for r in rows if r["order_id"] in want]
assert sorted(got) == sorted(want), (len(got), len(want))
bad = [r for r in rows if r["order_id"] in want and r["outcome"] != "canceled"]
assert not bad, bad[:3]
PY
}

# Every feed submitted: the resume reads each feed's 7 rows 3 at a time and sends nothing.
killed one waiting
check "all 20 are submitted, in 3 feeds" [ "$(in_state submitted one)" -eq 20 ]
feeds_before=$(sim_requests createFeed)
expect_exit 0 "resume completes the 20 orders a page of 3 at a time" asc cancellations resume -o jsonl
check "one row per order, each canceled" resumed one
check "resume sent no feed" [ "$(sim_requests createFeed)" -eq "$feeds_before" ]
check "every order was canceled exactly once on the sim" [ "$(sim_cancellation_counts "$WORK/one")" = "1:20" ]

# createFeed's answer lost for the first feed (its 7 orders submitting), the 13 others planned:
# the 7 are settled from their state a page at a time (the feed did reach Amazon), the 13 sent.
killed two after-create-feed
check "7 submitting, 13 planned" [ "$(in_state submitting two):$(in_state planned two)" = "7:13" ]
feeds_before=$(sim_requests createFeed)
expect_exit 0 "resume settles the lost answer and sends the planned orders" asc --timeout 2 cancellations resume -o jsonl
check "one row per order, each canceled" resumed two
check "resume sent one feed, for the 13 planned orders" [ "$(sim_requests createFeed)" -eq $((feeds_before + 1)) ]
check "every order was canceled exactly once on the sim" [ "$(sim_cancellation_counts "$WORK/two")" = "1:20" ]

# With a Magento link: the resume closes out each canceled order's Magento order exactly once.
export ASC_COMMERCE_URL="$SIM_URL" ASC_COMMERCE_TOKEN=sim-commerce-token
killed linked waiting
check "all 20 linked orders are submitted" [ "$(in_state submitted linked)" -eq 20 ]
comments_before=$(sim_requests commerceComment)
expect_exit 0 "resume completes the linked orders and their Magento step" asc cancellations resume -o jsonl
check "one row per order, each canceled, the Magento step done" python3 - "$WORK/out" "$WORK/linked" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
want = open(sys.argv[2]).read().split()
assert sorted(r["order_id"] for r in rows) == sorted(want), len(rows)
bad = [r for r in rows if r["outcome"] != "canceled" or r["commerce"] != "done" or not r["commerce_action"]]
assert not bad, bad[:3]
PY
check "the summary counts all 20 Magento orders" grep -q "20 Magento orders updated" "$WORK/err"
check "every Magento order is canceled or closed, credit memos and comments exactly once" commerce_truth "$WORK/linked"
check "the Magento step commented each order once" [ "$(sim_requests commerceComment)" -eq $((comments_before + 20)) ]
check "every linked order was canceled exactly once on the sim" [ "$(sim_cancellation_counts "$WORK/linked")" = "1:20" ]
expect_exit 0 "a second resume finds nothing owed" asc cancellations resume -o jsonl
check "and steps no Magento order again" [ "$(sim_requests commerceComment)" -eq $((comments_before + 20)) ]
check "nothing is left in flight" [ -z "$(asc cancellations list --state planned,submitting,submitted -o ids)" ]

finish
