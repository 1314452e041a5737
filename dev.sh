#!/usr/bin/env bash
# The project's one entry point for set-up on Debian 12 (as root, or with sudo):
#   ./dev.sh demo    install packages, build, run the demo
#   ./dev.sh test    install packages, build, run the whole test suite (what CI runs)
#   ./dev.sh build   build only;  ./dev.sh deps  install packages only
# Environment: BUILD_DIR (default build), PORCH_SANITIZE=1 for an ASan/UBSan build,
# CI=true turns warnings into errors.
set -euo pipefail
cd "$(dirname "$0")"

build_dir=${BUILD_DIR:-build}
packages=(cmake ninja-build g++ pkg-config git python3 man-db
  libgit2-dev libssl-dev libcli11-dev libtomlplusplus-dev libpcre2-dev catch2 nlohmann-json3-dev scdoc)

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
  local werror=OFF sanitize=OFF
  [ "${CI:-}" = "true" ] && werror=ON
  [ "${PORCH_SANITIZE:-0}" = "1" ] && sanitize=ON
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DPORCH_WERROR=$werror -DPORCH_SANITIZE=$sanitize >/dev/null
  cmake --build "$build_dir"
}

case "${1:-}" in
  deps) install_deps ;;
  build) install_deps; build ;;
  test) install_deps; build; ctest --test-dir "$build_dir" --output-on-failure -j"$(nproc)" ;;
  demo) install_deps; build; bash scripts/demo.sh "$build_dir/git-porch/git-porch" ;;
  *) sed -n '2,7p' "$0" >&2; exit 129 ;;
esac
