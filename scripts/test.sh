#!/usr/bin/env bash
# test.sh: installs what is missing, builds raftlab (default preset) and runs
# the whole test suite through CTest. This is the README's test command and
# what CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake --preset default
cmake --build --preset default -j "$(nproc)"
ctest --preset default
