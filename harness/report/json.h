// JsonReporter: `--output json:PATH`, the whole run as one JSON document,
// rewritten atomically after every test end so that an interrupted run leaves
// a valid file holding every finished result.
//
//   {
//     "format": "raftlab-run", "format_version": 1,
//     "state": "running" | "finished" | "interrupted" (finished early: Ctrl-C, SIGTERM),
//     "run": {labtest_version, plugin_name, plugin_language, plugin_version, plugin_path, bundled_plugin,
//             config_path, config_origin, base_seed, seed_given, start_time, command_line,
//             argv, repeat, first_repetition, timeout_scale, run_dir, scoring_policy,
//             tests_planned, runs_planned},
//     "summary": {"policy",
//                 "end": null while running, then {interrupted, interrupt_signal,
//                        stopped_by_failure, jobs, output_dir} from the RunSummary,
//                 "total": {runs, runs_passed, runs_failed, runs_skipped, tests,
//                 tests_passed, tests_failed, tests_skipped, tests_not_run, points_earned,
//                 points_possible, cpu_s, wall_s (null until finished)},
//                 "parts": [{part, name, tests, tests_passed, ..., points_earned, points_possible}],
//                 "tests": [{test, part, description, points, earned, state, runs, expected_runs,
//                            passed, failed, skipped, failing_seeds}],
//                 "failed_tests": [names]},
//     "tests": [one object per finished run, in plan order then by repetition,
//               exactly ResultToJson's object (so ResultFromJson reads it back)
//               plus "description", "reason", "rerun"]
//   }
//
// Student text that is not UTF-8 is replaced (U+FFFD), never an error.
//
// Thread safety and ownership: as FileReporter; copies the plan and options.
#pragma once

#include <map>
#include <string>
#include <utility>

#include "harness/report/atomic_file.h"
#include "harness/report/book.h"

namespace raftlab {

struct JsonReportOptions {
  RunMetadata meta;
  ScoringPolicy policy = ScoringPolicy::kAllOrNothing;
  AtomicWriteOptions write;
};

class JsonReporter final : public FileReporter {
 public:
  JsonReporter(std::string path, ReportPlan plan, JsonReportOptions options);

  std::string_view format_name() const override { return "json"; }
  void RunStart(const RunInfo& info) override;
  void TestEnd(const TestSpec& spec, const TestResult& result) override;
  void RunEnd(const RunSummary& summary) override;

  // The document as it would be written now.
  std::string Document() const;

 private:
  JsonReportOptions options_;
  ResultBook book_;
  RunInfo info_;
  bool finished_ = false;
  RunSummary summary_;
  // (test, repetition) -> that run's object, serialised once.
  std::map<std::pair<std::string, int>, std::string> serialized_;
};

}  // namespace raftlab
