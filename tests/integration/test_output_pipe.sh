#!/usr/bin/env bash
# Output off a terminal: the implicit default stays TSV for scripts; an explicit -o table, -o wide
# or --color always draws the table in a pipe (fitted to COLUMNS, or 80), CLICOLOR_FORCE colors it.
source "$(dirname "$0")/lib.sh"

sim_start --orders 300 --seed 21 --rate-limits off
export ASC_STORE="$WORK/store.db"
asc -q orders sync --since 400d

# fits FILE N: no line of FILE is wider than N columns (escape codes removed).
fits() { python3 -c "
import re, sys, unicodedata
def width(s):
    s = re.sub(r'\x1b\[[0-9;]*m', '', s)
    return sum(2 if unicodedata.east_asian_width(c) in 'WF' else 1 for c in s)
assert all(width(l.rstrip('\n')) <= int(sys.argv[2]) for l in open(sys.argv[1], encoding='utf-8'))" "$1" "$2"; }

asc orders list --cached --limit 5 >"$WORK/default" 2>"$WORK/default.err"
check "the implicit default in a pipe is TSV" bash -c "[ \$(head -1 '$WORK/default' | tr -cd '\t' | wc -c) -ge 8 ]"
check "the implicit default has no header" bash -c "! grep -q 'ORDER ID' '$WORK/default'"

asc orders list --cached --limit 5 -o table >"$WORK/table" 2>"$WORK/table.err"
check "-o table in a pipe draws a table with a header" grep -q "^ORDER ID  *PURCHASED  *STATUS" "$WORK/table"
check "-o table in a pipe has no tabs" bash -c "! grep -qP '\t' '$WORK/table'"
check "-o table in a pipe fits 80 columns" fits "$WORK/table" 80
check "-o table in a pipe has no colors" bash -c "! grep -q $'\e' '$WORK/table'"
check "stderr says which columns were left out" grep -q "left out: .*-o wide or --fields shows them" "$WORK/table.err"

COLUMNS=60 asc orders list --cached --limit 5 -o table >"$WORK/table60" 2>/dev/null
check "COLUMNS=60: the table fits 60 columns" fits "$WORK/table60" 60
check "COLUMNS=60: ids, statuses and totals whole" python3 - "$WORK/table60" <<'PY'
import re, sys
rows = [l for l in open(sys.argv[1]) if re.match(r"\d{3}-\d{7}-\d{7}  ", l)]
assert len(rows) == 5, rows
for r in rows:
    assert "…" not in r, r
    assert re.search(r"(Shipped|Unshipped|Canceled|Pending|PartiallyShipped|Unfulfillable|PendingAvailability) ", r), r
    # A pending order has no total yet (Amazon gives none until payment is authorized).
    assert re.search(r"\d+(\.\d\d)? [A-Z]{3}$", r.rstrip()) or re.search(r" Pending(Availability)? ", r), r
assert any(re.search(r"\d+(\.\d\d)? [A-Z]{3}$", r.rstrip()) for r in rows), rows
PY

COLUMNS=200 asc orders list --cached --limit 5 -o wide >"$WORK/wide" 2>"$WORK/wide.err"
check "-o wide shows every field" grep -q "^ORDER ID .*SELLER ORDER ID" "$WORK/wide"
check "-o wide leaves nothing out" bash -c "! grep -q 'left out' '$WORK/wide.err'"

asc orders list --cached --limit 5 --color always >"$WORK/color" 2>/dev/null
check "--color always in a pipe draws a colored table" grep -q $'^\e\\[1mORDER ID' "$WORK/color"
check "--color always colors statuses" grep -qE $'\e\\[3[1-6]m(Shipped|Unshipped|Canceled|Pending|PartiallyShipped)' "$WORK/color"
CLICOLOR_FORCE=1 asc orders list --cached --limit 5 -o table >"$WORK/force" 2>/dev/null
check "CLICOLOR_FORCE colors an explicit -o table" grep -q $'^\e\\[1mORDER ID' "$WORK/force"
CLICOLOR_FORCE=1 asc orders list --cached --limit 5 >"$WORK/force-default" 2>/dev/null
check "CLICOLOR_FORCE leaves the implicit default TSV" bash -c "! grep -q $'\e' '$WORK/force-default' && grep -qP '\t' '$WORK/force-default'"
NO_COLOR=1 asc orders list --cached --limit 5 -o table >"$WORK/nocolor" 2>/dev/null
check "NO_COLOR: -o table stays plain" bash -c "! grep -q $'\e' '$WORK/nocolor'"

finish
