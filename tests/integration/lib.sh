# Helpers for integration tests: the real `asc` against `asc-sim` over HTTP on 127.0.0.1.
# Sourced by each tests/integration/test_*.sh; ctest sets ASC_BIN, ASC_SIM_BIN, ASC_SOURCE_DIR.
set -euo pipefail

: "${ASC_BIN:?set by ctest}" "${ASC_SIM_BIN:?set by ctest}"
TEST_NAME=$(basename "$0" .sh)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/asc-$TEST_NAME.XXXXXX")
SIM_PIDS=()
FAILURES=0
CHECKS=0

cleanup() {
  local pid
  for pid in "${SIM_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "$FAILURES" -eq 0 ]; then rm -rf "$WORK"; else echo "kept $WORK for inspection" >&2; fi
}
trap cleanup EXIT

# Hermetic environment: no user config, cache or store leaks in.
export XDG_CONFIG_HOME="$WORK/config" XDG_CACHE_HOME="$WORK/cache" XDG_DATA_HOME="$WORK/data"
unset ASC_PROFILE ASC_CONFIG ASC_ENDPOINT ASC_LWA_ENDPOINT ASC_CLIENT_ID ASC_CLIENT_SECRET \
      ASC_REFRESH_TOKEN ASC_MARKETPLACE ASC_SELLER_ID ASC_STORE ASC_FORCE_TTY NO_COLOR CLICOLOR_FORCE \
      ASC_COMMERCE_URL ASC_COMMERCE_TOKEN
ALL_MARKETPLACES=ATVPDKIKX0DER,A2EUQ1WTGCTBG2,A1F83G8C2ARO7P,A1PA6795UKMFR9,A1VC38T7YXB528

# sim_start ARGS...: starts asc-sim, sets SIM_URL and points asc at it with test credentials.
sim_start() {
  local out="$WORK/sim.$RANDOM.out"
  "$ASC_SIM_BIN" "$@" >"$out" 2>"$WORK/sim.err" &
  SIM_PIDS+=($!)
  local i
  for i in $(seq 100); do
    grep -q '^asc-sim listening on ' "$out" 2>/dev/null && break
    sleep 0.05
  done
  SIM_URL=$(sed -n 's/^asc-sim listening on //p' "$out")
  [ -n "$SIM_URL" ] || { echo "asc-sim did not start" >&2; cat "$WORK/sim.err" >&2; exit 1; }
  export ASC_ENDPOINT="$SIM_URL" ASC_LWA_ENDPOINT="$SIM_URL/auth/o2/token"
  export ASC_CLIENT_ID=test-client ASC_CLIENT_SECRET=test-secret ASC_REFRESH_TOKEN=test-refresh
  export ASC_SELLER_ID=TESTSELLER ASC_MARKETPLACE=$ALL_MARKETPLACES
}

asc() { "$ASC_BIN" "$@"; }

# sim_get PATH: GET a simulator control endpoint.
sim_get() { curl -fsS "$SIM_URL$1"; }
sim_post() { curl -fsS -X POST "$SIM_URL$1" ${2:+-H 'Content-Type: application/json' -d "$2"}; }

# json EXPR < json: evaluates a Python expression over the parsed JSON `d`.
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

# sim_requests OP: how many requests the sim saw for an operation.
sim_requests() { sim_get /_sim/stats | json "d['operations'].get('$1',{}).get('requests',0)"; }
# sim_cancellation_counts FILE: how many times the sim canceled each order id in FILE, as
# "count:orders" pairs ("1:20": twenty orders, each canceled once).
sim_cancellation_counts() {
  python3 - "$1" "$SIM_URL" <<'PY'
import collections, json, sys, urllib.request
c = collections.Counter()
for oid in open(sys.argv[1]).read().split():
    with urllib.request.urlopen(f"{sys.argv[2]}/_sim/orders/{oid}") as r:
        c[json.load(r)["cancellations"]] += 1
print(" ".join(f"{k}:{v}" for k, v in sorted(c.items())))
PY
}

pass() { CHECKS=$((CHECKS + 1)); echo "ok - $*"; }
fail() { CHECKS=$((CHECKS + 1)); FAILURES=$((FAILURES + 1)); echo "FAIL - $*" >&2; }

# check DESCRIPTION COMMAND...: passes when the command succeeds.
check() { local d=$1; shift; if "$@"; then pass "$d"; else fail "$d"; fi; }

# expect_exit CODE DESCRIPTION COMMAND...: runs the command, stdout to $WORK/out, stderr to $WORK/err.
expect_exit() {
  local want=$1 d=$2; shift 2
  local got=0
  "$@" >"$WORK/out" 2>"$WORK/err" || got=$?
  if [ "$got" -eq "$want" ]; then pass "$d (exit $got)"; else
    fail "$d: exit $got, wanted $want"; sed 's/^/    stderr: /' "$WORK/err" | head -20 >&2; fi
}

# contains FILE TEXT: the file contains the text.
contains() { grep -qF -- "$2" "$1"; }

finish() {
  echo "$((CHECKS - FAILURES)) passed, $FAILURES failed"
  [ "$FAILURES" -eq 0 ]
}
