#!/usr/bin/env bash
# prelude_catalogue_test.sh LABTEST CATALOGUE [SEED]: the proof that a steps
# prelude runs on a C++ scenario's own fixture and changes what the scenario
# sees (issue 15, docs/STEPS.md), on data/prelude_catalogue.yml:
#   1. labtest --list shows the prelude tests as "C++ + steps prelude" and
#      the plain one as "C++"; --list -v shows the prelude's steps and the
#      fixture the scenario builds ("[raft fixture]");
#   2. cpp-concurrent-starts (the scenario alone) passes against the
#      reference (exit 0);
#   3. prelude-cuts-majority (the same scenario after a prelude that cuts two
#      of three servers off) fails (exit 1) with the scenario's own message,
#      not a prelude step's;
#   4. prelude-rejoin passes 3 runs of 3 (--repeat 3);
#   5. prelude-check-fails fails (exit 1) and its message says the failing
#      step was in the prelude, with its file:line:column.
# Prints what it ran and what it saw; exit 0 when all five hold, else 1.
# Runs one labtest at a time (each with -j 1); owns only its temporary folder.
set -uo pipefail
if [ $# -lt 2 ]; then
  echo "usage: prelude_catalogue_test.sh LABTEST CATALOGUE [SEED]" >&2
  exit 2
fi
labtest=$1 catalogue=$2 seed=${3:-1}
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT

# run NAME EXPECTED_RC [labtest flags...]: runs one test, output in $out/NAME.txt.
run() {
  local name=$1 want=$2; shift 2
  local rc=0
  "$labtest" -f "$catalogue" --filter "^${name}\$" --seed "$seed" --color never --output-dir "$out/$name" -j 1 "$@" \
    > "$out/$name.txt" 2>&1 || rc=$?
  if [ "$rc" -ne "$want" ]; then
    echo "FAIL: ${name} exited ${rc} (${want} expected):"; cat "$out/$name.txt"; exit 1
  fi
}

"$labtest" -f "$catalogue" --list > "$out/list.txt"
for t in prelude-cuts-majority prelude-rejoin prelude-check-fails; do
  if ! grep -Eq "^  ${t} .* C\+\+ \+ steps prelude " "$out/list.txt"; then
    echo "FAIL: labtest --list does not show ${t} as a C++ test with a steps prelude:"; cat "$out/list.txt"; exit 1
  fi
done
if ! grep -Eq "^  cpp-concurrent-starts .* C\+\+ +- " "$out/list.txt"; then
  echo "FAIL: labtest --list does not show cpp-concurrent-starts as a plain C++ test:"; cat "$out/list.txt"; exit 1
fi
"$labtest" -f "$catalogue" --list -v > "$out/list-v.txt"
if ! grep -q "^      prelude: 6 steps at .*prelude_catalogue.yml:[0-9]*:[0-9]*$" "$out/list-v.txt" ||
   ! grep -q "^  concurrent_starts \[raft fixture\]: " "$out/list-v.txt"; then
  echo "FAIL: labtest --list -v does not show the prelude's steps and the scenario's fixture:"; cat "$out/list-v.txt"
  exit 1
fi
echo "list: three tests with a steps prelude, one plain C++ test; -v names the scenario's fixture"

run cpp-concurrent-starts 0
echo "reference: cpp-concurrent-starts (no prelude) passed"

run prelude-cuts-majority 1
if ! grep -q "expected one leader, got none" "$out/prelude-cuts-majority.txt" ||
   grep -q "in the steps prelude" "$out/prelude-cuts-majority.txt"; then
  echo "FAIL: prelude-cuts-majority did not fail in the scenario's own leader check:"
  cat "$out/prelude-cuts-majority.txt"; exit 1
fi
echo "reference: prelude-cuts-majority failed in the scenario, as it should:"
grep -E "expected one leader" "$out/prelude-cuts-majority.txt" | head -2

run prelude-rejoin 0 --repeat 3
echo "reference: prelude-rejoin passed 3 runs of 3"

run prelude-check-fails 1
if ! grep -Eq "\(step 'committed' at [^ ]*:[0-9]+:[0-9]+, in the steps prelude, before scenario 'concurrent_starts' began\)" \
     "$out/prelude-check-fails.txt"; then
  echo "FAIL: prelude-check-fails does not say that the failing step was in the prelude:"
  cat "$out/prelude-check-fails.txt"; exit 1
fi
echo "reference: prelude-check-fails failed in the prelude, and says so:"
grep -E "in the steps prelude" "$out/prelude-check-fails.txt" | head -2
exit 0
