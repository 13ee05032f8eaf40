// Calibration for grade.sh: before grading, the reference runs the same
// tests with the same settings on the same machine. Grading goes ahead only
// if the reference passes every test and is not far slower than its recorded
// baseline on this machine (DIR/reference_baseline.json, `grade.sh --out DIR
// --record-baseline`):
// otherwise the machine is too loaded (or broken) for timing-sensitive Raft
// tests to judge students fairly.
//
// The slowness rule: over the runs of tests the baseline knows, the sum of
// run times (duration_s, else wall_s: the quantity the baseline averages) is
// compared with the sum of the baseline's per-test means. Refused when
//   measured > max_slowdown x expected  AND  measured > expected + min_excess_s
// (default 2x and 2 s: the absolute slack keeps a tiny selection's noise from
// refusing). Without a baseline only the pass check applies (and says so).
//
// With `grade.sh --sim-seeds N` the reference also runs every graded test
// under labtest --sim with N seeds, and every one of those runs must pass
// too (a simulated failure of a correct Raft would cost students points);
// simulated runs take virtual time, so no timing check applies to them.
//
// Thread safety: pure functions. Ownership: by value; borrows the baseline.
#pragma once

#include <string>
#include <vector>

#include "harness/report/baseline.h"
#include "harness/report/book.h"
#include "harness/scenario/result.h"

namespace raftlab {

struct CalibrationInput {
  int labtest_exit = 0;          // of the reference run
  std::vector<TestResult> runs;  // from its results.json (empty when it stopped early)
  ReportPlan plan;               // the graded tests, PlannedTest::runs = their repeat
  const Baseline* baseline = nullptr;  // may be null: no timing check
  double max_slowdown = 2.0;
  double min_excess_s = 2.0;
  // grade.sh --sim-seeds N (0: no simulated runs): the reference's
  // labtest --sim --repeat N exit code and runs.
  int sim_seeds = 0;
  int sim_labtest_exit = 0;
  std::vector<TestResult> sim_runs;
};

struct CalibrationReport {
  bool ok = true;
  std::vector<std::string> problems;      // one sentence each; empty when ok
  std::vector<std::string> notes;         // e.g. "no baseline: timing not checked"
  std::vector<std::string> failed_tests;  // planned tests the reference did not pass
  std::vector<std::string> sim_failed_tests;  // ... under simulated time (sim_seeds > 0)
  double measured_s = 0;                  // over the compared runs
  double expected_s = 0;                  // the baseline's figure for the same runs
  int runs_compared = 0;
};

CalibrationReport Calibrate(const CalibrationInput& in);

// The calibration.json document grade.sh keeps:
//   {"format": "raftlab-calibration", "format_version": 1, "verdict": "ok"|"refused",
//    "problems": [...], "notes": [...], "failed_tests": [...], "labtest_exit",
//    "measured_s", "expected_s", "slowdown" (null without a baseline),
//    "max_slowdown", "min_excess_s", "runs_compared", "runs",
//    "sim": null without simulated runs, else {"seeds", "labtest_exit", "runs", "failed_tests"}}
std::string CalibrationJson(const CalibrationInput& in, const CalibrationReport& report);

}  // namespace raftlab
