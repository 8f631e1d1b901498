#!/usr/bin/env bash
# What a live `orders list --all` leaves in the store: every order it printed (written ten pages
# to a transaction, and into a new store without the secondary indexes until the end), the
# indexes all there afterwards, and the orders of a run cut short by its reader remembered too.
source "$(dirname "$0")/lib.sh"

sim_start --orders 2500 --seed 31 --rate-limits off

# index_count: the store's secondary indexes (the seven asc keeps besides the UNIQUE ones).
index_count() {
  python3 -c "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(\"SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex%' AND name IN ('orders_status_purchase', 'orders_purchase', 'orders_updated', 'orders_ship_by', 'orders_summary', 'order_items_sku', 'order_items_asin')\").fetchone()[0])" "$1"
}

# A listing of every order into a new store (25 pages, so more than one batch).
export ASC_STORE="$WORK/list.db"
asc -q orders list --all --since 61d -o ids | sort >"$WORK/listed"
sim_get /_sim/orders | json "'\n'.join(sorted(d['order_ids']))" >"$WORK/want"
check "the live list printed the sim's 2500 orders" cmp -s "$WORK/listed" "$WORK/want"
asc orders list --cached --all --since 3650d -o ids | sort >"$WORK/stored"
check "the store holds exactly the orders the list printed" cmp -s "$WORK/stored" "$WORK/listed"
check "the secondary indexes were built at the end ($(index_count "$ASC_STORE") of 7)" \
  [ "$(index_count "$ASC_STORE")" -eq 7 ]
sku=$(sim_get "/_sim/orders/$(head -1 "$WORK/listed")" | json "(d.get('order', d))['orderItems'][0]['product']['sellerSku']")
asc orders list --cached --all --since 3650d --sku "$sku" -o ids >"$WORK/by_sku"
check "an indexed --cached query finds the order" grep -qx "$(head -1 "$WORK/listed")" "$WORK/by_sku"

# The same rows as the one-by-one upsert: a listing into a store that already holds orders (no
# bulk load: each order looked up, then inserted or left unchanged) stores exactly what the load into a new store
# did (every column of every order, item, package, package item and money line, but row ids and
# the time of writing).
export ASC_STORE="$WORK/seeded.db"
asc -q orders list --since 61d --limit 1 -o ids >/dev/null
seeded=$(asc orders list --cached --all --since 3650d -o ids | wc -l)
check "the seeded store holds some orders ($seeded), not all" test "$seeded" -ge 1 -a "$seeded" -lt 2500
asc -q orders list --all --since 61d -o ids >/dev/null
dump_rows() {
  python3 - "$1" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
def rows(table, key):
    cols = [r[1] for r in db.execute(f"PRAGMA table_info({table})") if r[1] not in ("id", "stored_at", "order_ref")]
    join = "" if table == "orders" else " JOIN orders o ON o.id = t.order_ref"
    sel = ", ".join(f"t.{c}" for c in cols) + ("" if table == "orders" else ", o.order_id")
    for r in sorted(db.execute(f"SELECT {sel} FROM {table} t{join}"), key=repr):
        print(table, r)
for t in ("orders", "order_items"):  # packages and money lines are columns of orders (schema 11)
    rows(t, None)
PY
}
dump_rows "$WORK/list.db" >"$WORK/rows_bulk"
dump_rows "$WORK/seeded.db" >"$WORK/rows_each"
check "a load into a new store writes the rows the one-by-one upsert writes ($(wc -l <"$WORK/rows_bulk") rows)" \
  cmp -s "$WORK/rows_bulk" "$WORK/rows_each"
export ASC_STORE="$WORK/list.db"

# --cached rows read every order's item quantities (in one query per 256 rows): the same as live.
cols=order_id,status,items_shipped,items_unshipped,total
asc -q orders list --all --since 61d -o csv --fields "$cols" | tail -n +2 | sort >"$WORK/live.csv"
asc orders list --cached --all --since 3650d -o csv --fields "$cols" | tail -n +2 | sort >"$WORK/cached.csv"
check "--cached rows show the live list's item quantities ($(wc -l <"$WORK/cached.csv") rows)" \
  cmp -s "$WORK/live.csv" "$WORK/cached.csv"
check "...and some orders have units shipped and some not" \
  python3 -c 'import csv, sys; r = list(csv.reader(open(sys.argv[1]))); sys.exit(not (any(x[2] != "0" for x in r) and any(x[3] != "0" for x in r)))' "$WORK/cached.csv"

# Listing again into the same store changes nothing and keeps the indexes.
asc -q orders list --all --since 61d -o ids >/dev/null
check "a second listing keeps the indexes" [ "$(index_count "$ASC_STORE")" -eq 7 ]
check "a second listing keeps 2500 orders" [ "$(asc orders list --cached --all --since 3650d -o ids | wc -l)" -eq 2500 ]

# kill -9 in the middle of a listing into a new store: the store opens and is sound, holds what
# was committed, and a sync then makes it equal to the sim.
sim_post /_sim/config '{"faults":["slow:searchOrders:1"],"slow_seconds":0.15}' >/dev/null
export ASC_STORE="$WORK/killed.db"
"$ASC_BIN" -q orders list --all --since 61d -o ids >/dev/null & pid=$!
sleep 2.5; kill -9 "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
sim_post /_sim/config '{"faults":[],"slow_seconds":2}' >/dev/null
partial=$(asc orders list --cached --all --since 3650d -o ids | wc -l)
check "the killed listing left a store that opens ($partial orders in it)" [ "$partial" -lt 2500 ]
check "...sound (integrity_check)" [ "$(python3 -c "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute('PRAGMA integrity_check').fetchone()[0])" "$ASC_STORE")" = ok ]
check "...with its secondary indexes (built when it was opened again)" [ "$(index_count "$ASC_STORE")" -eq 7 ]
asc -q orders sync --since 61d
asc orders list --cached --all --since 3650d -o ids | sort >"$WORK/resynced"
check "after kill -9 and a sync the store equals the sim" cmp -s "$WORK/resynced" "$WORK/want"

# A reader that goes away after a few lines: the orders fetched so far are still remembered.
export ASC_STORE="$WORK/cut.db"
{ asc -q orders list --all --since 61d -o ids || true; } | head -n 3 >"$WORK/head"
asc orders list --cached --all --since 3650d -o ids >"$WORK/cut_stored"
kept=$(wc -l <"$WORK/cut_stored")
check "a run cut short by its reader remembered its pages ($kept orders)" [ "$kept" -ge 100 ]
all_stored() { [ -s "$WORK/head" ] && ! grep -qvxF -f "$WORK/cut_stored" "$WORK/head"; }
check "...including the orders it printed" all_stored
check "...and the indexes" [ "$(index_count "$ASC_STORE")" -eq 7 ]

finish
