// The simulated-time column of a grading (`grade.sh --sim-seeds N`, issue
// 11 section 3). Real time stays the grade's basis; with N > 0, each graded
// submission also runs every selected test under `labtest --sim --repeat N`
// (N seeds derived from the same base seed), and those runs are reported in
// a column of their own: grades.csv, grades.json and the score table
// (grade_collect.h, grades_json.h), the student's junit.xml and
// gradescope.json (sim_merge.h).
//
// What grade.sh leaves in GRADES/<student>/sim/:
//   status        "key=value" lines written after the simulated labtest:
//                 seeds=N, state=ran|not-simulation-ready,
//                 reason=<labtest's refusal line>, labtest_exit=<code>
//   results.json  labtest --sim --output json (state=ran): every run, each
//                 with its "rerun" command (it carries --sim and the seed)
//   labtest.log, logs/  labtest's output, the folders of failed runs
//
// How simulated runs count, under both policies (report/book.h), so that
// grading never fails a correct Raft:
//   - A simulated run counts like a real-time run of the same test: the
//     test's runs are its catalogue `repeat` real-time runs plus N simulated
//     ones. All-or-nothing needs every one to pass; pass-rate gives
//     points x passed / (repeat + N). A simulated failure is a real bug that
//     its replay command reproduces exactly, so it costs what a real-time
//     failure costs. A missing simulated run has not passed.
//   - A plugin that labtest refuses under --sim (it starts threads, sleeps or
//     reads the clock on its own, lacks RAFTLAB_PLUGIN_HOST_THREADS_ONLY, is
//     written in Go: exit 2 and one line) is "not simulation-ready": every
//     test's column says so with labtest's line, and only real-time runs
//     count.
//   - The same per test when a simulated run of it stopped at the
//     simulator's own limits (run/sim_child.h IsSimulatorLimitMessage: the
//     watchdog, or a real sleep or thread caught by the interposers): that
//     test's column is "not simulation-ready" with the run's message, and
//     only its real-time runs count. Deadlocks and the virtual time limit
//     are verdicts on the Raft and count.
//
// Thread safety: pure functions over values and files. Ownership: by value.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "harness/report/book.h"
#include "harness/report/report.h"
#include "harness/scenario/result.h"
#include "runtime/status.h"

namespace raftlab {

enum class SimState {
  kOff,       // the grading has no --sim-seeds
  kRan,       // the simulated runs count
  kNotReady,  // not simulation-ready: only the real-time runs count
  kNotRun,    // no simulated runs: the submission did not build, load or finish
};
// "off", "ran", "not simulation-ready", "not run".
std::string_view SimStateName(SimState s);

// A simulated run is kept in the same ResultBook as the real-time runs of
// its test under repetition kSimRepetitionBase + its own repetition, so one
// book scores both (ScoreStudents).
inline constexpr int kSimRepetitionBase = 1000000;

struct SimRecord {
  SimState state = SimState::kOff;
  int seeds = 0;                 // N, as the status file says
  std::string reason;            // kNotReady: labtest's refusal line
  std::vector<TestResult> runs;  // kRan: every simulated run
  // (test, repetition) -> the command that replays that run exactly.
  std::map<std::pair<std::string, int>, std::string> replay;
  RunInfo info;  // kRan: what labtest said about the run (plugin, seed, rerun prefix)
};

// Reads STUDENT_DIR/sim/. No sim/status: kOff. Errors: Internal naming the
// file when the status says "ran" and results.json is missing or unreadable,
// or when the status names an unknown state.
StatusOr<SimRecord> ReadSimFolder(const std::string& student_dir);

struct SimFailure {
  int repetition = 0;  // labtest's --repetition of the run
  uint64_t base_seed = 0;
  uint64_t seed = 0;   // the run seed
  std::string reason;  // RunReason
  std::string replay;  // the command that replays it ("" when unknown)
};

// One test's cell of the column.
struct SimTestColumn {
  SimState state = SimState::kOff;
  int expected = 0;  // N
  int runs = 0, passed = 0, failed = 0, skipped = 0;
  std::string not_ready;             // kNotReady: why
  std::vector<SimFailure> failures;  // kRan: by repetition

  // "2/2" (passed, skipped included, of N), "not simulation-ready", "not run",
  // or "" when off.
  std::string Cell() const;
};

// The column of planned test `test` from one student's record (`seeds` = N).
SimTestColumn SimColumnOf(const std::string& test, const SimRecord& sim, int seeds);

// "simulated seed 7 (repetition 1) failed (replay: labtest ...): fail: two leaders"
std::string SimFailureText(const SimFailure& f);

}  // namespace raftlab
