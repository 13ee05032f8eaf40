#!/usr/bin/env bash
# End-to-end test of grade.sh (tests/grade/CMakeLists.txt runs it):
#   grades three submissions on part 1 -- the reference .so (full marks), a
#   copy of skeleton/ as a source folder (built by grade.sh; zero), and a
#   plugin that crashes (zero, with the crash as reason) -- interrupts the
#   grading with SIGINT once the first student is finished, resumes it, and
#   checks that the finished student was not re-run, that grades.csv is
#   right, and that every results file parses (JSON, JUnit XML, Gradescope).
#
# Calibration is skipped here (--skip-calibration): on a loaded test machine
# the reference may legitimately be refused, which would make this test
# flaky; calibration_test.sh tests the refusal itself.
#
# Usage: grade_test.sh LABTEST COLLECT REFERENCE_SO CRASH_SO SOURCE_ROOT
set -euo pipefail
LABTEST="$1" COLLECT="$2" REFERENCE="$3" CRASH="$4" ROOT="$5"

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

mkdir -p "$TMP/subs"
cp "$REFERENCE" "$TMP/subs/alice.so"          # the reference: full marks
cp -r "$ROOT/skeleton" "$TMP/subs/bob"        # the skeleton as a source folder: zero
cp "$CRASH" "$TMP/subs/carol.so"              # crashes in every test: zero with a reason
OUT="$TMP/grades"
# One student at a time (2 jobs, 2 per student), in the order given, so the
# interruption below lands after alice and before carol.
ARGS=(--labtest "$LABTEST" --collect "$COLLECT" --out "$OUT" --part 1 --jobs 2 --jobs-per-student 2
      --skip-calibration "$TMP/subs/alice.so" "$TMP/subs/bob" "$TMP/subs/carol.so")

# --- first run, interrupted with SIGINT once alice is finished ---------------------
set -m   # grade.sh gets its own process group, so SIGINT is not ignored in it
"$ROOT/grade.sh" "${ARGS[@]}" > "$TMP/run1.log" 2>&1 &
pid=$!
set +m
for _ in $(seq 1 6000); do   # up to 10 minutes: a loaded machine is slow, not wrong
  [[ -f "$OUT/alice/DONE" ]] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
[[ -f "$OUT/alice/DONE" ]] || { cat "$TMP/run1.log"; fail "alice never finished"; }
kill -INT "$pid"
rc=0
wait "$pid" || rc=$?
cat "$TMP/run1.log"
[[ "$rc" -eq 130 ]] || fail "interrupted grade.sh exited with $rc, expected 130"
[[ ! -f "$OUT/carol/DONE" ]] || fail "carol finished before the interrupt; the resume check would prove nothing"
alice_stamp="$(stat -c '%y %n' "$OUT/alice/DONE" "$OUT/alice/results.json")"  # nanosecond mtimes
alice_json_before="$(md5sum < "$OUT/alice/results.json")"

# --- resume ---------------------------------------------------------------------
sleep 1  # so a rewrite would show in the mtime
rc=0
"$ROOT/grade.sh" "${ARGS[@]}" > "$TMP/run2.log" 2>&1 || rc=$?
cat "$TMP/run2.log"
[[ "$rc" -eq 0 ]] || fail "resumed grade.sh exited with $rc"
grep -q "alice: already graded" "$TMP/run2.log" || fail "the resume did not keep alice"
[[ "$(stat -c '%y %n' "$OUT/alice/DONE" "$OUT/alice/results.json")" == "$alice_stamp" ]] ||
  fail "alice's results were rewritten on resume"
[[ "$(md5sum < "$OUT/alice/results.json")" == "$alice_json_before" ]] || fail "alice's results.json changed"
for s in alice bob carol; do [[ -f "$OUT/$s/DONE" ]] || fail "$s has no DONE after the resume"; done
cp "$OUT/grades.csv" "$TMP/grades-after-resume.csv"

# A third run changes nothing: every student is finished.
"$ROOT/grade.sh" "${ARGS[@]}" > "$TMP/run3.log" 2>&1 || fail "third run failed"
cmp -s "$OUT/grades.csv" "$TMP/grades-after-resume.csv" || fail "grades.csv differs between runs"

# --- the files --------------------------------------------------------------------
[[ -f "$OUT/bob/build.log" ]] || fail "bob's build.log is missing"
python3 - "$OUT" <<'PY'
import csv, json, sys, xml.etree.ElementTree as ET
out = sys.argv[1]

def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)

rows = list(csv.DictReader(open(f"{out}/grades.csv", newline="")))
by = {r["student"]: r for r in rows}
if sorted(by) != ["alice", "bob", "carol"]:
    fail(f"grades.csv students: {sorted(by)}")
header = list(rows[0].keys())
tests = header[1:-3]
if header[0] != "student" or header[-3:] != ["total", "status", "reason"] or len(tests) < 2:
    fail(f"grades.csv header: {header}")
results = json.load(open(f"{out}/alice/results.json"))
possible = results["summary"]["total"]["points_possible"]
if float(by["alice"]["total"]) != possible or possible <= 0:
    fail(f"alice: total {by['alice']['total']} of {possible}")
if by["alice"]["reason"] or by["alice"]["status"] != "graded":
    fail(f"alice: {by['alice']}")
if any(float(by["alice"][t]) <= 0 for t in tests):
    fail(f"alice lost points: {by['alice']}")
for s in ("bob", "carol"):
    if float(by[s]["total"]) != 0 or any(float(by[s][t]) != 0 for t in tests):
        fail(f"{s} should have zero: {by[s]}")
    if not by[s]["reason"]:
        fail(f"{s} has no reason: {by[s]}")
if "crash" not in by["carol"]["reason"]:
    fail(f"carol's reason does not say crash: {by['carol']['reason']}")

for s in ("alice", "bob", "carol"):
    r = json.load(open(f"{out}/{s}/results.json"))
    if r["format"] != "raftlab-run" or r["state"] != "finished":
        fail(f"{s}/results.json: format {r['format']} state {r['state']}")
    if len(r["tests"]) != r["run"]["runs_planned"] or r["run"]["runs_planned"] < len(tests):
        fail(f"{s}/results.json: {len(r['tests'])} runs of {r['run']['runs_planned']} planned")
    g = json.load(open(f"{out}/{s}/gradescope.json"))
    if not isinstance(g.get("tests"), list) or len(g["tests"]) != len(tests):
        fail(f"{s}/gradescope.json: tests")
    for t in g["tests"]:
        for key in ("name", "score", "max_score", "status", "output"):
            if key not in t:
                fail(f"{s}/gradescope.json: a test lacks '{key}'")
        if t["status"] not in ("passed", "failed"):
            fail(f"{s}/gradescope.json: status {t['status']}")
    if abs(float(g["score"]) - float(by[s]["total"])) > 0.01:
        fail(f"{s}: gradescope score {g['score']} vs csv {by[s]['total']}")
    root = ET.parse(f"{out}/{s}/junit.xml").getroot()
    cases = root.iter("testcase")
    n = sum(1 for _ in cases)
    if n < len(tests):
        fail(f"{s}/junit.xml has {n} testcases")
    bad = sum(1 for c in root.iter("testcase") if c.find("failure") is not None or c.find("error") is not None)
    if (s == "alice") != (bad == 0):
        fail(f"{s}/junit.xml: {bad} failing testcases")
print("grade.sh results check: OK")
PY
# Kept failure logs for the failing students, none needed for alice.
[[ -d "$OUT/carol/logs" ]] || fail "carol's failure logs were not kept"
echo "PASS"
