#!/usr/bin/env bash
# Install and package: `cmake --install` puts the binary, the man page and the completions where
# man, bash-completion, zsh and fish look; `cpack -G DEB` builds a .deb with the right Depends;
# unpacked into a scratch root (dpkg -x, no root needed), its asc runs, its man page renders and
# its completions complete.
source "$(dirname "$0")/lib.sh"
: "${ASC_BUILD_DIR:?set by ctest}"

# ---- cmake --install
cmake --install "$ASC_BUILD_DIR" --prefix "$WORK/prefix" >"$WORK/install.log" 2>&1
for f in bin/asc share/man/man1/asc.1 share/bash-completion/completions/asc share/zsh/vendor-completions/_asc \
         share/fish/vendor_completions.d/asc.fish; do
  check "cmake --install puts $f" [ -e "$WORK/prefix/$f" ]
done
check "the installed asc runs" "$WORK/prefix/bin/asc" --version

# ---- cpack -G DEB
if ! command -v dpkg-deb >/dev/null; then fail "dpkg-deb is missing"; finish; fi
(cd "$WORK" && cpack --config "$ASC_BUILD_DIR/CPackConfig.cmake" -G DEB -B "$WORK/pkg") >"$WORK/cpack.log" 2>&1 ||
  { fail "cpack -G DEB failed"; cat "$WORK/cpack.log" >&2; finish; }
deb=$(ls "$WORK"/pkg/asc_*.deb 2>/dev/null | head -1)
check "cpack built asc_VERSION_ARCH.deb" [ -f "$deb" ]
dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/^ *//; s/ .*//' >"$WORK/depends"
for lib in libc6 libstdc++6 libcurl4 libsqlite3-0 libfmt9 libtomlplusplus3 libpugixml1v5 zlib1g libjq1; do
  check "the package depends on $lib" grep -qxF "$lib" "$WORK/depends"
done
dpkg-deb -c "$deb" | awk '{print $6}' >"$WORK/contents"
for f in ./usr/bin/asc ./usr/share/man/man1/asc.1 ./usr/share/bash-completion/completions/asc \
         ./usr/share/zsh/vendor-completions/_asc ./usr/share/fish/vendor_completions.d/asc.fish; do
  check "the package has $f" grep -qx "$f" "$WORK/contents"
done

# ---- unpacked into a scratch root
ROOT=$WORK/root
dpkg -x "$deb" "$ROOT"
expect_exit 0 "the packaged asc --version" "$ROOT/usr/bin/asc" --version
check "... names libcurl and SQLite" bash -c "grep -q '^libcurl ' '$WORK/out' && grep -q '^SQLite ' '$WORK/out'"
MANWIDTH=80 MANPAGER=cat man -l "$ROOT/usr/share/man/man1/asc.1" 2>/dev/null | col -bx >"$WORK/man.txt"
check "man renders the packaged page" grep -q "^EXIT STATUS" "$WORK/man.txt"
check "... with the commands" grep -q "asc orders list" "$WORK/man.txt"

export PATH="$ROOT/usr/bin:$PATH"
if [ -f /usr/share/bash-completion/bash_completion ]; then
  got=$(bash --norc --noprofile -c 'source /usr/share/bash-completion/bash_completion
        source "$1"; COMP_LINE="asc orders list --st"; COMP_POINT=${#COMP_LINE}
        COMP_WORDS=(asc orders list --st); COMP_CWORD=3; _asc; printf "%s\n" "${COMPREPLY[@]}"' \
        bash "$ROOT/usr/share/bash-completion/completions/asc")
  check "the packaged bash completion completes --status" grep -qx -- --status <<<"$got"
fi
if command -v fish >/dev/null; then
  got=$(fish --no-config -c 'source $argv[1]; complete -C "asc order show --tab "' \
        "$ROOT/usr/share/fish/vendor_completions.d/asc.fish" | cut -f1)
  check "the packaged fish completion completes --tab values" grep -qx tracking <<<"$got"
fi

finish
