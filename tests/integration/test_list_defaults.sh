#!/usr/bin/env bash
# One meaning for `orders list`, live and --cached alike: newest first, the profile's
# marketplaces, created in the last 7 days, at most 50; --sort for both; "more matched" on stderr
# in every mode (-q silences it). And the store's freshness: --cached and the reports say how
# fresh it is, warn when it was never synced, and --require-sync (cron) makes that exit 75.
source "$(dirname "$0")/lib.sh"

sim_start --orders 900 --seed 31 --rate-limits off
# The profile sells in two of the five marketplaces: the defaults must keep to those.
export ASC_MARKETPLACE=ATVPDKIKX0DER,A2EUQ1WTGCTBG2

# ---- a cron-like run on a store that was never synced: reports warn, --require-sync exits 75
cron() { env -i HOME="$HOME" PATH="$PATH" XDG_CONFIG_HOME="$XDG_CONFIG_HOME" XDG_CACHE_HOME="$XDG_CACHE_HOME" \
  XDG_DATA_HOME="$XDG_DATA_HOME" ASC_ENDPOINT="$ASC_ENDPOINT" ASC_LWA_ENDPOINT="$ASC_LWA_ENDPOINT" \
  ASC_CLIENT_ID=test-client ASC_CLIENT_SECRET=test-secret ASC_REFRESH_TOKEN=test-refresh \
  ASC_SELLER_ID=TESTSELLER ASC_MARKETPLACE="$ASC_MARKETPLACE" "$ASC_BIN" "$@" </dev/null; }
expect_exit 0 "report summary on a never-synced store exits 0" cron report summary --since 7d
check "...but warns on stderr that the store was never synced" contains "$WORK/err" "never synced"
check "...and names the command to run" contains "$WORK/err" "asc orders sync"
expect_exit 75 "report summary --require-sync on a never-synced store exits 75" cron report summary --since 7d --require-sync
check "...with the command to run" bash -c "grep -q '^asc: error: the local store was never synced' '$WORK/err' && grep -q 'asc orders sync' '$WORK/err'"
check "...and prints no figures" [ ! -s "$WORK/out" ]
expect_exit 75 "report late --require-sync too" cron report late --require-sync
expect_exit 0 "-q silences the warning" cron -q report summary --since 7d
check "-q: nothing on stderr" [ ! -s "$WORK/err" ]
# A live list writes orders through to the store: still not a sync.
seen=$(cron orders list --limit 3 -o ids 2>/dev/null | head -1)
expect_exit 75 "orders written through by a list are not a sync" cron report summary --require-sync
expect_exit 0 "order show --cached of a written-through order" cron order show "$seen" --cached -o json
check "...warns that the store was never synced" contains "$WORK/err" "never synced"
expect_exit 0 "report summary --sync syncs first" cron report summary --sync --require-sync --since 7d
check "...and does not warn" bash -c "! grep -q 'never synced' '$WORK/err'"
expect_exit 0 "after a sync --require-sync passes" cron report summary --since 7d --require-sync
check "off a terminal a fresh store is quiet (cron mails only failures)" [ ! -s "$WORK/err" ]

# ---- live and cached agree on the defaults
asc orders sync --since 60d 2>/dev/null
asc orders list -o ids >"$WORK/live" 2>"$WORK/live.err"
asc orders list --cached -o ids >"$WORK/cached" 2>"$WORK/cached.err"
check "live: 50 orders by default" [ "$(wc -l <"$WORK/live")" -eq 50 ]
check "live and cached print the same 50, in the same order" cmp -s "$WORK/live" "$WORK/cached"
asc orders list -o json --fields order_id,purchase_date,marketplace_id >"$WORK/live.json" 2>/dev/null
check "live: newest first, all created in the last 7 days, only the profile's marketplaces" python3 - "$WORK/live.json" <<'PY'
import json, sys, datetime
data = json.load(open(sys.argv[1]))
items = data["items"] if isinstance(data, dict) else data
dates = [i["purchase_date"] for i in items]
assert dates == sorted(dates, reverse=True), dates[:5]
week = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%SZ")
assert all(d >= week for d in dates), (week, dates[-1])
assert {i["marketplace_id"] for i in items} <= {"ATVPDKIKX0DER", "A2EUQ1WTGCTBG2"}, {i["marketplace_id"] for i in items}
PY
check "live: 'showing the first 50' on stderr although not a terminal" grep -qE "^asc: showing the first 50 orders; (more matched|older orders may match): --all" "$WORK/live.err"
before=$(sim_requests searchOrders)
asc orders list -o ids >/dev/null 2>&1
sliced=$(( $(sim_requests searchOrders) - before ))
before=$(sim_requests searchOrders)
asc orders list --sort purchase_date -o ids >/dev/null 2>&1
whole=$(( $(sim_requests searchOrders) - before ))
check "newest first reads the week backwards in slices: fewer calls ($sliced) than the whole window ($whole)" [ "$sliced" -lt "$whole" ]
asc orders list --status shipped --since 30d --sort purchase_date -o ids >/dev/null 2>"$WORK/asc.err"
check "a list that reads its whole window says how many matched" grep -qE "^asc: showing 50 of [0-9]+ matching orders; --all" "$WORK/asc.err"
check "cached: the same note" grep -q "^asc: showing the first 50 orders; more matched: --all" "$WORK/cached.err"
asc -q orders list -o ids >/dev/null 2>"$WORK/q.err"
check "-q silences the note" [ ! -s "$WORK/q.err" ]
n_all=$(asc orders list --all -o ids 2>/dev/null | wc -l)
check "--all prints every one of the week's orders ($n_all)" [ "$n_all" -gt 50 ]
check "--all --cached prints as many" [ "$(asc orders list --cached --all -o ids 2>/dev/null | wc -l)" -eq "$n_all" ]
asc orders list --all -o ids >/dev/null 2>"$WORK/all.err"
check "--all: no 'more matched' note" bash -c "! grep -q 'showing' '$WORK/all.err'"

# --sort works live too, and agrees with --cached.
asc orders list --sort ship_by --limit 20 --since 30d -o ids >"$WORK/live" 2>/dev/null
asc orders list --cached --sort ship_by --limit 20 --since 30d -o ids >"$WORK/cached" 2>/dev/null
check "--sort ship_by: live and cached agree" cmp -s "$WORK/live" "$WORK/cached"
asc orders list --sort -total --limit 10 --since 30d -o json >"$WORK/total.json" 2>/dev/null
check "--sort -total live: by currency, then the largest totals first" python3 - "$WORK/total.json" <<'PY'
import json, sys
from decimal import Decimal
data = json.load(open(sys.argv[1]))
items = data["items"] if isinstance(data, dict) else data
keys = [(i["total"]["currency"], -Decimal(i["total"]["amount"])) for i in items if i.get("total")]
assert len(keys) == 10 and keys == sorted(keys), keys
PY
expect_exit 2 "an unknown --sort key is a usage error live too" asc orders list --sort color

# Cached reads say how fresh the store is on a terminal, and are quiet off one.
ASC_FORCE_TTY=1 asc orders list --cached --limit 1 -o ids >/dev/null 2>"$WORK/tty.err"
check "on a terminal --cached says how old the data is" grep -qE "local data from a sync (just now|.* ago)" "$WORK/tty.err"
finish
