#!/usr/bin/env bash
# grade.sh builds a Go submission (tests/languages/GoPlugins.cmake runs it):
# two source folders laid out like skeleton-go/ (a go.mod at the root)
# graded on part 1:
#   gopher  a copy of the skeleton: builds, loads, is graded (zero points),
#           and labtest named its language Go;
#   broken  the same with a line that is not Go: "build-failed", with the
#           compiler's message in its build.log.
#
# Usage: go_grade_test.sh LABTEST COLLECT SOURCE_ROOT
set -euo pipefail
LABTEST="$1" COLLECT="$2" ROOT="$3"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

mkdir -p "$TMP/subs"
for s in gopher broken; do
  mkdir -p "$TMP/subs/$s"
  (cd "$ROOT/skeleton-go" && tar -cf - .) | tar -xf - -C "$TMP/subs/$s"
done
echo "this line is not Go" >> "$TMP/subs/broken/raft/raft.go"
OUT="$TMP/grades"
rc=0
"$ROOT/grade.sh" --labtest "$LABTEST" --collect "$COLLECT" --out "$OUT" --part 1 --jobs 2 --jobs-per-student 2 \
  --skip-calibration "$TMP/subs/gopher" "$TMP/subs/broken" > "$TMP/grade.log" 2>&1 || rc=$?
cat "$TMP/grade.log"
[[ "$rc" -eq 0 ]] || fail "grade.sh exited with $rc"

grep -q '^outcome=graded$' "$OUT/gopher/DONE" || fail "gopher was not graded: $(cat "$OUT/gopher/DONE" "$OUT/gopher/build.log")"
grep -q '"plugin_language": *"Go"' "$OUT/gopher/results.json" || fail "results.json does not say the plugin is Go"
grep -q '^labtest: plugin .*, Go)$' "$OUT/gopher/labtest.log" || fail "labtest's header line does not say Go"
grep -q "expected one leader, got none" "$OUT/gopher/labtest.log" || fail "the skeleton did not fail part 1 as shipped"
grep -q '^outcome=build-failed$' "$OUT/broken/DONE" || fail "broken was not build-failed: $(cat "$OUT/broken/DONE")"
grep -q "error" "$OUT/broken/build.log" || fail "broken's build.log holds no compiler error"
python3 - "$OUT" <<'PY' || fail "grades.csv is wrong"
import csv, sys
rows = {r["student"]: r for r in csv.DictReader(open(f"{sys.argv[1]}/grades.csv", newline=""))}
assert sorted(rows) == ["broken", "gopher"], rows
assert rows["gopher"]["status"] == "graded" and float(rows["gopher"]["total"]) == 0, rows["gopher"]
assert rows["broken"]["status"] == "build-failed", rows["broken"]
PY
echo "PASS"
