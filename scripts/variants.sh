#!/usr/bin/env bash
# variants.sh: the variant matrix. Runs every correct design variant of the
# reference (tests/variants/VARIANTS.md) through the graded tests of the
# labtest catalogue, N times each, and reports a matrix (variant x test,
# failing runs out of runs), a verdict line, and a report folder with
# variants_matrix.txt, variants_matrix.json and every labtest results file.
# It is the other half of the kill matrix (scripts/mutants.sh): there every
# buggy Raft must fail a test, here no correct Raft may fail one.
#
# Two modes:
#   --mode ci    (default) each variant through the tests of its ci=REGEX
#                field in tests/variants/variants.list (the tests that
#                measure RPC counts, bytes and latency, plus the ones its
#                design choice stresses), --runs times (default 3). This is
#                CTest's variants.matrix.
#   --mode full  each variant through every test of --part (default: every
#                part), --runs times (default 5).
# Variants run one after another, each with labtest -j --jobs, so that the
# timing tests of one never share the machine with another variant's.
#
# Exit status: 0 when no variant failed a graded test (points > 0);
# 1 when a variant failed one; 2 on a usage error or when a labtest run could
# not run (exit code 2-4: configuration, plugin load, internal error) or a
# test run ended in "error" (a harness problem, not a verdict).
set -uo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/variants.sh [options]
  --build DIR          build folder with bin/labtest and tests/variants/ (default: build)
  --config FILE        test catalogue (default: config/raft_lab_test.yml of this checkout)
  --out DIR            report folder (default: <build>/variants-report)
  --mode ci|full       ci: each variant's ci= tests; full: every test of --part
  --runs N             runs of every test per variant (default: 3 in ci mode, 5 in full mode)
  --jobs J             labtest -j per variant (default 6)
  --part LIST          full mode: the parts to run, e.g. 1,2,3,4 (default: every part)
  --only REGEX         only the variants whose name matches (bash regex)
  --list FILE          variant catalogue (default tests/variants/variants.list)
  --seed S             base seed of every labtest run (default: random, recorded)
  --timeout-scale X    passed to labtest
  --report-only        run nothing: rebuild the report from the results already in --out
  -h, --help           this text
Examples:
  scripts/variants.sh --build build                                     # CI mode
  scripts/variants.sh --build build --mode full --runs 5 --part 1,2,3,4 # full matrix, parts 1-4
EOF
}

here="$(cd "$(dirname "$0")/.." && pwd)"
build="build"
config="$here/config/raft_lab_test.yml"
out=""
mode="ci"
runs=""
jobs=6
parts_arg=""
only=""
list="$here/tests/variants/variants.list"
seed=""
tscale=""
report_only=0
while (($#)); do
  case "$1" in
    --build) build="$2"; shift 2 ;;
    --config) config="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --mode) mode="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    --part) parts_arg="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    --list) list="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --timeout-scale) tscale="$2"; shift 2 ;;
    --report-only) report_only=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "variants.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
done

die() { echo "variants.sh: $*" >&2; exit 2; }
[[ "$mode" == ci || "$mode" == full ]] || die "--mode must be ci or full"
[[ -n "$runs" ]] || { [[ "$mode" == ci ]] && runs=3 || runs=5; }
for n in "$runs" "$jobs"; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "'$n' is not a positive count"
done
[[ -z "$parts_arg" || "$parts_arg" =~ ^[1-9][0-9]*(,[1-9][0-9]*)*$ ]] || die "--part wants a list like 1,2,3"
command -v jq >/dev/null || die "needs jq (apt-get install jq)"
build="$(cd "$build" 2>/dev/null && pwd)" || die "no build folder '$build'"
labtest="$build/bin/labtest"
[[ -x "$labtest" ]] || die "no $labtest: build the labtest target"
[[ -f "$config" ]] || die "no catalogue $config"
[[ -f "$list" ]] || die "no variant catalogue $list"
[[ -n "$out" ]] || out="$build/variants-report"
mkdir -p "$out/runs" || die "cannot create $out"
((report_only)) || rm -rf "$out"/runs/*

common=(-f "$config" --color never)
[[ -n "$seed" ]] && common+=(--seed "$seed")
[[ -n "$tscale" ]] && common+=(--timeout-scale "$tscale")

# The catalogue's parts (for full mode's default).
"$labtest" "${common[@]}" --list > "$out/catalogue.txt" 2>&1 || {
  cat "$out/catalogue.txt" >&2; die "labtest --list failed"; }
if [[ -z "$parts_arg" ]]; then
  parts_arg="$(awk '/^Part [0-9]+:/ {p = $2; sub(":", "", p); printf "%s%s", sep, p; sep = ","}' "$out/catalogue.txt")"
  [[ -n "$parts_arg" ]] || die "the catalogue lists no parts"
fi

# The variants: name, ci=REGEX, then what it changes (free text).
names=() cis=() whats=()
while read -r name ci what; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  [[ -n "$only" && ! "$name" =~ $only ]] && continue
  [[ "$ci" == ci=?* ]] || die "$list: '$name': second field must be ci=REGEX (got '$ci')"
  names+=("$name") cis+=("${ci#ci=}") whats+=("$what")
done < "$list"
((${#names[@]})) || die "$list: no variant selected"
plugin_of() { echo "$build/tests/variants/libraftlab_variant_$1.so"; }
if ((!report_only)); then
  for name in "${names[@]}"; do
    [[ -f "$(plugin_of "$name")" ]] || die "no plugin $(plugin_of "$name"): build raftlab_variant_$name (or raftlab_variants)"
  done
fi

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN {printf "%.1f", b - a}'; }

t_start="$(now)"
started_at="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
if ((!report_only)); then
  echo "variant matrix ($mode mode): ${#names[@]} variants, $runs run(s) per test, labtest -j $jobs" \
       "$([[ $mode == full ]] && echo "parts $parts_arg")"
  for i in "${!names[@]}"; do
    name="${names[$i]}" t0="$(now)"
    sel=(--filter "${cis[$i]}")
    [[ "$mode" == full ]] && sel=(--part "$parts_arg")
    "$labtest" "${common[@]}" --plugin "$(plugin_of "$name")" "${sel[@]}" --repeat "$runs" -j "$jobs" \
      --output "json:$out/runs/$name.json" --output-dir "$out/runs/$name-out" > "$out/runs/$name.txt" 2>&1
    rc=$?
    wall="$(elapsed "$t0")"
    echo "$rc $wall" > "$out/runs/$name.meta"
    printf '  %7ss  exit %d  %s\n' "$wall" "$rc" "$name"
  done
fi
total_wall="$(elapsed "$t_start")"
if ((report_only)); then  # the figures of the run that made the results
  [[ -f "$out/runs/run.meta" ]] && read -r started_at total_wall < "$out/runs/run.meta"
else
  echo "$started_at $total_wall" > "$out/runs/run.meta"
fi

# The report. A run fails when its verdict is fail, timeout, crash or
# cpu-limit; "error" (the child could not run the test) is a harness
# problem. Graded: the test carries points (summary.tests[].points > 0).
for i in "${!names[@]}"; do
  name="${names[$i]}"
  [[ -f "$out/runs/$name.meta" ]] || continue
  read -r rc wall < "$out/runs/$name.meta"
  results="$out/runs/$name.json"
  [[ -s "$results" ]] || results=/dev/null
  jq -n --arg name "$name" --arg ci "${cis[$i]}" --arg what "${whats[$i]}" --argjson rc "$rc" \
    --argjson wall "$wall" --arg file "$out/runs/$name.json" --slurpfile doc_in "$results" '
    def failed: .verdict as $v | ["fail", "timeout", "crash", "cpu-limit"] | index($v) != null;
    ($doc_in[0] // {summary: {tests: []}, tests: []}) as $doc
    | ($doc.summary.tests // [] | map({key: .test, value: {part, points, checks: (.checks // "")}}) | from_entries) as $meta
    | ($doc.tests // []) as $runs
    | { name: $name, changes: $what, ci: $ci, exit_code: $rc, wall_s: $wall, results: $file,
        error: (if $rc > 1 then "labtest exit \($rc) (see runs/\($name).txt)"
                elif ($runs | map(select(.verdict == "error")) | length) > 0 then "a test run ended in error"
                elif ($runs | length) == 0 then "labtest wrote no results (see runs/\($name).txt)"
                else "" end),
        tests: $meta,
        cells: ($runs | group_by(.test) | map({key: .[0].test,
                 value: {runs: length, failed: (map(select(failed)) | length),
                         graded: (($meta[.[0].test].points // 0) > 0)}}) | from_entries),
        failures: ($runs | map(select(failed))
                   | map({test, verdict, seed, rerun, message: (.message // "" | .[0:400]),
                          graded: (($meta[.test].points // 0) > 0)})) }'
done | jq -s . > "$out/runs/variants.report.json"
# The catalogue's order of tests (labtest --list), for the matrix columns.
awk '/^Part [0-9]+:/ {p = 1} /^  [^ ]/ && p {print $1}' "$out/catalogue.txt" | jq -R . | jq -s . \
  > "$out/runs/order.json"

jq -n --arg mode "$mode" --argjson runs "$runs" --arg started "$started_at" --argjson wall "$total_wall" \
  --arg config "$config" --argjson jobs "$jobs" --arg seed "$seed" --arg parts "$parts_arg" \
  --slurpfile variants_in "$out/runs/variants.report.json" --slurpfile order_in "$out/runs/order.json" '
  $variants_in[0] as $variants | $order_in[0] as $order
  # Every test some variant ran, in catalogue order.
  | ([$variants[] | .tests | to_entries[] | {name: .key} + .value] | unique_by(.name)) as $known
  | ([$variants[] | .cells | keys[]] | unique) as $ran
  | ($known | map(select(.name as $n | $ran | index($n)))
     | sort_by(.name as $n | ($order | index($n)) // 1000000)) as $tests
  | ($variants | map(select([.failures[] | select(.graded)] | length > 0)) | map(.name)) as $failing
  | ($variants | map(select(.error != "")) | map(.name)) as $errors
  | { format: "raftlab-variant-matrix", format_version: 1, mode: $mode, runs_per_test: $runs,
      parts: (if $mode == "full" then $parts else null end),
      started: $started, wall_s: $wall, config: $config, jobs: $jobs, seed: $seed,
      tests: $tests, variants: $variants, failing: $failing, errors: $errors,
      verdict: (if ($failing | length) == 0 and ($errors | length) == 0 then "PASS" else "FAIL" end) }' \
  > "$out/variants_matrix.json.tmp" && mv "$out/variants_matrix.json.tmp" "$out/variants_matrix.json"

# The text matrix: one row per variant, one column per test (numbered in the
# legend). Cells: failing runs out of the runs made ("." none failed, "-"
# not run); a failure of an ungraded test is shown in lower case "u".
jq -r '
  def cell($v; $t): ($v.cells[$t.name]) as $c
    | if $c == null then "-" elif $c.failed == 0 then "."
      elif ($c.graded | not) then "u" elif $c.failed > 9 then "+" else ($c.failed | tostring) end;
  .tests as $tests
  | "variant matrix, \(.mode) mode, \(.runs_per_test) run(s) per test\(if .parts then ", parts " + .parts else "" end); started \(.started), \(.wall_s) s",
    "cells: failing runs out of \(.runs_per_test)  . none  - not run  u failed, but the test is ungraded",
    "",
    ("                              " + ([$tests | to_entries[] | ((.key + 1) / 10 | floor % 10 | tostring)] | join(""))),
    ("variant                       " + ([$tests | to_entries[] | ((.key + 1) % 10 | tostring)] | join(""))),
    (.variants[] as $v
      | "\($v.name | .[0:29] | . + " " * (30 - length))\([$tests[] | cell($v; .)] | join(""))"),
    "",
    "tests:",
    ($tests | to_entries[] | "  \(.key + 1 | tostring | " " * (3 - length) + .)  part \(.value.part)  \(.value.points) pts  \(if .value.checks != "" then .value.checks + "  " else "" end)\(.value.name)"),
    "",
    "variants:",
    (.variants[] | "  \(.name | . + " " * (24 - length)) \(.wall_s) s  "
      + (if .error != "" then "ERROR (\(.error))  " else "" end)
      + "\([.cells[] | .runs] | add // 0) runs, \([.cells[] | .failed] | add // 0) failed: \(.changes)",
      (.failures[] | "      \(if .graded then "" else "(ungraded) " end)\(.test) \(.verdict): \(.message | gsub("\n"; " ") | .[0:200])\n        rerun: \(.rerun // "")")),
    "",
    "VERDICT: \(.verdict): \(.variants | length) variants, \(.failing | length) failed a graded test\(if (.failing | length) > 0 then " (" + (.failing | join(", ")) + ")" else "" end), \(.errors | length) errors; \([.variants[].cells[] | .runs] | add // 0) test runs, \(.wall_s) s"
' "$out/variants_matrix.json" > "$out/variants_matrix.txt"
cat "$out/variants_matrix.txt"
echo "report: $out/variants_matrix.txt, $out/variants_matrix.json"

if (($(jq '.errors | length' "$out/variants_matrix.json") > 0)); then exit 2; fi
[[ "$(jq -r .verdict "$out/variants_matrix.json")" == PASS ]] && exit 0
exit 1
