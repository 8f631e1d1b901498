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
