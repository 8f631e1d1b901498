#!/usr/bin/env bash
# `asc orders list` against asc-sim: completeness, filters, paging, output formats.
source "$(dirname "$0")/lib.sh"

sim_start --orders 1050 --seed 11 --rate-limits off  # completeness, not pacing (test_resilience paces)

# Every generated order, exactly once.
asc orders list --created-after 61d --all -o ids >"$WORK/ids"
sim_get "/_sim/orders" | json "'\n'.join(sorted(d['order_ids']))" >"$WORK/expected"
sort "$WORK/ids" >"$WORK/ids.sorted"
check "--all -o ids lists 1050 orders" [ "$(wc -l <"$WORK/ids")" -eq 1050 ]
check "no order is listed twice" [ "$(sort -u "$WORK/ids" | wc -l)" -eq 1050 ]
check "the ids are exactly the simulator's" cmp -s "$WORK/ids.sorted" "$WORK/expected"

# Status filter (any spelling) equals the simulator's own matching set.
asc orders list --created-after 61d --all --status unshipped,PARTIALLY_SHIPPED -o ids | sort >"$WORK/got"
sim_get "/_sim/orders?fulfillmentStatus=UNSHIPPED,PARTIALLY_SHIPPED" | json "'\n'.join(sorted(d['order_ids']))" >"$WORK/want"
check "status filter returns exactly the sim's Unshipped+PartiallyShipped set" cmp -s "$WORK/got" "$WORK/want"
check "status filter is not empty" [ -s "$WORK/got" ]

# Date filter plus fulfilled-by.
after=$(date -u -d '-20 days' +%Y-%m-%dT%H:%M:%SZ)
before=$(date -u -d '-10 days' +%Y-%m-%dT%H:%M:%SZ)
asc orders list --created-after "$after" --created-before "$before" --fulfilled-by merchant --all -o ids | sort >"$WORK/got"
sim_get "/_sim/orders?createdAfter=$after&createdBefore=$before&fulfilledBy=MERCHANT" \
  | json "'\n'.join(sorted(d['order_ids']))" >"$WORK/want"
check "date window and fulfilled-by return exactly the sim's set" cmp -s "$WORK/got" "$WORK/want"

# --limit stops early and prints exactly N.
asc orders list --created-after 61d --limit 7 -o ids >"$WORK/got"
check "--limit 7 prints 7 ids" [ "$(wc -l <"$WORK/got")" -eq 7 ]

# JSON rows carry the stable keys; money is {"amount","currency"} strings.
asc orders list --created-after 61d --limit 3 -o json >"$WORK/json"
check "json rows have the stable keys" python3 - "$WORK/json" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
assert len(rows) == 3
for r in rows:
    for k in ("order_id", "status", "purchase_date", "fulfilled_by", "total"):
        assert k in r, k
    assert isinstance(r["total"]["amount"], str) and isinstance(r["total"]["currency"], str)
    assert r["purchase_date"].endswith("Z")
PY

# CSV has a header and neutralizes nothing it should not.
asc orders list --created-after 61d --limit 5 -o csv --fields order_id,status,total >"$WORK/csv"
check "csv starts with the selected header (money as amount and currency)" \
  [ "$(head -1 "$WORK/csv")" = "order_id,status,total_amount,total_currency" ]
check "csv has 5 data rows" [ "$(wc -l <"$WORK/csv")" -eq 6 ]

# Money columns sum with awk, per currency, to what the JSON says (exact to the cent).
asc orders list --created-after 400d --all -o csv --fields order_id,total >"$WORK/all.csv"
asc orders list --created-after 400d --all -o json --fields order_id,total >"$WORK/all.json"
awk -F, 'NR > 1 && $3 == "USD" { s += $2 } END { printf "%.2f\n", s }' "$WORK/all.csv" >"$WORK/awk.sum"
python3 -c "
import json, decimal, sys
rows = json.load(open(sys.argv[1]))
print(sum((decimal.Decimal(r['total']['amount']) for r in rows if r['total'] and r['total']['currency'] == 'USD'), decimal.Decimal(0)))
" "$WORK/all.json" >"$WORK/json.sum"
check "awk sums the csv amounts ($(cat "$WORK/awk.sum")) to the JSON total" [ "$(cat "$WORK/awk.sum")" = "$(cat "$WORK/json.sum")" ]
check "no amount carries the formula guard" bash -c "! grep -q \"'\" '$WORK/all.csv'"
asc orders list --created-after 400d --limit 3 -o jsonl --fields order_id,total >"$WORK/jsonl"
check "jsonl money is total_amount and total_currency" python3 -c "
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    assert set(r) == {'order_id', 'total_amount', 'total_currency'}, r
    assert isinstance(r['total_amount'], str), r
" "$WORK/jsonl"

# Off a terminal, the table is TSV without a header.
asc orders list --created-after 61d --limit 2 >"$WORK/table"
check "table off a terminal has no header" bash -c "! grep -q 'ORDER ID' '$WORK/table'"
check "table off a terminal is tab-separated" grep -qP '\t' "$WORK/table"

# A bad field lists the valid ones and exits 2.
expect_exit 2 "an unknown --fields name is a usage error" asc orders list --fields order_id,nope
check "the error lists valid fields" contains "$WORK/err" "purchase_date"
expect_exit 2 "an unknown status is a usage error" asc orders list --status stuck
check "the status error names the valid ones" contains "$WORK/err" "Unshipped"
expect_exit 2 "a bad time is a usage error" asc orders list --created-after someday
check "the time error shows the accepted forms" contains "$WORK/err" "RFC 3339"

# A ...Before within two minutes of now is clamped, not rejected by Amazon.
expect_exit 0 "--created-before now is clamped to 2 minutes ago" asc orders list --created-after 3d --created-before 0m -o ids

finish
