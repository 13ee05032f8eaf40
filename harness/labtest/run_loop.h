// ExecuteRuns: the middle of `labtest` (a run): hands the selected tests'
// runs to the Scheduler, runs each in a test child through the TestRunner,
// forwards every event to the reporters (on the calling thread, in the order
// they happen: results print as they complete), keeps the progress line up
// to date, and turns SIGINT/SIGTERM (InterruptWatch) into a clean stop.
//
// Thread safety: call from one thread; the reporters and the progress line
// are only used on it. Ownership: borrows everything for the call.
#pragma once

#include <vector>

#include "harness/report/baseline.h"
#include "harness/labtest/interrupt.h"
#include "harness/report/progress.h"
#include "harness/report/report.h"
#include "harness/run/runner.h"
#include "harness/run/scheduler.h"

namespace raftlab {

struct RunLoopOptions {
  int jobs = 1;
  SchedulePolicy policy;
  uint64_t base_seed = 0;
  const Baseline* baseline = nullptr;  // start order and ETA; may be null
  ProgressLine* progress = nullptr;    // may be null
  bool color = false;                  // of the progress line
  const InterruptWatch* interrupts = nullptr;  // may be null: not interruptible
};

struct RunLoopResult {
  std::vector<TestResult> results;  // finished runs, in the order they finished
  ScheduleOutcome outcome;
  int signal = 0;  // the signal that interrupted the run, or 0
  double wall_s = 0;
};

RunLoopResult ExecuteRuns(Runtime& rt, const std::vector<const TestSpec*>& selected, const TestRunner& runner,
                          Reporter& reporters, const RunLoopOptions& options);

}  // namespace raftlab
