#!/usr/bin/env bash
# The student handout builds on its own and holds no reference code
# (tests/handout/CMakeLists.txt runs it; label "slow": it builds labtest from
# scratch).
#   1. make the tarball through the `handout` target of this build;
#   2. extract it in a temporary folder; no reference/ folder, no file that
#      names the reference's namespace or includes its headers, no grade.sh;
#   3. configure it alone (no tests, no benchmarks) and build labtest;
#   4. build the skeleton against the handout's include/;
#   5. `labtest --list` works, and `labtest` without --plugin asks for one.
#
# Usage: handout_test.sh BUILD_DIR TARBALL SOURCE_ROOT
set -euo pipefail
BUILD="$1" TARBALL="$2" SRC="$3"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cmake --build "$BUILD" --target handout
[[ -s "$TARBALL" ]] || fail "no tarball at $TARBALL"
tar -xzf "$TARBALL" -C "$TMP"
H="$TMP/raftlab-handout"
[[ -f "$H/CMakeLists.txt" && -d "$H/harness" && -d "$H/skeleton" && -d "$H/include/raftlab" ]] ||
  fail "the handout lacks the harness, skeleton or headers"

# --- no reference code ----------------------------------------------------------
[[ ! -e "$H/reference" ]] || fail "the handout has a reference/ folder"
[[ ! -e "$H/grade.sh" ]] || fail "the handout has grade.sh (a TA tool)"
if find "$H" -name '*.so' -o -name '*.a' -o -name '*.o' | grep -q .; then
  fail "the handout holds built binaries: $(find "$H" -name '*.so' -o -name '*.a' -o -name '*.o' | head -3)"
fi
# Identifiers only the reference sources use: its namespace and its headers.
if grep -rIlE 'namespace raftlab::ref\b|namespace ref \{|raftlab::ref::|#include "reference/' "$H"; then
  fail "the files above contain reference code"
fi
# No file is a copy of a reference source file, whatever its name.
if [[ -d "$SRC/reference" ]]; then
  # Source files only: the linker version script (exports.map) is the same one-liner as the skeleton's.
  find "$SRC/reference" -type f -size +0 \( -name '*.cc' -o -name '*.h' -o -name '*.c' -o -name '*.hpp' \) \
    -exec md5sum {} + | awk '{print $1}' | sort -u > "$TMP/ref.md5"
  find "$H" -type f -size +0 -exec md5sum {} + | sort > "$TMP/handout.md5"
  if awk 'NR==FNR {ref[$1]=1; next} ($1 in ref) {print $2; bad=1} END {exit bad ? 0 : 1}' \
       "$TMP/ref.md5" "$TMP/handout.md5"; then
    fail "the files above are copies of reference sources"
  fi
fi
echo "handout: $(find "$H" -type f | wc -l) files, no reference code"

# --- it builds on its own ---------------------------------------------------------
# Unoptimised and without debug info: only --list runs, and this halves the
# compile time on a loaded 2-core machine (the build type is not under test).
GEN=()
command -v ninja > /dev/null && GEN=(-G Ninja)
cmake -S "$H" -B "$TMP/build" ${GEN[@]+"${GEN[@]}"} -DCMAKE_BUILD_TYPE=HandoutCheck -DCMAKE_CXX_FLAGS=-O0 \
  -DCMAKE_C_FLAGS=-O0 -DRAFTLAB_BUILD_TESTS=OFF -DRAFTLAB_BUILD_BENCH=OFF > "$TMP/configure.log" 2>&1 ||
  { cat "$TMP/configure.log"; fail "the handout does not configure"; }
cmake --build "$TMP/build" --target labtest -j 2 > "$TMP/build.log" 2>&1 ||
  { tail -50 "$TMP/build.log"; fail "labtest does not build from the handout"; }
LABTEST="$TMP/build/bin/labtest"
cmake -S "$H/skeleton" -B "$TMP/skeleton-build" > "$TMP/skeleton.log" 2>&1 &&
  cmake --build "$TMP/skeleton-build" -j 2 >> "$TMP/skeleton.log" 2>&1 ||
  { cat "$TMP/skeleton.log"; fail "the skeleton does not build in the handout"; }
[[ -f "$TMP/skeleton-build/libraft.so" ]] || fail "the skeleton build made no libraft.so"

"$LABTEST" --list > "$TMP/list.txt" || { cat "$TMP/list.txt"; fail "labtest --list failed"; }
grep -q "3A-initial-election" "$TMP/list.txt" || fail "labtest --list does not show the catalogue"
rc=0
"$LABTEST" --part 1 > "$TMP/noplugin.txt" 2>&1 || rc=$?
[[ "$rc" -ne 0 ]] || fail "labtest without --plugin passed in a handout build"
grep -q -- "--plugin" "$TMP/noplugin.txt" || { cat "$TMP/noplugin.txt"; fail "labtest does not ask for --plugin"; }
"$LABTEST" --plugin "$TMP/skeleton-build/libraft.so" --list > /dev/null || fail "labtest --plugin skeleton --list failed"
echo "PASS"
