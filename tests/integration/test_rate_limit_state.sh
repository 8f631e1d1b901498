#!/usr/bin/env bash
# Rate-limit pacing kept between processes: a script that runs asc again and again, against the
# sim with Amazon's usage plans on, gets zero 429s, because each asc starts from the token bucket
# the last one left (tokens, last refill, the rate Amazon announced) in $XDG_CACHE_HOME/asc/.
# And a long wait for a token says so on stderr off a terminal (once), which -q silences.
source "$(dirname "$0")/lib.sh"

throttled() { sim_get /_sim/stats | json "d['operations']['$1']['throttled']"; }

# searchOrders: burst 20, then one call per 1.8 s at time scale 100.
sim_start --orders 200 --seed 51 --time-scale 100
for i in $(seq 24); do
  asc orders list --since 20m --limit 1 -o ids >/dev/null 2>>"$WORK/loop.err" || { fail "run $i failed"; cat "$WORK/loop.err" >&2; }
done
check "24 back-to-back processes made 24 searchOrders calls" [ "$(sim_requests searchOrders)" -eq 24 ]
check "...and the sim throttled none of them" [ "$(throttled searchOrders)" -eq 0 ]
check "the state file is private to its owner" bash -c "
  f=\$(ls '$XDG_CACHE_HOME'/asc/rate-limits/*); [ \"\$(stat -c %a \"\$f\")\" = 600 ] && grep -q '^searchOrders ' \"\$f\""
check "short waits (under 10 s) print nothing off a terminal" bash -c "! grep -q waiting '$WORK/loop.err'"

# A long wait: at time scale 15 a searchOrders token takes 12 s.
sim_start --orders 200 --seed 52 --time-scale 15
# Calls until one has to wait: the burst of 20 is gone by then, however long each process takes
# (a slow build, e.g. under ASan, lets a token or two refill while the burst is spent).
for i in $(seq 30); do
  asc orders list --since 20m --limit 1 -o ids >/dev/null 2>"$WORK/wait.err"
  grep -q waiting "$WORK/wait.err" && break
done
check "off a terminal a long wait is one line on stderr" \
  grep -qE '^asc: waiting (1[0-2]|[0-9])s for searchOrders \(Amazon allows one call every 1[12] seconds\); `--cached` reads the local store$' "$WORK/wait.err"
check "...exactly one" [ "$(grep -c waiting "$WORK/wait.err")" -eq 1 ]
asc -q orders list --since 20m --limit 1 -o ids >/dev/null 2>"$WORK/quiet.err"
check "-q silences it" [ ! -s "$WORK/quiet.err" ]
check "no 429 at time scale 15 either" [ "$(throttled searchOrders)" -eq 0 ]

# On a terminal the wait counts down on the progress line.
if command -v tmux >/dev/null; then
  SOCKET="asc-rate-$$"
  tm() { tmux -L "$SOCKET" -f /dev/null "$@"; }
  trap 'tm kill-server 2>/dev/null || true; cleanup' EXIT
  tm new-session -d -s t -x 150 -y 20 "env PS1='$ ' bash --norc --noprofile"
  tm send-keys -t t "clear; '$ASC_BIN' orders list --since 20m --limit 1 -o ids; echo __done__" Enter
  seen=()
  for i in $(seq 150); do
    line=$(tm capture-pane -t t -p | grep -oE 'waiting [0-9]+s for searchOrders' | head -1 || true)
    if [ -n "$line" ] && { [ ${#seen[@]} -eq 0 ] || [ "${seen[-1]}" != "$line" ]; }; then seen+=("$line"); fi
    tm capture-pane -t t -p | grep -q '^__done__' && break
    sleep 0.1
  done
  check "on a terminal the wait counts down (${seen[*]:-nothing})" [ ${#seen[@]} -ge 3 ]
  check "the countdown line is gone when done" bash -c "! tmux -L '$SOCKET' capture-pane -t t -p | grep -q 'waiting '"
else
  fail "tmux is not installed (apt-get install tmux)"
fi
finish
