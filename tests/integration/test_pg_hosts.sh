#!/usr/bin/env bash
# One seller account, three hosts, one PostgreSQL store (tests/pg/start.sh starts a throwaway
# server; the test fails if it cannot). Each "host" is a process with its own HOME, config, cache
# and data directories: they share nothing but the database.
#   * three hosts sync at once: the store ends equal to the sim, and a host syncing after another
#     reads only what changed since (shared sync marks);
#   * three hosts cancel overlapping sets of 600 Unshipped orders at once: every order is canceled
#     exactly once, in exactly one accepted feed, by exactly one host's run (per-order claims in the
#     shared journal); the runs overlap (hosts 2 and 3 send while host 1 holds its claims, held by
#     ASC_TEST_PAUSE_AT), and the others report the orders canceled by another run;
#     then again with the three started at the same instant, without the hook;
#   * store info names the runs holding claims; completion reads order and feed ids from the store;
#   * the rate budget is shared (the buckets live in the database): the sim counts no 429;
#   * a host killed (-9) mid-cancel is resumed from another host;
#   * store migrate copies an SQLite store into an empty account once;
#   * store info names the backend, the server and who holds a lock; the URI never shows a password;
#   * two hosts resuming the same owed Magento step never update one Magento order at once.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/commerce_lib.sh"

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

sim_start --orders 6000 --seed 91 --time-scale 1000

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

# Shell completion reads the shared store too (read-only, short timeouts).
first=$(host 2 orders list --cached --limit 1 -o ids)
host 2 __complete order-ids "${first:0:9}" >"$WORK/complete"
check "completion offers order ids from the PostgreSQL store ($(wc -l <"$WORK/complete") for ${first:0:9})" \
  grep -qx "$first" "$WORK/complete"
check "  only ids with that prefix" bash -c "! grep -v '^${first:0:9}' '$WORK/complete'"
check "  nothing, quietly, for another seller account without a store" \
  bash -c "[ -z \"\$(ASC_SELLER_ID=NOSTORE ASC_STORE='$PG_URI' HOME='$WORK/host1' XDG_CONFIG_HOME='$WORK/host1/config' '$ASC_BIN' __complete order-ids 1 2>&1)\" ]"

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
cancel_on() { # host N [ENV...]: cancels set N; stdout (jsonl) and stderr into cancelN.out/.err
  local n=$1; shift
  env "$@" HOME="$WORK/host$n" XDG_CONFIG_HOME="$WORK/host$n/config" XDG_CACHE_HOME="$WORK/host$n/cache" \
    XDG_DATA_HOME="$WORK/host$n/data" ASC_STORE="$PG_URI" "$ASC_BIN" --timeout 5 order cancel \
    --from "$WORK/set$n" --reason NoInventory --yes -o jsonl >"$WORK/cancel$n.out" 2>"$WORK/cancel$n.err"
}
feeds_before=$(sim_requests createFeed)
# Host 1 plans its 300 orders and stops right after its claims are committed (nothing sent yet);
# hosts 2 and 3 then start together. Taking turns (one cancel run at a time) they could send
# nothing until host 1 ends; with claims both send their feeds while host 1 still holds its own.
cancel_on 1 ASC_TEST_PAUSE_AT="after-plan:$WORK/go" & cpid1=$!
for _ in $(seq 1 600); do [ -e "$WORK/go.reached" ] && break; sleep 0.1; done
check "host 1 holds its claims, nothing sent" [ -e "$WORK/go.reached" ]
cancel_on 2 & cpid2=$!
cancel_on 3 & cpid3=$!
for _ in $(seq 1 900); do [ $(($(sim_requests createFeed) - feeds_before)) -ge 1 ] && break; sleep 0.1; done
sent_meanwhile=$(($(sim_requests createFeed) - feeds_before))
check "host 2 or 3 sent a feed while host 1 held its claims, unsent (the runs overlapped: $sent_meanwhile feeds)" \
  [ "$sent_meanwhile" -ge 1 ]
host 3 store info -o json >"$WORK/claims.json"
check "store info names the runs holding claims, host 1's among them" python3 - "$WORK/claims.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
running = [c for c in d["claim_holders"] if c["journal"] == "cancel" and c["running"]]
assert running, d["claim_holders"]
assert all(c["run_by"] and c["pid"] and c["started_at"] and c["in_flight"] > 0 for c in running), running
assert any(c["in_flight"] >= 150 for c in running), running
PY
expect_exit 0 "store info in text" host 3 store info
check "  a claims line: count, run, who, since when, running" \
  grep -qE '^claims +cancel: [0-9]+ orders, run [0-9]+ of .+ \(pid [0-9]+, started .+\), running$' "$WORK/out"
touch "$WORK/go"
rcs=""
for h in 1 2 3; do eval "pid=\$cpid$h"; rc=0; wait "$pid" || rc=$?; rcs="$rcs $rc"; done
check "three overlapping cancels all end 0 (got$rcs)" [ "$rcs" = " 0 0 0" ]
check "each order canceled by exactly one host's run; the others report it canceled elsewhere" \
  python3 - "$WORK/pool" "$WORK" <<'PY'
import collections, json, sys
pool = set(open(sys.argv[1]).read().split())
canceled = collections.Counter()
elsewhere = 0
for n in (1, 2, 3):
    for line in open(f"{sys.argv[2]}/cancel{n}.out"):
        r = json.loads(line)
        assert r["outcome"] in ("canceled", "already_canceled"), r
        if r["outcome"] == "canceled":
            canceled[r["order_id"]] += 1
        elif "another run" in (r["message"] or ""):
            elsewhere += 1
assert set(canceled) == pool and set(canceled.values()) == {1}, (len(canceled), set(canceled.values()))
assert elsewhere >= 150, elsewhere  # at least host 1's share of the overlaps
PY
check "every order canceled exactly once, named by exactly one feed" python3 - "$WORK/pool" "$SIM_URL" <<'PY'
import json, sys, urllib.request
for oid in open(sys.argv[1]).read().split():
    with urllib.request.urlopen(f"{sys.argv[2]}/_sim/orders/{oid}") as r:
        s = json.load(r)
    assert s["order"]["fulfillment"]["fulfillmentStatus"] == "CANCELLED", oid
    assert s["cancellations"] == 1 and len(s["feeds"]) == 1, (oid, s["cancellations"], s["feeds"])
PY
python3 - "$WORK/pool" "$SIM_URL" >"$WORK/feeds" <<'PY'
import json, sys, urllib.request
feeds = set()
for oid in open(sys.argv[1]).read().split():
    with urllib.request.urlopen(f"{sys.argv[2]}/_sim/orders/{oid}") as r:
        feeds.update(json.load(r)["feeds"])
print("\n".join(sorted(feeds)))
PY
senders=$(grep -l '"outcome":"canceled"' "$WORK"/cancel[123].out | wc -l)
check "one feed per host that had orders to send ($(wc -l <"$WORK/feeds") feeds, $senders hosts)" \
  [ "$(wc -l <"$WORK/feeds")" -eq "$senders" ]
: >"$WORK/accepted"
while read -r feed; do host 3 feeds show "$feed" -o jsonl >>"$WORK/accepted" 2>/dev/null; done <"$WORK/feeds"
check "each order accepted (result ok) in exactly one feed's processing report" \
  python3 - "$WORK/pool" "$WORK/accepted" <<'PY'
import collections, json, sys
pool = set(open(sys.argv[1]).read().split())
ok = collections.Counter(m["order_id"] for feed in map(json.loads, open(sys.argv[2]))
                         if feed["processing_status"] == "DONE" for m in feed["messages"] if m["result"] == "ok")
assert set(ok) == pool and set(ok.values()) == {1}, (len(ok), len(pool))
PY
host 2 cancellations list -o json >"$WORK/journal.json"
check "the shared journal (read on another host) has exactly one canceled row per order" python3 - "$WORK/pool" "$WORK/journal.json" <<'PY'
import collections, json, sys
pool = set(open(sys.argv[1]).read().split())
rows = json.load(open(sys.argv[2]))
canceled = collections.Counter(r["order_id"] for r in rows if r["state"] == "canceled")
assert set(canceled) >= pool and all(canceled[o] == 1 for o in pool), len(canceled)
PY

host 1 __complete feed-ids 5 >"$WORK/complete"
check "completion offers the journal's feed ids from the PostgreSQL store" \
  bash -c "[ \"\$(sort '$WORK/complete')\" = \"\$(sort '$WORK/feeds')\" ]"
check "the three cancels together got no 429: $(($(throttled) - throttled_before))" [ "$(throttled)" -eq "$throttled_before" ]

# --- a host dies mid-cancel; another resumes ----------------------------------------------------
expect_exit 137 "host 1 dies before recording createFeed" env ASC_TEST_CRASH_AT=before-create-feed \
  HOME="$WORK/host1" XDG_CONFIG_HOME="$WORK/host1/config" XDG_CACHE_HOME="$WORK/host1/cache" \
  XDG_DATA_HOME="$WORK/host1/data" ASC_STORE="$PG_URI" "$ASC_BIN" --timeout 3 order cancel --from "$WORK/crash" \
  --reason NoInventory --yes
host 3 store info -o json >"$WORK/claims.json"
check "store info on another host: host 1's claims, its run not running any more" python3 - "$WORK/claims.json" <<'PY'
import json, sys
holders = json.load(open(sys.argv[1]))["claim_holders"]
assert [(c["journal"], c["in_flight"], c["running"]) for c in holders] == [("cancel", 20, False)], holders
PY
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
claims_left=$(host 3 store info -o json | json "len(d['claim_holders'])")
check "  and store info lists no claims ($claims_left)" [ "$claims_left" = 0 ]

# --- again, the three hosts started at the same instant (no hook) ---------------------------------
sed -n '621,1220p' "$WORK/unshipped" >"$WORK/pool2"
check "600 more unshipped merchant orders ($(wc -l <"$WORK/pool2"))" [ "$(wc -l <"$WORK/pool2")" -eq 600 ]
sed -n '1,300p' "$WORK/pool2" >"$WORK/set1"
sed -n '151,450p' "$WORK/pool2" >"$WORK/set2"
sed -n '301,600p' "$WORK/pool2" >"$WORK/set3"
throttled_before=$(throttled)
for h in 1 2 3; do cancel_on "$h" & eval "cpid$h=$!"; done
rcs=""
for h in 1 2 3; do eval "pid=\$cpid$h"; rc=0; wait "$pid" || rc=$?; rcs="$rcs $rc"; done
check "three cancels started together all end 0 (got$rcs)" [ "$rcs" = " 0 0 0" ]
check "  each order canceled on Amazon exactly once, in one feed, by one host's run" \
  python3 - "$WORK/pool2" "$SIM_URL" "$WORK" <<'PY'
import collections, json, sys, urllib.request
pool = set(open(sys.argv[1]).read().split())
for oid in pool:
    with urllib.request.urlopen(f"{sys.argv[2]}/_sim/orders/{oid}") as r:
        s = json.load(r)
    assert s["order"]["fulfillment"]["fulfillmentStatus"] == "CANCELLED", oid
    assert s["cancellations"] == 1 and len(s["feeds"]) == 1, (oid, s["cancellations"], s["feeds"])
canceled = collections.Counter()
for n in (1, 2, 3):
    for line in open(f"{sys.argv[3]}/cancel{n}.out"):
        r = json.loads(line)
        assert r["outcome"] in ("canceled", "already_canceled"), r
        canceled[r["order_id"]] += r["outcome"] == "canceled"
assert set(canceled) == pool and set(canceled.values()) == {1}, set(canceled.values())
PY
check "  and no 429: $(($(throttled) - throttled_before))" [ "$(throttled)" -eq "$throttled_before" ]

# --- the Magento step: two hosts never update one Magento order at once ----------------------------
# Host 1 cancels 10 linked orders while Magento fails every search: Amazon cancels them, their
# Magento step is owed. Host 2 then resumes, held (ASC_TEST_PAUSE_AT) right after reading the first
# Magento order, and host 3 resumes meanwhile: it waits for that order's lock instead of updating
# it too, and once host 2 is done finds asc's comment there and sends nothing for it.
commerce_pick 10 "$WORK/linked"
check "10 linked orders picked" [ "$(wc -l <"$WORK/linked")" -eq 10 ]
export ASC_COMMERCE_URL="$SIM_URL" ASC_COMMERCE_TOKEN=sim-commerce-token
sim_post /_sim/config '{"faults": ["500:commerceSearch:1"]}' >/dev/null
rc=0
host 1 order cancel --from "$WORK/linked" --reason NoInventory --yes -o jsonl >"$WORK/out" 2>"$WORK/err" || rc=$?
sim_post /_sim/config '{"faults": []}' >/dev/null
check "the cancel with Magento down fails its Magento step (exit $rc)" [ "$rc" -ne 0 ]
owed() {
  host 3 cancellations list -o json | python3 -c "
import json, sys
ids = set(open('$WORK/linked').read().split())
print(sum(r['state'] == 'canceled' and r['commerce_state'] in ('pending', 'failed')
          for r in json.load(sys.stdin) if r['order_id'] in ids))"
}
check "Amazon canceled all 10, their Magento step owed ($(owed))" [ "$(owed)" -eq 10 ]
comments_before=$(sim_requests commerceComment)
ASC_TEST_PAUSE_AT="commerce-read:$WORK/mgo" host 2 cancellations resume -o jsonl >"$WORK/resume2.out" \
  2>"$WORK/resume2.err" &
rpid2=$!
for _ in $(seq 1 600); do [ -e "$WORK/mgo.reached" ] && break; sleep 0.1; done
check "host 2 has read the first Magento order and holds it" [ -e "$WORK/mgo.reached" ]
host 3 cancellations resume -o jsonl >"$WORK/resume3.out" 2>"$WORK/resume3.err" &
rpid3=$!
sleep 3 # host 3 reaches the same first order, and waits for it
check "meanwhile host 3 wrote nothing to Magento ($(($(sim_requests commerceComment) - comments_before)) comments)" \
  [ "$(sim_requests commerceComment)" -eq "$comments_before" ]
touch "$WORK/mgo"
rcs=""
for pid in $rpid2 $rpid3; do rc=0; wait "$pid" || rc=$?; rcs="$rcs $rc"; done
check "both resumes end 0 (got$rcs)" [ "$rcs" = " 0 0" ]
check "one comment per Magento order in all ($(($(sim_requests commerceComment) - comments_before)))" \
  [ "$(sim_requests commerceComment)" -eq $((comments_before + 10)) ]
pg_commerce_truth() { ASC_STORE="$PG_URI" commerce_truth "$1"; }
check "every Magento order closed out once, with one comment, and journaled so" pg_commerce_truth "$WORK/linked"
unset ASC_COMMERCE_URL ASC_COMMERCE_TOKEN

# --- asc store migrate: one host's SQLite store copied into another account, once ---------------
migrated_host() { ASC_SELLER_ID=MIGRATED host "$@"; } # the same hosts, another seller account
expect_exit 0 "store migrate copies the SQLite store into an empty account" migrated_host 1 store migrate --from "$WORK/alone.db"
check "  and says how much" contains "$WORK/err" "copied $alone orders"
migrated=$(migrated_host 2 store info -o json | json "d['orders']")
check "  another host reads the same number of orders ($migrated)" [ "$migrated" -eq "$alone" ]
expect_exit 2 "a second migration into the same account is refused" migrated_host 1 store migrate --from "$WORK/alone.db"
expect_exit 2 "store migrate from a file that is not there is refused" host 1 store migrate --from "$WORK/none.db"

finish
