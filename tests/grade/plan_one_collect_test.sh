#!/usr/bin/env bash
# grade.sh as three commands (tests/grade/CMakeLists.txt runs it): `plan`,
# `one ID` and `collect` give the same grades.csv as a plain grade.sh run of
# the same class; `one` is idempotent; calibration runs once per host and
# key at the grading's job count and is reused from its cache; DONE records
# the host and calibration; collect flags a class graded under several
# calibrations or a refused one; bad use is exit 2, an unfinished class exit 6.
#
# The class is fast on purpose: two copies of a plugin that crashes in every
# test (graded, 0) and a source folder that does not build. Calibration runs
# the crashing plugin too (--calibration-plugin) with --force: it is refused,
# and the refusal is what a forced grading caches and collect must flag.
#
# Usage: plan_one_collect_test.sh LABTEST COLLECT CRASH_SO SOURCE_ROOT
set -euo pipefail
LABTEST="$1" COLLECT="$2" CRASH="$3" ROOT="$4"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

mkdir -p "$TMP/subs"
cp "$CRASH" "$TMP/subs/carol.so"
cp "$CRASH" "$TMP/subs/dave.so"
mkdir -p "$TMP/subs/erin"
echo 'this is not cmake(' > "$TMP/subs/erin/CMakeLists.txt"
SUBS=("$TMP/subs/carol.so" "$TMP/subs/dave.so" "$TMP/subs/erin")
TOOLS=(--labtest "$LABTEST" --collect "$COLLECT")
g() { local cmd="$1"; shift; "$ROOT/grade.sh" "$cmd" "${TOOLS[@]}" "$@"; }  # the command word comes first
PLAN_FLAGS=(--part 1 --jobs 2 --jobs-per-student 1 --calibration-plugin "$CRASH" --force)

# --- a plain run: the reference grades.csv --------------------------------------
"$ROOT/grade.sh" "${TOOLS[@]}" --out "$TMP/local" "${PLAN_FLAGS[@]}" "${SUBS[@]}" > "$TMP/local.log" 2>&1 ||
  { cat "$TMP/local.log"; fail "the plain grade.sh run failed"; }

# --- plan -------------------------------------------------------------------------
OUT="$TMP/split"
g plan --out "$OUT" "${PLAN_FLAGS[@]}" "${SUBS[@]}" > "$TMP/plan.log" 2>&1 ||
  { cat "$TMP/plan.log"; fail "plan failed"; }
[[ "$(cut -f1 "$OUT/plan.tsv" | tr '\n' ' ')" == "carol dave erin " ]] || fail "plan.tsv ids: $(cat "$OUT/plan.tsv")"
[[ "$(cut -f2 "$OUT/plan.tsv" | head -n 1)" == "$TMP/subs/carol.so" ]] || fail "plan.tsv paths: $(cat "$OUT/plan.tsv")"
[[ ! -e "$OUT/calibrations" && ! -e "$OUT/carol" ]] || fail "plan graded or calibrated something"

# --- bad use: exit 2 ---------------------------------------------------------------
rc=0; g one --out "$OUT" nobody > /dev/null 2>&1 || rc=$?
[[ "$rc" -eq 2 ]] || fail "one with an unknown id: exit $rc, expected 2"
rc=0; g one --out "$OUT" --part 2 carol > /dev/null 2>&1 || rc=$?
[[ "$rc" -eq 2 ]] || fail "one with a grading option: exit $rc, expected 2"
rc=0; g collect --out "$TMP/nothing-here" > /dev/null 2>&1 || rc=$?
[[ "$rc" -eq 2 ]] || fail "collect without a plan: exit $rc, expected 2"

# --- one, twice for carol ------------------------------------------------------------
g one --out "$OUT" carol > "$TMP/one1.log" 2>&1 || { cat "$TMP/one1.log"; fail "one carol failed"; }
cat "$TMP/one1.log"
ids=("$OUT"/calibrations/*/)
[[ ${#ids[@]} -eq 1 && -f "${ids[0]}calibration.json" ]] || fail "expected one calibration, got: ${ids[*]}"
cal="$(basename "${ids[0]}")"
grep -q "^jobs=2$" "$OUT/calibrations/$cal/key" || fail "calibration key without jobs=2: $(cat "$OUT/calibrations/$cal/key")"
grep -q "^host=$(hostname)$" "$OUT/calibrations/$cal/key" || fail "calibration key without this host"
python3 - "$OUT/calibrations/$cal/results.json" "$OUT/carol/results.json" <<'PY'
import json, sys
def j_of(path):
    argv = json.load(open(path))["run"]["argv"]
    return argv[argv.index("-j") + 1]
cal, student = j_of(sys.argv[1]), j_of(sys.argv[2])
assert (cal, student) == ("2", "1"), f"calibration -j {cal}, student -j {student}; expected 2 and 1"
PY
grep -q "^host=$(hostname)$" "$OUT/carol/DONE" || fail "carol's DONE has no host: $(cat "$OUT/carol/DONE")"
grep -q "^calibration=$cal$" "$OUT/carol/DONE" || fail "carol's DONE has no calibration id"
grep -q "^calibration_verdict=refused$" "$OUT/carol/DONE" || fail "carol's DONE does not say the calibration was refused"
stamp="$(stat -c '%y' "$OUT/carol/DONE" "$OUT/calibrations/$cal/calibration.json")"
sleep 1
g one --out "$OUT" carol > "$TMP/one2.log" 2>&1 || { cat "$TMP/one2.log"; fail "second one carol failed"; }
grep -q "carol: already graded" "$TMP/one2.log" || fail "one carol re-graded: $(cat "$TMP/one2.log")"
[[ "$(stat -c '%y' "$OUT/carol/DONE" "$OUT/calibrations/$cal/calibration.json")" == "$stamp" ]] ||
  fail "the second one rewrote DONE or the calibration"

# collect before everyone is done: exit 6.
rc=0; g collect --out "$OUT" > "$TMP/collect1.log" 2>&1 || rc=$?
[[ "$rc" -eq 6 ]] || { cat "$TMP/collect1.log"; fail "collect of an unfinished class: exit $rc, expected 6"; }

# dave and erin in one call: the calibration is reused from the cache.
g one --out "$OUT" dave erin > "$TMP/one3.log" 2>&1 || { cat "$TMP/one3.log"; fail "one dave erin failed"; }
grep -q "calibration $cal on .*cached verdict 'refused'" "$TMP/one3.log" || fail "calibration not reused: $(cat "$TMP/one3.log")"
[[ "$(stat -c '%y' "$OUT/calibrations/$cal/calibration.json")" == "$(echo "$stamp" | tail -n 1)" ]] ||
  fail "the cached calibration was run again"

# --- collect: same grades as the plain run, and the refused calibration flagged -------
g collect --out "$OUT" > "$TMP/collect2.log" 2>&1 || { cat "$TMP/collect2.log"; fail "collect failed"; }
cat "$TMP/collect2.log"
cmp "$OUT/grades.csv" "$TMP/local/grades.csv" || fail "plan/one/collect grades.csv differs from the plain run's"
grep -q "calibration $cal on .* was refused (--force): carol dave erin" "$TMP/collect2.log" ||
  fail "collect did not flag the refused calibration"
grep -q "different calibrations" "$TMP/collect2.log" && fail "one calibration reported as several"
grep -qP "^$cal\t$(hostname)\t.*\trefused\tcarol dave erin$" "$OUT/hosts.txt" || fail "hosts.txt: $(cat "$OUT/hosts.txt")"

# A student graded elsewhere (another host's calibration): flagged as mixed.
sed -i "s/^calibration=.*/calibration=0123456789ab/; s/^host=.*/host=elsewhere/" "$OUT/dave/DONE"
g collect --out "$OUT" > "$TMP/collect3.log" 2>&1 || { cat "$TMP/collect3.log"; fail "collect (mixed) failed"; }
grep -q "graded under 2 different calibrations" "$TMP/collect3.log" || fail "mixed calibrations not flagged: $(cat "$TMP/collect3.log")"
grep -q "0123456789ab on elsewhere (refused): dave" "$TMP/collect3.log" || fail "the other host is not named"
echo "PASS"
