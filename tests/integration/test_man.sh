#!/usr/bin/env bash
# The man page: man/asc.1 is what `asc __man` generates from the command tree, it is clean roff
# (groff -ww and mandoc -Tlint say nothing), man renders it, and its written sections are the
# texts `asc help TOPIC` prints.
source "$(dirname "$0")/lib.sh"
PAGE=$ASC_SOURCE_DIR/man/asc.1

if asc __man | diff -u "$PAGE" - >"$WORK/man.diff"; then
  pass "man/asc.1 is what 'asc __man' prints"
else
  fail "man/asc.1 is stale: run scripts/regen-docs (or: asc __man > man/asc.1)"
  head -20 "$WORK/man.diff" >&2
fi

groff -man -ww -z "$PAGE" >"$WORK/groff.out" 2>&1 || true
check "groff -man -ww -z reports nothing" [ ! -s "$WORK/groff.out" ]
[ -s "$WORK/groff.out" ] && sed 's/^/    /' "$WORK/groff.out" | head >&2
if command -v mandoc >/dev/null; then
  mandoc -Tlint "$PAGE" >"$WORK/mandoc.out" 2>&1 || true
  check "mandoc -Tlint reports nothing" [ ! -s "$WORK/mandoc.out" ]
  [ -s "$WORK/mandoc.out" ] && sed 's/^/    /' "$WORK/mandoc.out" | head >&2
fi

MANWIDTH=100 MANPAGER=cat PAGER=cat man -l "$PAGE" 2>"$WORK/man.err" | col -bx >"$WORK/man.txt"
for section in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS "OUTPUT FORMATS" "EXIT STATUS" ENVIRONMENT FILES \
               EXAMPLES "SEE ALSO"; do
  check "man asc has the section $section" grep -qx "$section" "$WORK/man.txt"
done
for cmd in "asc orders list" "asc orders show" "asc orders cancel" "asc orders sync" "asc completion" "asc help"; do
  check "man asc documents $cmd" grep -qx "   $cmd" "$WORK/man.txt"
done
check "man asc documents the flags of a command" grep -q -- "--fulfilled-by TEXT" "$WORK/man.txt"
check "man asc has the batch-cancel script" grep -q -- "asc order cancel --from ids.txt --reason NoInventory --yes" "$WORK/man.txt"
check "man asc has a cron line" grep -q -- "15 6 \* \* \* asc -q report late" "$WORK/man.txt"

# The written sections and `asc help TOPIC` are one text: compare their words.
for pair in "exit-codes:EXIT STATUS" "environment:ENVIRONMENT" "formats:OUTPUT FORMATS" "config:FILES" \
            "commerce:MAGENTO"; do
  topic=${pair%%:*} section=${pair#*:}
  asc help "$topic" | tail -n +2 | tr -d '\n' | tr -s ' ' >"$WORK/topic.txt"
  awk -v s="$section" '$0 == s {on=1; next} /^[A-Z][A-Z ]+$/ {on=0} on' "$WORK/man.txt" |
    sed 's/‐$//' | tr -d '\n' | tr -s ' ' >"$WORK/section.txt"
  # Hyphenation may split a word at a line end in the man page: compare without spaces.
  if [ "$(tr -d ' ' <"$WORK/topic.txt")" = "$(tr -d ' ' <"$WORK/section.txt")" ]; then
    pass "asc help $topic is the man page's $section"
  else
    fail "asc help $topic differs from the man page's $section"
    diff <(tr -d ' ' <"$WORK/topic.txt" | fold -w 80) <(tr -d ' ' <"$WORK/section.txt" | fold -w 80) | head >&2
  fi
done

finish
