#!/usr/bin/env bash
# asc on a real terminal: tmux runs it in a pane (send-keys) and the screen is read back
# (capture-pane; -e keeps the colors). Checks the table (header, aligned columns, relative times,
# fitted to the width, colors), that a pipe gets plain TSV, that the progress line disappears,
# and the cancel confirmation prompt (no: nothing sent; the count: sent).
source "$(dirname "$0")/lib.sh"

command -v tmux >/dev/null || { fail "tmux is not installed (apt-get install tmux)"; finish; }

SOCKET="asc-test-$$"
tm() { tmux -L "$SOCKET" -f /dev/null "$@"; }
trap 'tm kill-server 2>/dev/null || true; cleanup' EXIT

mkdir -p "$WORK/bin"
ln -s "$ASC_BIN" "$WORK/bin/asc"
export PATH="$WORK/bin:$PATH"

sim_start --orders 300 --seed 21 --rate-limits off
tm new-session -d -s t -x 120 -y 50 "env PS1='$ ' bash --norc --noprofile"
tm set-option -t t history-limit 0 >/dev/null

SCREEN=$WORK/screen
RUNS=0
# in_pane COMMAND: runs COMMAND in the pane on a clear screen and waits for it to finish; its exit
# status is in $PANE_RC, the screen in $SCREEN (text) and $SCREEN.e (with escape codes).
in_pane() {
  RUNS=$((RUNS + 1))
  local start="__start_${RUNS}__" done="__done_${RUNS}__" i
  tm send-keys -t t "printf '\\033[H\\033[2J'; echo $start; $1; echo $done \$?" Enter
  for i in $(seq 600); do
    tm capture-pane -t t -p >"$SCREEN"
    grep -q "^$done [0-9]" "$SCREEN" && break
    sleep 0.1
  done
  tm capture-pane -t t -p -e >"$SCREEN.e"
  PANE_RC=$(sed -n "s/^$done \([0-9]*\).*/\1/p" "$SCREEN")
  # Only what the command printed: the lines between the two markers.
  sed -n "/^$start\$/,/^$done [0-9]/p" "$SCREEN" | sed '1d;$d' >"$SCREEN.out"
  sed -n "/$start/,/$done [0-9]/p" "$SCREEN.e" | sed '1d;$d' >"$SCREEN.out.e"
}

# fits FILE N: no line of FILE is wider than N characters.
fits() { python3 -c "import sys; assert all(len(l.rstrip('\n')) <= int(sys.argv[2]) for l in open(sys.argv[1], encoding='utf-8'))" "$1" "$2"; }

# ---- the table on a terminal
in_pane "asc orders list --created-after 400d --limit 8"
check "orders list exits 0 on the terminal" [ "$PANE_RC" = 0 ]
check "the table has a header" grep -q "^ORDER ID  *PURCHASED  *STATUS  *FULFILLED BY  *SHIP BY" "$SCREEN.out"
check "the columns are aligned under the header" python3 - "$SCREEN.out" <<'PY'
import sys
import re
lines = [l.rstrip("\n") for l in open(sys.argv[1]) if l.strip() and not l.startswith("asc: ")]
header = lines[0]
rows = [l for l in lines[1:] if re.match(r"\d{3}-\d{7}-\d{7} ", l)]
assert len(rows) == 8, lines
col = header.index("STATUS")
for r in rows:
    assert r[col - 2:col] == "  " and r[col] != " ", r
# Amounts are right-aligned under a right-aligned header (a pending order has no total yet:
# Amazon gives none until payment is authorized).
end = header.index("TOTAL") + len("TOTAL")
priced = [r for r in rows if not re.search(r" Pending(Availability)? ", r)]
assert priced, rows
for r in priced:
    assert re.search(r" \d+(\.\d+)? [A-Z]{3}$", r[:end]) and r[end:end + 1] in ("", " "), r
PY
check "times are relative on a terminal" grep -qE "(minutes?|hours?|days|months?) ago" "$SCREEN.out"
check "no RFC 3339 time in the table" bash -c "! grep -qE '[0-9]{4}-[0-9]{2}-[0-9]{2}T' '$SCREEN.out'"
check "every line fits the 120 columns" fits "$SCREEN.out" 120
check "the header is bold" grep -q $'\e\\[1mORDER ID' "$SCREEN.out.e"
check "statuses are colored" grep -qE $'\e\\[3[1-6]m(Shipped|Canceled|Unshipped|Pending|PartiallyShipped)' "$SCREEN.out.e"

in_pane "COLUMNS=40 asc orders list --created-after 400d --limit 8 --fields order_id,status,sales_channel 2>/dev/null"
check "COLUMNS=40: every line of the table fits" fits "$SCREEN.out" 40
check "COLUMNS=40: long cells end with an ellipsis" grep -q "…" "$SCREEN.out"
check "COLUMNS=40: order ids stay whole" grep -qE "^[0-9]{3}-[0-9]{7}-[0-9]{7} " "$SCREEN.out"

in_pane "NO_COLOR=1 asc orders list --created-after 400d --limit 3"
check "NO_COLOR: no colors" bash -c "! grep -q $'\e\\[3[1-6]m' '$SCREEN.out.e'"
in_pane "TERM=dumb asc orders list --created-after 400d --limit 3"
check "TERM=dumb: no colors" bash -c "! grep -q $'\e\\[3[1-6]m' '$SCREEN.out.e'"
in_pane "asc --color never orders list --created-after 400d --limit 3"
check "--color never: no colors" bash -c "! grep -q $'\e\\[3[1-6]m' '$SCREEN.out.e'"

in_pane "asc orders list --created-after 400d --limit 3 | cat"
check "in a pipe: no header" bash -c "! grep -q 'ORDER ID' '$SCREEN.out'"
check "in a pipe: RFC 3339 UTC times" grep -qE '[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z' "$SCREEN.out"
check "in a pipe: no colors" bash -c "! grep -q $'\e\\[3[1-6]m' '$SCREEN.out.e'"
in_pane "CLICOLOR_FORCE=1 asc orders list --created-after 400d --limit 3 -o csv | cat"
check "CLICOLOR_FORCE does not color machine formats" bash -c "! grep -q $'\e\\[3[1-6]m' '$SCREEN.out.e'"

# ---- the pager: less -FRX quits by itself on short output, pages long output
in_pane "asc orders list --created-after 400d --limit 3"
check "short output: less quits by itself (exit 0)" [ "$PANE_RC" = 0 ]
check "short output: the rows stay on the screen" [ "$(grep -cE '^[0-9]{3}-[0-9]{7}-[0-9]{7} ' "$SCREEN.out")" -eq 3 ]

RUNS=$((RUNS + 1))
tm send-keys -t t "printf '\\033[H\\033[2J'; asc orders list --created-after 400d --all; echo __done_${RUNS}__ \$?" Enter
paged=""
for i in $(seq 100); do
  tm capture-pane -t t -p >"$SCREEN"
  if [ "$(grep -cE '^[0-9]{3}-[0-9]{7}-[0-9]{7} ' "$SCREEN")" -ge 40 ]; then paged=yes; break; fi
  sleep 0.1
done
sleep 0.5
tm capture-pane -t t -p >"$SCREEN"
check "long output: the first screen is shown" [ "$paged" = yes ]
check "long output: less waits (the command has not ended)" bash -c "! grep -q '^__done_${RUNS}__' '$SCREEN'"
check "long output: less is at its prompt" bash -c "tail -1 '$SCREEN' | grep -qE '^:|\(END\)|^$'"
tm send-keys -t t q
for i in $(seq 100); do
  tm capture-pane -t t -p >"$SCREEN"
  grep -q "^__done_${RUNS}__ [0-9]" "$SCREEN" && break
  sleep 0.1
done
check "long output: q quits the pager and asc exits 0" grep -q "^__done_${RUNS}__ 0" "$SCREEN"

in_pane "asc --no-pager orders list --created-after 400d --all >/dev/null; asc --no-pager orders list --created-after 400d --all | tail -1"
check "--no-pager: long output ends by itself" [ "$PANE_RC" = 0 ]
in_pane "ASC_PAGER='sed s/^/PAGED:/' PAGER=false asc orders list --created-after 400d --limit 2"
check "ASC_PAGER comes before PAGER" grep -q "^PAGED:ORDER ID" "$SCREEN.out"
in_pane "PAGER='sed s/^/PAGED:/' asc orders list --created-after 400d --limit 2"
check "PAGER is used without ASC_PAGER" grep -q "^PAGED:ORDER ID" "$SCREEN.out"
# The "more matched" note is said when the pager has exited, below its screen: a pager that
# takes its time (as less does drawing) must not get the note in the middle of the rows.
in_pane "ASC_PAGER='sleep 1; sed s/^/PAGED:/' asc orders list --created-after 400d --limit 2"
check "a note waits for the pager: it comes below the rows" python3 - "$SCREEN.out" <<'PY'
import sys
lines = [l.rstrip("\n") for l in open(sys.argv[1]) if l.strip()]
notes = [i for i, l in enumerate(lines) if l.startswith("asc: showing the first 2 orders")]
paged = [i for i, l in enumerate(lines) if l.startswith("PAGED:")]
assert len(notes) == 1 and len(paged) == 3 and notes[0] > max(paged), lines
PY
in_pane "PAGER='sed s/^/PAGED:/' asc orders list --created-after 400d --limit 2 -o json"
check "machine formats are never paged" bash -c "! grep -q 'PAGED:' '$SCREEN.out'"
in_pane "PAGER='sed s/^/PAGED:/' asc orders list --created-after 400d --limit 2 -o table | cat"
check "a pipe is never paged" bash -c "! grep -q 'PAGED:' '$SCREEN.out' && grep -q '^ORDER ID' '$SCREEN.out'"
mkdir -p "$XDG_CONFIG_HOME/asc"
printf '[profiles.default]\npager = false\n' >"$XDG_CONFIG_HOME/asc/config.toml"
chmod 600 "$XDG_CONFIG_HOME/asc/config.toml"
in_pane "PAGER='sed s/^/PAGED:/' asc orders list --created-after 400d --limit 2"
check "pager = false in the config: no pager" bash -c "! grep -q 'PAGED:' '$SCREEN.out' && grep -q '^ORDER ID' '$SCREEN.out'"
rm "$XDG_CONFIG_HOME/asc/config.toml"

# ---- the progress line: shown while a slow sync runs, gone when it is done
sim_start --orders 500 --seed 22 --rate-limits off --fault slow:searchOrders:1 --slow-seconds 1
tm send-keys -t t "export ASC_ENDPOINT=$ASC_ENDPOINT ASC_LWA_ENDPOINT=$ASC_LWA_ENDPOINT ASC_STORE=$WORK/progress.db" Enter
in_pane true
RUNS=$((RUNS + 1))
tm send-keys -t t "printf '\\033[H\\033[2J'; asc orders sync --since 400d; echo __done_${RUNS}__ \$?" Enter
seen=""
for i in $(seq 300); do
  tm capture-pane -t t -p >"$SCREEN"
  if grep -qE "orders so far|syncing orders updated|rate limit" "$SCREEN"; then seen=$(grep -E "orders so far|syncing|rate limit" "$SCREEN" | head -1); fi
  grep -q "^__done_${RUNS}__ [0-9]" "$SCREEN" && break
  sleep 0.1
done
check "a progress line shows while the sync runs ($seen)" [ -n "$seen" ]
check "the sync finished" grep -q "^__done_${RUNS}__ 0" "$SCREEN"
check "the progress line is gone when it is done" bash -c "! grep -qE 'orders so far|syncing orders updated|rate limit' '$SCREEN'"
check "a one-line summary stays" grep -q "^synced [0-9]* orders in [0-9]* pages" "$SCREEN"

# Off a terminal, and with -q, there is no progress at all.
ASC_STORE="$WORK/progress2.db" asc orders sync --since 400d 2>"$WORK/sync.err" >/dev/null
check "off a terminal: no progress, no escape codes" bash -c "! grep -q $'[\r\e]' '$WORK/sync.err'"
check "off a terminal: the summary" grep -q "^synced " "$WORK/sync.err"
in_pane "ASC_STORE=$WORK/progress3.db asc -q orders sync --since 400d"
check "-q on a terminal: nothing at all" [ "$(grep -c . "$SCREEN.out")" -eq 0 ]

# ---- the cancel confirmation prompt (order cancel asks on a terminal)
sim_start --orders 400 --seed 23 --rate-limits off --feed-processing-seconds 0.2
tm send-keys -t t "export ASC_ENDPOINT=$ASC_ENDPOINT ASC_LWA_ENDPOINT=$ASC_LWA_ENDPOINT ASC_STORE=$WORK/cancel.db" Enter
sim_get "/_sim/orders?fulfillmentStatus=UNSHIPPED&fulfilledBy=MERCHANT" | json "'\n'.join(d['order_ids'][:12])" >"$WORK/ids"
one=$(head -1 "$WORK/ids")
sim_status() { sim_get "/_sim/orders/$1" | json "d['cancellations']"; }

# wait_for TEXT: waits until TEXT is on the screen.
wait_for() {
  local i
  for i in $(seq 300); do
    tm capture-pane -t t -p >"$SCREEN"
    grep -qF -- "$1" "$SCREEN" && return 0
    sleep 0.1
  done
  return 1
}
tm send-keys -t t "printf '\\033[H\\033[2J'; asc order cancel $one --reason NoInventory; echo __no__ \$?" Enter
check "one order: the prompt asks y/N" wait_for "Cancel this order? [y/N]"
tm send-keys -t t "n" Enter
check "answering no ends the command" wait_for "__no__ "
check "answering no sends nothing" [ "$(sim_requests createFeed)" -eq 0 ]
check "answering no leaves the order alone" [ "$(sim_status "$one")" -eq 0 ]

tm send-keys -t t "printf '\\033[H\\033[2J'; asc order cancel --from $WORK/ids --reason NoInventory; echo __count__ \$?" Enter
check "12 orders: the prompt asks for the count" wait_for "Type 12 to cancel these 12 orders:"
tm send-keys -t t "12" Enter
check "answering with the count runs the cancellation" wait_for "__count__ 0"
check "answering with the count sends one feed" [ "$(sim_requests createFeed)" -eq 1 ]
check "every order is canceled on the sim" bash -c "for id in \$(cat '$WORK/ids'); do
  [ \"\$(curl -fsS '$SIM_URL/_sim/orders/'\$id | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"cancellations\"])')\" = 1 ] || exit 1; done"

finish
