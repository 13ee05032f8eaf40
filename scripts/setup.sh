#!/usr/bin/env bash
# setup.sh: installs the Debian 12 packages raftlab builds and tests with.
# Idempotent: when every package is already installed it prints one line and
# changes nothing. Needs root (or sudo) only when something is missing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libyaml-cpp-dev libspdlog-dev libfmt-dev libboost-program-options-dev
  libgtest-dev libgmock-dev libbenchmark-dev nlohmann-json3-dev libseccomp-dev
  clang-14 elfutils gdb python3 jq patch
  chromium fonts-dejavu-core
  libxml2-utils bubblewrap zip unzip parallel rsync openssh-server slurm-wlm munge
)
# Rust plugins (skeleton-rust/, tests/languages/): Debian's cargo and rustc,
# only when no cargo is present at all (a rustup toolchain in ~/.cargo/bin,
# or on PATH, is used as it is; the crates need Rust 1.63, Debian 12's).
if ! command -v cargo > /dev/null 2>&1 && [ ! -x "${HOME:-/root}/.cargo/bin/cargo" ]; then
  packages+=(cargo rustc)
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
