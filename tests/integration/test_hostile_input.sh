#!/usr/bin/env bash
# Bad input and hostile surroundings (issue 10, items 5-8): jq programs that crash libjq, numbers
# that would switch limits off, id lists that never end or start with a byte order mark, a FIFO
# for a config file, a store on a read-only filesystem, credentials inside endpoint URLs. Each ends
# with the documented exit code and a message about what happened; asc never crashes or hangs.
source "$(dirname "$0")/lib.sh"

sim_start --orders 60 --seed 33 --time-scale 1000
export ASC_STORE="$WORK/store/asc.db"
asc -q orders sync --since 61d

# --- 5. --jq programs that crash libjq 1.6 -----------------------------------------------------
for program in 'input' 'inputs' 'first(inputs)' 'debug' 'import "a" as a; .' 'include "a"; .'; do
  expect_exit 2 "--jq '$program' is refused" asc orders list --cached --jq "$program"
  check "--jq '$program' names what is not supported" contains "$WORK/err" "is not supported by asc's --jq"
done
expect_exit 2 "--jq 'def f: f+1; f' (a recursion without end) exits 2" asc orders list --cached --jq 'def f: f+1; f'
check "... saying the program ran out of memory or failed" grep -qE -- "--jq: (the program needed more than|libjq failed)" "$WORK/err"
expect_exit 0 "a fine --jq program still works" asc orders list --cached --limit 3 --jq '.[].order_id'
check "... printing three ids" [ "$(wc -l <"$WORK/out")" -eq 3 ]

# --- 6. numbers that would turn limits off ------------------------------------------------------
for value in nan 1e308 1e-9 0 -1 inf 1e999; do
  expect_exit 2 "--timeout $value is refused" asc --timeout "$value" orders list --cached
  check "... with the allowed range" contains "$WORK/err" "--timeout: must be a number of seconds from 0.1 to 3600"
done
expect_exit 0 "--timeout 0.5 is fine" asc --timeout 0.5 orders list --cached --limit 1
expect_exit 2 "orders sync --wait nan is refused" asc orders sync --wait nan
expect_exit 2 "--wait-timeout past a week is refused" asc order cancel 111-1111111-1111111 --reason no-inventory --dry-run --wait-timeout 9999d
check "... naming the range" contains "$WORK/err" "--wait-timeout must be a number of seconds from 0 to 604800"
expect_exit 2 "--limit -1 is refused" asc orders list --cached --limit -1

# --- 8. id lists ------------------------------------------------------------------------------
id=$(sim_get "/_sim/orders?fulfillmentStatus=UNSHIPPED&fulfilledBy=MERCHANT" | json "d['order_ids'][0]")
printf '\xef\xbb\xbf%s\r\n' "$id" >"$WORK/bom.txt"
expect_exit 0 "a list starting with a UTF-8 byte order mark is read" \
  asc order cancel --from "$WORK/bom.txt" --reason no-inventory --dry-run -o tsv
check "... the first id is not invalid_id" bash -c "! grep -q invalid_id '$WORK/out' && grep -q '^$id' '$WORK/out'"
expect_exit 2 "--from /dev/urandom stops at once" timeout 20 "$ASC_BIN" order cancel --from /dev/urandom --reason no-inventory --dry-run
check "... saying it is not a list of order ids" grep -qE "control byte|longer than 512 bytes" "$WORK/err"
head -c 4000 /dev/zero | tr '\0' '1' >"$WORK/long.txt"
expect_exit 2 "a 4000-byte line is refused" asc order cancel --from "$WORK/long.txt" --reason no-inventory --dry-run
check "... naming the limit" contains "$WORK/err" "line 1 is longer than 512 bytes"
python3 -c "import sys; sys.stdout.write('111-1111111-1111111\\n' * 1000001)" >"$WORK/many.txt"
expect_exit 2 "more than a million lines are refused" asc order cancel --from - --reason no-inventory --dry-run <"$WORK/many.txt"
check "... naming the limit" contains "$WORK/err" "more than 1000000 lines"

# --- 8. a FIFO as the config file -------------------------------------------------------------
mkfifo "$WORK/fifo.toml"
expect_exit 78 "ASC_CONFIG pointing at a FIFO fails at once" env ASC_CONFIG="$WORK/fifo.toml" timeout 10 "$ASC_BIN" config show
check "... saying it is not a regular file" contains "$WORK/err" "is not a regular file (a FIFO)"

# --- 8. credentials inside endpoint URLs never printed ----------------------------------------
host=${SIM_URL#http://}
ASC_ENDPOINT="http://seller:hunter2@$host" ASC_LWA_ENDPOINT="$SIM_URL/auth/o2/token?secret=swordfish" \
  asc --debug orders list --limit 1 >"$WORK/out" 2>"$WORK/err" || true
check "--debug shows the requests" grep -q "> GET http://seller:\*\*\*@$host/orders" "$WORK/err"
check "no credential of an endpoint URL appears in --debug output" bash -c "! grep -qE 'hunter2|swordfish' '$WORK/err' '$WORK/out'"
expect_exit 78 "a plain-http endpoint with credentials is refused" env ASC_ENDPOINT="http://seller:hunter2@203.0.113.9" "$ASC_BIN" orders list --limit 1
check "... and the error hides the password" bash -c "grep -q 'seller:\*\*\*@203.0.113.9' '$WORK/err' && ! grep -q hunter2 '$WORK/err'"
ASC_ENDPOINT="http://seller:hunter2@$host" asc config show >"$WORK/out" 2>&1 || true
check "config show masks the endpoint's password" bash -c "grep -q 'seller:\*\*\*@' '$WORK/out' && ! grep -q hunter2 '$WORK/out'"

# --- 7. a healthy store on a read-only filesystem ---------------------------------------------
# A read-only bind mount in a private mount namespace: read-only even for root, gone with the
# process. Skipped where mount namespaces are not allowed.
if unshare -m true 2>/dev/null || unshare -rm true 2>/dev/null; then
  ns=(unshare -m); unshare -m true 2>/dev/null || ns=(unshare -rm)
  ro() {  # ro COMMAND...: runs it with the store's directory mounted read-only
    "${ns[@]}" bash -c 'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" && shift && exec "$@"' \
      _ "$WORK/store" "$@"
  }
  sum_before=$(sha256sum "$ASC_STORE" | cut -d' ' -f1)
  got=0; ro "$ASC_BIN" orders list --cached --all --since 61d -o ids >"$WORK/out" 2>"$WORK/err" || got=$?
  check "orders list --cached works on a read-only store (exit $got)" [ "$got" -eq 0 ]
  check "... listing every order" [ "$(wc -l <"$WORK/out")" -eq 60 ]
  got=0; ro "$ASC_BIN" order show "$id" --cached -o json >"$WORK/out" 2>"$WORK/err" || got=$?
  check "order show --cached works on a read-only store (exit $got)" [ "$got" -eq 0 ]
  for cmd in "store info" "report summary" "report late" "report cancellations" "cancellations list"; do
    # shellcheck disable=SC2086
    got=0; ro "$ASC_BIN" $cmd >"$WORK/out" 2>"$WORK/err" || got=$?
    check "$cmd works on a read-only store (exit $got)" [ "$got" -eq 0 ]
  done
  got=0; ro "$ASC_BIN" order cancel "$id" --reason no-inventory --yes >"$WORK/out" 2>"$WORK/err" || got=$?
  check "order cancel on a read-only store exits 78 (exit $got)" [ "$got" -eq 78 ]
  check "... saying the store is read-only, not that it is not a store" \
    bash -c "grep -q 'is read-only' '$WORK/err' && ! grep -q 'not an asc store' '$WORK/err'"
  check "... and nothing reached Amazon" [ "$(sim_requests createFeed)" -eq 0 ]
  got=0; ro "$ASC_BIN" orders sync >"$WORK/out" 2>"$WORK/err" || got=$?
  check "orders sync on a read-only store exits 78 (exit $got)" [ "$got" -eq 78 ]
  check "... saying the store is read-only" contains "$WORK/err" "is read-only"
  check "the store file is unchanged" [ "$(sha256sum "$ASC_STORE" | cut -d' ' -f1)" = "$sum_before" ]
else
  echo "skip - no mount namespaces here: the read-only store checks did not run"
fi

finish
