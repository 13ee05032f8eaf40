#!/usr/bin/env bash
# grade.sh stopped by a signal (tests/grade/CMakeLists.txt runs it), as
# `timeout -s INT` and a terminal stop it: SIGINT to the script and, right
# after, to its whole process group. Twice: during calibration and during a
# student's grading. Each time grade.sh must exit 130, leave no process of
# the grading behind (none whose command line or working folder is under the
# test's folder), and the interrupted labtest must record the signal grade.sh
# received (interrupt_signal 2, not 15). The interrupted student gets neither
# DONE nor ERROR, so a rerun grades them again.
#
# Usage: interrupt_test.sh LABTEST COLLECT REFERENCE_SO SOURCE_ROOT
set -euo pipefail
LABTEST="$1" COLLECT="$2" REFERENCE="$3" ROOT="$4"
TMP="$(mktemp -d)"
cleanup() {
  # Anything left is this test's failure; still, do not leave it running.
  for p in $(leftovers); do kill -KILL "$p" 2>/dev/null || true; done
  rm -rf "$TMP"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# Processes (other than this script) whose command line or cwd is under $TMP.
leftovers() {
  local d pid cmd
  for d in /proc/[0-9]*; do
    pid="${d#/proc/}"
    [[ "$pid" != "$$" ]] || continue
    cmd="$( { tr '\0' ' ' < "$d/cmdline"; } 2>/dev/null || true)"
    if [[ "$cmd" == *"$TMP"* || "$(readlink "$d/cwd" 2>/dev/null)" == "$TMP"* ]]; then
      echo "$pid"
    fi
  done
}

cp "$REFERENCE" "$TMP/alice.so"

# run_and_interrupt OUT WAIT_FOR_GLOB [grade.sh args...]: starts grade.sh,
# waits until a file matches WAIT_FOR_GLOB (labtest is running), sends the double
# SIGINT and checks the exit code and the leftovers.
run_and_interrupt() {
  local out="$1" wait_for="$2"
  shift 2
  set -m   # grade.sh in its own process group, as under timeout(1)
  # env --default-signal: SIGINT as a terminal has it, even when this test was
  # started in the background of a shell without job control (which leaves
  # SIGINT ignored, and an ignored signal cannot be trapped).
  env --default-signal=INT "$ROOT/grade.sh" --labtest "$LABTEST" --collect "$COLLECT" --out "$out" --part 1 --jobs 2 \
    --jobs-per-student 2 "$@" > "$out.log" 2>&1 &
  local pid=$!
  set +m
  for _ in $(seq 1 3000); do   # up to 5 minutes on a loaded machine
    compgen -G "$wait_for" > /dev/null && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  compgen -G "$wait_for" > /dev/null || { cat "$out.log"; fail "$wait_for never appeared"; }
  sleep 1   # let labtest start its test children
  kill -INT "$pid"
  kill -INT -- "-$pid" 2>/dev/null || true
  local rc=0
  wait "$pid" || rc=$?
  cat "$out.log"
  [[ "$rc" -eq 130 ]] || fail "grade.sh exited with $rc after SIGINT, expected 130"
  local left=""
  for _ in $(seq 1 50); do
    left="$(leftovers)"
    [[ -n "$left" ]] || break
    sleep 0.1
  done
  if [[ -n "$left" ]]; then
    ps -o pid,ppid,pgid,args -p "$(echo $left | tr ' ' ',')" || true
    fail "grade.sh left processes running after SIGINT: $left"
  fi
}

signal_of() {  # results.json -> "state interrupt_signal"
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); e=r["summary"]["end"] or {}; print(r["state"], e.get("interrupt_signal"))' "$1"
}

# 1. During calibration (the bundled reference).
run_and_interrupt "$TMP/g1" "$TMP/g1/calibrations/*/results.json" "$TMP/alice.so"
got="$(signal_of "$TMP"/g1/calibrations/*/results.json)"
[[ "$got" == "interrupted 2" ]] || fail "the calibration labtest recorded '$got', expected 'interrupted 2' (SIGINT)"
[[ ! -e "$TMP/g1/alice/DONE" ]] || fail "alice was graded although calibration was interrupted"

# 2. During a student's grading.
run_and_interrupt "$TMP/g2" "$TMP/g2/alice/results.json" --skip-calibration "$TMP/alice.so"
got="$(signal_of "$TMP/g2/alice/results.json")"
[[ "$got" == "interrupted 2" ]] || fail "alice's labtest recorded '$got', expected 'interrupted 2' (SIGINT)"
[[ ! -e "$TMP/g2/alice/DONE" && ! -e "$TMP/g2/alice/ERROR" ]] ||
  fail "the interrupted student has a DONE or ERROR file; a rerun would not grade them cleanly"
echo "PASS"
