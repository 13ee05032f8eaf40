#!/usr/bin/env bash
# grade.sh builds a Rust submission (tests/languages/CMakeLists.txt runs it):
# two source folders laid out like skeleton-rust/ (a Cargo.toml at the
# root) graded on part 1:
#   rusty   a copy of the skeleton: builds, loads, is graded (zero points),
#           and labtest named its language Rust;
#   broken  the same with a line that is not Rust: "build-failed", with
#           rustc's message in its build.log.
#
# Usage: rust_grade_test.sh LABTEST COLLECT SOURCE_ROOT
set -euo pipefail
LABTEST="$1" COLLECT="$2" ROOT="$3"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

mkdir -p "$TMP/subs"
for s in rusty broken; do
  mkdir -p "$TMP/subs/$s"
  (cd "$ROOT/skeleton-rust" && tar --exclude=./target -cf - .) | tar -xf - -C "$TMP/subs/$s"
done
echo "this line is not Rust" >> "$TMP/subs/broken/src/lib.rs"
OUT="$TMP/grades"
rc=0
"$ROOT/grade.sh" --labtest "$LABTEST" --collect "$COLLECT" --out "$OUT" --part 1 --jobs 2 --jobs-per-student 2 \
  --skip-calibration "$TMP/subs/rusty" "$TMP/subs/broken" > "$TMP/grade.log" 2>&1 || rc=$?
cat "$TMP/grade.log"
[[ "$rc" -eq 0 ]] || fail "grade.sh exited with $rc"

grep -q '^outcome=graded$' "$OUT/rusty/DONE" || fail "rusty was not graded: $(cat "$OUT/rusty/DONE" "$OUT/rusty/build.log")"
grep -q '"plugin_language": *"Rust"' "$OUT/rusty/results.json" || fail "results.json does not say the plugin is Rust"
grep -q '^labtest: plugin .*, Rust)$' "$OUT/rusty/labtest.log" || fail "labtest's header line does not say Rust"
grep -q "expected one leader, got none" "$OUT/rusty/labtest.log" || fail "the skeleton did not fail part 1 as shipped"
grep -q '^outcome=build-failed$' "$OUT/broken/DONE" || fail "broken was not build-failed: $(cat "$OUT/broken/DONE")"
grep -q "error" "$OUT/broken/build.log" || fail "broken's build.log holds no compiler error"
python3 - "$OUT" <<'PY' || fail "grades.csv is wrong"
import csv, sys
rows = {r["student"]: r for r in csv.DictReader(open(f"{sys.argv[1]}/grades.csv", newline=""))}
assert sorted(rows) == ["broken", "rusty"], rows
assert rows["rusty"]["status"] == "graded" and float(rows["rusty"]["total"]) == 0, rows["rusty"]
assert rows["broken"]["status"] == "build-failed", rows["broken"]
PY
echo "PASS"
