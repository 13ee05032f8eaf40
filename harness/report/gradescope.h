// GradescopeReporter: `--output gradescope:PATH`, Gradescope's results.json,
// rewritten atomically after every test end (Gradescope's own advice) so that
// an interrupted or timed-out grading still leaves a valid file with every
// finished test.
//
//   {"tests": [{"name", "number", "score", "max_score", "status": "passed"|"failed",
//               "output", "visibility", "extra_data"}],
//    "score", "execution_time" (once finished), "output", "visibility", "stdout_visibility"}
//
// One Gradescope test per planned test (not per run), in plan order, tests
// not run yet included with score 0, so the maximum is right at every
// moment. Gradescope has no per-test time: each test's "output" gives, per
// run, the verdict, time, seed, reason and the rerun command, and for a
// failed run the log tail. Scores follow the ScoringPolicy (report_book.h),
// rounded to 0.01; the top-level "score" is their sum. "status" is "passed"
// only when a test earned all its points. Text goes through SanitizeText:
// control characters (terminal colours, NUL) show as "\xNN", not raw.
//
// Thread safety and ownership: as FileReporter; copies the plan and options.
#pragma once

#include <string>
#include <string_view>

#include "harness/report/atomic_file.h"
#include "harness/report/book.h"

namespace raftlab {

enum class GradescopeVisibility { kHidden, kAfterDueDate, kAfterPublished, kVisible };
std::string_view GradescopeVisibilityName(GradescopeVisibility v);  // "hidden", "after_due_date", ...
// Errors: InvalidArgument naming the bad word and the accepted ones.
StatusOr<GradescopeVisibility> ParseGradescopeVisibility(std::string_view name);

struct GradescopeReportOptions {
  RunMetadata meta;
  ScoringPolicy policy = ScoringPolicy::kAllOrNothing;
  GradescopeVisibility visibility = GradescopeVisibility::kVisible;
  // Gradescope shows the autograder's stdout to instructors only by default.
  GradescopeVisibility stdout_visibility = GradescopeVisibility::kHidden;
  AtomicWriteOptions write;
  size_t max_log_lines = 20;             // of a failed run's log tail
  size_t max_output_chars = 16 * 1024;   // of one test's "output"
};

class GradescopeReporter final : public FileReporter {
 public:
  GradescopeReporter(std::string path, ReportPlan plan, GradescopeReportOptions options);

  std::string_view format_name() const override { return "gradescope"; }
  void RunStart(const RunInfo& info) override;
  void TestEnd(const TestSpec& spec, const TestResult& result) override;
  void RunEnd(const RunSummary& summary) override;

  // The document as it would be written now.
  std::string Document() const;

 private:
  std::string TestOutput(const TestScore& s) const;

  GradescopeReportOptions options_;
  ResultBook book_;
  RunInfo info_;
  bool finished_ = false;
  double wall_s_ = 0;
  int interrupted_signal_ = -1;  // >= 0 when RunEnd said the run was interrupted
  bool stopped_by_failure_ = false;
};

}  // namespace raftlab
