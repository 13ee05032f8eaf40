#!/usr/bin/env bash
# layers_test.sh ROOT: checks that every #include "harness/<folder>/..." in
# harness/ is allowed by harness/LAYERS (a folder may include only the folders
# listed after its name, and itself), and that every folder of harness/ is
# listed there. Prints each offending line as file:line: what and how to fix.
# Exit 0: clean; 1: a violation; 2: usage or a missing LAYERS file.
# `layers_test.sh --self-test` checks the checker on two made-up trees: one
# with an include pointing up the order (must fail) and one without.
set -euo pipefail
if [ "${1:-}" = "--self-test" ]; then
  t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
  mkdir -p "$t/bad/harness/low" "$t/bad/harness/high" "$t/good/harness/low" "$t/good/harness/high"
  for tree in bad good; do printf 'low:\nhigh: low\n' > "$t/$tree/harness/LAYERS"; done
  echo '#include "harness/high/h.h"' > "$t/bad/harness/low/l.cc"
  echo '#include "harness/low/l.h"' > "$t/good/harness/high/h.cc"
  rc=0; "$0" "$t/bad" > "$t/bad.out" || rc=$?
  if [ "$rc" -ne 1 ] || ! grep -q 'harness/low may not include harness/high' "$t/bad.out"; then
    echo "self-test: an upward include was not reported (exit $rc):"; cat "$t/bad.out"; exit 1
  fi
  rc=0; "$0" "$t/good" > "$t/good.out" || rc=$?
  if [ "$rc" -ne 0 ]; then echo "self-test: a clean tree was refused (exit $rc):"; cat "$t/good.out"; exit 1; fi
  echo "self-test: the upward include was reported, the clean tree passed"
  exit 0
fi
root=${1:-}
if [ -z "$root" ] || [ ! -f "$root/harness/LAYERS" ]; then
  echo "usage: layers_test.sh ROOT (the repository top, holding harness/LAYERS)" >&2
  exit 2
fi
declare -A allowed
while IFS= read -r line; do
  case "$line" in ''|'#'*) continue ;; esac
  folder=${line%%:*}
  allowed[$folder]=" ${line#*:} "
done < "$root/harness/LAYERS"

bad=0
for dir in "$root"/harness/*/; do
  f=$(basename "$dir")
  if [ -z "${allowed[$f]+x}" ]; then
    echo "harness/$f/: folder missing from harness/LAYERS; add a line '$f: <folders it may include>'"
    bad=1
  fi
done
while IFS= read -r hit; do
  file=${hit%%:*}; rest=${hit#*:}; lineno=${rest%%:*}; text=${rest#*:}
  rel=${file#"$root"/harness/}
  from=${rel%%/*}
  to=$(sed -E 's/.*#include "harness\/([^/"]+)\/.*/\1/' <<<"$text")
  [ "$from" = "$to" ] && continue
  case "${allowed[$from]-}" in
    *" $to "*) ;;
    *) echo "harness/$rel:$lineno: harness/$from may not include harness/$to (harness/LAYERS: '$from:${allowed[$from]-}'); move the shared piece down, or change LAYERS and docs/DESIGN.md if the design changed"
       bad=1 ;;
  esac
done < <(grep -rn --include='*.h' --include='*.cc' '#include "harness/[^/"]*/' "$root/harness" || true)
if [ $bad -ne 0 ]; then exit 1; fi
echo "harness layers: every include points down harness/LAYERS"
