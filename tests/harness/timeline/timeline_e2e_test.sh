#!/usr/bin/env bash
# End-to-end test of the timeline: a mutant's failing run (apply_twice fails
# 3B-basic-agree) leaves timeline.html in its run folder, the page names the
# three peers' lanes, holds the failure marker with the verdict's message and
# a line the plugin logged, and the console output points at the file and
# gives a rerun line that starts with labtest's absolute path. With Node
# installed, the page's script is also run (timeline_draw_check.js).
# Usage: timeline_e2e_test.sh LABTEST MUTANT.so CATALOGUE WORKDIR
set -u
labtest=$1 plugin=$2 catalogue=$3 work=$4
rm -rf "$work" && mkdir -p "$work"
fail() { echo "FAIL: $*"; echo "--- labtest output:"; cat "$work/out.txt"; exit 1; }

"$labtest" --plugin "$plugin" -f "$catalogue" --filter '^3B-basic-agree$' --seed 1 \
  --output-dir "$work/runs" --color never >"$work/out.txt" 2>&1
rc=$?
[ "$rc" -eq 1 ] || fail "labtest exited $rc, expected 1 (a test failed)"

page=$(find "$work/runs" -path '*3B-basic-agree-0/timeline.html' | head -n 1)
[ -n "$page" ] || fail "no timeline.html in the failing run's folder"
[ -f "$(dirname "$page")/timeline.json" ] || fail "no timeline.json beside it"

for lane in 'peer 0' 'peer 1' 'peer 2'; do
  grep -q "Lanes: .*$lane" "$page" || fail "the page does not name the lane '$lane'"
done
grep -q 'id="failure-marker"' "$page" || fail "no failure marker in the page"
grep -q '"failure":{"message":"' "$page" || fail "no failure moment in the page's data"
grep -q 'FAILED: ' "$page" || fail "no failure message in the page's headline"
# The reference (and so the mutant) logs its role changes: "leader in term 1 (...)".
grep -q '"k":"log","lane":[0-9]*,"t":[0-9.e-]*,"term":[0-9-]*,"text":"[a-z]* in term' "$page" ||
  fail "no student log line on a peer's lane"
grep -q '"k":"role"' "$page" || fail "no role/term observation"
grep -q '"k":"apply"' "$page" || fail "no apply"

# The page's own script draws those lanes and marks (Node, when installed).
if command -v node >/dev/null; then
  node "$(dirname "$0")/timeline_draw_check.js" "$page" 'peer 0' 'peer 1' 'peer 2' || fail "the page's script"
else
  echo "note: node not found: the drawing check is skipped"
fi

grep -q "timeline: $page" "$work/out.txt" || fail "the failure output does not name $page"
abs=$(cd "$(dirname "$labtest")" && pwd)/$(basename "$labtest")
grep -q "rerun: '*$abs'* " "$work/out.txt" || fail "the rerun line does not start with $abs"
echo "PASS: $page"
