#!/usr/bin/env bash
# Reports for cron mail: run as cron runs them (env -i, no terminal, no COLUMNS), the default
# output of `report summary|late|cancellations` is a plain text table with a title line, headers
# and aligned columns, no escape codes, compared with golden files. Machine formats are unchanged.
# Set ASC_UPDATE_GOLDEN=1 to rewrite the golden files from the current output.
source "$(dirname "$0")/lib.sh"

GOLDEN="$ASC_SOURCE_DIR/tests/integration/golden"
sim_start --fixture "$ASC_SOURCE_DIR/tests/fixtures/output-orders.json" --rate-limits off \
  --feed-processing-seconds 0.1
export ASC_STORE="$WORK/store.db"
asc -q orders sync --since 2025-12-01
asc -q order cancel 305-0000005-0000005 503-0000002-0000002 113-0000003-0000003 --reason NoInventory --yes >/dev/null || true

# What cron gives a job: HOME, PATH, SHELL, LOGNAME and nothing else; the config names the store.
mkdir -p "$WORK/home/.config/asc"
printf '[profiles.default]\nstore = "%s"\n' "$ASC_STORE" >"$WORK/home/.config/asc/config.toml"
chmod 600 "$WORK/home/.config/asc/config.toml"
cron() { env -i HOME="$WORK/home" PATH=/usr/bin:/bin SHELL=/bin/sh LOGNAME=cron "$ASC_BIN" "$@" </dev/null; }

# The journal's times (now) and the random part of batch ids vary from run to run; the orders'
# times come from the fixture.
normalize() {
  if [ "$1" != cancellations ]; then cat; return; fi
  sed -E 's/20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z/YYYY-MM-DDThh:mm:ssZ/g; s/(  )[0-9a-f]{6}($|  )/\1xxxxxx\2/g'; }

for report in summary late cancellations; do
  rc=0
  cron report "$report" >"$WORK/$report.raw" 2>"$WORK/$report.err" || rc=$?
  check "cron: report $report exits 0" [ "$rc" -eq 0 ]
  normalize "$report" <"$WORK/$report.raw" >"$WORK/$report.txt"
  if [ -n "${ASC_UPDATE_GOLDEN:-}" ]; then cp "$WORK/$report.txt" "$GOLDEN/report-$report.txt"; fi
  check "cron: report $report matches tests/integration/golden/report-$report.txt" \
    diff -u "$GOLDEN/report-$report.txt" "$WORK/$report.txt"
  check "cron: report $report has no escape codes" bash -c "! grep -q $'\e' '$WORK/$report.raw'"
  check "cron: report $report fits 80 columns" bash -c "! awk 'length > 80' '$WORK/$report.raw' | grep -q ."
done
check "cron: the summary starts with a title line, then the header" \
  bash -c "head -1 '$WORK/summary.txt' | grep -q '^Orders by status' && sed -n 3p '$WORK/summary.txt' | grep -q '^BY  *VALUE'"
check "cron: overdue orders are in the late report" grep -q "^111-0000001-0000001  .*yes" "$WORK/late.txt"

asc report late --color always >"$WORK/late.color" 2>/dev/null
check "--color always: overdue rows in the warning color" grep -q $'^\e\\[1;33m111-0000001-0000001' "$WORK/late.color"
COLUMNS=120 asc orders list --cached --created-after 2025-12-01 --color always >"$WORK/list.color" 2>/dev/null
check "--color always: an overdue ship-by date in the warning color" \
  grep -qE $'^111-0000001-0000001 .*\e\\[1;33m[0-9]+ (months?|days?|years?) ago' "$WORK/list.color"
check "a shipped order's ship-by date is not colored" bash -c "! grep -qE $'^113-0000003-0000003 .*\e\\[1;33m' '$WORK/list.color'"
check "machine formats are unchanged: csv has no title" bash -c "cron() { env -i HOME='$WORK/home' PATH=/usr/bin:/bin '$ASC_BIN' \"\$@\"; }; cron report summary -o csv | head -1 | grep -q '^dimension,value,currency,orders,total_amount,total_currency$'"
check "an explicit -o tsv stays TSV" bash -c "env -i HOME='$WORK/home' PATH=/usr/bin:/bin '$ASC_BIN' report late -o tsv | head -1 | grep -qP '^order_id\tship_by\t'"

# order show's details tab and report cancellations at every width, as on a terminal (-o table,
# COLUMNS): compared with golden files (relative times, which move with the clock, and the
# journal's times and batch ids normalized), and checked: nothing passes the width, and the order
# id, status, dates and total, or each journal row's order id, reason and state, are whole.
# A line with a relative time may wrap at one width in one month and not in the next: its
# continuation (a line indented to the values' column) is joined to it before the time is normalized.
relative() {
  awk '/^                [^ ]/ && prev ~ /( ago | in [0-9])/ { prev = prev " " substr($0, 17); next }
       { if (NR > 1) print prev; prev = $0 } END { if (NR > 0) print prev }' |
    sed -E 's/[0-9]+ (second|minute|hour|day|week|month|year)s? ago/N ago/g; s/in [0-9]+ (second|minute|hour|day|week|month|year)s?/in N/g'
}
for w in 60 80 100 120 200; do
  COLUMNS=$w asc order show 111-0000001-0000001 --cached -o table --tab details >"$WORK/details-$w.raw" 2>/dev/null
  relative <"$WORK/details-$w.raw" >"$WORK/details-$w.txt"
  COLUMNS=$w asc report cancellations -o table 2>/dev/null | normalize cancellations >"$WORK/cancellations-$w.txt"
  for name in details cancellations; do
    golden_file="$GOLDEN/widths/$name-$w.txt"
    if [ -n "${ASC_UPDATE_GOLDEN:-}" ]; then mkdir -p "$GOLDEN/widths"; cp "$WORK/$name-$w.txt" "$golden_file"; fi
    check "$name at $w columns matches tests/integration/golden/widths/$name-$w.txt" diff -u "$golden_file" "$WORK/$name-$w.txt"
  done
  check "order show --tab details at $w columns: fits, id, status, dates and total whole" python3 - "$w" "$WORK/details-$w.raw" <<'PY'
import sys, unicodedata
width, text = int(sys.argv[1]), open(sys.argv[2], encoding="utf-8").read()
cols = lambda s: sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
for line in text.splitlines():
    # A single word wider than the terminal (a Seller Central link) stays whole.
    assert cols(line) <= width or len(line.split()) == 1 or line.split()[-1].startswith("https://"), line
for whole in ("111-0000001-0000001", "Unshipped", "379.76 USD", "2026-01-05 23:59 UTC"):
    assert whole in text, whole
PY
  check "report cancellations at $w columns: fits, ids, reasons and states whole" python3 - "$w" "$WORK/cancellations-$w.txt" <<'PY'
import sys
width, lines = int(sys.argv[1]), open(sys.argv[2], encoding="utf-8").read().splitlines()
assert all(len(l) <= width for l in lines), [l for l in lines if len(l) > width]
for order, state in (("305-0000005-0000005", "already_canceled"), ("503-0000002-0000002", "canceled"),
                     ("113-0000003-0000003", "refused")):
    row = next(l for l in lines if order in l)
    assert " NoInventory " in f" {row} " and f" {state}" in row, row
PY
done

# order show through the binary at every width: the 12-item order, the CJK/JPY one, tracking.
for w in 60 80 100 120 200; do
  for id in 111-0000001-0000001 503-0000002-0000002 113-0000003-0000003; do
    COLUMNS=$w asc order show "$id" --cached -o table >"$WORK/show-$w-$id" 2>/dev/null
  done
  check "order show at $w columns: nothing passes the width, ids and amounts whole" python3 - "$w" "$ASC_SOURCE_DIR/tests/fixtures/output-orders.json" "$WORK"/show-$w-* <<'PY'
import json, sys, unicodedata
width = int(sys.argv[1])
orders = {o["orderId"]: o for o in json.load(open(sys.argv[2]))["orders"]}
def cols(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
for path in sys.argv[3:]:
    text = open(path, encoding="utf-8").read()
    for line in text.splitlines():
        # A single word wider than the terminal (a Seller Central link) stays whole.
        assert cols(line) <= width or len(line.split()) == 1 or line.split()[-1].startswith("https://"), (path, line)
    order = orders[path.rsplit("-", 3)[-3] + "-" + path.rsplit("-", 2)[-2] + "-" + path.rsplit("-", 1)[-1]]
    for item in order["orderItems"]:
        assert item["orderItemId"] in text, (path, item["orderItemId"])
        total = item["proceeds"]["proceedsTotal"]
        assert f'{total["amount"]} {total["currencyCode"]}' in text, (path, total)
    for p in order.get("packages", []):
        assert p["trackingNumber"] in text or width < 80, (path, p["trackingNumber"])
PY
done

finish
