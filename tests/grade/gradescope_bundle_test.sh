#!/usr/bin/env bash
# grade.sh gradescope-bundle (tests/grade/CMakeLists.txt runs it): writes
# autograder.zip, unpacks it into a folder laid out like Gradescope's
# /autograder (AUTOGRADER_ROOT; source/, submission/, results/), puts the
# already built labtest where the bundle's setup.sh would build it (setup.sh
# itself is only syntax-checked here: it installs packages and builds for
# minutes), and runs run_autograder on the reference (full marks) and on a
# mutant that part 1 catches (fewer points). Each results.json must follow
# Gradescope's format (check_gradescope.py) and name no path of the grader.
#
# Usage: gradescope_bundle_test.sh LABTEST COLLECT REFERENCE_SO MUTANT_SO SOURCE_ROOT
set -euo pipefail
LABTEST="$1" COLLECT="$2" REFERENCE="$3" MUTANT="$4" ROOT="$5"
HERE="$(cd "$(dirname "$0")" && pwd)"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$ROOT/grade.sh" gradescope-bundle --out "$TMP/bundle" --part 1 --jobs 2 > "$TMP/bundle.log" 2>&1 ||
  { cat "$TMP/bundle.log"; fail "gradescope-bundle failed"; }
ZIP="$TMP/bundle/autograder.zip"
[[ -s "$ZIP" ]] || fail "no autograder.zip"
unzip -Z1 "$ZIP" > "$TMP/list"
for f in setup.sh run_autograder raftlab/grade.sh raftlab/gradescope.conf raftlab/config/raft_lab_test.yml \
         raftlab/scripts/setup.sh raftlab/CMakeLists.txt raftlab/skeleton/CMakeLists.txt; do
  grep -qx "$f" "$TMP/list" || fail "autograder.zip lacks $f"
done
grep -q '^raftlab/build/' "$TMP/list" && fail "autograder.zip holds a build folder"

# Bad use is exit 2.
rc=0; "$ROOT/grade.sh" gradescope-bundle --out "$TMP/b2" "$REFERENCE" > /dev/null 2>&1 || rc=$?
[[ "$rc" -eq 2 ]] || fail "gradescope-bundle with a submission: exit $rc, expected 2"

# One /autograder per submission, as Gradescope gives each its own container.
grade_in_autograder() {  # name plugin -> prints the results.json path
  local ag="$TMP/$1/autograder"
  mkdir -p "$ag/source" "$ag/submission" "$ag/results"
  unzip -q "$ZIP" -d "$ag/source"
  bash -n "$ag/source/setup.sh" && bash -n "$ag/source/run_autograder" || fail "a bundled script does not parse"
  mkdir -p "$ag/source/raftlab/build/default/bin"   # what setup.sh builds
  cp "$LABTEST" "$COLLECT" "$ag/source/raftlab/build/default/bin/"
  cp "$2" "$ag/submission/libraft.so"
  ( cd "$TMP" && AUTOGRADER_ROOT="$ag" bash "$ag/source/run_autograder" ) > "$TMP/$1.log" 2>&1 ||
    { cat "$TMP/$1.log"; fail "run_autograder failed for $1"; }
  [[ -s "$ag/results/results.json" ]] || { cat "$TMP/$1.log"; fail "no results.json for $1"; }
  python3 "$HERE/check_gradescope.py" "$ag/results/results.json" || { cat "$TMP/$1.log"; fail "$1: bad results.json"; }
  if grep -nF "$TMP" "$ag/results/results.json" | head -n 3 | grep .; then
    fail "$1's results.json holds the grader's paths (above)"
  fi
}
grade_in_autograder reference "$REFERENCE"
grade_in_autograder mutant "$MUTANT"

python3 - "$TMP/reference/autograder/results/results.json" "$TMP/mutant/autograder/results/results.json" <<'PY'
import json, sys
ref, mut = (json.load(open(p)) for p in sys.argv[1:3])
top = sum(t["max_score"] for t in ref["tests"])
print(f"reference {ref['score']} of {top}; mutant {mut['score']} of {top}")
assert top > 0 and len(ref["tests"]) >= 2, ref["tests"]
assert ref["score"] == top, "the reference lost points (a loaded machine can do that; see its output)"
assert mut["score"] < top, "the mutant got full marks: the bundle graded nothing real"
assert [t["name"] for t in ref["tests"]] == [t["name"] for t in mut["tests"]]
PY
echo "PASS"
