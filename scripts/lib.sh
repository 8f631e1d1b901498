# Shared by scripts/demo, scripts/test and bench/*: install what is missing, configure, build.
# Sourced, not run.

ASC_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Debian packages the build, the tests and the demo need.
ASC_PACKAGES=(
  g++ cmake ninja-build pkg-config git ca-certificates curl python3
  libcli11-dev libcurl4-openssl-dev nlohmann-json3-dev libfmt-dev doctest-dev
  libsqlite3-dev libtomlplusplus-dev libpugixml-dev zlib1g-dev libcpp-httplib-dev libjq-dev libpq-dev
)

asc_missing_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  printf '%s\n' "${missing[@]}"
}

# Installs the missing packages: apt-get as root, sudo otherwise, or prints the exact command.
asc_install_packages() {
  local missing
  mapfile -t missing < <(asc_missing_packages "$@" | sed '/^$/d')
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing missing Debian packages: ${missing[*]}" >&2
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  elif command -v sudo >/dev/null 2>&1; then
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "asc: cannot install packages without root or sudo. Run:" >&2
    echo "  apt-get install ${missing[*]}" >&2
    return 1
  fi
}

# asc_build PRESET [TARGET...]: configure (once) and build with the given CMake preset. The
# compiler's output is shown only when the build fails.
asc_build() {
  local preset=$1; shift
  local log="$ASC_ROOT/build/$preset.log"
  mkdir -p "$ASC_ROOT/build"
  echo "Building asc ($preset preset)..." >&2
  if ! { cmake --preset "$preset" -S "$ASC_ROOT" && \
         cmake --build --preset "$preset" -j "$(nproc)" ${1:+--target "$@"}; } >"$log" 2>&1; then
    cat "$log" >&2
    echo "asc: the build failed (log: $log)" >&2
    return 1
  fi
}
