#!/bin/sh
# Builds the libFuzzer targets of fuzz/ with clang++-14 (ASan + UBSan) and
# runs each for a bounded time, starting from the seed corpus in
# fuzz/corpus/<target>/. New inputs go to a working corpus in the build
# folder (the seeds in the repository are never modified).
#
#   fuzz/run.sh [--seconds N] [--build-dir DIR] [--jobs J] [TARGET...]
#
# --seconds: per target (default 20); --build-dir: default <repo>/build-fuzz;
# TARGETs: names without the fuzz_ prefix (default: all). Exit status 0 when
# no target crashed; otherwise 1, naming the crashing input: turn each such
# input into a unit test of the decoder (see fuzz/README.md).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
seconds=20
build="$here/../build-fuzz"
jobs=2
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --build-dir) build=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    --) shift; break ;;
    -*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done

cxx=$(command -v clang++-14 || true)
if [ -z "$cxx" ]; then
  echo "run.sh: clang++-14 not found (apt-get install clang-14)" >&2
  exit 2
fi

targets="$*"
if [ -z "$targets" ]; then
  targets="config_yaml result_json forbidden_report snapshot_payload student_log elf_lint"
fi

cmake -S "$here" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
build_targets=""
for t in $targets; do build_targets="$build_targets fuzz_$t"; done
# shellcheck disable=SC2086
ninja -C "$build" -j "$jobs" $build_targets >/dev/null

status=0
for t in $targets; do
  work="$build/corpus/$t"
  crashes="$build/crashes/$t"
  mkdir -p "$work" "$crashes"
  seeds="$here/corpus/$t"
  log="$build/$t.log"
  # -rss_limit_mb: a decoder that allocates without bound is a finding too.
  if "$build/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
       -artifact_prefix="$crashes/" "$work" "$seeds" >"$log" 2>&1; then
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    echo "fuzz_$t: ok ($runs inputs in ${seconds}s)"
  else
    status=1
    echo "fuzz_$t: FAILED; input(s) in $crashes, log $log:" >&2
    grep -E 'ERROR|SUMMARY|Test unit written' "$log" | head -5 >&2 || true
  fi
done
exit $status
