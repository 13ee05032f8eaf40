#!/usr/bin/env bash
# grade.sh slurm (tests/grade/CMakeLists.txt runs it) against a real one-node
# Slurm started here on localhost: munged with a key of its own, slurmctld
# and slurmd as root with a minimal slurm.conf, all in the test's folder, on
# random ports, stopped at the end (by the pids they wrote). A class of three
# (two copies of a plugin that crashes, a source folder that does not build;
# deterministic grades) goes through sbatch as a job array
# capped at 2 running tasks, then the dependent collect job; grades.csv must
# equal a local run's, each task's log must exist, and the array must have
# used the partition, time and memory given.
#
# Usage: slurm_test.sh LABTEST COLLECT CRASH_SO SOURCE_ROOT
set -euo pipefail
LABTEST="$1" COLLECT="$2" CRASH="$3" ROOT="$4"
TMP="$(mktemp -d)"
S="$TMP/slurm"
stop_slurm() {
  local f
  for f in slurmd slurmctld munged; do
    [[ -f "$S/$f.pid" ]] && kill "$(cat "$S/$f.pid")" 2>/dev/null || true
  done
  sleep 1
}
trap 'stop_slurm; rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
for t in munged slurmctld slurmd sbatch squeue scontrol; do
  command -v "$t" > /dev/null || fail "$t is missing (scripts/setup.sh installs slurm-wlm and munge)"
done
[[ "$(id -u)" -eq 0 ]] || fail "this test starts slurmctld and slurmd, which needs root"

# --- a private Slurm on localhost ------------------------------------------------
mkdir -p "$S/state" "$S/spool"
chmod 700 "$TMP" "$S"
dd if=/dev/urandom of="$S/munge.key" bs=1024 count=1 status=none
chmod 600 "$S/munge.key"
munged --key-file="$S/munge.key" --socket="$S/munge.socket" --pid-file="$S/munged.pid" \
  --log-file="$S/munged.log" --seed-file="$S/munge.seed" --force
host="$(hostname -s)"
port=$(( 20000 + RANDOM % 20000 ))
cat > "$S/slurm.conf" <<CONF
ClusterName=raftlabtest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$(( port + 1 ))
AuthType=auth/munge
AuthInfo=socket=$S/munge.socket
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$S/state
SlurmdSpoolDir=$S/spool
SlurmctldPidFile=$S/slurmctld.pid
SlurmdPidFile=$S/slurmd.pid
SlurmctldLogFile=$S/slurmctld.log
SlurmdLogFile=$S/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SwitchType=switch/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=1024 State=UNKNOWN
PartitionName=grading Nodes=$host Default=NO MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$S/slurm.conf"
slurmctld -c -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
for _ in $(seq 1 300); do
  sinfo -h -o '%t' 2>/dev/null | grep -q idle && break
  sleep 0.2
done
sinfo -h -o '%t' | grep -q idle || { cat "$S/slurmctld.log" "$S/slurmd.log" >&2; fail "the Slurm node never became idle"; }

# --- the class, locally and through Slurm ------------------------------------------
mkdir -p "$TMP/subs"
cp "$CRASH" "$TMP/subs/carol.so"
cp "$CRASH" "$TMP/subs/dave.so"
mkdir -p "$TMP/subs/erin"
echo 'this is not cmake(' > "$TMP/subs/erin/CMakeLists.txt"
SUBS=("$TMP/subs/carol.so" "$TMP/subs/dave.so" "$TMP/subs/erin")
FLAGS=(--labtest "$LABTEST" --collect "$COLLECT" --part 1 --jobs 2 --jobs-per-student 1
       --calibration-plugin "$CRASH" --force)
"$ROOT/grade.sh" "${FLAGS[@]}" --out "$TMP/local" "${SUBS[@]}" > "$TMP/local.log" 2>&1 ||
  { cat "$TMP/local.log"; fail "the plain grade.sh run failed"; }

OUT="$TMP/cluster"
"$ROOT/grade.sh" slurm "${FLAGS[@]}" --out "$OUT" --partition grading --time 20 --mem 256M \
  --max-running 2 "${SUBS[@]}" > "$TMP/submit.log" 2>&1 || { cat "$TMP/submit.log"; fail "grade.sh slurm failed"; }
cat "$TMP/submit.log"
array="$(sed -n 's/^array=//p' "$OUT/slurm/jobs")"
collect="$(sed -n 's/^collect=//p' "$OUT/slurm/jobs")"
[[ -n "$array" && -n "$collect" ]] || fail "no job ids in $OUT/slurm/jobs"
scontrol show job "$array" > "$TMP/array.txt" 2>&1 || true
grep -q "Partition=grading" "$TMP/array.txt" || fail "the array is not in the partition given: $(cat "$TMP/array.txt")"
grep -q "TimeLimit=00:20:00" "$TMP/array.txt" || fail "the array lacks the time limit given"
grep -q "ArrayTaskThrottle=2" "$TMP/array.txt" || fail "the array lacks the %2 cap"
grep -q "MinMemoryNode=256M" "$TMP/array.txt" || fail "the array lacks the memory given"
scontrol show job "$collect" | grep -q "Dependency=afterany:${array}" || fail "the collect job does not depend on the array"
for _ in $(seq 1 3000); do   # up to 10 minutes on a loaded machine
  [[ -z "$(squeue -h -j "$array,$collect" 2>/dev/null)" ]] && break
  sleep 0.2
done
[[ -z "$(squeue -h -j "$array,$collect" 2>/dev/null)" ]] || { squeue; fail "the jobs did not finish"; }
for k in 1 2 3; do
  [[ -s "$OUT/slurm/one-${array}_$k.log" ]] || fail "no log of array task $k"
done
cat "$OUT"/slurm/collect-*.log
[[ -f "$OUT/grades.csv" ]] || { cat "$OUT"/slurm/*.log; fail "the collect job wrote no grades.csv"; }
cmp "$OUT/grades.csv" "$TMP/local/grades.csv" || fail "grades.csv through Slurm differs from the local run's"
for s in carol dave erin; do
  grep -q "^host=$host" "$OUT/$s/DONE" || fail "$s's DONE does not name the node"
done
echo "PASS"
