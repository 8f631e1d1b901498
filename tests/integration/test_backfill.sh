#!/usr/bin/env bash
# The Reports API backfill of `orders sync` (issue 14) against asc-sim over HTTP: the store after a
# reports backfill equals the store after a searchOrders sync of the same window; an empty window;
# a FATAL report; kill -9 during the download, then a rerun; a row with a bad amount; faults.
source "$(dirname "$0")/lib.sh"

# Time-scaled 60x: reports build in a tenth of a second, rate-limit buckets refill 60 times faster.
sim_start --orders 3000 --seed 14 --time-scale 60 --report-gzip-above 65536

# What a store holds, as text: orders with status and total, and their items (without the order
# item ids, packages and buyer data an order report does not carry; a title's tabs and line breaks
# read as spaces: a tab-separated file cannot carry them).
dump() {
  sqlite3 "$1" "SELECT order_id, status, fulfilled_by, purchase_date, last_updated, marketplace_id,
                       total_minor, total_scale, total_currency, is_business, seller_order_id
                FROM orders ORDER BY order_id;
                SELECT o.order_id, i.seq, i.sku, i.asin,
                       replace(replace(replace(i.title, char(9), ' '), char(10), ' '), char(13), ' '),
                       i.quantity_ordered, i.item_total_minor,
                       i.tax_minor, i.shipping_minor, i.discount_minor, i.proceeds_minor
                FROM order_items i JOIN orders o ON o.id = i.order_ref ORDER BY o.order_id, i.seq;
                SELECT order_id, m.key, m.value ->> 0, m.value ->> 1, m.value ->> 2, m.value ->> 3
                FROM orders, json_each(orders.money_lines) AS m ORDER BY order_id, m.key;"
}

# Refills every rate-limit bucket of the sim (turning limits on refills them): each sync below
# starts as a client that has been quiet, as on Amazon after a pause.
refill() { sim_post /_sim/config '{"rate_limits":false}' >/dev/null; sim_post /_sim/config '{"rate_limits":true}' >/dev/null; }

# 1. The same window through searchOrders only and through reports: the same store.
ASC_STORE="$WORK/orders.db" asc orders sync --since 70d --via orders 2>"$WORK/sync-orders"
sim_post /_sim/stats/reset >/dev/null
refill
ASC_STORE="$WORK/reports.db" asc orders sync --since 70d --via reports 2>"$WORK/sync-reports"
check "the reports sync says what it read" grep -q "read 15 order report(s) (15 requested" "$WORK/sync-reports"
check "one report per marketplace and 30 days: 15 createReport calls" [ "$(sim_requests createReport)" -eq 15 ]
dump "$WORK/orders.db" >"$WORK/dump-orders"
dump "$WORK/reports.db" >"$WORK/dump-reports"
check "the store holds all 3000 orders" [ "$(sqlite3 "$WORK/reports.db" 'SELECT count(*) FROM orders')" -eq 3000 ]
check "a reports backfill stores the same orders, statuses, totals and items as searchOrders" \
  cmp -s "$WORK/dump-orders" "$WORK/dump-reports"
diff "$WORK/dump-orders" "$WORK/dump-reports" | head -5 >&2 || true
flagged=$(sqlite3 "$WORK/reports.db" 'SELECT count(*) FROM orders WHERE from_report = 1')
unflagged_old=$(sqlite3 "$WORK/reports.db" "SELECT count(*) FROM orders WHERE from_report = 0 AND
                last_updated < (SELECT max(data_end) FROM backfill_windows) - 300")
check "orders that came only from a report are flagged ($flagged; the last hour came from searchOrders)" \
  test "$flagged" -gt 2500 -a "$unflagged_old" -eq 0
check "no report window is left undone" \
  [ "$(sqlite3 "$WORK/reports.db" "SELECT count(*) FROM backfill_windows WHERE state <> 'done'")" -eq 0 ]

# Where the stored copy is shown, an order read only from a report says so: store info counts
# them, order show --cached marks them (order show without --cached reads Amazon anyway).
thin_id=$(sqlite3 "$WORK/reports.db" 'SELECT order_id FROM orders WHERE from_report = 1 ORDER BY order_id LIMIT 1')
full_id=$(sqlite3 "$WORK/reports.db" 'SELECT order_id FROM orders WHERE from_report = 0 ORDER BY order_id LIMIT 1')
ASC_STORE="$WORK/reports.db" asc store info >"$WORK/info" 2>&1
check "store info counts the $flagged orders read only from a report" grep -q "^from a report   $flagged orders" "$WORK/info"
check "store info -o json has orders_from_report" \
  [ "$(ASC_STORE="$WORK/reports.db" asc store info -o json | json "d['orders_from_report']")" -eq "$flagged" ]
ASC_STORE="$WORK/orders.db" asc store info >"$WORK/info-orders" 2>&1
check "store info of a searchOrders store has no report line" \
  bash -c "grep -q '^orders  *3000$' '$WORK/info-orders' && ! grep -q '^from a report' '$WORK/info-orders'"
check "order show --cached -o json: a report-only order has from_report true" \
  [ "$(ASC_STORE="$WORK/reports.db" asc order show "$thin_id" --cached -o json | json "d['details']['from_report']")" = True ]
check "order show --cached -o json: an order from searchOrders has from_report false" \
  [ "$(ASC_STORE="$WORK/reports.db" asc order show "$full_id" --cached -o json | json "d['details']['from_report']")" = False ]
ASC_STORE="$WORK/reports.db" COLUMNS=100 asc order show "$thin_id" --cached -o table --tab details >"$WORK/thin-view" 2>&1
check "order show --cached on a terminal says the copy came from an order report" \
  grep -q "Stored from.*an order report" "$WORK/thin-view"
ASC_STORE="$WORK/reports.db" COLUMNS=100 asc order show "$full_id" --cached -o table --tab details >"$WORK/full-view" 2>&1
check "and says nothing of the kind for an order from searchOrders" bash -c "! grep -q 'Stored from' '$WORK/full-view'"
ASC_STORE="$WORK/reports.db" asc order show "$thin_id" --cached --tab details >"$WORK/thin-pipe" 2>&1
check "order show --cached in a pipe: a from_report line" grep -qP '^from_report\tyes$' "$WORK/thin-pipe"
# (Without --cached, order show reads Amazon and stores the whole order: the flag is cleared.)
ASC_STORE="$WORK/reports.db" asc order show "$thin_id" --tab details >"$WORK/thin-live" 2>&1
check "order show without --cached reads Amazon: no from_report line" \
  bash -c "grep -q '^status' '$WORK/thin-live' && ! grep -q 'from_report' '$WORK/thin-live'"
check "and the order it stored is whole: no longer flagged" \
  [ "$(sqlite3 "$WORK/reports.db" "SELECT from_report FROM orders WHERE order_id = '$thin_id'")" -eq 0 ]

# A later sync of the same store needs no report: the store covers everything but the last minutes.
sim_post /_sim/stats/reset >/dev/null
refill
ASC_STORE="$WORK/reports.db" asc orders sync 2>"$WORK/sync-again"
check "an up-to-date store asks for no report" [ "$(sim_requests createReport)" -eq 0 ]

# A batch cancel of orders stored only from reports reads them fresh (the feed needs the order item
# ids a report does not carry): every one is canceled, exactly once.
sqlite3 "$WORK/reports.db" "SELECT order_id FROM orders WHERE from_report = 1 AND status = 'Unshipped'
                            AND fulfilled_by = 'MERCHANT' ORDER BY order_id LIMIT 25" >"$WORK/thin"
refill
expect_exit 0 "a batch of report-only orders is canceled" \
  env ASC_STORE="$WORK/reports.db" "$ASC_BIN" order cancel --from "$WORK/thin" --reason NoInventory --yes -o jsonl
check "each of the $(wc -l <"$WORK/thin") orders was canceled on the sim exactly once" python3 - "$WORK/thin" "$SIM_URL" <<'PY'
import json, sys, urllib.request
ids = [l.strip() for l in open(sys.argv[1]) if l.strip()]
assert len(ids) == 25, len(ids)
for i in ids:
    d = json.load(urllib.request.urlopen(f"{sys.argv[2]}/_sim/orders/{i}"))
    assert d["cancellations"] == 1, (i, d["cancellations"])
PY

# 2. auto: a few hundred orders fit in a few searchOrders pages, no report.
sim_post /_sim/stats/reset >/dev/null
refill
ASC_STORE="$WORK/auto.db" ASC_MARKETPLACE=A1VC38T7YXB528 asc orders sync --since 70d 2>"$WORK/sync-auto"
check "auto stays with searchOrders for a small marketplace" [ "$(sim_requests createReport)" -eq 0 ]

# 3. A window without orders: Amazon cancels the report; the sync succeeds.
sim_start --orders 0 --time-scale 60
export ASC_MARKETPLACE=ATVPDKIKX0DER
expect_exit 0 "a window without orders syncs" env ASC_STORE="$WORK/empty.db" "$ASC_BIN" orders sync --since 20d --via reports
check "its report is recorded CANCELLED (no data)" \
  [ "$(sqlite3 "$WORK/empty.db" "SELECT outcome FROM backfill_windows")" = CANCELLED ]

# 4. A FATAL report: exit 75 naming it; the rerun requests that window afresh and completes.
sim_start --orders 500 --seed 3 --time-scale 60
export ASC_MARKETPLACE=ATVPDKIKX0DER
sim_post "/_sim/reports/next?outcome=FATAL" >/dev/null
expect_exit 75 "a FATAL report stops the sync as a temporary failure" \
  env ASC_STORE="$WORK/fatal.db" "$ASC_BIN" orders sync --since 20d --via reports
check "the message says Amazon could not build the report" contains "$WORK/err" "FATAL"
expect_exit 0 "the rerun completes" env ASC_STORE="$WORK/fatal.db" "$ASC_BIN" orders sync --since 20d --via reports
check "the FATAL window was requested once more, nothing else" [ "$(sim_requests createReport)" -eq 2 ]

# 5. kill -9 during the download, then rerun: no window lost, none requested twice.
sim_start --orders 3000 --seed 14 --time-scale 60 --slow-seconds 4 --fault slow:downloadReportDocument:1
export ASC_MARKETPLACE=$ALL_MARKETPLACES
ASC_STORE="$WORK/killed.db" "$ASC_BIN" orders sync --since 70d --via reports >/dev/null 2>"$WORK/killed-err" &
pid=$!
for _ in $(seq 200); do
  [ "$(sim_requests downloadReportDocument)" -ge 1 ] && break
  sleep 0.05
done
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
check "the sync was killed during a download" [ "$(sim_requests downloadReportDocument)" -ge 1 ]
requested=$(sqlite3 "$WORK/killed.db" "SELECT count(*) FROM backfill_windows WHERE report_id IS NOT NULL")
check "every requested window was recorded before the kill ($requested)" [ "$requested" -eq "$(sim_requests createReport)" ]
sim_post /_sim/config '{"faults":[]}' >/dev/null
ASC_STORE="$WORK/killed.db" asc orders sync --since 70d --via reports 2>"$WORK/rerun"
check "the rerun requested no window twice" [ "$(sim_requests createReport)" -eq 15 ]
sqlite3 "$WORK/killed.db" 'SELECT order_id FROM orders ORDER BY order_id' >"$WORK/got"
sim_get /_sim/orders | json "'\n'.join(sorted(d['order_ids']))" >"$WORK/want"
check "after the rerun the store holds every order of the sim, once" cmp -s "$WORK/got" "$WORK/want"
check "and every window is done" \
  [ "$(sqlite3 "$WORK/killed.db" "SELECT count(*) FROM backfill_windows WHERE state = 'done'")" -eq 15 ]

# 6. Faults on the new operations: 429 and 5xx are retried; garbage in a document is refused.
sim_start --orders 800 --seed 5 --time-scale 60 --fault 429:createReport:0.3 --fault 500:getReport:0.3 \
  --fault 503:getReportDocument:0.3 --fault drop:downloadReportDocument:0.3
export ASC_MARKETPLACE=ATVPDKIKX0DER
expect_exit 0 "429, 5xx and dropped downloads are retried" \
  env ASC_STORE="$WORK/faults.db" "$ASC_BIN" orders sync --since 70d --via reports
sim_post /_sim/config '{"faults":["garbage:downloadReportDocument:1"]}' >/dev/null
expect_exit 75 "a document that is not an order report fails as temporary" \
  env ASC_STORE="$WORK/garbage.db" "$ASC_BIN" orders sync --since 70d --via reports
check "the message names the line" contains "$WORK/err" "order report line 1"

# 7. A report row with a bad amount fails naming the line; nothing after it is stored.
updated=$(date -u -d '-10 days' +%Y-%m-%dT%H:%M:%SZ)
created=$(date -u -d '-11 days' +%Y-%m-%dT%H:%M:%SZ)
cat >"$WORK/bad.json" <<JSON
{"orders":[{"orderId":"111-2222222-3333333","createdTime":"$created","lastUpdatedTime":"$updated",
  "salesChannel":{"channelName":"AMAZON","marketplaceId":"ATVPDKIKX0DER","marketplaceName":"Amazon.com"},
  "fulfillment":{"fulfillmentStatus":"SHIPPED","fulfilledBy":"MERCHANT"},
  "orderItems":[{"orderItemId":"12345678901234","quantityOrdered":1,
    "product":{"asin":"B000000001","sellerSku":"S1","title":"T","price":{"unitPrice":{"amount":"12.50","currencyCode":"USD"}}},
    "proceeds":{"proceedsTotal":{"amount":"12,50","currencyCode":"USD"},
                "breakdowns":[{"type":"ITEM","subtotal":{"amount":"12,50","currencyCode":"USD"}}]}}]}]}
JSON
sim_start --fixture "$WORK/bad.json" --time-scale 60
export ASC_MARKETPLACE=ATVPDKIKX0DER
expect_exit 75 "a row with a bad amount fails" env ASC_STORE="$WORK/bad.db" "$ASC_BIN" orders sync --since 20d --via reports
check "the message names the line and the column" contains "$WORK/err" 'order report line 2: item-price "12,50" is not an amount'

finish
