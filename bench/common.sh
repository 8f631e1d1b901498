# Shared by the bench scripts: build the release preset, start asc-sim, measure commands.
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
set -euo pipefail

# ASC_BENCH_BIN: a build directory holding asc and asc-sim to use instead of building the release
# preset (e.g. build/dev, for scripts that check behaviour rather than measure speed).
if [ -n "${ASC_BENCH_BIN:-}" ]; then
  BIN=$ASC_BENCH_BIN
else
  asc_install_packages "${ASC_PACKAGES[@]}"
  asc_build default asc asc-sim >/dev/null
  BIN="$ASC_ROOT/build/default"
fi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/asc-bench.XXXXXX")
SIM_PIDS=()
bench_cleanup() { local p; for p in "${SIM_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap bench_cleanup EXIT
export XDG_CONFIG_HOME="$WORK/config" XDG_CACHE_HOME="$WORK/cache" XDG_DATA_HOME="$WORK/data"

# sim_start ARGS...: starts asc-sim and points asc at it.
sim_start() {
  local out="$WORK/sim.$RANDOM.out"
  "$BIN/asc-sim" "$@" >"$out" 2>/dev/null &
  SIM_PIDS+=($!)
  for _ in $(seq 600); do grep -q '^asc-sim listening on ' "$out" 2>/dev/null && break; sleep 0.1; done
  SIM_URL=$(sed -n 's/^asc-sim listening on //p' "$out")
  export ASC_ENDPOINT="$SIM_URL" ASC_LWA_ENDPOINT="$SIM_URL/auth/o2/token"
  export ASC_CLIENT_ID=bench ASC_CLIENT_SECRET=bench ASC_REFRESH_TOKEN=bench ASC_SELLER_ID=BENCH
  export ASC_MARKETPLACE=ATVPDKIKX0DER,A2EUQ1WTGCTBG2,A1F83G8C2ARO7P,A1PA6795UKMFR9,A1VC38T7YXB528
}

# measure_rc CMD...: runs once; prints "seconds peak_rss_kib exit_status" of the command (stdout
# discarded), whatever its exit status.
measure_rc() {
  python3 - "$@" <<'PY'
import resource, subprocess, sys, time
t = time.monotonic()
rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
elapsed = time.monotonic() - t
print(f"{elapsed:.3f} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss} {rc}")
PY
}

# measure CMD...: the same for a command that must succeed; prints "seconds peak_rss_kib", or
# fails saying how the command exited.
measure() {
  local out
  out=$(measure_rc "$@") || return
  if [ "${out##* }" != 0 ]; then
    echo "measure: $1 exited ${out##* }" >&2
    return 1
  fi
  echo "${out% *}"
}

# median_ms RUNS CMD...: the median wall time in milliseconds over RUNS runs.
median_ms() {
  local runs=$1; shift
  python3 - "$runs" "$@" <<'PY'
import statistics, subprocess, sys, time
runs = int(sys.argv[1]); cmd = sys.argv[2:]
times = []
for _ in range(runs):
    t = time.monotonic()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    times.append((time.monotonic() - t) * 1000)
print(f"{statistics.median(times):.1f}")
PY
}
