#!/usr/bin/env bash
# grade.sh --sim-seeds (tests/grade/CMakeLists.txt runs it): a class graded
# in real time plus 2 simulated seeds per test, on a two-test catalogue
# (sim_catalogue.yml) with a fixed base seed, so that every simulated run is
# the same on every machine:
#   alice.so    the reference: full marks, the column "2/2" everywhere
#   mallory.so  the apply_twice mutant: 3B-basic-agree fails in every run,
#               simulated ones included (a deterministic catch: which seed
#               catches a timing mutant changes whenever the code under the
#               simulator does); that test scores 0, and the replay command
#               every report gives reproduces the failure
#   raw.so      a plugin with its own threads, sleeps and clock: labtest
#               refuses it under --sim (naming pthread_create); its column
#               says "not simulation-ready" and its score is its real-time
#               score, nothing taken off
# and then
#   - the reports (grades.csv, grades.json, the score table, junit.xml
#     against docs/junit.xsd, gradescope.json in Gradescope's format) carry
#     the column; calibration ran the reference's simulated seeds too;
#   - resuming with the same options keeps everyone, with other --sim-seeds
#     is refused like any other changed setting;
#   - plan / one / collect (what the Slurm and SSH engines run) grade
#     nopromise.so, the reference without RAFTLAB_PLUGIN_HOST_THREADS_ONLY:
#     not simulation-ready, full marks;
#   - the engines hand --sim-seeds on: GNU parallel's job files (a stand-in
#     parallel catches them) and the Gradescope bundle, whose run_autograder
#     grades the mutant with the simulated column (the failing seed costs
#     the test's points there too).
#
# Usage: sim_seeds_test.sh LABTEST COLLECT REFERENCE_SO MUTANT_SO RAW_THREADS_SO NO_PROMISE_SO SOURCE_ROOT
set -euo pipefail
LABTEST="$1" COLLECT="$2" REFERENCE="$3" MUTANT="$4" RAW="$5" NO_PROMISE="$6" ROOT="$7"
HERE="$(cd "$(dirname "$0")" && pwd)"
TMP="$(mktemp -d)"
trap '[[ -n "${KEEP:-}" ]] || rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v xmllint > /dev/null || fail "xmllint is missing (Debian: libxml2-utils; scripts/setup.sh installs it)"

CATALOGUE="$HERE/sim_catalogue.yml"
mkdir -p "$TMP/subs"
cp "$REFERENCE" "$TMP/subs/alice.so"
cp "$MUTANT" "$TMP/subs/mallory.so"
cp "$RAW" "$TMP/subs/raw.so"
cp "$NO_PROMISE" "$TMP/subs/nopromise.so"
OUT="$TMP/grades"
# --force: on a loaded machine the reference may miss a real-time bound and
# calibration refuse; the simulated part of calibration is checked below.
ARGS=(--labtest "$LABTEST" --collect "$COLLECT" --out "$OUT" --config "$CATALOGUE" --seed 1 --sim-seeds 2
      --jobs 2 --jobs-per-student 2 --force)
rc=0
"$ROOT/grade.sh" "${ARGS[@]}" "$TMP/subs/alice.so" "$TMP/subs/mallory.so" "$TMP/subs/raw.so" \
  > "$TMP/run1.log" 2>&1 || rc=$?
cat "$TMP/run1.log"
[[ "$rc" -eq 0 ]] || fail "grade.sh exited with $rc"

for s in alice mallory raw; do
  for f in results.json junit.xml gradescope.json DONE sim/status; do
    [[ -s "$OUT/$s/$f" ]] || fail "$s has no $f"
  done
done
grep -qx "sim=ran" "$OUT/alice/DONE" || fail "alice's DONE: $(cat "$OUT/alice/DONE")"
grep -qx "sim=not-simulation-ready" "$OUT/raw/DONE" || fail "raw's DONE: $(cat "$OUT/raw/DONE")"
grep -qx "sim_seeds=2" "$OUT/settings" || fail "the settings do not record --sim-seeds: $(cat "$OUT/settings")"
grep -q "not-ready" "$TMP/run1.log" || fail "the score table has no simulated column"

# Calibration ran the reference's 2 seeds of both tests, and they passed.
python3 - "$OUT/calibration.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
sim = c.get("sim")
assert sim is not None, f"calibration.json has no simulated runs: {c}"
assert sim["seeds"] == 2 and sim["runs"] == 4 and sim["labtest_exit"] == 0, sim
assert sim["failed_tests"] == [], sim
PY

# --- the reports ------------------------------------------------------------------
python3 - "$OUT" <<'PY'
import csv, json, sys
out = sys.argv[1]
def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)
rows = {r["student"]: r for r in csv.DictReader(open(f"{out}/grades.csv", newline=""))}
tests = ["3A-initial-election", "3B-basic-agree"]
for col in ["sim_status", "sim_passed", "sim_runs", "sim_note"] + ["sim:" + t for t in tests]:
    if col not in rows["alice"]:
        fail(f"grades.csv has no column {col}: {list(rows['alice'])}")
a, m, r = rows["alice"], rows["mallory"], rows["raw"]
if (a["sim_status"], a["sim_passed"], a["sim_runs"]) != ("ran", "4", "4") or any(a["sim:" + t] != "2/2" for t in tests):
    fail(f"alice's simulated column: {a}")
if float(a["total"]) != 6:
    fail(f"the reference lost points (on a loaded machine a real-time bound can be missed): {a}")
# mallory: both simulated seeds of 3B-basic-agree fail (apply out of order).
if m["sim_status"] != "ran" or m["sim:3B-basic-agree"] != "0/2" or m["sim:3A-initial-election"] != "2/2":
    fail(f"mallory's simulated column: {m}")
if float(m["3B-basic-agree"]) != 0:
    fail(f"mallory's simulated failure was not counted: {m}")
replay = "labtest --plugin libraft.so -f raft_lab_test.yml --sim --filter '^3B-basic-agree$' --seed 1"
if replay not in m["sim_note"] or "apply out of order" not in m["sim_note"]:
    fail(f"mallory's sim_note lacks the failing seed and its replay: {m['sim_note']}")
# raw: refused under --sim, graded on real time alone.
if r["sim_status"] != "not simulation-ready" or "pthread_create" not in r["sim_note"]:
    fail(f"raw's simulated column: {r}")
if any(r["sim:" + t] != "not simulation-ready" for t in tests):
    fail(f"raw's per-test cells: {r}")
rt = json.load(open(f"{out}/raw/results.json"))["summary"]["total"]["points_earned"]
if abs(float(r["total"]) - rt) > 0.01:
    fail(f"raw lost points to the simulated runs: {r['total']} vs real-time {rt}")

g = json.load(open(f"{out}/grades.json"))
if g["format"] != "raftlab-grades" or g["sim_seeds"] != 2:
    fail(f"grades.json: {g['format']} {g['sim_seeds']}")
js = {s["student"]: s for s in g["students"]}
agree = js["mallory"]["tests"][1]
if agree["test"] != "3B-basic-agree" or not agree["sim"]["failing"][0]["replay"].startswith(replay):
    fail(f"grades.json mallory: {agree}")
open(f"{out}/mallory.replay", "w").write(agree["sim"]["failing"][0]["replay"])
if js["raw"]["sim"]["state"] != "not simulation-ready" or js["alice"]["sim"]["passed"] != 4:
    fail(f"grades.json sim totals: {js['raw']['sim']} {js['alice']['sim']}")

for s, row in rows.items():
    gs = json.load(open(f"{out}/{s}/gradescope.json"))
    if abs(gs["score"] - float(row["total"])) > 0.01:
        fail(f"{s}: gradescope score {gs['score']} vs csv {row['total']}")
    if gs["extra_data"]["sim"]["state"] != row["sim_status"]:
        fail(f"{s}: gradescope's sim state {gs['extra_data']['sim']}")
gm = json.load(open(f"{out}/mallory/gradescope.json"))["tests"][1]
if gm["score"] != 0 or gm["status"] != "failed" or "replay: " + replay not in gm["output"]:
    fail(f"mallory's gradescope test: {gm}")
gr = json.load(open(f"{out}/raw/gradescope.json"))
if "not simulation-ready" not in gr["output"] or "nothing was taken off" not in gr["output"]:
    fail(f"raw's gradescope output: {gr['output']}")
print("sim reports check: OK")
PY
python3 "$HERE/check_gradescope.py" "$OUT"/{alice,mallory,raw}/gradescope.json || fail "a gradescope.json is malformed"
xmllint --noout --schema "$ROOT/docs/junit.xsd" "$OUT"/{alice,mallory,raw}/junit.xml ||
  fail "a junit.xml does not validate against docs/junit.xsd"
grep -q '<testsuite name="part 1: leader election (simulated time)"' "$OUT/mallory/junit.xml" ||
  fail "mallory's junit.xml has no simulated suite"
grep -q 'classname="raftlab.part1.sim" name="3B-basic-agree' "$OUT/mallory/junit.xml" ||
  fail "mallory's junit.xml lacks the failing simulated run"
grep -q '<testsuite name="simulated time: not simulation-ready" tests="2" failures="0" errors="0" skipped="2"' \
  "$OUT/raw/junit.xml" || fail "raw's junit.xml does not skip the simulated runs"
LABTEST_DIR="$(cd "$(dirname "$LABTEST")" && pwd)"
for s in alice mallory raw; do
  for f in junit.xml gradescope.json; do
    for p in "$TMP" "$LABTEST_DIR"; do
      if grep -nF "$p" "$OUT/$s/$f" | head -n 3 | grep .; then fail "$s/$f holds the grader's path $p"; fi
    done
  done
done

# The replay command the student sees (grades.json's, as every report gives
# it) reproduces the failure, in their folder.
REPLAY="$(cat "$OUT/mallory.replay")"
[[ "$REPLAY" == "labtest --plugin libraft.so "* ]] || fail "an unexpected replay command: $REPLAY"
( cd "$OUT/mallory" && PATH="$LABTEST_DIR:$PATH" eval "$REPLAY --color never --output-dir '$TMP/replay'" ) \
  > "$TMP/replay.log" 2>&1 && fail "the replay passed: $(tail -5 "$TMP/replay.log")"
grep -q "apply out of order" "$TMP/replay.log" || { cat "$TMP/replay.log"; fail "the replay failed otherwise"; }
rm -f "$OUT/mallory.replay"

# --- resume ---------------------------------------------------------------------------
cp "$OUT/grades.csv" "$TMP/grades.csv"
"$ROOT/grade.sh" "${ARGS[@]}" "$TMP/subs/alice.so" "$TMP/subs/mallory.so" "$TMP/subs/raw.so" \
  > "$TMP/run2.log" 2>&1 || { cat "$TMP/run2.log"; fail "the resume failed"; }
grep -q "mallory: already graded" "$TMP/run2.log" || fail "the resume graded mallory again"
cmp -s "$OUT/grades.csv" "$TMP/grades.csv" || fail "grades.csv changed on resume"
rc=0
"$ROOT/grade.sh" "${ARGS[@]}" --sim-seeds 3 "$TMP/subs/alice.so" > "$TMP/run3.log" 2>&1 || rc=$?
[[ "$rc" -eq 2 ]] && grep -q "graded with other settings" "$TMP/run3.log" ||
  { cat "$TMP/run3.log"; fail "a resume with other --sim-seeds: exit $rc, expected 2 (other settings)"; }

# --- plan / one / collect: a correct Raft that labtest refuses under --sim -----------
P="$TMP/planned"
PLAN=(--labtest "$LABTEST" --collect "$COLLECT" --out "$P")
"$ROOT/grade.sh" plan "${PLAN[@]}" --config "$CATALOGUE" --seed 1 --sim-seeds 2 --jobs 2 --jobs-per-student 2 \
  --skip-calibration "$TMP/subs/nopromise.so" > "$TMP/plan.log" 2>&1 || { cat "$TMP/plan.log"; fail "plan failed"; }
rc=0; "$ROOT/grade.sh" one "${PLAN[@]}" --sim-seeds 2 nopromise > /dev/null 2>&1 || rc=$?
[[ "$rc" -eq 2 ]] || fail "'one --sim-seeds': exit $rc, expected 2 (it takes the plan's)"
"$ROOT/grade.sh" one "${PLAN[@]}" nopromise > "$TMP/one.log" 2>&1 || { cat "$TMP/one.log"; fail "one failed"; }
"$ROOT/grade.sh" collect "${PLAN[@]}" > "$TMP/collect.log" 2>&1 || true   # warns: no calibration
cat "$TMP/collect.log"
python3 - "$P" <<'PY'
import csv, sys
row = next(csv.DictReader(open(f"{sys.argv[1]}/grades.csv", newline="")))
assert row["sim_status"] == "not simulation-ready", row
assert "does not promise" in row["sim_note"], row["sim_note"]
assert float(row["total"]) == 6, f"a correct Raft refused under --sim lost points: {row}"
PY

# --- the engines hand --sim-seeds on ------------------------------------------------
# GNU parallel: a stand-in keeps the job files instead of sending them.
mkdir -p "$TMP/bin" "$TMP/caught"
cat > "$TMP/bin/parallel" <<EOF
#!/usr/bin/env bash
cp *.tar "$TMP/caught/"
EOF
chmod +x "$TMP/bin/parallel"
echo "1/localhost" > "$TMP/sshlogins"
PATH="$TMP/bin:$PATH" "$ROOT/grade.sh" parallel --sshloginfile "$TMP/sshlogins" --labtest "$LABTEST" \
  --collect "$COLLECT" --out "$TMP/par" --config "$CATALOGUE" --sim-seeds 2 --skip-calibration \
  "$TMP/subs/alice.so" > "$TMP/par.log" 2>&1 || true   # nothing comes back: exit 6
tar -xOf "$TMP/caught/alice.tar" alice/flags | tr '\n' ' ' | grep -q -- "--sim-seeds 2" ||
  fail "grade.sh parallel does not send --sim-seeds: $(tar -xOf "$TMP/caught/alice.tar" alice/flags | tr '\n' ' ')"
# Gradescope: the bundle fixes it in gradescope.conf; run_autograder grades with it.
"$ROOT/grade.sh" gradescope-bundle --out "$TMP/bundle" --config "$CATALOGUE" --seed 1 --sim-seeds 2 --jobs 2 \
  > "$TMP/bundle.log" 2>&1 || { cat "$TMP/bundle.log"; fail "gradescope-bundle failed"; }
AG="$TMP/ag/autograder"
mkdir -p "$AG/source" "$AG/submission" "$AG/results"
unzip -q "$TMP/bundle/autograder.zip" -d "$AG/source"
tr '\n' ' ' < "$AG/source/raftlab/gradescope.conf" | grep -q -- "--sim-seeds 2" || fail "gradescope.conf lacks --sim-seeds"
mkdir -p "$AG/source/raftlab/build/default/bin"
cp "$LABTEST" "$COLLECT" "$AG/source/raftlab/build/default/bin/"
cp "$MUTANT" "$AG/submission/libraft.so"
( cd "$TMP" && AUTOGRADER_ROOT="$AG" bash "$AG/source/run_autograder" ) > "$TMP/ag.log" 2>&1 ||
  { cat "$TMP/ag.log"; fail "run_autograder failed"; }
python3 "$HERE/check_gradescope.py" "$AG/results/results.json" || fail "the autograder's results.json is malformed"
python3 - "$AG/results/results.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["extra_data"]["sim"]["state"] == "ran", r.get("extra_data")
t = r["tests"][1]
assert t["extra_data"]["sim"]["failed"] == 2 and t["score"] == 0, t
assert "--sim --filter '^3B-basic-agree$' --seed 1" in t["output"], t["output"]
PY
echo "PASS"
