#!/usr/bin/env bash
# The student build's sandbox (tests/grade/CMakeLists.txt runs it): a source
# submission whose CMakeLists tries to write a file outside its build folder
# and lists the network interfaces it sees. With bubblewrap the write must
# fail (read-only file system: the build fails, the file never appears) and
# only the loopback interface may be visible; DONE must say build_sandbox=bwrap.
# Exit 77 (CTest: skipped) when bubblewrap is installed but refused here (some
# containers forbid namespaces); a missing bwrap is a failure (setup.sh installs it).
#
# Usage: build_sandbox_test.sh LABTEST COLLECT SOURCE_ROOT
set -euo pipefail
LABTEST="$1" COLLECT="$2" ROOT="$3"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v bwrap > /dev/null || fail "bubblewrap is missing (scripts/setup.sh installs it)"
if ! bwrap --ro-bind / / --dev /dev --proc /proc --unshare-net --unshare-pid --die-with-parent -- true 2> /dev/null; then
  echo "SKIP: bubblewrap is refused on this machine"
  exit 77
fi

ESCAPE="$TMP/escaped.txt"
mkdir -p "$TMP/subs/mallory"
cat > "$TMP/subs/mallory/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.16)
project(mallory NONE)
# /proc/net/dev lists the interfaces of the reader's network namespace.
execute_process(COMMAND sh -c "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '"
                OUTPUT_VARIABLE nets OUTPUT_STRIP_TRAILING_WHITESPACE)
string(REPLACE "\n" " " nets "\${nets}")
message(STATUS "network interfaces: [\${nets}]")
file(WRITE "$ESCAPE" "a student's CMakeLists wrote outside its build folder")
CMAKE
rc=0
"$ROOT/grade.sh" --labtest "$LABTEST" --collect "$COLLECT" --out "$TMP/g" --part 1 --jobs 1 --skip-calibration \
  "$TMP/subs/mallory" > "$TMP/run.log" 2>&1 || rc=$?
cat "$TMP/run.log"
[[ "$rc" -eq 0 ]] || fail "grade.sh exited with $rc"
cat "$TMP/g/mallory/build.log"
[[ ! -e "$ESCAPE" ]] || fail "the build wrote $ESCAPE, outside its build folder"
grep -q "^outcome=build-failed$" "$TMP/g/mallory/DONE" || fail "the escaping build did not fail: $(cat "$TMP/g/mallory/DONE")"
grep -q "^build_sandbox=bwrap$" "$TMP/g/mallory/DONE" || fail "DONE does not say build_sandbox=bwrap"
grep -q "network interfaces: \[lo\]" "$TMP/g/mallory/build.log" || fail "the build saw network interfaces besides lo"
echo "PASS"
