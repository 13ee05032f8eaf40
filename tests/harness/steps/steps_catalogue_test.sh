#!/usr/bin/env bash
# steps_catalogue_test.sh LABTEST CATALOGUE MUTANT_SO TEST [SEED]: the proof
# that a test written only as steps works with no C++ change (issue 15):
#   1. labtest --list shows the catalogue's tests as steps tests;
#   2. TEST passes against the bundled reference (exit 0);
#   3. TEST fails against the mutant MUTANT_SO (exit 1, a test failure, not
#      a usage or load error).
# Prints what it ran and what it saw; exit 0 when all three hold, else 1.
# Runs one labtest at a time (each with -j 1); owns only its temporary folder.
set -uo pipefail
if [ $# -lt 4 ]; then
  echo "usage: steps_catalogue_test.sh LABTEST CATALOGUE MUTANT_SO TEST [SEED]" >&2
  exit 2
fi
labtest=$1 catalogue=$2 mutant=$3 test=$4 seed=${5:-1}
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
common=(-f "$catalogue" --filter "^${test}\$" --seed "$seed" --color never --output-dir "$out" -j 1)

"$labtest" -f "$catalogue" --list > "$out/list.txt"
if ! grep -Eq "^  ${test} .* steps " "$out/list.txt"; then
  echo "FAIL: labtest --list does not show ${test} as a steps test:"; cat "$out/list.txt"; exit 1
fi

rc=0; "$labtest" "${common[@]}" > "$out/ref.txt" 2>&1 || rc=$?
if [ "$rc" -ne 0 ]; then
  echo "FAIL: ${test} against the reference exited ${rc} (0 expected):"; cat "$out/ref.txt"; exit 1
fi
echo "reference: ${test} passed"

rc=0; "$labtest" "${common[@]}" --plugin "$mutant" > "$out/mutant.txt" 2>&1 || rc=$?
if [ "$rc" -ne 1 ]; then
  echo "FAIL: ${test} against $(basename "$mutant") exited ${rc} (1, a failed test, expected):"; cat "$out/mutant.txt"
  exit 1
fi
echo "mutant $(basename "$mutant"): ${test} failed, as it should:"
grep -E "FAIL|fail" "$out/mutant.txt" | head -5
exit 0
