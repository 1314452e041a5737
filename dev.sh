#!/usr/bin/env bash
# The project's one entry point for set-up on Debian 12 (as root, or with sudo):
#   ./dev.sh demo    install packages, build, run the demo
#   ./dev.sh test    install packages, build, run the whole test suite (what CI runs)
#   ./dev.sh build   build only;  ./dev.sh deps  install packages only
#   ./dev.sh format-check   clang-format's verdict on every C++ file (CI runs it)
# Environment: BUILD_DIR (default build), PORCH_SANITIZE=1 for an ASan/UBSan build,
# CI=true turns warnings into errors, PORCH_FUZZ_SECONDS (default 20; 0 skips) bounds each
# libFuzzer target that `test` runs after the suite (a clang build in <BUILD_DIR>-fuzz).
set -euo pipefail
cd "$(dirname "$0")"

build_dir=${BUILD_DIR:-build}
packages=(cmake ninja-build g++ pkg-config git python3 man-db
  libgit2-dev libssl-dev libcmark-gfm-dev libcmark-gfm-extensions-dev libcli11-dev libtomlplusplus-dev libpcre2-dev catch2 nlohmann-json3-dev scdoc
  clang-14 libclang-rt-14-dev clang-format-14
  pre-commit) # pre-commit: the real hook manager tests/integration/t_hook_managers.sh runs

install_deps() {
  local missing=() p
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "dev.sh: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    sudo=(sudo)
  fi
  echo "dev.sh: installing ${missing[*]}" >&2
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

build() {
  local werror=OFF sanitize=OFF flags=()
  [ "${PORCH_SANITIZE:-0}" = "1" ] && sanitize=ON
  if [ "${CI:-}" = "true" ]; then
    werror=ON
    # No debug information in CI's builds: -g changes no code, and writing it is a third of
    # the compile time (a sanitized build still keeps its line tables, -g1, for stack traces).
    flags+=(-DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -DNDEBUG")
  fi
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${flags[@]}" \
    -DPORCH_WERROR=$werror -DPORCH_SANITIZE=$sanitize >/dev/null
  cmake --build "$build_dir"
}

# One fuzz target over a scratch copy of its seed corpus (tests/fuzz/corpus/<name>, where
# inputs that once crashed stay as regression tests), for a bounded time.
fuzz_target() {
  local t=$1 bin=$2 seconds=$3 scratch
  scratch=$(mktemp -d)
  cp tests/fuzz/corpus/$t/* "$scratch"/
  echo "dev.sh: fuzzing $t for ${seconds}s" >&2
  (cd "$scratch" && "$bin/fuzz_$t" -max_total_time="$seconds" \
    -print_final_stats=1 "$scratch" >fuzz.log 2>&1) || {
    tail -40 "$scratch/fuzz.log" >&2
    echo "dev.sh: fuzz_$t found a crash; the input is in $scratch (crash-*)" >&2
    return 1
  }
  rm -rf "$scratch"
}

# Every target, one per core at a time (each libFuzzer run uses one).
fuzz() {
  local seconds=${PORCH_FUZZ_SECONDS:-20} dir="$build_dir-fuzz" t bin running=0 failed=0
  [ "$seconds" = 0 ] && return 0
  # Line tables only: a crash's stack trace keeps its lines, at a fraction of -g's compile time.
  CC=clang-14 CXX=clang++-14 cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -gline-tables-only -DNDEBUG" \
    -DPORCH_FUZZ=ON -DPORCH_BUILD_TESTS=OFF >/dev/null
  cmake --build "$dir" --target fuzz_message fuzz_event fuzz_config fuzz_plan fuzz_import
  bin=$(cd "$dir" && pwd)/tests/fuzz
  for t in message event config plan import; do
    fuzz_target "$t" "$bin" "$seconds" &
    running=$((running + 1))
    if [ "$running" -ge "$(nproc)" ]; then
      wait -n || failed=1
      running=$((running - 1))
    fi
  done
  while [ "$running" -gt 0 ]; do
    wait -n || failed=1
    running=$((running - 1))
  done
  [ "$failed" = 0 ] || exit 1
}

# Every C++ file as .clang-format wants it; prints the command that fixes them.
format_check() {
  local files
  mapfile -t files < <(git ls-files '*.cpp' '*.hpp')
  clang-format-14 --dry-run -Werror "${files[@]}" || {
    echo "dev.sh: fix the formatting with: git ls-files '*.cpp' '*.hpp' | xargs clang-format-14 -i" >&2
    exit 1
  }
}

case "${1:-}" in
  deps) install_deps ;;
  build) install_deps; build ;;
  format-check) install_deps; format_check ;;
  test) install_deps; build; ctest --test-dir "$build_dir" --output-on-failure -j"$(nproc)"; fuzz ;;
  demo) install_deps; build; bash scripts/demo.sh "$build_dir/git-porch/git-porch" ;;
  *) sed -n '2,8p' "$0" >&2; exit 129 ;;
esac
