#!/usr/bin/env bash
# run.sh: installs what is missing, builds raftlab and runs labtest against the
# bundled reference implementation (the embedded default). Extra arguments go
# to labtest, e.g. `bash scripts/run.sh --part 1`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake --preset default
cmake --build --preset default -j "$(nproc)"
exec build/default/harness/labtest "$@"
