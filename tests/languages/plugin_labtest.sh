#!/usr/bin/env bash
# plugin_labtest.sh: runs labtest on a plugin written in another language
# and checks the outcome (tests/languages/CMakeLists.txt).
#
# Usage: plugin_labtest.sh LANGUAGE LABTEST PLUGIN OUTDIR pass|fail MESSAGE -- LABTEST_ARGS...
#   pass: labtest must exit 0 (every selected test passed);
#   fail: labtest must exit 1 and print MESSAGE (a failure's reason).
# In both cases the header line must name the plugin's language as LANGUAGE
# (Rust, Go: labtest's language detection), and MESSAGE may be "" for pass.
set -uo pipefail
LANGUAGE="$1" LABTEST="$2" PLUGIN="$3" OUT="$4" EXPECT="$5" MESSAGE="$6"
shift 6
[[ "${1:-}" == "--" ]] && shift
fail() { echo "FAIL: $*" >&2; exit 1; }
[[ -f "$PLUGIN" ]] || fail "no plugin at $PLUGIN (its build target did not run?)"
rm -rf "$OUT"
mkdir -p "$OUT"
rc=0
"$LABTEST" --plugin "$PLUGIN" --output-dir "$OUT/labtest-out" --color=never "$@" > "$OUT/labtest.txt" 2>&1 || rc=$?
cat "$OUT/labtest.txt"
grep -q "^labtest: plugin .*, $LANGUAGE)\$" "$OUT/labtest.txt" ||
  fail "the header line does not name the plugin's language as $LANGUAGE"
case "$EXPECT" in
  pass) [[ "$rc" -eq 0 ]] || fail "labtest exited with $rc, expected 0 (every test passes)" ;;
  fail)
    [[ "$rc" -eq 1 ]] || fail "labtest exited with $rc, expected 1 (a test fails)"
    grep -qF -- "$MESSAGE" "$OUT/labtest.txt" || fail "no failure says: $MESSAGE"
    ;;
  *) fail "bad EXPECT '$EXPECT'" ;;
esac
echo "PASS"
