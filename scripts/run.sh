#!/usr/bin/env bash
# run.sh: the main job. Installs what is missing, builds only what it needs
# (labtest with the bundled reference Raft, about a fifth of the full build)
# and runs labtest against the reference. Extra arguments go to labtest, e.g.
# `bash scripts/run.sh --part 1`. scripts/test.sh builds everything (unit
# tests, mutants, variants, benchmarks) and runs the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --main
start=$(date +%s)
cmake --preset default > /dev/null
cmake --build --preset default --target labtest -j "$(nproc)"
echo "run.sh: labtest built in $(( $(date +%s) - start )) s (build/default/bin/labtest; the full build," \
     "bash scripts/test.sh, takes about 12 min on 2 idle cores); put it on PATH with: bash scripts/install.sh"
exec build/default/bin/labtest "$@"
