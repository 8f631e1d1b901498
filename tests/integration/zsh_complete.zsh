#!/usr/bin/env zsh
# zsh_complete.zsh FPATH_DIR LINE...: for each command line, prints "== LINE" and then the
# candidates zsh's completion system offers when Tab is pressed after it, one per line.
# An interactive zsh runs in a pseudo-terminal (zpty) with compinit; compadd is wrapped to print
# what the completion functions add, and Tab is bound to a widget that completes and then prints
# a marker, so each line is sent only once the previous completion is over.
zmodload zsh/zpty || exit 1
zpty z zsh -f -i
zpty -w z "PS1=''; PROMPT=''; RPROMPT=''"
zpty -w z "fpath=(${(q)1} \$fpath); autoload -Uz compinit; compinit -u -D"
zpty -w z "zstyle ':completion:*' menu no"
zpty -w z 'compadd() { local -a __hits; builtin compadd -A __hits "$@"; local h; for h in $__hits; do print -r -- "<CAND>$h"; done; builtin compadd "$@"; }'
zpty -w z 'complete-and-mark() { zle complete-word; print -r -- "<EN""D>"; }; zle -N complete-and-mark'
zpty -w z "bindkey '^I' complete-and-mark; print -r -- '<''READY>'"
while zpty -r z line; do [[ $line == *'<READY>'* && $line != *print* ]] && break; done
shift
for cmdline in "$@"; do
  typeset -aU found=()
  zpty -w -n z "$cmdline"$'\t'
  while zpty -r z line; do
    line=${${line//$'\r'/}//$'\n'/}
    [[ $line == *'<CAND>'* && $line != *print* ]] && found+=("${line##*<CAND>}")
    [[ $line == *'<END>'* && $line != *print* ]] && break
  done
  zpty -w -n z $'\C-e\C-u'
  print -r -- "== $cmdline"
  print -rl -- $found
done
zpty -d z
