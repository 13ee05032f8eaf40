#!/usr/bin/env bash
# sim_suite.sh: wall time of whole catalogues under simulated time (labtest
# --sim) beside the same catalogue in real time, in one run on this
# machine, against the bundled reference; then N seeds of every part 1-4
# test under --sim. Prints figures only; nothing here passes or fails.
#
#   bench/sim_suite.sh [BUILD_DIR] [SEEDS]     (defaults: build/default, 100)
set -u
build=${1:-build/default}
seeds=${2:-100}
labtest="$build/bin/labtest"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
[ -x "$labtest" ] || { echo "no $labtest: build the labtest target" >&2; exit 2; }

run() {  # label, labtest arguments...
  local label=$1
  shift
  local t0 t1 code
  t0=$(date +%s.%N)
  "$labtest" --seed 1 --color never --output-dir "$out" "$@" >"$out/last.txt" 2>&1
  code=$?
  t1=$(date +%s.%N)
  printf '%-52s %8.1f s  exit %d  %s\n' "$label" "$(echo "$t1 - $t0" | bc)" "$code" \
    "$(grep -m1 '^Summary' "$out/last.txt" | sed 's/^Summary (seed 1): //')"
}

echo "sim_suite: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
run "parts 1-4, --sim, default -j" --sim --part 1,2,3,4
run "parts 1-5, --sim, default -j" --sim
run "parts 1-4, real time, default -j" --part 1,2,3,4
run "parts 1-4, --sim, $seeds seeds per test" --sim --part 1,2,3,4 --repeat "$seeds"
