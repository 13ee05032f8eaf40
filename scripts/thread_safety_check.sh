#!/usr/bin/env bash
# thread_safety_check.sh: clang 14 -Wthread-safety over every runtime, labrpc
# and harness source (STYLE.md: lock annotations are checked in CI).
# Usage: thread_safety_check.sh BUILD_DIR SOURCE_DIR
# First compiles a canary with a deliberate GUARDED_BY violation and requires
# the analysis to flag it, so the check cannot pass by checking nothing.
# Exit 0 when clean, 1 on a warning or a compile error, 77 without clang++-14.
set -euo pipefail
build=$1 src=$2
command -v clang++-14 >/dev/null || { echo "clang++-14 not found: skipped"; exit 77; }
flags=(-std=c++20 -fsyntax-only -Wthread-safety -Werror=thread-safety -I"$src" -I"$src/include" -I"$build")

canary=$(mktemp --suffix=.cc)
trap 'rm -f "$canary"' EXIT
cat > "$canary" <<'CANARY'
#include "runtime/runtime.h"
struct Canary {
  raftlab::Mutex* mu;
  int value GUARDED_BY(*mu) = 0;
  void Touch() { value = 1; }  // written without holding *mu: must be flagged
};
CANARY
canary_out=$(clang++-14 "${flags[@]}" "$canary" 2>&1 || true)
if ! grep -q "requires holding mutex" <<<"$canary_out"; then
  echo "canary: the thread-safety analysis did not flag an unguarded write; the check is broken"
  exit 1
fi

check_one() {  # prints the file's diagnostics and fails if clang fails
  local f=$1
  shift
  if ! out=$(clang++-14 "$@" "$f" 2>&1); then echo "== $f"; echo "$out"; return 1; fi
}
export -f check_one
mapfile -t files < <(cd "$src" && ls runtime/*.cc labrpc/*.cc harness/*/*.cc harness/*/scenarios/*.cc 2>/dev/null)
status=0
printf '%s\n' "${files[@]}" | sed "s|^|$src/|" |
  xargs -P "$(nproc)" -I{} bash -c 'check_one "$@"' _ {} "${flags[@]}" || status=1
echo "thread-safety analysis: ${#files[@]} files, $([ $status = 0 ] && echo clean || echo 'FAILED (see above)')"
exit $status
