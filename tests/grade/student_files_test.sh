#!/usr/bin/env bash
# What grade.sh leaves for students (tests/grade/CMakeLists.txt runs it).
# Grades part 1 of three submissions that all score 0, each another way:
#   broken/    a copy of skeleton/ with a compile error: build-failed
#   wrongabi.so a plugin built against another ABI major: load-failed
#   carol.so   a plugin that crashes in every test: graded, 0
# and checks that
#   - every student gets results.json, junit.xml and gradescope.json, the
#     two that never ran with score 0 and the first error (the compiler's
#     message, labtest's load error) in what the student sees;
#   - junit.xml and gradescope.json never hold the grader's absolute paths
#     (the grading folder, the source tree, labtest's folder);
#   - every junit.xml validates against docs/junit.xsd (xmllint), and the
#     schema does reject a broken document;
#   - every gradescope.json follows Gradescope's results.json format
#     (check_gradescope.py).
#
# Usage: student_files_test.sh LABTEST COLLECT CRASH_SO ABI_MISMATCH_SO SOURCE_ROOT
set -euo pipefail
LABTEST="$1" COLLECT="$2" CRASH="$3" WRONG_ABI="$4" ROOT="$5"
HERE="$(cd "$(dirname "$0")" && pwd)"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v xmllint > /dev/null || fail "xmllint is missing (Debian: libxml2-utils; scripts/setup.sh installs it)"

mkdir -p "$TMP/subs"
cp -rL "$ROOT/skeleton" "$TMP/subs/broken"   # -L: never write through a link into the tree
printf '\nint raftlab_broken_build() { return undeclared_name_here; }\n' >> "$TMP/subs/broken/raft.cc"
cp "$WRONG_ABI" "$TMP/subs/wrongabi.so"
cp "$CRASH" "$TMP/subs/carol.so"
OUT="$TMP/grades"
rc=0
"$ROOT/grade.sh" --labtest "$LABTEST" --collect "$COLLECT" --out "$OUT" --part 1 --jobs 2 --skip-calibration \
  "$TMP/subs/broken" "$TMP/subs/wrongabi.so" "$TMP/subs/carol.so" > "$TMP/run.log" 2>&1 || rc=$?
cat "$TMP/run.log"
[[ "$rc" -eq 0 ]] || fail "grade.sh exited with $rc"

for s in broken wrongabi carol; do
  for f in results.json junit.xml gradescope.json DONE; do
    [[ -s "$OUT/$s/$f" ]] || fail "$s has no $f"
  done
done

# No grader path in what students see.
LABTEST_DIR="$(cd "$(dirname "$LABTEST")" && pwd)"
for s in broken wrongabi carol; do
  for f in junit.xml gradescope.json; do
    for p in "$TMP" "$(cd "$ROOT" && pwd)" "$LABTEST_DIR"; do
      if grep -nF "$p" "$OUT/$s/$f" | head -n 3 | grep .; then
        fail "$s/$f holds the grader's path $p (lines above)"
      fi
    done
  done
done

# JUnit against the schema; the schema must be able to say no.
xmllint --noout --schema "$ROOT/docs/junit.xsd" "$OUT"/{broken,wrongabi,carol}/junit.xml ||
  fail "a junit.xml does not validate against docs/junit.xsd"
sed '0,/<testcase classname="[^"]*" name="[^"]*"/s//<testcase classname="x"/' "$OUT/carol/junit.xml" > "$TMP/bad.xml"
! cmp -s "$TMP/bad.xml" "$OUT/carol/junit.xml" || fail "could not make the broken JUnit document"
if xmllint --noout --schema "$ROOT/docs/junit.xsd" "$TMP/bad.xml" 2> /dev/null; then
  fail "docs/junit.xsd accepts a testcase without a name"
fi

python3 "$HERE/check_gradescope.py" "$OUT"/{broken,wrongabi,carol}/gradescope.json

python3 - "$OUT" <<'PY'
import csv, json, sys, xml.etree.ElementTree as ET
out = sys.argv[1]

def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)

by = {r["student"]: r for r in csv.DictReader(open(f"{out}/grades.csv", newline=""))}
expect = {"broken": ("build-failed", "undeclared_name_here"), "wrongabi": ("load-failed", "ABI"),
          "carol": ("graded", None)}
for s, (status, needle) in expect.items():
    if by[s]["status"] != status or float(by[s]["total"]) != 0:
        fail(f"{s}: grades.csv row {by[s]}")
    g = json.load(open(f"{out}/{s}/gradescope.json"))
    r = json.load(open(f"{out}/{s}/results.json"))
    x = ET.parse(f"{out}/{s}/junit.xml").getroot()
    cases = list(x.iter("testcase"))
    if g["score"] != 0 or not g["tests"] or any(t["score"] != 0 for t in g["tests"]):
        fail(f"{s}: gradescope score {g['score']}")
    if r["summary"]["total"]["points_earned"] != 0 or r["summary"]["total"]["points_possible"] <= 0:
        fail(f"{s}: results.json totals {r['summary']['total']}")
    if len(cases) < len(g["tests"]):
        fail(f"{s}: junit.xml has {len(cases)} testcases for {len(g['tests'])} tests")
    if any(c.find("failure") is None and c.find("error") is None for c in cases):
        fail(f"{s}: a junit testcase passed")
    if needle is None:
        continue
    if r["state"] != "not-run" or r["not_run"]["outcome"] != status or needle not in r["not_run"]["first_error"]:
        fail(f"{s}: results.json not_run {r.get('state')} {r.get('not_run')}")
    if needle not in g["output"] or any(needle not in t["output"] for t in g["tests"] if s == "broken"):
        fail(f"{s}: the first error ({needle}) is not in gradescope.json's output:\n{g['output']}")
    if any(needle not in (c.find("error").text or "") for c in cases):
        fail(f"{s}: the first error ({needle}) is not in every junit <error>")
    if x.get("errors") != str(len(cases)):
        fail(f"{s}: junit errors={x.get('errors')} for {len(cases)} cases")
print("student files: OK")
PY
echo "PASS"
