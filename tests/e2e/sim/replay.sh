#!/usr/bin/env bash
# Exact replay under simulated time (labtest --sim): finds a failing seed of
# TEST for PLUGIN with --until-fail, then runs the rerun command labtest
# printed RUNS times and requires the same failure every time: the same
# verdict text and the same trace hash (the same scheduling points).
#
#   replay.sh LABTEST PLUGIN CONFIG TEST_REGEX RUNS OUT_DIR
set -u
labtest=$1 plugin=$2 config=$3 test=$4 runs=$5 out=$6
rm -rf "$out" && mkdir -p "$out"

"$labtest" --sim --plugin "$plugin" -f "$config" --filter "$test" --repeat 100 --until-fail --seed 1 \
  --color never --output-dir "$out/find" >"$out/find.txt" 2>&1
code=$?
if [ "$code" -ne 1 ]; then
  echo "FAIL: no failing seed among 100 (exit $code); the mutant should fail $test"
  tail -20 "$out/find.txt"
  exit 1
fi
rerun=$(grep -m1 '      rerun: ' "$out/find.txt" | sed 's/^ *rerun: //')
[ -n "$rerun" ] || { echo "FAIL: no rerun command in the output"; exit 1; }
echo "rerun command: $rerun"

# The failure as the first run reported it: its message (the line after the
# FAILED line) and its trace line. A run's own folder (a picture's path:
# ".../<stamp>/<test>-<rep>/linearizability.html") differs between runs and
# is left out of the comparison.
message() {
  awk '/\.\.\. FAILED/{getline; if (/this test checks/) getline; print; exit}' "$1" |
    sed -E 's#[^ ]*/[0-9]{8}-[0-9]{6}(-[0-9]+)?/#<run folder>/#g'
}
expect=$(message "$out/find.txt")
expect_trace=$(grep -m1 'simulated time: trace' "$out/find.txt")
[ -n "$expect" ] && [ -n "$expect_trace" ] || { echo "FAIL: cannot read the failure"; exit 1; }

same=0
for i in $(seq 1 "$runs"); do
  eval "$rerun --color never --output-dir '$out/replay-$i'" >"$out/replay-$i.txt" 2>&1
  c=$?
  got=$(message "$out/replay-$i.txt")
  got_trace=$(grep -m1 'simulated time: trace' "$out/replay-$i.txt")
  if [ "$c" -eq 1 ] && [ "$got" = "$expect" ] && [ "$got_trace" = "$expect_trace" ]; then
    same=$((same + 1))
  else
    echo "replay $i differs (exit $c):"
    echo "  expected: $expect / $expect_trace"
    echo "  got:      $got / $got_trace"
  fi
done
echo "$same of $runs replays reproduced the failure exactly:"
echo "  $expect"
echo "  $expect_trace"
[ "$same" -eq "$runs" ]
