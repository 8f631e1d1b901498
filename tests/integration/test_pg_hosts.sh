#!/usr/bin/env bash
# One seller account, three hosts, one PostgreSQL store (tests/pg/start.sh starts a throwaway
# server; the test fails if it cannot). Each "host" is a process with its own HOME, config, cache
# and data directories: they share nothing but the database.
#   * three hosts sync at once: the store ends equal to the sim, and a host syncing after another
#     reads only what changed since (shared sync marks);
#   * three hosts cancel overlapping sets of Unshipped orders at once: every order is canceled
#     exactly once, in exactly one feed (the cancellation lock is an advisory lock in the database,
#     the journal is shared, so a later run finds the orders handled);
#   * the rate budget is shared (the buckets live in the database): the sim counts no 429;
#   * a host killed (-9) mid-cancel is resumed from another host;
#   * store migrate copies an SQLite store into an empty account once;
#   * store info names the backend, the server and who holds a lock; the URI never shows a password.
source "$(dirname "$0")/lib.sh"

PG_DIR=$(mktemp -d /tmp/asc-pg-hosts.XXXXXX)
chmod 755 "$PG_DIR"
pg_cleanup() { bash "$ASC_SOURCE_DIR/tests/pg/start.sh" --stop "$PG_DIR/server"; rm -rf "$PG_DIR"; }
trap 'pg_cleanup; cleanup' EXIT
PG_URI=$(bash "$ASC_SOURCE_DIR/tests/pg/start.sh" "$PG_DIR/server") || { echo "FAIL - PostgreSQL did not start" >&2; exit 1; }

# host N ARGS...: asc as host N.
host() {
  local h="$WORK/host$1"; shift
  mkdir -p "$h"
  HOME="$h" XDG_CONFIG_HOME="$h/config" XDG_CACHE_HOME="$h/cache" XDG_DATA_HOME="$h/data" \
    ASC_STORE="$PG_URI" "$ASC_BIN" --timeout 5 "$@"
}
ids_of() { sim_get "/_sim/orders?$1" | json "'\n'.join(d['order_ids'])"; }

sim_start --orders 3200 --seed 91 --time-scale 1000

# --- three hosts sync at once ------------------------------------------------------------------
for n in 1 2 3; do
  host "$n" orders sync --wait 120 >"$WORK/sync$n.out" 2>"$WORK/sync$n.err" &
  eval "sync_pid$n=$!"
done
rcs=""
for n in 1 2 3; do
  eval "pid=\$sync_pid$n"
  rc=0; wait "$pid" || rc=$?; rcs="$rcs $rc"
done
check "three syncs at once all exit 0 (got$rcs)" [ "$rcs" = " 0 0 0" ]
throttled() { sim_get /_sim/stats | json "sum(o.get('throttled', 0) for o in d['operations'].values())"; }
check "the three syncs together got no 429 (one rate budget in the database): $(throttled)" [ "$(throttled)" -eq 0 ]
# What one host alone stores, in its own SQLite file (and its own rate budget: 429s possible).
ASC_STORE="$WORK/alone.db" "$ASC_BIN" --timeout 5 orders sync >/dev/null 2>&1
alone=$(ASC_STORE="$WORK/alone.db" "$ASC_BIN" store info -o json | json "d['orders']")
stored=$(host 2 store info -o json | json "d['orders']")
check "the shared store holds what one host alone would ($stored, $alone)" [ "$stored" -eq "$alone" ]
check "  a real number of orders" [ "$stored" -gt 1000 ]
searches=$(sim_requests searchOrders)
host 3 orders sync >/dev/null 2>&1
after=$(sim_requests searchOrders)
check "a host syncing after the others reads only what changed ($((after - searches)) searchOrders calls)" \
  [ $((after - searches)) -le 5 ]

expect_exit 0 "store info shows the backend" host 1 store info
check "  backend postgresql" contains "$WORK/out" "backend         postgresql (server "
check "  the account's schema" contains "$WORK/out" "account schema  asc_testseller"
host 1 store info -o json >"$WORK/info.json"
check "  json names the backend" [ "$(json "d['backend']" <"$WORK/info.json")" = postgresql ]

expect_exit 78 "a password in the store URI is refused" env ASC_STORE="postgresql://asc:hunter2@localhost/asc" \
  "$ASC_BIN" store info
check "  and never shown" bash -c "! grep -q hunter2 '$WORK/err'"

# --- three hosts cancel overlapping sets at once -------------------------------------------------
throttled_before=$(throttled)
ids_of "fulfillmentStatus=UNSHIPPED&fulfilledBy=MERCHANT" >"$WORK/unshipped"
head -600 "$WORK/unshipped" >"$WORK/pool"
sed -n '601,620p' "$WORK/unshipped" >"$WORK/crash"
n=$(wc -l <"$WORK/pool")
check "600 unshipped merchant orders to cancel ($n)" [ "$n" -eq 600 ]
sed -n '1,300p' "$WORK/pool" >"$WORK/set1"
sed -n '151,450p' "$WORK/pool" >"$WORK/set2"
sed -n '301,600p' "$WORK/pool" >"$WORK/set3"
cancel_until_done() { # host N: reruns while another host holds the cancellation lock (exit 75)
  local rc i
  for i in 1 2 3 4 5 6 7 8 9 10; do
    rc=0; host "$1" order cancel --from "$WORK/set$1" --reason NoInventory --yes -o jsonl \
      >"$WORK/cancel$1.out" 2>"$WORK/cancel$1.err" || rc=$?
    [ "$rc" -ne 75 ] && return "$rc"
  done
  return "$rc"
}
for h in 1 2 3; do cancel_until_done "$h" & eval "cpid$h=$!"; done
rcs=""
for h in 1 2 3; do eval "pid=\$cpid$h"; rc=0; wait "$pid" || rc=$?; rcs="$rcs $rc"; done
check "three overlapping cancels all end 0 (got$rcs)" [ "$rcs" = " 0 0 0" ]
check "every order canceled exactly once, named by exactly one feed" python3 - "$WORK/pool" "$SIM_URL" <<'PY'
import json, sys, urllib.request
for oid in open(sys.argv[1]).read().split():
    with urllib.request.urlopen(f"{sys.argv[2]}/_sim/orders/{oid}") as r:
        s = json.load(r)
    assert s["order"]["fulfillment"]["fulfillmentStatus"] == "CANCELLED", oid
    assert s["cancellations"] == 1 and len(s["feeds"]) == 1, (oid, s["cancellations"], s["feeds"])
PY
host 2 cancellations list -o json >"$WORK/journal.json"
check "the shared journal (read on another host) has exactly one canceled row per order" python3 - "$WORK/pool" "$WORK/journal.json" <<'PY'
import collections, json, sys
pool = set(open(sys.argv[1]).read().split())
rows = json.load(open(sys.argv[2]))
canceled = collections.Counter(r["order_id"] for r in rows if r["state"] == "canceled")
assert set(canceled) >= pool and all(canceled[o] == 1 for o in pool), len(canceled)
PY

check "the three cancels together got no 429: $(($(throttled) - throttled_before))" [ "$(throttled)" -eq "$throttled_before" ]

# --- a host dies mid-cancel; another resumes ----------------------------------------------------
expect_exit 137 "host 1 dies before recording createFeed" env ASC_TEST_CRASH_AT=before-create-feed \
  HOME="$WORK/host1" XDG_CONFIG_HOME="$WORK/host1/config" XDG_CACHE_HOME="$WORK/host1/cache" \
  XDG_DATA_HOME="$WORK/host1/data" ASC_STORE="$PG_URI" "$ASC_BIN" --timeout 3 order cancel --from "$WORK/crash" \
  --reason NoInventory --yes
export ASC_TEST_IN_FLIGHT_FLOOR_MS=1000
expect_exit 0 "host 2 resumes host 1's run" host 2 cancellations resume
check "the crashed batch: each order canceled exactly once" python3 - "$WORK/crash" "$SIM_URL" <<'PY'
import json, sys, urllib.request
for oid in open(sys.argv[1]).read().split():
    with urllib.request.urlopen(f"{sys.argv[2]}/_sim/orders/{oid}") as r:
        s = json.load(r)
    assert s["order"]["fulfillment"]["fulfillmentStatus"] == "CANCELLED", oid
    assert s["cancellations"] == 1, (oid, s["cancellations"])
PY
check "no row in flight is left" [ -z "$(host 3 cancellations list --state planned,submitting,submitted -o ids 2>/dev/null)" ]

# --- asc store migrate: one host's SQLite store copied into another account, once ---------------
migrated_host() { ASC_SELLER_ID=MIGRATED host "$@"; } # the same hosts, another seller account
expect_exit 0 "store migrate copies the SQLite store into an empty account" migrated_host 1 store migrate --from "$WORK/alone.db"
check "  and says how much" contains "$WORK/err" "copied $alone orders"
migrated=$(migrated_host 2 store info -o json | json "d['orders']")
check "  another host reads the same number of orders ($migrated)" [ "$migrated" -eq "$alone" ]
expect_exit 2 "a second migration into the same account is refused" migrated_host 1 store migrate --from "$WORK/alone.db"
expect_exit 2 "store migrate from a file that is not there is refused" host 1 store migrate --from "$WORK/none.db"

finish
