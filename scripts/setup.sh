#!/usr/bin/env bash
# setup.sh: installs the Debian 12 packages raftlab builds and tests with.
# Idempotent: when every package is already installed it prints one line and
# changes nothing. Needs root (or sudo) only when something is missing.
#   bash scripts/setup.sh          everything scripts/test.sh needs
#   bash scripts/setup.sh --main   only what scripts/run.sh needs: the build
#                                  (configure finds every library) and
#                                  labtest's stack dumps (elfutils, gdb)
set -euo pipefail

main_only=0
case "${1:-}" in
  --main) main_only=1 ;;
  "") ;;
  *) echo "usage: bash scripts/setup.sh [--main]" >&2; exit 2 ;;
esac

packages=(
  build-essential cmake ninja-build pkg-config
  libyaml-cpp-dev libspdlog-dev libfmt-dev libboost-program-options-dev
  libgtest-dev libgmock-dev libbenchmark-dev nlohmann-json3-dev libseccomp-dev
  elfutils gdb python3 patch
)
if [ "$main_only" -eq 0 ]; then
  # The tests: clang for the thread-safety lint and the fuzzers, jq for the
  # script tests, headless Chromium (with a font) for the HTML page tests.
  packages+=(clang-14 jq chromium fonts-dejavu-core)
  # grade.sh and its tests: xmllint (the JUnit schema), the student-build
  # sandbox (bubblewrap), the Gradescope bundle (zip, unzip), the engines it
  # fans out to (GNU parallel over ssh with rsync, a one-node Slurm with munge).
  packages+=(libxml2-utils bubblewrap zip unzip parallel rsync openssh-server slurm-wlm munge)
  # Rust plugins (skeleton-rust/, tests/languages/): Debian's cargo and rustc,
  # only when no cargo is present at all (a rustup toolchain in ~/.cargo/bin,
  # or on PATH, is used as it is; the crates need Rust 1.63, Debian 12's).
  if ! command -v cargo > /dev/null 2>&1 && [ ! -x "${HOME:-/root}/.cargo/bin/cargo" ]; then
    packages+=(cargo rustc)
  fi
  # Go plugins (skeleton-go/, tests/languages/go_raft): Debian's golang-go
  # (Go 1.19; standard library only, built offline), only when no go is
  # present at all (a go on PATH or in /usr/local/go/bin is used as it is).
  if ! command -v go > /dev/null 2>&1 && [ ! -x /usr/local/go/bin/go ]; then
    packages+=(golang-go)
  fi
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present, nothing to do"
  exit 0
fi

echo "setup: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
