#!/usr/bin/env bash
# grade.sh: grade a class of Raft plugins with labtest, unattended, fairly and
# resumably. `./grade.sh --help` explains everything; README.md "Grading a
# class" has the overview. For TAs: it is not part of the student handout.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PROG="grade.sh"

# Exit codes (also in --help and README.md).
EXIT_OK=0            # every submission graded (whatever its score)
EXIT_USAGE=2         # bad flag or argument, missing tool, unusable output folder
EXIT_INTERNAL=4      # grade.sh itself failed (cannot write grades.csv, ...)
EXIT_CALIBRATION=5   # calibration refused: the reference fails or is far too slow here
EXIT_UNGRADED=6      # some submissions could not be graded (infrastructure error); rerun to retry them

usage() {
  cat <<EOF
Usage: ./grade.sh [options] SUBMISSION...         plan, grade and collect, here
       ./grade.sh plan [options] SUBMISSION...    list the class into DIR/plan.tsv
       ./grade.sh one --out DIR ID...             grade the planned students ID...
       ./grade.sh collect --out DIR               grades.csv, the table, host checks
       ./grade.sh parallel --sshloginfile FILE [options] SUBMISSION...
                                                  plan, \`one\` on SSH hosts, collect
       ./grade.sh slurm [slurm options] [options] SUBMISSION...
                                                  plan, a Slurm job array of \`one\`, collect
       ./grade.sh gradescope-bundle [options]     write DIR/autograder.zip

Grades each SUBMISSION with labtest and writes one grades table for the class.
Without a command, grade.sh does all three steps on this machine, several
submissions at once, resumably. The three commands split that work so that
another engine (a job array, GNU parallel over SSH) can run \`one\` anywhere
that sees DIR:
  plan      checks the options and the submissions and writes DIR/plan.tsv
            (one line per student: its stable id, the student's name made
            safe, TAB, the submission's absolute path), DIR/settings and
            DIR/options (what \`one\` and \`collect\` read; nothing else
            needs passing to them).
  one       grades each ID of the plan: calibration for this host (cached),
            build, labtest, then DONE or ERROR, written atomically. A student
            whose DONE exists is skipped, so \`one\` is idempotent. Exit 0 when
            every ID has DONE, 6 when some could not be graded, 5 when this
            host's calibration is refused.
  collect   grades.csv and the score table over the plan, and DIR/hosts.txt:
            which host and calibration graded whom, with a warning when
            students were graded under different calibrations or under a
            refused one (--force). Exit 6 while some planned student has no DONE.
\`one\` and \`collect\` take only --out, --labtest and --collect (besides IDs).
  parallel  plan here, then each student graded on a host of --sshloginfile
            (GNU parallel's format: one [N/]host or 'sshcommand host' per line)
            with GNU parallel: the submission, the catalogue and the grading
            options go out (--transferfile, rsync over ssh), the host's
            grade.sh (the same path as here, or --remote-root DIR; its own
            build/default/bin/labtest) grades it, calibrating once per host in
            ~/.cache/raftlab-grade/calibrations (a reference_baseline.json
            there is used), and the student's folder comes back (--return)
            into DIR; then collect. --jobs / --jobs-per-student students run
            at once per host. Hosts need bash, rsync, and raftlab built.
  slurm     plan here, then submit with sbatch a job array whose task K
            runs \`one\` on line K of the plan (at most --max-running tasks at
            once, default 16: sbatch's %K; --jobs-per-student CPUs per task)
            and a collect job that runs after it (--dependency=afterany).
            DIR/slurm/ holds the two scripts, the job ids (jobs) and the logs.
            The nodes must see DIR, this tree and labtest at the same paths
            (a shared file system). Slurm options: --partition P,
            --account A, --time T, --mem M (sbatch's meaning).
  gradescope-bundle
            DIR/autograder.zip for a Gradescope programming assignment:
            setup.sh (installs raftlab's packages with scripts/setup.sh and
            builds labtest on Gradescope's Ubuntu image) and run_autograder
            (grades /autograder/submission, a source folder like skeleton/ or
            one .so, and writes /autograder/results/results.json), with this
            tree in raftlab/ and the options given (--part, --policy, --jobs,
            --timeout-scale, --seed, --sim-seeds) fixed in raftlab/gradescope.conf.
            Gradescope grades each submission in a fresh container within
            its autograder timeout (10 minutes unless the course raises it):
            so no calibration there (it could not be cached and would double
            the time), one labtest running --jobs tests at once (default 8:
            Raft tests mostly sleep), and choose --part so that the selected
            tests' repetitions fit the timeout (one Gradescope assignment per
            part is the usual split); labtest's own limits (a 4 GiB address
            space per test process) need the container's memory to match.
A SUBMISSION is either
  - a plugin file (.so): graded as is, or
  - a source folder laid out like skeleton/ (a CMakeLists.txt that builds a
    .so): built with its CMake in a scratch folder, with RAFTLAB_INCLUDE_DIR
    pointing at this tree's include/ (libraft.so, else the first .so built), or
  - a source folder laid out like skeleton-rust/ (a Cargo.toml at its root,
    and no CMakeLists.txt): built with `cargo build --release --offline`,
    the target folder in the scratch folder (libraft.so, else the first .so), or
  - a source folder laid out like skeleton-go/ (a go.mod at its root, and no
    CMakeLists.txt or Cargo.toml): built with `go build -buildmode=c-shared`
    offline (GOPROXY=off, standard library only), caches in the scratch folder.
    A build failure, or a build running over 15 minutes, is that student's
    result (score 0, reason "build failed"); the output is kept in build.log.
The student's name is the file name without .so, or the folder name.

Options:
  --out DIR             output folder (default: ./grades)
  --labtest PATH        the labtest to grade with (default: build/default/bin/labtest)
  --collect PATH        raftlab-grade-collect (default: beside labtest)
  --config FILE         the test catalogue (default: config/raft_lab_test.yml)
  --part N              grade part N only (repeatable; default: every part)
  --jobs N              CPU budget: test processes running at once over all
                        submissions (default: the number of CPUs)
  --jobs-per-student K  labtest -j K for each submission (default 1); N/K
                        submissions are graded at once
  --policy P            all-or-nothing (SJTU: full points only if every
                        repetition passes) or pass-rate (points x passed/runs);
                        default: the catalogue's grading.policy, else all-or-nothing
  --timeout-scale X     passed to labtest (slow machines, sanitizer builds)
  --seed S              base seed for every submission (default: labtest picks
                        one per submission and records it in results.json)
  --sim-seeds N         after each submission's real-time runs, run every
                        selected test under simulated time (labtest --sim)
                        with N seeds derived from the same base seed, and
                        report them in a column of their own (see "Simulated
                        seeds" below; default 0: none)
  --skip-calibration    do not run the reference first (not recommended)
  --force               grade even if calibration refuses (recorded in calibration.json)
  --max-slowdown X      calibration refuses when the reference is more than X
                        times slower than its baseline (default 2)
  --restart             forget earlier results in --out and start over
  --record-baseline     record the reference baseline of this machine into
                        DIR/reference_baseline.json and stop (no submissions)
  --baseline-runs N     runs of each test for --record-baseline (default 3)
  -h, --help            show this help

Testing and advanced:
  --sshloginfile FILE   parallel: the SSH hosts (GNU parallel's --sshloginfile)
  --remote-root DIR     parallel: raftlab's folder on the hosts (default: this one's path)
  --calibration-cache DIR  where calibrations are kept (default: DIR/calibrations)
  --partition P, --account A, --time T, --mem M, --max-running K
                        slurm: passed to sbatch (K: the array's %K cap)
  --calibration-plugin PATH  calibrate with PATH instead of the reference
                        bundled in labtest (used by the tests to show a refusal)
  --baseline FILE       the reference baseline (default: DIR/reference_baseline.json)

Scoring: each test of the catalogue has points and a repetition count
(\`repeat\`); labtest runs every test \`repeat\` times (--repeat-from-config).
Under all-or-nothing a test earns its points only when every repetition
passes; under pass-rate it earns points x passed/repeat.

Simulated seeds (--sim-seeds N): real time stays the basis of the grade. N
adds, per submission, \`labtest --sim --repeat N\` over the same tests with
the same base seed, parts, catalogue and --timeout-scale: N more runs of
each test, on simulated time (docs/SIM.md: one thread at a time in an order
drawn from the seed, on a virtual clock), each of which replays exactly. A
simulated run counts like a real-time run of its test: under all-or-nothing
a test earns its points only if its \`repeat\` real-time runs and its N
simulated runs all pass; under pass-rate it earns points x passed /
(repeat + N). A failing simulated seed is a real bug, and every report
gives the command that replays it (labtest ... --sim --filter ... --seed
... --repetition ...). A plugin that labtest refuses under --sim (its own
threads, sleeps or clock, no RAFTLAB_PLUGIN_HOST_THREADS_ONLY promise, a Go
plugin) loses nothing: its column says "not simulation-ready" with
labtest's reason and only its real-time runs count; so does a test whose
simulated run the simulator stopped on its own limits (its watchdog: a
thread blocked or spinning outside the host services; a real sleep or
thread caught at run time). The column is in grades.csv (sim_status,
sim_passed, sim_runs, sim:<test> "passed/N", sim_note: the refusal or the
failing seeds with their replay commands), grades.json, the score table,
and what the student sees: gradescope.json's scores count the simulated
runs and each test's output lists them; junit.xml holds them as suites
"part N: ... (simulated time)". Calibration runs the reference's simulated
seeds too, and refuses when any of them fails. A simulated run takes a
fraction of its real-time run's time.

Calibration: before grading, the reference runs the same tests with the same
settings (--part, --timeout-scale, --sim-seeds) at the grading's load: labtest -j N, N the
--jobs budget, as many test processes at once as grading runs. Grading stops (exit 5) when
the reference fails a test, or when its test time exceeds --max-slowdown times
the recorded baseline (and by more than 2 s): the machine is then too loaded,
or broken, to grade timing-sensitive tests fairly. A baseline belongs to one
machine: record it on the grading machine while it is quiet, into the grading
folder, with \`grade.sh --out DIR --record-baseline\` (the reference through the
selected tests --baseline-runs times, default 3; kept by --restart), or
\`labtest --repeat N --record-baseline DIR/reference_baseline.json\`.
Without a baseline only the pass check applies. Calibration runs once per
host and cache key, the key being the host name, the CPU model, the hashes of
labtest and the catalogue, and the settings above; an accepted calibration
(or, with --force, a refused one) is reused by every later run and \`one\` on
that host, a refused one is tried again. Each lives in DIR/calibrations/ID/
(key, calibration.json, the reference's labtest.log, results.json, logs/);
DIR/calibration.json is a copy of the latest. Each student's DONE records the
host and the calibration it was graded under.

Resuming: grading the same --out again continues where it stopped. A
submission whose folder holds DONE is never re-run; any other submission is
graded from scratch. Results are written atomically and DONE is written last,
so an interruption (Ctrl-C, kill, power cut) never loses a finished result.
--restart starts over. Resuming with other --part/--policy/--config/--seed/
--timeout-scale/--sim-seeds settings is refused (use --restart or another --out).

Isolation: every submission runs in its own labtest process tree and every test
in its own child process with a timeout, so one student's crash or hang never
affects another's result.

Output (DIR = --out):
  DIR/grades.csv                  one row per student: student, one column per
                                  test (points earned), total, status, reason
                                  (with --sim-seeds, then the simulated column)
  DIR/grades.json                 the same table as JSON (raftlab-grades)
  DIR/plan.tsv                    the class: id TAB submission, one per line
  DIR/settings, DIR/options       what every step of the grading shares
  DIR/calibration.json            the latest calibration verdict and figures
  DIR/calibrations/ID/            one per host and key: the reference run's files
  DIR/hosts.txt                   per calibration: host, CPU, verdict, students
  DIR/<student>/raft_lab_test.yml the catalogue copy labtest ran with
  DIR/<student>/results.json      labtest --output json (every run; "state":
                                  "not-run" when it did not build or load)
  DIR/<student>/libraft.so        the plugin graded (copied or built)
  DIR/<student>/junit.xml         JUnit XML
  DIR/<student>/gradescope.json   Gradescope results.json
  DIR/<student>/labtest.log       labtest's console output
  DIR/<student>/logs/             kept logs of failing runs (labtest --output-dir)
  DIR/<student>/build.log         the build output (source folders)
  DIR/<student>/sim/              --sim-seeds: status (ran or not-simulation-
                                  ready, and why), results.json, junit.xml,
                                  labtest.log, logs/ of the simulated runs
  DIR/<student>/DONE              written last: the student is finished (with
                                  the host and calibration id)
  DIR/<student>/ERROR             grading failed for a reason not the student's
A student whose submission did not build or load gets results.json,
junit.xml and gradescope.json all the same: every test 0, and the build log's
first error (or labtest's load error) in what the student sees. junit.xml and
gradescope.json never name the grader's folders: labtest runs in the
student's folder on a copy of the plugin (libraft.so) and of the catalogue
(raft_lab_test.yml), so the rerun command they show is
\`labtest --plugin libraft.so -f raft_lab_test.yml --filter ... --seed ...\`.
junit.xml follows docs/junit.xsd (the Ant/Jenkins JUnit dialect GitLab reads).
A score table is printed at the end. Status per student: graded,
build-failed, load-failed (the .so fails labtest's load or ABI checks), error
(infrastructure problem; not finished, retried on the next run).

Exit codes:
  0    every submission graded
  2    usage error (bad flag, missing labtest or collector, bad catalogue,
       unusable --out)
  4    internal error (grades.csv could not be written)
  5    calibration refused (see DIR/calibration.json; --force overrides)
  6    some submissions could not be graded (infrastructure error, see their
       ERROR file); run the same command again to retry them
  130  interrupted by SIGINT (143: SIGTERM); run the same command to resume.
       The signal is passed on to the running labtests (which record it),
       and more signals while they stop are ignored

Example:
  ./grade.sh --out grades --jobs 8 submissions/*.so submissions/*/
EOF
}

die_usage() {
  echo "$PROG: $*" >&2
  echo "$PROG: see ./grade.sh --help" >&2
  exit "$EXIT_USAGE"
}

log() { echo "$PROG: $*"; }

# --- the command and options ---------------------------------------------------
COMMAND=all
case "${1:-}" in
  plan|one|collect|gradescope-bundle|parallel|job|slurm) COMMAND="$1"; shift ;;
esac

OUT="./grades"
LABTEST="$ROOT/build/default/bin/labtest"
COLLECT=""
CONFIG="$ROOT/config/raft_lab_test.yml"
PARTS=()
JOBS=""
JOBS_PER_STUDENT=1
POLICY=""
TIMEOUT_SCALE=""
SEED=""
SIM_SEEDS=0
SKIP_CALIBRATION=0
FORCE=0
MAX_SLOWDOWN=2
RESTART=0
CALIBRATION_PLUGIN=""
BASELINE=""
RECORD_BASELINE=0
BASELINE_RUNS=3
SUBMISSIONS=()
SSHLOGINFILE=""
REMOTE_ROOT=""
SLURM_PARTITION=""
SLURM_ACCOUNT=""
SLURM_TIME=""
SLURM_MEM=""
SLURM_MAX_RUNNING=16
CAL_ROOT=""
GRADING_FLAGS=()   # options that `one` and `collect` take from the plan instead

need_value() { [[ $# -ge 2 && -n "$2" ]] || die_usage "$1 needs a value"; }
is_uint() { [[ "$1" =~ ^[0-9]+$ ]]; }
# SELECTION: the options that choose and score the tests, spelled the same for
# grade.sh and labtest (--part, --policy, --timeout-scale, --seed).
selection_flags() {
  SELECTION=()
  for p in ${PARTS[@]+"${PARTS[@]}"}; do SELECTION+=(--part "$p"); done
  [[ -z "$POLICY" ]] || SELECTION+=(--policy "$POLICY")
  [[ -z "$TIMEOUT_SCALE" ]] || SELECTION+=(--timeout-scale "$TIMEOUT_SCALE")
  [[ -z "$SEED" ]] || SELECTION+=(--seed "$SEED")
}
# GRADE_ONLY: grading options labtest does not take (--sim-seeds), for the
# engines that hand the options on to another grade.sh (parallel's hosts,
# the Gradescope bundle).
grade_only_flags() {
  GRADE_ONLY=()
  [[ "$SIM_SEEDS" -eq 0 ]] || GRADE_ONLY+=(--sim-seeds "$SIM_SEEDS")
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) usage; exit "$EXIT_OK" ;;
    --out) need_value "$@"; OUT="$2"; shift 2 ;;
    --labtest) need_value "$@"; LABTEST="$2"; shift 2 ;;
    --collect) need_value "$@"; COLLECT="$2"; shift 2 ;;
    --config) need_value "$@"; GRADING_FLAGS+=("$1"); CONFIG="$2"; shift 2 ;;
    --part) need_value "$@"; GRADING_FLAGS+=("$1"); is_uint "$2" || die_usage "--part takes a part number, got '$2'"
            PARTS+=("$2"); shift 2 ;;
    --jobs) need_value "$@"; GRADING_FLAGS+=("$1"); is_uint "$2" && [[ "$2" -ge 1 ]] || die_usage "--jobs takes a number >= 1, got '$2'"
            JOBS="$2"; shift 2 ;;
    --jobs-per-student) need_value "$@"; GRADING_FLAGS+=("$1")
            is_uint "$2" && [[ "$2" -ge 1 ]] || die_usage "--jobs-per-student takes a number >= 1, got '$2'"
            JOBS_PER_STUDENT="$2"; shift 2 ;;
    --policy) need_value "$@"; GRADING_FLAGS+=("$1")
            [[ "$2" == all-or-nothing || "$2" == pass-rate ]] ||
              die_usage "--policy takes all-or-nothing or pass-rate, got '$2'"
            POLICY="$2"; shift 2 ;;
    --timeout-scale) need_value "$@"; GRADING_FLAGS+=("$1"); TIMEOUT_SCALE="$2"; shift 2 ;;
    --seed) need_value "$@"; GRADING_FLAGS+=("$1"); SEED="$2"; shift 2 ;;
    --sim-seeds) need_value "$@"; GRADING_FLAGS+=("$1"); is_uint "$2" || die_usage "--sim-seeds takes a number >= 0, got '$2'"
            SIM_SEEDS="$((10#$2))"; shift 2 ;;
    --skip-calibration) SKIP_CALIBRATION=1; GRADING_FLAGS+=("$1"); shift ;;
    --force) FORCE=1; GRADING_FLAGS+=("$1"); shift ;;
    --max-slowdown) need_value "$@"; GRADING_FLAGS+=("$1"); MAX_SLOWDOWN="$2"; shift 2 ;;
    --restart) RESTART=1; GRADING_FLAGS+=("$1"); shift ;;
    --resume) shift ;;  # the default; accepted for clarity
    --calibration-plugin) need_value "$@"; GRADING_FLAGS+=("$1"); CALIBRATION_PLUGIN="$2"; shift 2 ;;
    --baseline) need_value "$@"; GRADING_FLAGS+=("$1"); BASELINE="$2"; shift 2 ;;
    --record-baseline) RECORD_BASELINE=1; GRADING_FLAGS+=("$1"); shift ;;
    --baseline-runs) need_value "$@"; GRADING_FLAGS+=("$1"); is_uint "$2" && [[ "$2" -ge 1 ]] || die_usage "--baseline-runs takes a number >= 1, got '$2'"
            BASELINE_RUNS="$2"; shift 2 ;;
    --sshloginfile) need_value "$@"; SSHLOGINFILE="$2"; shift 2 ;;
    --partition) need_value "$@"; SLURM_PARTITION="$2"; shift 2 ;;
    --account) need_value "$@"; SLURM_ACCOUNT="$2"; shift 2 ;;
    --time) need_value "$@"; SLURM_TIME="$2"; shift 2 ;;
    --mem) need_value "$@"; SLURM_MEM="$2"; shift 2 ;;
    --max-running) need_value "$@"; is_uint "$2" && [[ "$2" -ge 1 ]] || die_usage "--max-running takes a number >= 1, got '$2'"
            SLURM_MAX_RUNNING="$2"; shift 2 ;;
    --remote-root) need_value "$@"; REMOTE_ROOT="$2"; shift 2 ;;
    --calibration-cache) need_value "$@"; CAL_ROOT="$2"; shift 2 ;;
    --) shift; SUBMISSIONS+=("$@"); break ;;
    -*) die_usage "unknown option '$1'" ;;
    *) SUBMISSIONS+=("$1"); shift ;;
  esac
done

# --- gradescope-bundle ----------------------------------------------------------
# DIR/autograder.zip for Gradescope: setup.sh (run once on Gradescope's Ubuntu
# image: installs raftlab's packages and builds labtest), run_autograder (run
# per submission: grades /autograder/submission with this grade.sh and writes
# /autograder/results/results.json) and raftlab/ (this source tree, without
# build folders). The grading options given here are fixed in
# raftlab/gradescope.conf. Every path in run_autograder is relative to
# AUTOGRADER_ROOT (default /autograder), so it also runs in a folder laid out
# like /autograder (the tests do that).
gradescope_bundle() {
  [[ ${#SUBMISSIONS[@]} -eq 0 ]] || die_usage "gradescope-bundle takes no submissions (Gradescope supplies one per run)"
  command -v zip > /dev/null || die_usage "gradescope-bundle needs zip (Debian: apt-get install zip)"
  [[ -f "$CONFIG" ]] || die_usage "catalogue '$CONFIG' not found"
  case "$(cd "$(dirname "$CONFIG")" && pwd)/$(basename "$CONFIG")" in
    "$ROOT"/*) ;;
    *) die_usage "gradescope-bundle takes the catalogue from this tree (config/); copy '$CONFIG' into it first" ;;
  esac
  local rel_config
  rel_config="$(cd "$(dirname "$CONFIG")" && pwd)/$(basename "$CONFIG")"
  rel_config="${rel_config#"$ROOT"/}"
  mkdir -p "$OUT" || die_usage "cannot create --out '$OUT'"
  OUT="$(cd "$OUT" && pwd)"
  local stage
  stage="$(mktemp -d)"
  # Defaults for Gradescope's container: no calibration (each submission
  # gets a fresh container, so it could not be cached, and it would double
  # the time); one labtest running --jobs (default 8) tests at once, as the
  # container grades one submission (Raft tests mostly sleep).
  local jobs="${JOBS:-8}"
  local flags=(--config "raftlab/$rel_config" --jobs "$jobs" --jobs-per-student "$jobs")
  selection_flags
  grade_only_flags
  flags+=(${SELECTION[@]+"${SELECTION[@]}"} ${GRADE_ONLY[@]+"${GRADE_ONLY[@]}"})
  mkdir -p "$stage/raftlab"
  tar -C "$ROOT" --exclude=./build --exclude=./.git --exclude=./labtest-out --exclude=./grades -cf - . |
    tar -C "$stage/raftlab" -xf -
  printf '%s\n' "${flags[@]}" > "$stage/raftlab/gradescope.conf"
  cat > "$stage/setup.sh" <<'EOF'
#!/usr/bin/env bash
# Gradescope runs this once per autograder image, as root, from
# /autograder/source: raftlab's packages, then labtest and its collector.
set -euo pipefail
cd "$(dirname "$0")/raftlab"
bash scripts/setup.sh
cmake -S . -B build/default -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRAFTLAB_BUILD_TESTS=OFF -DRAFTLAB_BUILD_BENCH=OFF
cmake --build build/default --target labtest raftlab-grade-collect
EOF
  cat > "$stage/run_autograder" <<'EOF'
#!/usr/bin/env bash
# Gradescope runs this for every submission: grades AUTOGRADER_ROOT/submission
# (a source folder laid out like raftlab's skeleton/, or one .so) with
# raftlab's grade.sh and the options in raftlab/gradescope.conf, and writes
# AUTOGRADER_ROOT/results/results.json. AUTOGRADER_ROOT is /autograder unless set.
set -uo pipefail
AG="${AUTOGRADER_ROOT:-/autograder}"
SRC="$AG/source/raftlab"
WORK="$AG/work"
mkdir -p "$AG/results"
fail_result() {  # message: a results.json with score 0 that says why
  local msg
  msg="$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g' | sed ':a;N;$!ba;s/\n/\\n/g')"
  printf '{"score": 0, "output": "%s", "visibility": "visible", "tests": []}\n' "$msg" > "$AG/results/results.json"
  exit 0
}
rm -rf "$WORK"
mkdir -p "$WORK"
if [[ -f "$AG/submission/CMakeLists.txt" ]]; then
  cp -r "$AG/submission" "$WORK/submission"
  target="$WORK/submission"
else
  so="$(find "$AG/submission" -maxdepth 2 -name '*.so' -type f | sort | head -n 1)"
  [[ -n "$so" ]] || fail_result "No submission found: upload your source folder (with its CMakeLists.txt, laid out like skeleton/) or your libraft.so."
  cp "$so" "$WORK/submission.so"
  target="$WORK/submission.so"
fi
mapfile -t flags < "$SRC/gradescope.conf"
cd "$AG/source"
"$SRC/grade.sh" --labtest "$SRC/build/default/bin/labtest" --out "$WORK/grades" --skip-calibration "${flags[@]}" \
  "$target" > "$WORK/grade.log" 2>&1
rc=$?
cat "$WORK/grade.log"   # Gradescope shows the autograder's stdout to instructors only (stdout_visibility)
if [[ -s "$WORK/grades/submission/gradescope.json" ]]; then
  cp "$WORK/grades/submission/gradescope.json" "$AG/results/results.json"
else
  fail_result "The autograder could not grade this submission (grade.sh exit $rc); the course staff can see why."
fi
EOF
  chmod +x "$stage/setup.sh" "$stage/run_autograder"
  rm -f "$OUT/autograder.zip"
  if ! (cd "$stage" && zip -qr "$OUT/autograder.zip" setup.sh run_autograder raftlab); then
    rm -rf "$stage"
    echo "$PROG: could not write $OUT/autograder.zip" >&2
    exit "$EXIT_INTERNAL"
  fi
  rm -rf "$stage"
  log "wrote $OUT/autograder.zip (grading options: ${flags[*]} --skip-calibration)"
  exit "$EXIT_OK"
}
[[ "$COMMAND" != gradescope-bundle ]] || gradescope_bundle

# --- job (internal: what `parallel` runs on a remote host) ---------------------
# In the current folder: ID.tar (made by `parallel`: the submission, the
# catalogue, the grading flags, the calibration plugin if any). Grades it with
# a plain grade.sh run into ID.out/, calibrating once per host in
# ${XDG_CACHE_HOME:-~/.cache}/raftlab-grade/calibrations (a baseline there,
# reference_baseline.json, is used when present), and packs ID.out.tar: the
# student's folder and the calibration it names, for `parallel` to bring back.
job_command() {
  [[ ${#SUBMISSIONS[@]} -eq 1 ]] || die_usage "job takes one id"
  local id="${SUBMISSIONS[0]}" here cache
  here="$(pwd)"
  [[ -f "$id.tar" ]] || die_usage "job: no $id.tar in $here"
  cache="${XDG_CACHE_HOME:-$HOME/.cache}/raftlab-grade"
  mkdir -p "$cache/calibrations"
  rm -rf "$id" "$id.out"
  tar -xf "$id.tar"
  local flags=() sub="$here/$id/$id" extra=()
  mapfile -t flags < "$id/flags"
  [[ -e "$sub" ]] || sub="$here/$id/$id.so"
  [[ ! -f "$id/calibration.so" ]] || extra=(--calibration-plugin "$here/$id/calibration.so")
  local rc=0
  "$ROOT/grade.sh" --labtest "$LABTEST" ${COLLECT:+--collect "$COLLECT"} --out "$here/$id.out" \
    --config "$here/$id/raft_lab_test.yml" --calibration-cache "$cache/calibrations" \
    --baseline "$cache/reference_baseline.json" ${flags[@]+"${flags[@]}"} ${extra[@]+"${extra[@]}"} "$sub" || rc=$?
  local cal=""
  [[ ! -f "$id.out/$id/DONE" ]] || cal="$(sed -n 's/^calibration=//p' "$id.out/$id/DONE")"
  # Nothing to bring back when the run stopped before the student (a usage
  # error here, a refused calibration): its exit code and output say why.
  [[ -d "$id.out/$id" ]] || exit "$(( rc == 0 ? EXIT_INTERNAL : rc ))"
  tar -cf "$id.out.tar" -C "$id.out" "$id"
  if [[ -n "$cal" && -f "$cache/calibrations/$cal/key" ]]; then
    tar -rf "$id.out.tar" -C "$cache" "calibrations/$cal/key" "calibrations/$cal/calibration.json"
  fi
  exit "$rc"
}
[[ "$COMMAND" != job ]] || job_command

if [[ "$COMMAND" == one || "$COMMAND" == collect ]]; then
  [[ ${#GRADING_FLAGS[@]} -eq 0 ]] ||
    die_usage "'$COMMAND' takes the grading options from the plan; ${GRADING_FLAGS[*]} belong to 'grade.sh plan' (or plain grade.sh)"
  if [[ "$COMMAND" == collect ]]; then
    [[ ${#SUBMISSIONS[@]} -eq 0 ]] || die_usage "'collect' takes no submissions or ids (it collects the whole plan)"
  else
    [[ ${#SUBMISSIONS[@]} -gt 0 ]] || die_usage "'one' needs the ids of the students to grade (see DIR/plan.tsv)"
  fi
else
  [[ ${#SUBMISSIONS[@]} -gt 0 || "$RECORD_BASELINE" -eq 1 ]] || die_usage "no submissions given"
fi
if [[ "$COMMAND" == parallel ]]; then
  [[ -f "$SSHLOGINFILE" ]] || die_usage "grade.sh parallel needs --sshloginfile FILE (GNU parallel's format: [N/]host per line)"
  SSHLOGINFILE="$(cd "$(dirname "$SSHLOGINFILE")" && pwd)/$(basename "$SSHLOGINFILE")"
fi
[[ -x "$LABTEST" ]] || die_usage "labtest not found at '$LABTEST' (build it: cmake --preset default && cmake --build --preset default; or pass --labtest PATH)"
LABTEST="$(cd "$(dirname "$LABTEST")" && pwd)/$(basename "$LABTEST")"
[[ -n "$COLLECT" ]] || COLLECT="$(dirname "$LABTEST")/raftlab-grade-collect"
[[ -x "$COLLECT" ]] || die_usage "raftlab-grade-collect not found at '$COLLECT' (it is built with labtest; or pass --collect PATH)"

# Writes FILE atomically (temp file + rename) from stdin.
write_atomic() {
  local file="$1"
  cat > "$file.tmp.$$" && mv -f "$file.tmp.$$" "$file"
}

# "key=value" lines of FILE -> the value of KEY ("" when absent).
value_of() {  # file key
  [[ -f "$1" ]] || return 0
  sed -n "s/^$2=//p" "$1" | head -n 1
}

MARKER=".raftlab-grades"
declare -A STUDENT_OF=()   # name (the student's id) -> absolute submission path
STUDENTS=()

if [[ "$COMMAND" == one || "$COMMAND" == collect ]]; then
  # --- the plan: settings, options and students ----------------------------------
  [[ -f "$OUT/$MARKER" && -f "$OUT/plan.tsv" && -f "$OUT/settings" && -f "$OUT/options" ]] ||
    die_usage "'$OUT' holds no plan (run 'grade.sh plan --out $OUT ...' first)"
  OUT="$(cd "$OUT" && pwd)"
  CONFIG="$(value_of "$OUT/settings" config)"
  read -r -a PARTS <<< "$(value_of "$OUT/settings" parts | sed 's/^all$//')"
  POLICY="$(value_of "$OUT/settings" policy | sed 's/^catalogue$//')"
  TIMEOUT_SCALE="$(value_of "$OUT/settings" timeout_scale)"
  SEED="$(value_of "$OUT/settings" seed | sed 's/^random$//')"
  SIM_SEEDS="$(value_of "$OUT/settings" sim_seeds)"
  SIM_SEEDS="${SIM_SEEDS:-0}"
  JOBS="$(value_of "$OUT/options" jobs)"
  JOBS_PER_STUDENT="$(value_of "$OUT/options" jobs_per_student)"
  SKIP_CALIBRATION="$(value_of "$OUT/options" skip_calibration)"
  FORCE="$(value_of "$OUT/options" force)"
  MAX_SLOWDOWN="$(value_of "$OUT/options" max_slowdown)"
  CALIBRATION_PLUGIN="$(value_of "$OUT/options" calibration_plugin)"
  BASELINE="$(value_of "$OUT/options" baseline)"
  [[ -f "$CONFIG" ]] || die_usage "the planned catalogue '$CONFIG' is not readable here"
  while IFS=$'\t' read -r name sub; do
    [[ -n "$name" ]] || continue
    STUDENT_OF[$name]="$sub"
    STUDENTS+=("$name")
  done < "$OUT/plan.tsv"
else
  [[ -f "$CONFIG" ]] || die_usage "catalogue '$CONFIG' not found"
  CONFIG="$(cd "$(dirname "$CONFIG")" && pwd)/$(basename "$CONFIG")"
  if [[ -n "$CALIBRATION_PLUGIN" ]]; then
    [[ -f "$CALIBRATION_PLUGIN" ]] || die_usage "--calibration-plugin '$CALIBRATION_PLUGIN' not found"
    CALIBRATION_PLUGIN="$(cd "$(dirname "$CALIBRATION_PLUGIN")" && pwd)/$(basename "$CALIBRATION_PLUGIN")"
  fi
  [[ -n "$JOBS" ]] || JOBS="$(nproc 2>/dev/null || echo 1)"
  if [[ "$JOBS_PER_STUDENT" -gt "$JOBS" ]]; then JOBS_PER_STUDENT="$JOBS"; fi

  # --- submissions -> students -------------------------------------------------
  for sub in ${SUBMISSIONS[@]+"${SUBMISSIONS[@]}"}; do
    sub="${sub%/}"
    if [[ -d "$sub" ]]; then
      [[ -f "$sub/CMakeLists.txt" || -f "$sub/Cargo.toml" || -f "$sub/go.mod" ]] ||
        die_usage "'$sub' is a folder without CMakeLists.txt, Cargo.toml or go.mod (expected a layout like skeleton/, skeleton-rust/ or skeleton-go/)"
      name="$(basename "$sub")"
    elif [[ -f "$sub" ]]; then
      name="$(basename "$sub")"
      name="${name%.so}"
    else
      die_usage "submission '$sub' does not exist"
    fi
    name="$(printf '%s' "$name" | tr -c 'A-Za-z0-9._-' '_')"
    [[ -n "$name" && "$name" != .* ]] || die_usage "cannot make a student name from '$sub' (names may not start with '.')"
    case "$name" in
      grades.csv|calibration.json|calibrations|settings|options|plan.tsv|hosts.txt|catalogue.txt|logs|reference_baseline.json)
        die_usage "'$sub' gives the student name '$name', which grade.sh uses for its own files; rename it" ;;
    esac
    [[ -z "${STUDENT_OF[$name]+x}" ]] || die_usage "two submissions are named '$name' ('${STUDENT_OF[$name]}' and '$sub'); rename one"
    STUDENT_OF[$name]="$(cd "$(dirname "$sub")" && pwd)/$(basename "$sub")"
    STUDENTS+=("$name")
  done

  # --- the output folder -------------------------------------------------------
  mkdir -p "$OUT" || die_usage "cannot create --out '$OUT'"
  OUT="$(cd "$OUT" && pwd)"
  [[ -n "$BASELINE" ]] || BASELINE="$OUT/reference_baseline.json"
  if [[ ! -f "$OUT/$MARKER" && -n "$(ls -A "$OUT")" ]]; then
    die_usage "--out '$OUT' is not empty and was not made by grade.sh; choose another folder"
  fi
  if [[ "$RESTART" -eq 1 && -f "$OUT/$MARKER" ]]; then
    log "--restart: removing earlier results in $OUT"
    find "$OUT" -mindepth 1 -maxdepth 1 ! -name reference_baseline.json -exec rm -rf {} +
  fi
  # The settings a resumed grading must share with the first one.
  SETTINGS="config=$CONFIG
parts=${PARTS[*]:-all}
policy=${POLICY:-catalogue}
timeout_scale=${TIMEOUT_SCALE:-1}
seed=${SEED:-random}"
  # Only when set, so that a folder graded before --sim-seeds existed resumes.
  [[ "$SIM_SEEDS" -eq 0 ]] || SETTINGS+=$'\n'"sim_seeds=$SIM_SEEDS"
  if [[ -f "$OUT/settings" ]]; then
    if [[ "$(cat "$OUT/settings")" != "$SETTINGS" ]]; then
      die_usage "$OUT was graded with other settings:
$(cat "$OUT/settings")
now:
$SETTINGS
(use --restart to start over, or another --out)"
    fi
  else
    printf '%s\n' "$SETTINGS" | write_atomic "$OUT/settings"
  fi
  touch "$OUT/$MARKER"
fi
PARALLEL=$(( JOBS / JOBS_PER_STUDENT ))
[[ "$PARALLEL" -ge 1 ]] || PARALLEL=1
[[ -n "$CAL_ROOT" ]] || CAL_ROOT="$OUT/calibrations"

# --record-baseline: the reference's figures on this machine, then stop.
if [[ "$RECORD_BASELINE" -eq 1 ]]; then
  rflags=(-f "$CONFIG" --repeat "$BASELINE_RUNS" -j "$JOBS_PER_STUDENT" --color never
          --record-baseline "$BASELINE" --output-dir "$OUT/.baseline-logs")
  for p in ${PARTS[@]+"${PARTS[@]}"}; do rflags+=(--part "$p"); done
  [[ -z "$TIMEOUT_SCALE" ]] || rflags+=(--timeout-scale "$TIMEOUT_SCALE")
  [[ -z "$CALIBRATION_PLUGIN" ]] || rflags+=(--plugin "$CALIBRATION_PLUGIN")
  log "recording the reference baseline ($BASELINE_RUNS run(s) of each selected test) into $BASELINE..."
  rc=0
  "$LABTEST" "${rflags[@]}" > "$OUT/baseline.log" 2>&1 || rc=$?
  if [[ "$rc" -ne 0 ]]; then
    echo "$PROG: the reference did not pass every run (labtest exit $rc), so no baseline was recorded; see $OUT/baseline.log" >&2
    exit "$EXIT_CALIBRATION"
  fi
  log "baseline recorded: $BASELINE"
  exit "$EXIT_OK"
fi

# The labtest flags every run shares (students and calibration); -j is added
# per run (students -j K, calibration -j N), and -f too: each run reads a copy
# of the catalogue in its own folder.
COMMON_FLAGS=(--repeat-from-config --color never)
selection_flags
COMMON_FLAGS+=(${SELECTION[@]+"${SELECTION[@]}"})
COLLECT_FLAGS=(-f "$CONFIG")
for p in ${PARTS[@]+"${PARTS[@]}"}; do COLLECT_FLAGS+=(--part "$p"); done
# --sim-seeds N: the simulated runs of each submission (and of calibration),
# after its real-time ones: the same parts, catalogue and --timeout-scale,
# N seeds per test (labtest --sim --repeat N), the base seed added per run.
SIM_FLAGS=(--sim --repeat "$SIM_SEEDS" --color never)
for p in ${PARTS[@]+"${PARTS[@]}"}; do SIM_FLAGS+=(--part "$p"); done
[[ -z "$TIMEOUT_SCALE" ]] || SIM_FLAGS+=(--timeout-scale "$TIMEOUT_SCALE")

if [[ "$COMMAND" == all || "$COMMAND" == plan || "$COMMAND" == parallel || "$COMMAND" == slurm ]]; then
  # Check the catalogue and selection once, so a typo fails here and not N times.
  if ! "$LABTEST" --list -f "$CONFIG" "${COMMON_FLAGS[@]}" > "$OUT/catalogue.txt" 2> "$OUT/catalogue.err"; then
    cat "$OUT/catalogue.err" >&2
    die_usage "labtest rejects the catalogue or the selection (above)"
  fi
  rm -f "$OUT/catalogue.err"
  # The plan: the students (the latest plan's list; finished students keep
  # their DONE) and the options every later step reads.
  for name in ${STUDENTS[@]+"${STUDENTS[@]}"}; do
    printf '%s\t%s\n' "$name" "${STUDENT_OF[$name]}"
  done | write_atomic "$OUT/plan.tsv"
  printf 'jobs=%s\njobs_per_student=%s\nskip_calibration=%s\nforce=%s\nmax_slowdown=%s\ncalibration_plugin=%s\nbaseline=%s\n' \
    "$JOBS" "$JOBS_PER_STUDENT" "$SKIP_CALIBRATION" "$FORCE" "$MAX_SLOWDOWN" "$CALIBRATION_PLUGIN" "$BASELINE" |
    write_atomic "$OUT/options"
  if [[ "$COMMAND" == plan ]]; then
    log "planned ${#STUDENTS[@]} submission(s) in $OUT/plan.tsv; grade each with: $0 one --out $OUT ID"
    cat "$OUT/plan.tsv"
    exit "$EXIT_OK"
  fi
fi

# --- interruption --------------------------------------------------------------
# Workers run as background jobs with job control on, so each is its own
# process group: an interrupt stops every worker's whole tree (builds,
# labtest and its test children). No DONE is written for an unfinished
# student, so the next run grades it again. The signal received is the one
# passed on (labtest records it: interrupt_signal 2 for SIGINT, 15 for
# SIGTERM). Further INT/TERM are ignored while the workers stop: `timeout -s
# INT` and a terminal deliver the signal twice (to the script and to its
# process group), and dying on the second would orphan the workers. A worker
# that has not stopped after STOP_GRACE_S gets SIGKILL.
set -m
STOP_GRACE_S=30
on_signal() {
  local sig="$1" code="$2"
  trap '' INT TERM
  echo "" >&2
  echo "$PROG: interrupted; stopping the running gradings (finished results are kept; run the same command to resume)" >&2
  local pid waited=0
  # Each running job's pid is its process group (job control is on).
  for pid in $(jobs -rp); do kill "-$sig" -- "-$pid" 2>/dev/null || true; done
  while [[ -n "$(jobs -rp)" && "$waited" -lt $(( STOP_GRACE_S * 10 )) ]]; do
    sleep 0.1
    waited=$(( waited + 1 ))
  done
  for pid in $(jobs -rp); do kill -KILL -- "-$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  exit "$code"
}
trap 'on_signal INT 130' INT
trap 'on_signal TERM 143' TERM

# --- calibration ---------------------------------------------------------------
# One calibration per host and key (see --help): CAL_ID names it in
# DIR/calibrations/, CAL_VERDICT is ok, refused (graded anyway: --force) or
# skipped. Both go into every DONE this process writes.
HOST="$(hostname 2>/dev/null || uname -n)"
CAL_ID=""
CAL_VERDICT=""

calibration_key() {
  local cpu plugin_hash="bundled" baseline_hash="none"
  cpu="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)"
  [[ -z "$CALIBRATION_PLUGIN" ]] || plugin_hash="$(sha256sum < "$CALIBRATION_PLUGIN" | cut -c1-16)"
  [[ ! -f "$BASELINE" ]] || baseline_hash="$(sha256sum < "$BASELINE" | cut -c1-16)"
  printf 'host=%s\ncpu=%s\ncpus=%s\nlabtest=%s\ncatalogue=%s\nparts=%s\ntimeout_scale=%s\njobs=%s\nplugin=%s\nbaseline=%s\nmax_slowdown=%s\n' \
    "$HOST" "${cpu:-unknown}" "$(nproc 2>/dev/null || echo 1)" "$(sha256sum < "$LABTEST" | cut -c1-16)" \
    "$(sha256sum < "$CONFIG" | cut -c1-16)" "${PARTS[*]:-all}" "${TIMEOUT_SCALE:-1}" "$JOBS" "$plugin_hash" \
    "$baseline_hash" "$MAX_SLOWDOWN"
  # Only when set, so that the keys (and cached calibrations) of gradings
  # without simulated seeds stay what they were.
  [[ "$SIM_SEEDS" -eq 0 ]] || printf 'sim_seeds=%s\n' "$SIM_SEEDS"
}

verdict_of() {  # calibration.json -> ok | refused | "" (none yet)
  [[ -f "$1" ]] || return 0
  sed -n 's/.*"verdict": *"\([a-z]*\)".*/\1/p' "$1" | head -n 1
}

# Runs the reference into DIR/calibrations/$CAL_ID; returns collect's code.
run_calibration() {
  local dir="$CAL_ROOT/$CAL_ID"
  rm -rf "$dir"
  mkdir -p "$dir"
  calibration_key > "$dir/key"
  local plugin_flags=()
  local what="the bundled reference"
  if [[ -n "$CALIBRATION_PLUGIN" ]]; then
    plugin_flags=(--plugin "$CALIBRATION_PLUGIN")
    what="$CALIBRATION_PLUGIN"
  fi
  log "calibration $CAL_ID on $HOST: running $what through the selected tests (labtest -j $JOBS)..."
  local rc=0
  cp "$CONFIG" "$dir/raft_lab_test.yml"
  # 9>&-: the lock stays with this script, not with labtest.
  "$LABTEST" ${plugin_flags[@]+"${plugin_flags[@]}"} -f "$dir/raft_lab_test.yml" -j "$JOBS" "${COMMON_FLAGS[@]}" \
    --output "json:$dir/results.json" --output-dir "$dir/logs" > "$dir/labtest.log" 2>&1 9>&- &
  wait $! || rc=$?
  # --sim-seeds: the reference's simulated seeds must all pass as well.
  local sim_flags=()
  if [[ "$SIM_SEEDS" -gt 0 ]]; then
    local src=0
    mkdir -p "$dir/sim"
    log "calibration $CAL_ID: the same tests under simulated time, $SIM_SEEDS seed(s) each..."
    "$LABTEST" ${plugin_flags[@]+"${plugin_flags[@]}"} -f "$dir/raft_lab_test.yml" -j "$JOBS" "${SIM_FLAGS[@]}" \
      ${SEED:+--seed "$SEED"} --output "json:$dir/sim/results.json" --output-dir "$dir/sim/logs" \
      > "$dir/sim/labtest.log" 2>&1 9>&- &
    wait $! || src=$?
    sim_flags=(--sim-results "$dir/sim/results.json" --sim-labtest-exit "$src" --sim-seeds "$SIM_SEEDS")
  fi
  local crc=0
  "$COLLECT" "${COLLECT_FLAGS[@]}" --calibration "$dir/results.json" --labtest-exit "$rc" \
    ${sim_flags[@]+"${sim_flags[@]}"} \
    --baseline "$BASELINE" --max-slowdown "$MAX_SLOWDOWN" --write "$dir/calibration.json" 9>&- || crc=$?
  return "$crc"
}

ensure_calibration() {
  if [[ "$SKIP_CALIBRATION" -eq 1 ]]; then
    CAL_ID=skipped
    CAL_VERDICT=skipped
    printf '{"format": "raftlab-calibration", "format_version": 1, "verdict": "skipped"}\n' |
      write_atomic "$OUT/calibration.json"
    log "calibration skipped (--skip-calibration)"
    return 0
  fi
  CAL_ID="$(calibration_key | sha256sum | cut -c1-12)"
  local dir="$CAL_ROOT/$CAL_ID"
  mkdir -p "$CAL_ROOT"
  # Several `one` on this host at once calibrate once: the first holds the lock.
  exec 9> "$CAL_ROOT/$CAL_ID.lock"
  flock 9
  local verdict crc=0
  verdict="$(verdict_of "$dir/calibration.json")"
  if [[ "$verdict" == ok || ( "$verdict" == refused && "$FORCE" -eq 1 ) ]]; then
    log "calibration $CAL_ID on $HOST: cached verdict '$verdict' ($dir)"
  else
    run_calibration || crc=$?
    verdict="$(verdict_of "$dir/calibration.json")"
    if [[ "$crc" -ne 0 && "$crc" -ne 5 ]]; then
      exec 9>&-
      echo "$PROG: calibration could not be judged (raftlab-grade-collect exited with $crc)" >&2
      exit "$EXIT_INTERNAL"
    fi
  fi
  exec 9>&-
  write_atomic "$OUT/calibration.json" < "$dir/calibration.json"
  CAL_VERDICT="$verdict"
  if [[ "$verdict" == ok ]]; then return 0; fi
  if [[ "$FORCE" -eq 1 ]]; then
    log "calibration refused, but --force: grading anyway (recorded in $dir/calibration.json)"
    return 0
  fi
  echo "$PROG: the machine is too loaded (or broken) to grade fairly; nothing was graded." >&2
  echo "$PROG: details: $dir/calibration.json and $dir/labtest.log; --force grades anyway" >&2
  exit "$EXIT_CALIBRATION"
}

# --- grading one student -------------------------------------------------------
BUILD_TIMEOUT_S=900
# --foreground: timeout stays in the worker's process group, so an interrupt
# reaches the build too.
TIMEOUT=""
if command -v timeout > /dev/null; then TIMEOUT="timeout --foreground $BUILD_TIMEOUT_S"; fi

# The build sandbox. A student's CMakeLists is untrusted code, run on the
# grading host, so the build gets what the tests' sandbox enforces where a
# compiler can live with it (the tests' seccomp filter forbids exec and fork,
# which a build needs): with bubblewrap, an empty network namespace, a
# read-only file system except the build folder (TMPDIR inside it), its own
# PID namespace (every build process dies with it); and always rlimits
# (memory 4 GiB, CPU 600 s and file size 1 GiB per process, 1024 open files,
# no core dumps). BUILD_SANDBOX says which: bwrap, or rlimits when bwrap is
# missing or refused here (a warning; scripts/setup.sh installs bubblewrap).
BUILD_RLIMITS=(prlimit --as=$(( 4 << 30 )) --cpu=600 --fsize=$(( 1 << 30 )) --nofile=1024 --core=0 --)
BUILD_SANDBOX=""
probe_build_sandbox() {  # sets BUILD_SANDBOX once, before grading
  BUILD_SANDBOX=rlimits
  if command -v bwrap > /dev/null &&
     bwrap --ro-bind / / --dev /dev --proc /proc --unshare-net --unshare-pid --die-with-parent -- true 2> /dev/null; then
    BUILD_SANDBOX=bwrap
  else
    log "warning: student builds run with rlimits only (no bubblewrap here, or it is refused): they can reach the network and write outside their build folder"
  fi
}

# Runs a build command in the sandbox, stopped after BUILD_TIMEOUT_S.
sandboxed_build() {  # bdir command...
  local bdir="$1"
  shift
  mkdir -p "$bdir/tmp"
  if [[ "$BUILD_SANDBOX" == bwrap ]]; then
    TMPDIR="$bdir/tmp" $TIMEOUT bwrap --ro-bind / / --dev /dev --proc /proc --bind "$bdir" "$bdir" \
      --unshare-net --unshare-pid --unshare-ipc --die-with-parent -- "${BUILD_RLIMITS[@]}" "$@"
  else
    TMPDIR="$bdir/tmp" $TIMEOUT "${BUILD_RLIMITS[@]}" "$@"
  fi
}
# cargo for Rust submissions: on PATH, else rustup's default place.
CARGO="$(command -v cargo || true)"
if [[ -z "$CARGO" && -x "${HOME:-/root}/.cargo/bin/cargo" ]]; then CARGO="${HOME:-/root}/.cargo/bin/cargo"; fi
# go for Go submissions: on PATH, else the upstream tarball's place.
GO="$(command -v go || true)"
if [[ -z "$GO" && -x /usr/local/go/bin/go ]]; then GO=/usr/local/go/bin/go; fi

# Writes DONE (finished) or ERROR (not finished: retried next time) last.
finish() {  # dir outcome reason labtest_exit [sim]
  { printf 'outcome=%s\nreason=%s\nlabtest_exit=%s\nhost=%s\ncalibration=%s\ncalibration_verdict=%s\nbuild_sandbox=%s\n' \
      "$2" "$3" "$4" "$HOST" "$CAL_ID" "$CAL_VERDICT" "$BUILD_SANDBOX"
    [[ -z "${5:-}" ]] || printf 'sim=%s\n' "$5"
  } | write_atomic "$1/DONE"
}
fail_infra() {  # dir reason
  printf 'reason=%s\n' "$2" | write_atomic "$1/ERROR"
}

# The reports of a student who never reached a test (build or load failed):
# results.json, junit.xml and gradescope.json with every test 0 and the first
# error of LOG, each FROM of the FROM=TO pairs (the grader's paths) replaced by its TO.
not_run_reports() {  # dir outcome reason log [FROM=TO...]
  local dir="$1" outcome="$2" reason="$3" log="$4"
  shift 4
  local maps=()
  for m in "$@"; do maps+=(--map "$m"); done
  "$COLLECT" "${COLLECT_FLAGS[@]}" ${POLICY:+--policy "$POLICY"} --not-run "$outcome" --reason "$reason" \
    --log "$log" ${maps[@]+"${maps[@]}"} --write-dir "$dir"
}

# --sim-seeds: the simulated runs of a student whose real-time labtest ran
# (in DIR, as that one: relative paths, so the replay commands the student
# sees name none of the grader's folders), with the real-time run's base
# seed. Writes DIR/sim/status (seeds, state=ran|not-simulation-ready,
# reason, labtest_exit) and adds the runs to junit.xml and gradescope.json
# (raftlab-grade-collect --merge-sim). Sets SIM_STATE; returns 0 when done,
# 1 when interrupted, 2 on an infrastructure error (SIM_ERROR says which).
SIM_STATE=""
SIM_ERROR=""
simulate_student() {  # dir
  local dir="$1" base="$SEED" src=0 state reason=""
  SIM_STATE=""
  SIM_ERROR=""
  if [[ -z "$base" ]]; then
    base="$(sed -n 's/^ *"base_seed": *\([0-9][0-9]*\).*/\1/p' "$dir/results.json" | head -n 1)"
    [[ -n "$base" ]] || { SIM_ERROR="results.json names no base seed for the simulated runs"; return 2; }
  fi
  mkdir -p "$dir/sim"
  ( cd "$dir" && PATH="$(dirname "$LABTEST"):$PATH" exec labtest --plugin libraft.so -f raft_lab_test.yml \
      -j "$JOBS_PER_STUDENT" "${SIM_FLAGS[@]}" --seed "$base" --output json:sim/results.json \
      --output-dir sim/logs ) > "$dir/sim/labtest.log" 2>&1 || src=$?
  case "$src" in
    0|1)
      [[ -s "$dir/sim/results.json" ]] ||
        { SIM_ERROR="labtest --sim exited with $src but wrote no sim/results.json"; return 2; }
      state=ran ;;
    2|3)
      # The real-time run of the same plugin, catalogue and selection went
      # through, so this is labtest refusing the plugin under --sim (its
      # own threads, sleeps or clock; no promise; Go): one line says why.
      # The reference is never refused (calibration would say so).
      state=not-simulation-ready
      reason="$(grep -e '--sim' "$dir/sim/labtest.log" | grep -v -e 'warning:' | head -n 1 | tr -d '\r' || true)"
      [[ -n "$reason" ]] || reason="$(grep -m1 -v '^$' "$dir/sim/labtest.log" | tr -d '\r' || true)"
      reason="${reason:-labtest --sim exited with $src (see sim/labtest.log)}" ;;
    130|143) return 1 ;;
    *) SIM_ERROR="labtest --sim exited with $src (see sim/labtest.log)"; return 2 ;;
  esac
  printf 'seeds=%s\nstate=%s\nreason=%s\nlabtest_exit=%s\n' "$SIM_SEEDS" "$state" "$reason" "$src" |
    write_atomic "$dir/sim/status"
  "$COLLECT" "${COLLECT_FLAGS[@]}" ${POLICY:+--policy "$POLICY"} --merge-sim "$dir" --sim-seeds "$SIM_SEEDS" ||
    { SIM_ERROR="could not add the simulated runs to junit.xml and gradescope.json"; return 2; }
  SIM_STATE="$state"
  return 0
}

grade_one() {
  local name="$1" sub="$2"
  local dir="$OUT/$name"
  rm -rf "$dir"
  mkdir -p "$dir"
  printf '%s\n' "$sub" > "$dir/submission"
  # labtest runs inside the student's folder with relative paths (the plugin
  # as libraft.so, the catalogue as raft_lab_test.yml, labtest found on PATH),
  # so the rerun commands and file names that junit.xml and gradescope.json
  # show the student name none of the grader's folders.
  if [[ -d "$sub" ]]; then
    local bdir="$OUT/.scratch/$name"
    rm -rf "$bdir"
    mkdir -p "$bdir"
    # The grader's folders as the student's quoted build output shows them.
    local maps=("$bdir/=build/" "$bdir=build" "$sub/=" "$sub=." "$ROOT/include=raftlab/include" "$OUT/=")
    # In the build sandbox; a build that hangs (or a CMakeLists that loops)
    # is stopped after BUILD_TIMEOUT_S.
    local built=0 sodir="$bdir" depth=2
    if [[ -f "$sub/CMakeLists.txt" ]]; then
      { sandboxed_build "$bdir" cmake -S "$sub" -B "$bdir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
          "-DRAFTLAB_INCLUDE_DIR=$ROOT/include" &&
        sandboxed_build "$bdir" cmake --build "$bdir" -j "$JOBS_PER_STUDENT"; } > "$dir/build.log" 2>&1 && built=1
    elif [[ -f "$sub/go.mod" && ! -f "$sub/Cargo.toml" ]]; then
      if [[ -z "$GO" ]]; then
        echo "$PROG: go not found (bash scripts/setup.sh installs golang-go): cannot build a Go submission" \
          > "$dir/build.log"
      else
        # skeleton-go/: the layer travels inside the folder; no network
        # (GOPROXY=off, and the sandbox's empty network namespace); the
        # caches and go's temporary files in the scratch folder.
        sandboxed_build "$bdir" env -C "$sub" GOPROXY=off GOFLAGS=-buildvcs=false GOWORK=off GO111MODULE=on \
          CGO_ENABLED=1 GOTELEMETRY=off GOCACHE="$bdir/gocache" GOPATH="$bdir/gopath" GOTMPDIR="$bdir/tmp" \
          "$GO" build -p "$JOBS_PER_STUDENT" -buildmode=c-shared -o "$bdir/libraft.so" . \
          > "$dir/build.log" 2>&1 && built=1
        depth=1
      fi
    elif [[ -z "$CARGO" ]]; then
      echo "$PROG: cargo not found (bash scripts/setup.sh installs it): cannot build a Rust submission" \
        > "$dir/build.log"
    else
      # skeleton-rust/: the glue crate travels inside the folder; no network
      # (--offline, and the sandbox's empty network namespace).
      sandboxed_build "$bdir" "$CARGO" build --release --offline -j "$JOBS_PER_STUDENT" \
        --manifest-path "$sub/Cargo.toml" --target-dir "$bdir" > "$dir/build.log" 2>&1 && built=1
      sodir="$bdir/release"
      depth=1
    fi
    if [[ "$built" -ne 1 ]]; then
      rm -rf "$bdir"
      not_run_reports "$dir" build-failed "the submission did not build" "$dir/build.log" "${maps[@]}" ||
        { fail_infra "$dir" "could not write the reports of a failed build"; return 0; }
      finish "$dir" build-failed "build failed (compiler output in $name/build.log)" ""
      echo "$name: build failed (see $dir/build.log)"
      return 0
    fi
    # The skeleton's libraft.so, else the first .so the build made.
    local plugin
    plugin="$(find "$sodir" -maxdepth "$depth" -name 'libraft.so' -type f | head -n 1)"
    [[ -n "$plugin" ]] || plugin="$(find "$sodir" -maxdepth "$depth" -name '*.so' -type f | sort | head -n 1)"
    if [[ -z "$plugin" ]]; then
      rm -rf "$bdir"
      not_run_reports "$dir" build-failed "the build made no .so" "$dir/build.log" "${maps[@]}" ||
        { fail_infra "$dir" "could not write the reports of a failed build"; return 0; }
      finish "$dir" build-failed "the build made no .so (see $name/build.log)" ""
      echo "$name: build made no .so"
      return 0
    fi
    cp "$plugin" "$dir/libraft.so"
    rm -rf "$bdir"
  else
    cp "$sub" "$dir/libraft.so"
  fi
  cp "$CONFIG" "$dir/raft_lab_test.yml"
  local rc=0
  ( cd "$dir" && PATH="$(dirname "$LABTEST"):$PATH" exec labtest --plugin libraft.so -f raft_lab_test.yml \
      -j "$JOBS_PER_STUDENT" "${COMMON_FLAGS[@]}" --output json:results.json --output junit:junit.xml \
      --output gradescope:gradescope.json --output-dir logs ) > "$dir/labtest.log" 2>&1 || rc=$?
  case "$rc" in
    0|1)
      if [[ ! -s "$dir/results.json" ]]; then
        fail_infra "$dir" "labtest exited with $rc but wrote no results.json"
        echo "$name: ERROR (no results.json)"
        return 0
      fi
      if [[ "$SIM_SEEDS" -gt 0 ]]; then
        local sim_rc=0
        simulate_student "$dir" || sim_rc=$?
        case "$sim_rc" in
          0) ;;
          1) echo "$name: interrupted"; return 0 ;;
          *) fail_infra "$dir" "$SIM_ERROR"; echo "$name: ERROR ($SIM_ERROR)"; return 0 ;;
        esac
      fi
      # What students see never names the grader's folders (stack dumps
      # carry the harness's source paths).
      # A source submission's own folder too: crash reports name the
      # student's source files by the path they were built from.
      local sub_map=()
      [[ ! -d "$sub" ]] || sub_map=(--map "$sub/=")
      "$COLLECT" --scrub "$dir/junit.xml" "$dir/gradescope.json" ${SIM_STATE:+"$dir/sim/junit.xml"} \
          --map "$ROOT/=raftlab/" --map "$OUT/=" \
          --map "$(dirname "$LABTEST")/=" ${sub_map[@]+"${sub_map[@]}"} ||
        { fail_infra "$dir" "could not remove the grader's paths from junit.xml and gradescope.json"; return 0; }
      finish "$dir" graded "" "$rc" "$SIM_STATE"
      echo "$name: graded (labtest exit $rc${SIM_STATE:+; simulated: $SIM_STATE})" ;;
    3)
      local why
      why="$(grep -m1 '^labtest: ' "$dir/labtest.log" | sed 's/^labtest: //' | tr -d '\r' || true)"
      not_run_reports "$dir" load-failed "the plugin does not load: ${why:-see labtest.log}" "$dir/labtest.log" \
          "$OUT/=" || { fail_infra "$dir" "could not write the reports of a failed load"; return 0; }
      finish "$dir" load-failed "plugin does not load: ${why:-see labtest.log}" "$rc"
      echo "$name: plugin does not load" ;;
    130|143)
      # Interrupted (the signal reached labtest too): nothing is written, so
      # the next run grades this student again.
      echo "$name: interrupted" ;;
    *)
      fail_infra "$dir" "labtest exited with $rc (see $name/labtest.log)"
      echo "$name: ERROR (labtest exited with $rc)" ;;
  esac
}

# --- the table and the host check ----------------------------------------------
# grades.csv and the score table over the plan; DIR/hosts.txt: per calibration
# (host and key) its verdict and students, with warnings on stderr when the
# class was graded under more than one calibration or a refused one.
collect_class() {
  local collect_rc=0
  local sim_flags=()
  [[ "$SIM_SEEDS" -eq 0 ]] || sim_flags=(--sim-seeds "$SIM_SEEDS")
  "$COLLECT" "${COLLECT_FLAGS[@]}" ${POLICY:+--policy "$POLICY"} ${sim_flags[@]+"${sim_flags[@]}"} --grades "$OUT" \
    --csv "$OUT/grades.csv" --json "$OUT/grades.json" ${STUDENTS[@]+"${STUDENTS[@]}"} || collect_rc=$?
  if [[ "$collect_rc" -ne 0 ]]; then
    echo "$PROG: could not write $OUT/grades.csv (raftlab-grade-collect exited with $collect_rc)" >&2
    exit "$EXIT_INTERNAL"
  fi

  declare -A cal_students=() cal_host=() cal_verdict=()
  local name done_file id
  local ungraded=()
  for name in ${STUDENTS[@]+"${STUDENTS[@]}"}; do
    done_file="$OUT/$name/DONE"
    if [[ ! -f "$done_file" ]]; then
      ungraded+=("$name")
      continue
    fi
    id="$(value_of "$done_file" calibration)"
    id="${id:-unrecorded}"
    cal_students[$id]="${cal_students[$id]:+${cal_students[$id]} }$name"
    cal_host[$id]="$(value_of "$done_file" host)"
    cal_verdict[$id]="$(value_of "$done_file" calibration_verdict)"
  done
  {
    printf 'calibration\thost\tcpu\tverdict\tstudents\n'
    for id in "${!cal_students[@]}"; do
      local cpu=""
      [[ ! -f "$OUT/calibrations/$id/key" ]] || cpu="$(value_of "$OUT/calibrations/$id/key" cpu)"
      printf '%s\t%s\t%s\t%s\t%s\n' "$id" "${cal_host[$id]:-?}" "${cpu:-?}" "${cal_verdict[$id]:-?}" \
        "${cal_students[$id]}"
    done | sort
  } | write_atomic "$OUT/hosts.txt"
  if [[ ${#cal_students[@]} -gt 1 ]]; then
    echo "$PROG: warning: the class was graded under ${#cal_students[@]} different calibrations (hosts or settings); timing-sensitive results may not compare (see $OUT/hosts.txt):" >&2
    for id in "${!cal_students[@]}"; do
      echo "$PROG:   calibration $id on ${cal_host[$id]:-?} (${cal_verdict[$id]:-?}): ${cal_students[$id]}" >&2
    done
  fi
  for id in "${!cal_students[@]}"; do
    case "${cal_verdict[$id]}" in
      ok) ;;
      refused) echo "$PROG: warning: graded although calibration $id on ${cal_host[$id]:-?} was refused (--force): ${cal_students[$id]}" >&2 ;;
      skipped) echo "$PROG: warning: graded without calibration (--skip-calibration): ${cal_students[$id]}" >&2 ;;
      *) echo "$PROG: warning: no calibration recorded for: ${cal_students[$id]}" >&2 ;;
    esac
  done
  if [[ ${#ungraded[@]} -gt 0 ]]; then
    echo "$PROG: ${#ungraded[@]} submission(s) could not be graded: ${ungraded[*]} (see their ERROR file; run the same command again to retry them)" >&2
    exit "$EXIT_UNGRADED"
  fi
  exit "$EXIT_OK"
}

# --- parallel: `one` per student over SSH hosts with GNU parallel --------------
# Each student travels as OUT/.jobs/ID.tar (the submission, the catalogue, the
# grading flags, the calibration plugin) to a host of --sshloginfile, where
# REMOTE_ROOT/grade.sh (default: this tree's path) runs `job ID`; ID.out.tar
# comes back (the student's folder and the host's calibration) and is
# unpacked into OUT. parallel runs OUT/--jobs / --jobs-per-student students
# at once per host.
parallel_fanout() {
  command -v parallel > /dev/null || die_usage "grade.sh parallel needs GNU parallel (Debian: apt-get install parallel)"
  local jobs="$OUT/.jobs" remote="${REMOTE_ROOT:-$ROOT}" name
  rm -rf "$jobs"
  mkdir -p "$jobs"
  local flags=(--jobs "$JOBS" --jobs-per-student "$JOBS_PER_STUDENT" --max-slowdown "$MAX_SLOWDOWN")
  selection_flags
  grade_only_flags
  flags+=(${SELECTION[@]+"${SELECTION[@]}"} ${GRADE_ONLY[@]+"${GRADE_ONLY[@]}"})
  [[ "$SKIP_CALIBRATION" -eq 0 ]] || flags+=(--skip-calibration)
  [[ "$FORCE" -eq 0 ]] || flags+=(--force)
  for name in ${TODO[@]+"${TODO[@]}"}; do
    local sub="${STUDENT_OF[$name]}"
    mkdir -p "$jobs/$name"
    if [[ -d "$sub" ]]; then cp -r "$sub" "$jobs/$name/$name"; else cp "$sub" "$jobs/$name/$name.so"; fi
    cp "$CONFIG" "$jobs/$name/raft_lab_test.yml"
    [[ -z "$CALIBRATION_PLUGIN" ]] || cp "$CALIBRATION_PLUGIN" "$jobs/$name/calibration.so"
    printf '%s\n' "${flags[@]}" > "$jobs/$name/flags"
    tar -C "$jobs" -cf "$jobs/$name.tar" "$name"
    rm -rf "${jobs:?}/$name"
  done
  log "grading ${#TODO[@]} submission(s) over the hosts of $SSHLOGINFILE, $PARALLEL at a time per host (GNU parallel)"
  local rc=0
  ( cd "$jobs" && exec parallel --sshloginfile "$SSHLOGINFILE" -j "$PARALLEL" --workdir ... \
      --transferfile {}.tar --return {}.out.tar --cleanup --tag --line-buffer \
      "$remote/grade.sh" job {} ::: "${TODO[@]}" ) &
  wait $! || rc=$?
  [[ "$rc" -eq 0 ]] || log "GNU parallel exited with $rc (jobs that failed have no DONE: see below)"
  for name in ${TODO[@]+"${TODO[@]}"}; do
    [[ -s "$jobs/$name.out.tar" ]] || continue
    rm -rf "${OUT:?}/$name"
    tar -C "$OUT" -xf "$jobs/$name.out.tar" || log "$name: could not unpack what its host sent back"
  done
  rm -rf "$jobs"
}

# --- slurm: `one` per student as a Slurm job array ----------------------------
# Plans here, then writes DIR/slurm/one.sbatch (array task K grades the plan's
# line K with `grade.sh one`) and DIR/slurm/collect.sbatch, and submits the
# array (at most --max-running tasks at once: sbatch's %K) and a collect job
# that runs after it (--dependency=afterany). The nodes must see DIR, this
# tree and labtest at the same paths (a shared file system). Each task asks for
# --jobs-per-student CPUs; calibration is cached per node in DIR/calibrations.
slurm_submit() {
  command -v sbatch > /dev/null || die_usage "grade.sh slurm needs Slurm's sbatch on PATH"
  local sdir="$OUT/slurm" n="${#STUDENTS[@]}"
  mkdir -p "$sdir"
  local tools
  tools="--labtest $(printf '%q' "$LABTEST") --collect $(printf '%q' "$COLLECT") --out $(printf '%q' "$OUT")"
  cat > "$sdir/one.sbatch" <<EOF
#!/usr/bin/env bash
# A task of raftlab's grading array: grades line \$SLURM_ARRAY_TASK_ID of plan.tsv.
set -euo pipefail
id="\$(sed -n "\${SLURM_ARRAY_TASK_ID}p" $(printf '%q' "$OUT/plan.tsv") | cut -f1)"
[[ -n "\$id" ]] || { echo "no line \$SLURM_ARRAY_TASK_ID in the plan" >&2; exit 2; }
exec $(printf '%q' "$ROOT/grade.sh") one $tools "\$id"
EOF
  cat > "$sdir/collect.sbatch" <<EOF
#!/usr/bin/env bash
# After the grading array: grades.csv, the table and hosts.txt.
exec $(printf '%q' "$ROOT/grade.sh") collect $tools
EOF
  local common=()
  [[ -z "$SLURM_PARTITION" ]] || common+=(--partition "$SLURM_PARTITION")
  [[ -z "$SLURM_ACCOUNT" ]] || common+=(--account "$SLURM_ACCOUNT")
  local array_opts=(--parsable --job-name raftlab-grade --array "1-$n%$SLURM_MAX_RUNNING"
                    --cpus-per-task "$JOBS_PER_STUDENT" --output "$sdir/one-%A_%a.log")
  [[ -z "$SLURM_TIME" ]] || array_opts+=(--time "$SLURM_TIME")
  [[ -z "$SLURM_MEM" ]] || array_opts+=(--mem "$SLURM_MEM")
  local array_id collect_id
  array_id="$(sbatch ${common[@]+"${common[@]}"} "${array_opts[@]}" "$sdir/one.sbatch")" ||
    { echo "$PROG: sbatch refused the grading array (above)" >&2; exit "$EXIT_INTERNAL"; }
  array_id="${array_id%%;*}"
  collect_id="$(sbatch ${common[@]+"${common[@]}"} --parsable --job-name raftlab-collect \
      --dependency "afterany:$array_id" --output "$sdir/collect-%j.log" "$sdir/collect.sbatch")" ||
    { echo "$PROG: sbatch refused the collect job (above); the array $array_id runs" >&2; exit "$EXIT_INTERNAL"; }
  collect_id="${collect_id%%;*}"
  printf 'array=%s\ncollect=%s\n' "$array_id" "$collect_id" | write_atomic "$sdir/jobs"
  log "submitted the grading array $array_id ($n task(s), at most $SLURM_MAX_RUNNING at once) and the collect job $collect_id (after it); logs in $sdir, grades in $OUT/grades.csv"
  exit "$EXIT_OK"
}

# --- the commands --------------------------------------------------------------
if [[ "$COMMAND" == collect ]]; then
  collect_class
fi

# The students of the plan still to grade.
TODO=()
if [[ "$COMMAND" == one ]]; then
  for name in "${SUBMISSIONS[@]}"; do
    [[ -n "${STUDENT_OF[$name]+x}" ]] || die_usage "'$name' is not an id of $OUT/plan.tsv"
  done
  CANDIDATES=("${SUBMISSIONS[@]}")
else
  CANDIDATES=("${STUDENTS[@]}")
fi
for name in "${CANDIDATES[@]}"; do
  if [[ -f "$OUT/$name/DONE" ]]; then
    log "$name: already graded (kept; --restart re-grades)"
  else
    TODO+=("$name")
  fi
done

[[ "$COMMAND" != slurm ]] || slurm_submit
if [[ "$COMMAND" == parallel ]]; then
  [[ ${#TODO[@]} -eq 0 ]] || parallel_fanout
  collect_class
fi
if [[ ${#TODO[@]} -gt 0 ]]; then
  ensure_calibration
  probe_build_sandbox
fi

if [[ "$COMMAND" == one ]]; then
  # One student at a time: the engine that runs `one` decides the parallelism.
  for name in ${TODO[@]+"${TODO[@]}"}; do
    grade_one "$name" "${STUDENT_OF[$name]}" &
    wait $! || true
  done
  missing=()
  for name in "${CANDIDATES[@]}"; do
    [[ -f "$OUT/$name/DONE" ]] || missing+=("$name")
  done
  if [[ ${#missing[@]} -gt 0 ]]; then
    echo "$PROG: not graded: ${missing[*]} (see their ERROR file; run 'one' again to retry)" >&2
    exit "$EXIT_UNGRADED"
  fi
  exit "$EXIT_OK"
fi

# --- grading the class here ----------------------------------------------------
log "grading ${#TODO[@]} of ${#STUDENTS[@]} submission(s), $PARALLEL at a time, labtest -j $JOBS_PER_STUDENT"
for name in ${TODO[@]+"${TODO[@]}"}; do
  while [[ "$(jobs -rp | wc -l)" -ge "$PARALLEL" ]]; do
    wait -n 2>/dev/null || true
  done
  grade_one "$name" "${STUDENT_OF[$name]}" &
done
wait 2>/dev/null || true
rm -rf "$OUT/.scratch"
collect_class
