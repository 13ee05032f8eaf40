#!/usr/bin/env bash
# install.sh [PREFIX]: builds labtest (as scripts/run.sh does) and installs it
# with the test catalogue: PREFIX/bin/labtest and
# PREFIX/share/raftlab/raft_lab_test.yml, which the installed labtest finds by
# itself. PREFIX defaults to ~/.local, whose bin/ most distributions put on
# PATH; after it, `labtest ...` works as README.md, skeleton/README.md and every
# rerun line type it. Nothing is written outside PREFIX.
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=${1:-$HOME/.local}
bash scripts/setup.sh
cmake --preset default > /dev/null
cmake --build --preset default --target labtest -j "$(nproc)"
cmake --install build/default --component labtest --prefix "$prefix"
case ":$PATH:" in
  *":$prefix/bin:"*) echo "install.sh: labtest is on PATH: $(command -v labtest)" ;;
  *) echo "install.sh: installed $prefix/bin/labtest; $prefix/bin is not on PATH: add it with"
     echo "  export PATH=\"$prefix/bin:\$PATH\"   (and to ~/.profile to keep it)" ;;
esac
