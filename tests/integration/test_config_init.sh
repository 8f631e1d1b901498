#!/usr/bin/env bash
# First run: `asc config init` on a terminal (tmux: answers typed, secrets not echoed) and off one
# (flags and the environment, like a provisioning script), then a list against the sim with the
# written profile and nothing else; `config list`, `config use`, `config check`, and `config show`
# on a config file that others can read (shown, with a warning) and with -o json.
source "$(dirname "$0")/lib.sh"

command -v tmux >/dev/null || { fail "tmux is not installed (apt-get install tmux)"; finish; }
SOCKET="asc-config-$$"
tm() { tmux -L "$SOCKET" -f /dev/null "$@"; }
trap 'tm kill-server 2>/dev/null || true; cleanup' EXIT
mkdir -p "$WORK/bin"
ln -s "$ASC_BIN" "$WORK/bin/asc"

sim_start --orders 300 --seed 71 --rate-limits off
SIM=$SIM_URL
# Only what the profile says: no ASC_* credentials in the environment from here on.
unset ASC_ENDPOINT ASC_LWA_ENDPOINT ASC_CLIENT_ID ASC_CLIENT_SECRET ASC_REFRESH_TOKEN ASC_SELLER_ID ASC_MARKETPLACE
CONF="$XDG_CONFIG_HOME/asc/config.toml"

# ---- on a terminal
SCREEN=$WORK/screen
tm new-session -d -s t -x 150 -y 50 "env -u ASC_CLIENT_ID -u ASC_CLIENT_SECRET -u ASC_REFRESH_TOKEN PATH=$WORK/bin:$PATH XDG_CONFIG_HOME=$XDG_CONFIG_HOME XDG_CACHE_HOME=$XDG_CACHE_HOME XDG_DATA_HOME=$XDG_DATA_HOME PS1='$ ' bash --norc --noprofile"
wait_for() {
  local i
  for i in $(seq "${2:-100}"); do
    tm capture-pane -t t -p >"$SCREEN"
    grep -qF -- "$1" "$SCREEN" && return 0
    sleep 0.1
  done
  return 1
}
answer() { wait_for "$1" && tm send-keys -t t -l "$2" && tm send-keys -t t Enter; }
tm send-keys -t t "asc config init --endpoint $SIM --lwa-endpoint $SIM/auth/o2/token; echo __rc__ \$?" Enter
check "asks the profile name" answer "Profile name [default]:" "tty"
check "asks the region" answer "Region: na (North America), eu (Europe) or fe (Far East) [na]:" ""
check "asks the marketplaces, with the region's default" answer "Marketplace ids, comma-separated [ATVPDKIKX0DER]:" "ATVPDKIKX0DER,A2EUQ1WTGCTBG2"
check "asks the seller id" answer "Seller id" "TESTSELLER"
check "asks the client id" answer "LWA client id" "test-client"
check "asks the client secret" answer "LWA client secret (not shown):" "test-secret"
check "asks the refresh token" answer "LWA refresh token (not shown):" "test-refresh"
check "init ends with exit 0" wait_for "__rc__ 0" 200
check "the secrets were not echoed" bash -c "! grep -qE 'test-secret|test-refresh' '$SCREEN'"
check "it says the credentials work" grep -q "the credentials work" "$SCREEN"
check "the config file is 0600" [ "$(stat -c %a "$CONF")" = 600 ]
check "the secret files are 0600 and hold the secrets" bash -c "
  d='$XDG_CONFIG_HOME/asc/secrets'; [ \"\$(stat -c %a \$d/tty.client_secret)\" = 600 ] &&
  [ \"\$(cat \$d/tty.client_secret)\" = test-secret ] && [ \"\$(cat \$d/tty.refresh_token)\" = test-refresh ]"
check "no secret inside config.toml" bash -c "! grep -qE 'test-secret|test-refresh' '$CONF'"
expect_exit 0 "a list with the written profile and nothing else" asc orders list --limit 5 -o ids
check "...prints 5 orders" [ "$(wc -l <"$WORK/out")" -eq 5 ]
# On a cleared screen (printf builds the marker, so the typed line does not show it), so the old
# "Region:" cannot be mistaken for the new one.
tm send-keys -t t "clear; printf '__go_%s__\\n' 2; asc config init --profile gone; echo __rc2__ \$?" Enter
wait_for "__go_2__" && wait_for "Region:" && tm send-keys -t t C-c
check "Ctrl-C during init exits 130" wait_for "__rc2__ 130"
check "...and writes nothing" bash -c "! grep -q 'gone' '$CONF'"

# ---- off a terminal: flags and the environment
expect_exit 2 "init off a terminal without secrets is a usage error" asc config init --profile ci --client-id x </dev/null
check "...naming what is missing" contains "$WORK/err" "ASC_CLIENT_SECRET"
expect_exit 0 "init from flags and the environment" env ASC_CLIENT_SECRET=test-secret ASC_REFRESH_TOKEN=test-refresh \
  "$ASC_BIN" config init --profile ci --client-id test-client --marketplace ATVPDKIKX0DER --seller-id TESTSELLER \
  --endpoint "$SIM" --lwa-endpoint "$SIM/auth/o2/token" </dev/null
check "the first profile stays the default" grep -q "^default_profile = 'tty'" "$CONF"
expect_exit 0 "a list with --profile ci" asc --profile ci orders list --limit 2 -o ids
expect_exit 4 "init with a refresh token the sim rejects writes the profile and exits 4" \
  env ASC_CLIENT_SECRET=test-secret ASC_REFRESH_TOKEN=revoked "$ASC_BIN" config init --profile bad \
  --client-id test-client --endpoint "$SIM" --lwa-endpoint "$SIM/auth/o2/token" </dev/null
check "...saying the credentials do not work" contains "$WORK/err" "the credentials do not work"

# ---- list, use, check, show
expect_exit 0 "config list" asc config list -o json
check "config list: three profiles, tty the default, none with commerce" python3 - "$WORK/out" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
rows = rows["items"] if isinstance(rows, dict) else rows
assert [r["name"] for r in rows] == ["bad", "ci", "tty"] or sorted(r["name"] for r in rows) == ["bad", "ci", "tty"], rows
assert [r["name"] for r in rows if r["default"]] == ["tty"], rows
assert not any(r["commerce"] for r in rows), rows
PY
expect_exit 0 "config use ci" asc config use ci
check "ci is now the default" grep -q "^default_profile = 'ci'" "$CONF"
expect_exit 78 "config use of an unknown profile" asc config use nope
check "...lists the profiles" contains "$WORK/err" "the profiles are: "
expect_exit 0 "config check passes" asc config check
check "config check reports credentials ok" grep -qE "^credentials	ok" "$WORK/out"
check "config check measures the clock skew from the Date header" grep -qE "clock skew [01]s" "$WORK/out"
expect_exit 4 "config check with rejected credentials exits 4" asc --profile bad config check
check "...and still reports the other checks" grep -qE "^endpoint" "$WORK/out"
chmod 644 "$CONF"
printf '\n[profiles.inline]\nclient_secret = "inline-secret"\n' >>"$CONF"
expect_exit 78 "other commands refuse a config with an inline secret others can read" asc --profile bad orders list
expect_exit 0 "config show works on it" asc --profile bad config show
check "...with a warning and the chmod to run" bash -c "grep -q '^asc: warning: .*readable by other users' '$WORK/err' && grep -q 'chmod 600' '$WORK/err'"
check "...and never prints the secret" bash -c "! grep -q inline-secret '$WORK/out' '$WORK/err'"
expect_exit 0 "config show -o json" asc --profile bad config show -o json
check "...is JSON with value and source" python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['profile']['value']=='bad' and d['client_id']['source']=='profile bad'" "$WORK/out"
finish
