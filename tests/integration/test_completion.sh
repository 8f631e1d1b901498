#!/usr/bin/env bash
# Shell completions: the committed scripts are what the binary generates, and the real shells
# (bash with bash-completion, zsh, fish) offer the right candidates: commands, flags, values of
# --status/--reason/--tab/--output, the --fields of each command, profiles from the config, order ids from the store.
source "$(dirname "$0")/lib.sh"
SRC=$ASC_SOURCE_DIR

# ---- the committed files are current
for pair in "bash asc.bash" "zsh _asc" "fish asc.fish"; do
  set -- $pair
  if "$ASC_BIN" completion "$1" | diff -q - "$SRC/completions/$2" >/dev/null; then
    pass "completions/$2 is what 'asc completion $1' prints"
  else
    fail "completions/$2 is stale: run scripts/regen-docs (or: asc completion $1 > completions/$2)"
  fi
done

# ---- a config with two profiles and a store with orders (synced from the simulator)
sim_start --orders 40 --seed 11
mkdir -p "$WORK/config/asc" "$WORK/bin"
printf '[profiles.prod]\nregion = "na"\n[profiles.staging]\nregion = "eu"\n' >"$WORK/config/asc/config.toml"
ln -s "$ASC_BIN" "$WORK/bin/asc"
export PATH="$WORK/bin:$PATH"
asc -q orders sync --since 90d
ID=$(asc orders list --cached --all --since 3650d -o ids | head -1)
check "the store has orders to complete" [ -n "$ID" ]
PREFIX=${ID:0:5}
check "asc __complete order-ids reads the store" sh -c "asc __complete order-ids '$PREFIX' | grep -qx '$ID'"
check "asc __complete profiles reads the config" sh -c "[ \"\$(asc __complete profiles | tr '\n' ' ')\" = 'prod staging ' ]"
rm -rf "$WORK/data-empty"
check "asc __complete order-ids without a store prints nothing and creates nothing" \
  sh -c "[ -z \"\$(XDG_DATA_HOME=$WORK/data-empty asc __complete order-ids)\" ] && [ ! -e $WORK/data-empty ]"

# The lines to complete and a candidate each must offer (zsh's _describe and compset strip what
# is already typed before a comma, so the last item is checked without its prefix there).
CASES=(
  "asc |orders"
  "asc |completion"
  "asc orders |cancel"
  "asc order s|show"
  "asc orders list --st|--status"
  "asc orders list --status |PartiallyShipped"
  "asc orders list --fulfilled-by |merchant"
  "asc order show --tab |tracking"
  "asc order cancel 1 --reason Buy|BuyerCanceled"
  "asc -o |jsonl"
  "asc orders list --output |csv"
  "asc --color |never"
  "asc orders list --fields order_id,purch|order_id,purchase_date"
  "asc report late --fields |overdue"
  "asc cancellations list --fields |batch_id"
  "asc order show 1 --fields |carrier"
  "asc orders list --fields |help"
  "asc --profile |staging"
  "asc order show $PREFIX|$ID"
  "asc completion |fish"
  "asc help exit|exit-codes"
  "asc cancellations list --state |already_canceled"
)
# --fields offers only the fields of the command typed before it (a tracking field is not a list
# field, an order field not a journal field; a command without fields offers none).
NOT_OFFERED=("asc |__complete" "asc |__man" "asc orders list --fields |carrier"
             "asc cancellations list --fields |purchase_date" "asc report summary --fields |order_id"
             "asc orders sync --fields |order_id")

# ---- bash (bash-completion's _init_completion, as an interactive shell has it)
bash_complete() {
  bash --norc --noprofile -c '
    source /usr/share/bash-completion/bash_completion
    source "$1"
    line=$2
    read -ra COMP_WORDS <<<"$line"
    [[ $line == *" " ]] && COMP_WORDS+=("")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMP_LINE=$line; COMP_POINT=${#line}
    _asc asc "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
    printf "%s\n" "${COMPREPLY[@]}"' bash "$SRC/completions/asc.bash" "$1"
}
if [ -f /usr/share/bash-completion/bash_completion ]; then
  for c in "${CASES[@]}"; do
    line=${c%%|*} want=${c#*|}
    got=$(bash_complete "$line")
    if grep -qxF -- "$want" <<<"$got"; then pass "bash: '$line' offers $want"
    else fail "bash: '$line' does not offer $want (got: $(head -5 <<<"$got" | tr '\n' ' '))"; fi
  done
  for c in "${NOT_OFFERED[@]}"; do
    line=${c%%|*} hidden=${c#*|}
    got=$(bash_complete "$line")
    if grep -qxF -- "$hidden" <<<"$got"; then fail "bash offers the hidden $hidden"; else pass "bash hides $hidden"; fi
  done
  # Without bash-completion installed, the script still works on plain COMP_WORDS.
  got=$(bash --norc --noprofile -c 'source "$1"; COMP_WORDS=(asc orders list --status ""); COMP_CWORD=4
        _asc; printf "%s\n" "${COMPREPLY[@]}"' bash "$SRC/completions/asc.bash")
  check "bash without bash-completion completes --status values" grep -qx Unshipped <<<"$got"
else
  fail "bash-completion is not installed (apt-get install bash-completion)"
fi

# ---- zsh (compinit in an interactive zsh driven through zpty)
if command -v zsh >/dev/null; then
  lines=()
  for c in "${CASES[@]}" "${NOT_OFFERED[@]}"; do lines+=("${c%%|*}"); done
  timeout 60 zsh -f "$(dirname "$0")/zsh_complete.zsh" "$SRC/completions" "${lines[@]}" >"$WORK/zsh.out" 2>&1 || true
  zsh_offers() { awk -v l="== $1" '$0 == l {on=1; next} /^== / {on=0} on' "$WORK/zsh.out" >"$WORK/zsh.one"
                 grep -qxF -- "$2" "$WORK/zsh.one"; }
  for c in "${CASES[@]}"; do
    line=${c%%|*} want=${c#*|}
    item=${want##*,}
    if zsh_offers "$line" "$want" || zsh_offers "$line" "$item"; then pass "zsh: '$line' offers $want"
    else fail "zsh: '$line' does not offer $want"; fi
  done
  for c in "${NOT_OFFERED[@]}"; do
    line=${c%%|*} hidden=${c#*|}
    if zsh_offers "$line" "$hidden"; then fail "zsh offers the hidden $hidden"; else pass "zsh hides $hidden"; fi
  done
else
  fail "zsh is not installed (apt-get install zsh)"
fi

# ---- fish (complete -C runs fish's completion machinery on a command line)
if command -v fish >/dev/null; then
  fish_complete() {
    fish --no-config -c 'source $argv[1]; complete -C $argv[2]' "$SRC/completions/asc.fish" "$1" | cut -f1
  }
  for c in "${CASES[@]}"; do
    line=${c%%|*} want=${c#*|}
    got=$(fish_complete "$line")
    if grep -qxF -- "$want" <<<"$got"; then pass "fish: '$line' offers $want"
    else fail "fish: '$line' does not offer $want (got: $(head -5 <<<"$got" | tr '\n' ' '))"; fi
  done
  for c in "${NOT_OFFERED[@]}"; do
    line=${c%%|*} hidden=${c#*|}
    got=$(fish_complete "$line")
    if grep -qxF -- "$hidden" <<<"$got"; then fail "fish offers the hidden $hidden"; else pass "fish hides $hidden"; fi
  done
else
  fail "fish is not installed (apt-get install fish)"
fi

finish
