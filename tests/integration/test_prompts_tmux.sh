#!/usr/bin/env bash
# The prompts on a real terminal (tmux): Ctrl-C and Ctrl-D end the command at once with exit 130
# and nothing sent, without waiting for Enter; answering `n` exits 7 (declined), never 1.
# Covers the reason menu ("Choose 1-10:"), the y/N confirmation and the type-the-count one.
source "$(dirname "$0")/lib.sh"

command -v tmux >/dev/null || { fail "tmux is not installed (apt-get install tmux)"; finish; }

SOCKET="asc-prompts-$$"
tm() { tmux -L "$SOCKET" -f /dev/null "$@"; }
trap 'tm kill-server 2>/dev/null || true; cleanup' EXIT

mkdir -p "$WORK/bin"
ln -s "$ASC_BIN" "$WORK/bin/asc"
export PATH="$WORK/bin:$PATH"

sim_start --orders 300 --seed 23 --rate-limits off --feed-processing-seconds 0.2
tm new-session -d -s t -x 120 -y 50 "env PS1='$ ' bash --norc --noprofile"
tm send-keys -t t "export ASC_ENDPOINT=$ASC_ENDPOINT ASC_LWA_ENDPOINT=$ASC_LWA_ENDPOINT ASC_STORE=$WORK/cancel.db" Enter
SCREEN=$WORK/screen
sim_get "/_sim/orders?fulfillmentStatus=UNSHIPPED&fulfilledBy=MERCHANT" | json "'\n'.join(d['order_ids'][:12])" >"$WORK/ids"
one=$(head -1 "$WORK/ids")

# wait_for TEXT [TENTHS]: waits (3 s by default) until TEXT is on the screen.
wait_for() {
  local i
  for i in $(seq "${2:-30}"); do
    tm capture-pane -t t -p >"$SCREEN"
    grep -qF -- "$1" "$SCREEN" && return 0
    sleep 0.1
  done
  return 1
}
RUN=0
# start COMMAND: runs `asc COMMAND` in the pane on a clear screen; its exit status will show
# as "__rc_N__ CODE".
start() {
  RUN=$((RUN + 1))
  # printf builds the marker, so the typed command line does not show it.
  tm send-keys -t t "clear; printf '__go_%s__\\n' $RUN; asc $1; echo __rc_${RUN}__ \$?" Enter
  # The screen was cleared when the marker shows: an old prompt cannot be mistaken for the new one.
  wait_for "__go_${RUN}__" 50 || true
}
# ended CODE: the command ended with CODE within 2 s (no Enter needed; Enter would be needed
# forever with a blocking read).
ended() { wait_for "__rc_${RUN}__ $1" 20; }
feeds_sent() { sim_requests createFeed; }

# ---- the reason menu
start "order cancel $one"
check "the reason menu asks" wait_for "Choose 1-10:" 100
tm send-keys -t t C-c
check "Ctrl-C at the reason menu exits 130 at once" ended 130
check "it says nothing was sent" grep -q "interrupted at the prompt; nothing was sent" "$SCREEN"
start "order cancel $one"
wait_for "Choose 1-10:" 100 || true
tm send-keys -t t C-d
check "Ctrl-D at the reason menu exits 130 at once" ended 130

# ---- the y/N confirmation
for key in C-c C-d; do
  start "order cancel $one --reason NoInventory"
  check "$key: the confirmation asks" wait_for "Cancel this order? [y/N]" 100
  tm send-keys -t t "$key"
  check "$key at the y/N prompt exits 130 at once" ended 130
done
start "order cancel $one --reason NoInventory"
wait_for "Cancel this order? [y/N]" 100 || true
tm send-keys -t t "n" Enter
check "answering n exits 7 (declined)" ended 7
check "declining says nothing was canceled and how to skip the question" \
  bash -c "grep -q 'nothing was canceled (not confirmed)' '$SCREEN' && grep -q -- '--yes' '$SCREEN'"
# Ctrl-C after something was typed, before Enter.
start "order cancel $one --reason NoInventory"
wait_for "Cancel this order? [y/N]" 100 || true
tm send-keys -t t "y"
tm send-keys -t t C-c
check "Ctrl-C with y typed but no Enter still exits 130" ended 130

# ---- type the count
start "order cancel --from $WORK/ids --reason NoInventory"
check "12 orders: the prompt asks for the count" wait_for "Type 12 to cancel these 12 orders:" 100
tm send-keys -t t C-c
check "Ctrl-C at the count prompt exits 130 at once" ended 130
start "order cancel --from $WORK/ids --reason NoInventory"
wait_for "Type 12 to cancel these 12 orders:" 100 || true
tm send-keys -t t "11" Enter
check "a wrong count is a no: exit 7" ended 7

check "no feed was sent by any of these" [ "$(feeds_sent)" -eq 0 ]
check "the order was left alone" [ "$(sim_get "/_sim/orders/$one" | json "d['cancellations']")" -eq 0 ]
finish
