// Grading settings of a labtest run: `--repeat-from-config` (each test runs
// its catalogue `repeat` times, as grade.sh needs) and `--policy` (how runs
// become points in the results files: all-or-nothing or pass-rate).
//
//   policy: --policy if given, else the catalogue's `grading: {policy: ...}`,
//           else all-or-nothing (SJTU's grade.sh: full points only when every
//           repetition passes).
//
// The CLI resolves a GradingSetup once after selecting the tests, then
// applies it to the run info and results-file context (ApplyGrading) and to
// the scheduler (SchedulePolicy::repeat_from_spec).
//
// Thread safety: pure functions. Ownership: by value; borrows the specs.
#pragma once

#include <string>
#include <vector>

#include "harness/catalogue/config.h"
#include "harness/report/report.h"
#include "harness/report/book.h"
#include "runtime/status.h"

namespace raftlab {

// The flags as given on the command line.
struct GradingFlags {
  bool repeat_from_config = false;  // --repeat-from-config
  std::string policy;               // --policy; "" = the catalogue's choice
  int repeat = 1;                   // --repeat (may not be > 1 with repeat_from_config)
};

struct GradingSetup {
  bool repeat_from_config = false;
  ScoringPolicy policy = ScoringPolicy::kAllOrNothing;
  size_t planned_runs = 0;  // runs over the selected tests (per-test repeats when repeat_from_config)
};

// Errors: InvalidArgument (exit code 2) for an unknown policy word, or
// --repeat N > 1 together with --repeat-from-config.
StatusOr<GradingSetup> ResolveGrading(const GradingFlags& flags, const Catalogue& catalogue,
                                      const std::vector<const TestSpec*>& selected);

// Applies `setup` before the results files are made and the run starts:
// info->runs (the planned count), each planned test's expected runs (its
// catalogue repeat, when repeat_from_config) and the scoring policy of the
// results files. `plan` and `policy` are the OutputContext's fields.
void ApplyGrading(const GradingSetup& setup, const std::vector<const TestSpec*>& selected, RunInfo* info,
                  ReportPlan* plan, ScoringPolicy* policy);

}  // namespace raftlab
