#!/usr/bin/env bash
# mutants.sh: the kill matrix. Runs the reference and every mutant plugin
# (tests/mutants/MUTANTS.md) through the labtest catalogue and reports which
# tests catch which mutant: a matrix (mutant x test), a verdict line, and a
# report folder with kill_matrix.txt, kill_matrix.json and every labtest
# results file.
#
# Two modes:
#   --mode ci    (default) each mutant stops at its first failing test: the
#                tests of its try=REGEX field run first (-x), then its home
#                part, then the other parts, one by one, until a test fails.
#                One run per mutant. This is CTest's mutants.kill_matrix.
#   --mode full  every applicable test, --runs N times per mutant, no early
#                stop: the figures of tests/mutants/MUTANTS.md.
# The reference runs first, alone (its timing tests then see an idle
# machine), every part, --ref-runs times. Mutants then run --parallel at a
# time, each with labtest -j --jobs.
#
# Exit status: 0 when the reference passed everything and every mutant was
# caught by at least one test; 1 when a mutant survived or the reference
# failed a test; 2 on a usage error or when a labtest run could not run
# (exit code 2-4: configuration, plugin load, internal error).
set -uo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/mutants.sh [options]
  --build DIR          build folder with bin/labtest and tests/mutants/ (default: build)
  --config FILE        test catalogue (default: config/raft_lab_test.yml of this checkout)
  --out DIR            report folder (default: <build>/mutants-report)
  --mode ci|full       ci: stop each mutant at its first failing test; full: no early stop
  --runs N             full mode: runs of every test per mutant (default 3)
  --ref-runs N         runs of every test by the reference (default 1)
  --parallel P         mutants at once (default 3)
  --jobs J             labtest -j per mutant (default 4)
  --ref-jobs J         labtest -j for the reference (default 8)
  --only REGEX         only the mutants whose name matches (bash regex)
  --no-reference       skip the reference run
  --list FILE          mutant catalogue (default tests/mutants/mutants.list)
  --seed S             base seed of every labtest run (default: random, recorded)
  --timeout-scale X    passed to labtest
  --sim                run every labtest under simulated time (labtest --sim, docs/SIM.md)
  --seeds N            ci mode: each test tries up to N seeds (--repeat N --until-fail) before the
                       next; the report says how many seeds the first catch needed (default 1)
  --report-only        run nothing: rebuild the report from the results already in --out
  -h, --help           this text
Examples:
  scripts/mutants.sh --build build                       # CI variant (first failure)
  scripts/mutants.sh --build build --mode full --runs 5  # full matrix, 5 runs per test
EOF
}

here="$(cd "$(dirname "$0")/.." && pwd)"
build="build"
config="$here/config/raft_lab_test.yml"
out=""
mode="ci"
runs=3
ref_runs=1
parallel=3
jobs=4
ref_jobs=8
only=""
reference=1
list="$here/tests/mutants/mutants.list"
seed=""
tscale=""
sim=0
seeds=1
report_only=0
while (($#)); do
  case "$1" in
    --build) build="$2"; shift 2 ;;
    --config) config="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --mode) mode="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --ref-runs) ref_runs="$2"; shift 2 ;;
    --parallel) parallel="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    --ref-jobs) ref_jobs="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    --no-reference) reference=0; shift ;;
    --list) list="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --timeout-scale) tscale="$2"; shift 2 ;;
    --sim) sim=1; shift ;;
    --seeds) seeds="$2"; shift 2 ;;
    --report-only) report_only=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "mutants.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
done

die() { echo "mutants.sh: $*" >&2; exit 2; }
[[ "$mode" == ci || "$mode" == full ]] || die "--mode must be ci or full"
for n in "$runs" "$ref_runs" "$parallel" "$jobs" "$ref_jobs"; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "'$n' is not a positive count"
done
command -v jq >/dev/null || die "needs jq (apt-get install jq)"
build="$(cd "$build" 2>/dev/null && pwd)" || die "no build folder '$build'"
labtest="$build/bin/labtest"
[[ -x "$labtest" ]] || die "no $labtest: build the labtest target"
[[ -f "$config" ]] || die "no catalogue $config"
[[ -f "$list" ]] || die "no mutant catalogue $list"
[[ -n "$out" ]] || out="$build/mutants-report"
mkdir -p "$out/runs" || die "cannot create $out"
((report_only)) || rm -rf "$out"/runs/*

common=(-f "$config" --color never)
[[ -n "$seed" ]] && common+=(--seed "$seed")
[[ -n "$tscale" ]] && common+=(--timeout-scale "$tscale")
((sim)) && common+=(--sim)
sweep=()
((seeds > 1)) && sweep=(--repeat "$seeds" --until-fail)

# The catalogue's tests in order, as "part name" lines, and its parts.
"$labtest" "${common[@]}" --list > "$out/catalogue.txt" 2>&1 || {
  cat "$out/catalogue.txt" >&2; die "labtest --list failed"; }
awk '/^Part [0-9]+:/ {p = $2; sub(":", "", p)} /^  [^ ]/ && p != "" {print p, $1}' \
  "$out/catalogue.txt" > "$out/tests.txt"
mapfile -t parts < <(awk '{print $1}' "$out/tests.txt" | sort -un)
((${#parts[@]})) || die "the catalogue lists no tests"
has_part() { local p; for p in "${parts[@]}"; do [[ "$p" == "$1" ]] && return 0; done; return 1; }

# The mutants: name, home part, kind; plugin file beside the reference.
names=() homes=() kinds=() equivs=() tries=()
while read -r name home kind rest; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  [[ -n "$only" && ! "$name" =~ $only ]] && continue
  [[ "$kind" == raft || "$kind" == kv ]] || die "$list: '$name' has kind '$kind' (raft or kv)"
  equiv="" try=""
  for field in $rest; do
    case "$field" in
      equivalent) equiv=1 ;;
      try=?*) try="${field#try=}" ;;
      *) die "$list: '$name': field '$field' (only 'equivalent' or 'try=REGEX')" ;;
    esac
  done
  names+=("$name") homes+=("$home") kinds+=("$kind") equivs+=("$equiv") tries+=("$try")
done < "$list"
if ((report_only)); then  # only the mutants that have results
  keep_n=() keep_h=() keep_k=() keep_e=() keep_t=()
  for i in "${!names[@]}"; do
    [[ -f "$out/runs/${names[$i]}.meta" ]] || continue
    keep_n+=("${names[$i]}") keep_h+=("${homes[$i]}") keep_k+=("${kinds[$i]}") keep_e+=("${equivs[$i]}")
    keep_t+=("${tries[$i]}")
  done
  names=("${keep_n[@]}") homes=("${keep_h[@]}") kinds=("${keep_k[@]}") equivs=("${keep_e[@]}")
  tries=("${keep_t[@]}")
fi
plugin_of() { echo "$build/tests/mutants/libraftlab_mutant_$1.so"; }
for name in "${names[@]}"; do
  [[ -f "$(plugin_of "$name")" ]] || die "no plugin $(plugin_of "$name"): build raftlab_mutant_$name"
done

# The parts a mutant runs, in order: home part first in ci mode.
parts_for() {  # kind home
  local p list=()
  if [[ "$1" == kv ]]; then
    has_part 5 && list=(5)
  else
    [[ "$mode" == ci ]] && has_part "$2" && list=("$2")
    for p in "${parts[@]}"; do [[ "$mode" == ci && "$p" == "$2" ]] || list+=("$p"); done
  fi
  echo "${list[@]}"
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN {printf "%.1f", b - a}'; }

# Runs one mutant; writes runs/<name>.meta: "rc wall_s" lines and the list
# of results files.
run_mutant() {  # name kind home equivalent try
  local name="$1" kind="$2" home="$3" try="$5" t0 rc=0 p
  t0="$(now)"
  local plugin; plugin="$(plugin_of "$name")"
  local -a todo; read -r -a todo <<< "$(parts_for "$kind" "$home")"
  : > "$out/runs/$name.meta"
  if [[ "$mode" == ci && -n "$4" ]]; then  # no test can catch it: not worth CI time
    echo "wall 0" >> "$out/runs/$name.meta"
    echo "status skipped" >> "$out/runs/$name.meta"
    return
  fi
  if ((${#todo[@]} == 0)); then
    echo "status noparts" >> "$out/runs/$name.meta"
    return
  fi
  if [[ "$mode" == ci ]]; then
    if [[ -n "$try" ]]; then
      # The tests known to catch it go first; if they all pass, the parts
      # follow in order as usual (a first-failure run in another order).
      local base="$out/runs/$name.try" joined
      joined="$(IFS=,; echo "${todo[*]}")"
      "$labtest" "${common[@]}" "${sweep[@]}" --plugin "$plugin" --part "$joined" --filter "$try" -x -j "$jobs" \
        --output "json:$base.json" --output-dir "$out/runs/$name-out" > "$base.txt" 2>&1
      rc=$?
      echo "json $base.json" >> "$out/runs/$name.meta"
      echo "rc $rc" >> "$out/runs/$name.meta"
      if ((rc != 0)); then todo=(); fi
    fi
    for p in "${todo[@]}"; do
      local base="$out/runs/$name.part$p"
      "$labtest" "${common[@]}" "${sweep[@]}" --plugin "$plugin" --part "$p" -x -j "$jobs" \
        --output "json:$base.json" --output-dir "$out/runs/$name-out" > "$base.txt" 2>&1
      rc=$?
      echo "json $base.json" >> "$out/runs/$name.meta"
      echo "rc $rc" >> "$out/runs/$name.meta"
      ((rc == 0)) || break
    done
  else
    local base="$out/runs/$name.all" joined
    joined="$(IFS=,; echo "${todo[*]}")"
    "$labtest" "${common[@]}" --plugin "$plugin" --part "$joined" --repeat "$runs" -j "$jobs" \
      --output "json:$base.json" --output-dir "$out/runs/$name-out" > "$base.txt" 2>&1
    rc=$?
    echo "json $base.json" >> "$out/runs/$name.meta"
    echo "rc $rc" >> "$out/runs/$name.meta"
  fi
  echo "wall $(elapsed "$t0")" >> "$out/runs/$name.meta"
  echo "status done" >> "$out/runs/$name.meta"
}

t_start="$(now)"
started_at="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "kill matrix ($mode mode): ${#names[@]} mutants, parts ${parts[*]}, $parallel at a time, labtest -j $jobs"

# 1. The reference, alone.
ref_rc=-1
ref_wall=0
if ((report_only)); then
  [[ -f "$out/runs/reference.meta" ]] || reference=0
  ((reference)) && read -r ref_rc ref_wall < "$out/runs/reference.meta"
elif ((reference)); then
  t0="$(now)"
  echo "reference: every part, $ref_runs run(s), -j $ref_jobs ..."
  joined="$(IFS=,; echo "${parts[*]}")"
  "$labtest" "${common[@]}" --plugin "$build/reference/libraftlab_reference.so" --part "$joined" \
    --repeat "$ref_runs" -j "$ref_jobs" --output "json:$out/runs/reference.json" \
    --output-dir "$out/runs/reference-out" > "$out/runs/reference.txt" 2>&1
  ref_rc=$?
  ref_wall="$(elapsed "$t0")"
  echo "$ref_rc $ref_wall" > "$out/runs/reference.meta"
  echo "reference: exit $ref_rc in ${ref_wall}s"
fi

# 2. The mutants, `parallel` at a time.
running=0
((report_only)) && names_to_run=() || names_to_run=("${!names[@]}")
for i in "${names_to_run[@]}"; do
  while ((running >= parallel)); do wait -n; running=$((running - 1)); done
  ( run_mutant "${names[$i]}" "${kinds[$i]}" "${homes[$i]}" "${equivs[$i]}" "${tries[$i]}"
    echo "  $(awk '/^wall/ {w=$2} END {printf "%6ss", w}' "$out/runs/${names[$i]}.meta")  ${names[$i]}" ) &
  running=$((running + 1))
done
wait
total_wall="$(elapsed "$t_start")"

# 3. The report. A test run catches a mutant when its verdict is a failure
# (fail, timeout, crash, cpu-limit); "error" (the child could not run the
# test) is a harness problem, not a catch.
meta_json() {  # name home kind equivalent -> one JSON object describing the mutant's runs
  local name="$1" jsons=() rcs=() wall=0 status=""
  while read -r k v; do
    case "$k" in
      json) [[ -s "$v" ]] && jsons+=("$v") ;;
      rc) rcs+=("$v") ;;
      wall) wall="$v" ;;
      status) status="$v" ;;
    esac
  done < "$out/runs/$name.meta"
  # The runs go through a file: a full-mode mutant's runs exceed the
  # kernel's limit on one command-line argument (128 KiB).
  local runs_file="$out/runs/$name.runs.json"
  echo '[]' > "$runs_file"
  ((${#jsons[@]})) && jq -s '[.[] | .tests[]? | {test, part, verdict, seed, repetition, message, reason, rerun}]' \
    "${jsons[@]}" > "$runs_file"
  jq -n --arg name "$name" --argjson home "$2" --arg kind "$3" --argjson wall "$wall" \
    --argjson equivalent "$([[ -n "$4" ]] && echo true || echo false)" \
    --arg status "$status" --argjson rcs "[$(IFS=,; echo "${rcs[*]:-}")]" \
    --slurpfile runs_in "$runs_file" --argjson files "$(printf '%s\n' "${jsons[@]:-}" | jq -R . | jq -s 'map(select(. != ""))')" '
    def caught: .verdict as $v | ["fail", "timeout", "crash", "cpu-limit"] | index($v) != null;
    $runs_in[0] as $runs
    | ($runs | map(select(caught))) as $c
    | { name: $name, part: $home, kind: $kind, equivalent: $equivalent, not_run: ($status == "skipped"),
        wall_s: $wall, exit_codes: $rcs, results: $files,
        catches: ($c | map({test, verdict, message: (.message // "" | .[0:400]), seed, repetition, rerun})),
        error: (if $status == "noparts" then "the catalogue has no part for it"
                elif ($rcs | map(select(. > 1)) | length) > 0 then "labtest exit \($rcs | map(select(. > 1)) | first)"
                elif ($runs | map(select(.verdict == "error")) | length) > 0 then "a test run ended in error"
                else "" end),
        cells: ($runs | group_by(.test) | map({key: .[0].test, value: {runs: length, caught: (map(select(caught)) | length)}}) | from_entries) }'
}

# The parts of the report go through files too (see meta_json).
for i in "${!names[@]}"; do meta_json "${names[$i]}" "${homes[$i]}" "${kinds[$i]}" "${equivs[$i]}"; done \
  | jq -s . > "$out/runs/mutants.report.json"
ref_json='null'
if ((reference)); then
  if [[ -s "$out/runs/reference.json" ]]; then
    ref_json="$(jq --argjson rc "$ref_rc" --argjson wall "$ref_wall" '
      { exit_code: $rc, wall_s: $wall, runs: (.tests | length),
        failed: [.tests[] | select(.verdict != "pass" and .verdict != "skip")
                 | {test, verdict, message, seed, rerun}],
        skipped: [.tests[] | select(.verdict == "skip") | .test] | unique }' "$out/runs/reference.json")"
  else
    ref_json="$(jq -n --argjson rc "$ref_rc" --argjson wall "$ref_wall" \
      '{exit_code: $rc, wall_s: $wall, runs: 0, failed: [{test: "(none)", verdict: "error", message: "labtest wrote no results (see runs/reference.txt)"}], skipped: []}')"
  fi
fi
echo "$ref_json" > "$out/runs/reference.report.json"
awk '{printf "{\"part\":%s,\"name\":\"%s\"}\n", $1, $2}' "$out/tests.txt" | jq -s . > "$out/runs/tests.report.json"

jq -n --arg mode "$mode" --argjson sim "$([[ $sim == 1 ]] && echo true || echo false)" --argjson seeds "$seeds" --argjson runs "$([[ $mode == full ]] && echo "$runs" || echo 1)" \
  --arg started "$started_at" --argjson wall "$total_wall" --arg config "$config" \
  --argjson parallel "$parallel" --argjson jobs "$jobs" --arg seed "$seed" \
  --slurpfile tests_in "$out/runs/tests.report.json" --slurpfile reference_in "$out/runs/reference.report.json" \
  --slurpfile mutants_in "$out/runs/mutants.report.json" '
  $tests_in[0] as $tests | $reference_in[0] as $reference | $mutants_in[0] as $mutants |
  # A failure of a test the reference fails too proves nothing: not a catch.
  ([$reference.failed[]?.test] | unique) as $ref_failed
  | ($mutants | map(
      (.catches | map(select(.test as $t | $ref_failed | index($t) | not))) as $real
      | . + { caught: (($real | length) > 0), caught_by: ($real | map(.test) | unique),
              first_catch: ($real[0] // null),
              seeds_needed: (if ($real | length) == 0 then null
                             else ($real[0].test as $t | $real | map(select(.test == $t) | .repetition // 0) | min + 1) end),
              discounted: (.catches | map(.test) | unique | map(select(. as $t | $ref_failed | index($t)))) }
      | del(.catches))) as $mutants
  | ($mutants | map(select((.caught | not) and (.equivalent | not))) | map(.name)) as $survivors
  | ($mutants | map(select(.equivalent and (.caught | not))) | map(.name)) as $equivalent
  | ($mutants | map(select(.error != "")) | map(.name)) as $errors
  | ($reference != null and (($reference.failed | length) > 0 or $reference.exit_code != 0)) as $ref_bad
  | { format: "raftlab-kill-matrix", format_version: 1, mode: $mode, sim: $sim, seeds_per_test: $seeds,
      runs_per_test: $runs,
      started: $started, wall_s: $wall, config: $config, parallel: $parallel, jobs: $jobs,
      seed: $seed, tests: $tests, reference: $reference, mutants: $mutants,
      survivors: $survivors, equivalent_uncaught: $equivalent, errors: $errors,
      verdict: (if ($survivors | length) == 0 and ($errors | length) == 0 and ($ref_bad | not) then "PASS" else "FAIL" end) }' \
  > "$out/kill_matrix.json.tmp" && mv "$out/kill_matrix.json.tmp" "$out/kill_matrix.json"

# The text matrix: one row per mutant, one column per test (numbered in the
# legend), '|' between parts. ci: X caught, . passed, - not run.
# full: the number of failing runs (+ for 10 or more), . none, - not run.
jq -r '
  .mode as $mode
  | def cell($m; $t): ($m.cells[$t.name]) as $c
    | if $c == null then "-" elif $c.caught == 0 then "."
      elif ($m.discounted | index($t.name)) then "r"
      elif $mode == "ci" then "X" elif $c.caught > 9 then "+" else ($c.caught | tostring) end;
  .tests as $tests
  | ([$tests | to_entries[] | .key as $k | .value.part as $p
      | if $k > 0 and $tests[$k - 1].part != $p then "|" else "" end + (($k + 1) / 10 | floor % 10 | tostring)]
     | join("")) as $tens
  | ([$tests | to_entries[] | .key as $k | .value.part as $p
      | if $k > 0 and $tests[$k - 1].part != $p then "|" else "" end + (($k + 1) % 10 | tostring)]
     | join("")) as $units
  | "kill matrix, \(.mode) mode\(if .sim then ", simulated time (--sim)" else "" end), \(if .seeds_per_test > 1 then "up to \(.seeds_per_test) seeds" else "\(.runs_per_test) run(s)" end) per test; started \(.started), \(.wall_s) s",
    (if $mode == "ci" then "cells: X caught  . passed  - not run (first-failure mode stops early)"
     else "cells: failing runs out of \(.runs_per_test)  . none  - not run" end)
      + "  r failed, but so does the reference (no catch)",
    "",
    ("                              " + $tens),
    ("mutant                   part " + $units),
    (.mutants[] as $m
      | ([$tests | to_entries[] | .key as $k | .value.part as $p
          | if $k > 0 and $tests[$k - 1].part != $p then "|" else "" end + cell($m; .value)] | join("")) as $row
      | "\($m.name | .[0:24] | . + " " * (25 - length))\($m.part)    \($row)"),
    "",
    "tests:",
    ($tests | to_entries[] | "  \(.key + 1 | tostring | " " * (3 - length) + .)  part \(.value.part)  \(.value.name)"),
    "",
    "mutants:",
    .seeds_per_test as $m_seeds
    | (.mutants[] | "  \(.name | . + " " * (25 - length)) part \(.part)  "
      + (if .error != "" then "ERROR (\(.error))  " else "" end)
      + (if .not_run then "equivalent, not run in ci mode"
         elif .caught then "caught in \(.wall_s) s by \(.caught_by | join(", "))\(if .seeds_needed != null and $m_seeds > 1 then " (seed #\(.seeds_needed) of \(.first_catch.test))" else "" end)\n      first: \(.first_catch.test) \(.first_catch.verdict): \(.first_catch.message | gsub("\n"; " ") | .[0:160])"
         elif .equivalent then "survived, as an equivalent mutant must (\(.wall_s) s)"
         else "SURVIVED (\(.wall_s) s)" end)),
    "",
    (if .reference == null then "reference: not run"
     elif (.reference.failed | length) == 0 and .reference.exit_code == 0 then "reference: \(.reference.runs) runs, all passed (\(.reference.wall_s) s)"
     else "reference: FAILED \(.reference.failed | length) of \(.reference.runs) runs (exit \(.reference.exit_code)):",
          (.reference.failed[] | "  \(.test) \(.verdict): \(.message // "" | gsub("\n"; " ") | .[0:200])\n    rerun: \(.rerun // "")")
     end),
    "VERDICT: \(.verdict): \(.mutants | length) mutants, \(.mutants | map(select(.caught)) | length) caught, \(.survivors | length) survived\(if (.survivors | length) > 0 then " (" + (.survivors | join(", ")) + ")" else "" end), \(.equivalent_uncaught | length) equivalent not caught, \(.errors | length) errors; reference \(if .reference == null then "not run" elif (.reference.failed | length) == 0 and .reference.exit_code == 0 then "passed" else "FAILED" end); \(.wall_s) s"
' "$out/kill_matrix.json" > "$out/kill_matrix.txt"
cat "$out/kill_matrix.txt"
echo "report: $out/kill_matrix.txt, $out/kill_matrix.json"

verdict="$(jq -r .verdict "$out/kill_matrix.json")"
if (($(jq '.errors | length' "$out/kill_matrix.json") > 0)); then exit 2; fi
[[ "$verdict" == PASS ]] && exit 0
exit 1
