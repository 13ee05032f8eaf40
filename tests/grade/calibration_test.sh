#!/usr/bin/env bash
# grade.sh refuses to grade when calibration fails (tests/grade/CMakeLists.txt
# runs it): calibration is pointed at ok_plugin (a plugin that loads but never
# elects a leader), standing in for a reference that fails on a broken or
# overloaded machine. Expects exit 5, the reason on stderr and in
# calibration.json, and no student graded.
#
# Usage: calibration_test.sh LABTEST COLLECT FAILING_SO SOURCE_ROOT
set -euo pipefail
LABTEST="$1" COLLECT="$2" FAILING="$3" ROOT="$4"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cp "$FAILING" "$TMP/dave.so"
rc=0
"$ROOT/grade.sh" --labtest "$LABTEST" --collect "$COLLECT" --out "$TMP/grades" --part 1 --jobs 2 \
  --jobs-per-student 2 --calibration-plugin "$FAILING" "$TMP/dave.so" > "$TMP/out.log" 2> "$TMP/err.log" || rc=$?
cat "$TMP/out.log" "$TMP/err.log"
[[ "$rc" -eq 5 ]] || fail "grade.sh exited with $rc, expected 5 (calibration refused)"
grep -q "too loaded (or broken) to grade fairly" "$TMP/err.log" || fail "no refusal message on stderr"
grep -q "calibration: REFUSED: the reference did not pass" "$TMP/out.log" || fail "the refusal does not say why"
[[ ! -e "$TMP/grades/dave/DONE" ]] || fail "a student was graded after a refused calibration"
python3 - "$TMP/grades/calibration.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
assert c["format"] == "raftlab-calibration", c
assert c["verdict"] == "refused", c
assert c["failed_tests"], c
assert any("did not pass" in p for p in c["problems"]), c
print("calibration.json: refused, as expected:", c["problems"][0][:100])
PY

# A usage error is exit 2.
rc=0
"$ROOT/grade.sh" --labtest "$LABTEST" --policy sometimes "$TMP/dave.so" > /dev/null 2>&1 || rc=$?
[[ "$rc" -eq 2 ]] || fail "a bad --policy gave exit $rc, expected 2"
"$ROOT/grade.sh" --help | grep -q "Exit codes:" || fail "--help does not list the exit codes"
echo "PASS"
