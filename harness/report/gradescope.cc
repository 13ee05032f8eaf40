// GradescopeReporter (see report_gradescope.h). nlohmann exceptions stop in this file.
#include "harness/report/gradescope.h"

#include <cmath>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "harness/catalogue/config.h"

namespace raftlab {
namespace {

using json = nlohmann::ordered_json;

struct VisibilityName {
  GradescopeVisibility v;
  std::string_view name;
};
constexpr VisibilityName kVisibilityNames[] = {
    {GradescopeVisibility::kHidden, "hidden"},
    {GradescopeVisibility::kAfterDueDate, "after_due_date"},
    {GradescopeVisibility::kAfterPublished, "after_published"},
    {GradescopeVisibility::kVisible, "visible"},
};

double RoundPoints(double p) { return std::round(p * 100) / 100; }

std::string Points(double p) { return fmt::format("{:g}", RoundPoints(p)); }

std::string PolicyRule(ScoringPolicy p) {
  return p == ScoringPolicy::kPassRate ? "pass-rate: points in proportion to the runs that passed"
                                       : "all-or-nothing: full points only if every run passes";
}

// Appends `more` to `out` unless that would pass `max`; says so once when cut.
void AppendCapped(std::string& out, const std::string& more, size_t max, bool& cut) {
  if (cut) return;
  if (out.size() + more.size() > max) {
    out += "[... output cut; the JSON or JUnit report has every run]\n";
    cut = true;
    return;
  }
  out += more;
}

}  // namespace

std::string_view GradescopeVisibilityName(GradescopeVisibility v) {
  for (const auto& e : kVisibilityNames) {
    if (e.v == v) return e.name;
  }
  return "visible";
}

StatusOr<GradescopeVisibility> ParseGradescopeVisibility(std::string_view name) {
  for (const auto& e : kVisibilityNames) {
    if (e.name == name) return e.v;
  }
  return Status::InvalidArgument(fmt::format(
      "unknown Gradescope visibility '{}' (use hidden, after_due_date, after_published or visible)", name));
}

GradescopeReporter::GradescopeReporter(std::string path, ReportPlan plan, GradescopeReportOptions options)
    : FileReporter(std::move(path), options.write),
      options_(std::move(options)),
      book_(std::move(plan), options_.policy) {}

void GradescopeReporter::RunStart(const RunInfo& info) {
  info_ = info;
  book_.SetRunsPerTest(info.repeat);
  Refresh([this] { return Document(); });
}

void GradescopeReporter::TestEnd(const TestSpec& spec, const TestResult& result) {
  book_.Add(spec, result);
  Refresh([this] { return Document(); });
}

void GradescopeReporter::RunEnd(const RunSummary& summary) {
  finished_ = true;
  wall_s_ = summary.wall_s;
  interrupted_signal_ = summary.interrupted ? summary.interrupt_signal : -1;
  stopped_by_failure_ = summary.stopped_by_failure;
  Refresh([this] { return Document(); }, /*final=*/true);
}

std::string GradescopeReporter::TestOutput(const TestScore& s) const {
  const size_t max = options_.max_output_chars;
  std::string out;
  bool cut = false;
  const int runs = static_cast<int>(s.runs.size());
  switch (s.state) {
    case TestState::kNotRun:
      out = "Not run: the run stopped before this test (interrupted, a time limit, or --fail-fast).\n";
      break;
    case TestState::kSkipped:
      out = fmt::format("Skipped ({} of {} runs): {}\n", runs, s.expected_runs, s.runs.front()->message);
      break;
    case TestState::kIncomplete:
      out = fmt::format("{} of {} runs finished and passed; the run stopped before the rest.\n", runs,
                        s.expected_runs);
      break;
    case TestState::kPassed:
    case TestState::kFailed:
      out = fmt::format("{} of {} runs passed", s.passed + s.skipped, s.expected_runs);
      if (runs < s.expected_runs) out += fmt::format(" ({} not run)", s.expected_runs - runs);
      out += ".\n";
      break;
  }
  out += fmt::format("Score {} of {} ({}).\n", Points(s.earned), Points(s.test->points), PolicyRule(book_.policy()));
  // What the test demands (catalogue key `checks`), so that a student tells
  // a broken safety rule from a missed performance bound.
  if (!s.test->checks.empty()) out += fmt::format("This test checks {}.\n", DemandLabel(s.test->checks));
  for (const TestResult* r : s.runs) {
    std::string line = fmt::format("\nrun {}: {} in {:.1f} s (cpu {:.1f} s), seed {} (run seed {})\n", r->repetition,
                                   VerdictName(r->verdict), r->wall_s, r->cpu_s(), r->base_seed, r->seed);
    if (!IsSuccess(r->verdict)) {
      line += fmt::format("  reason: {}\n", RunReason(*r));
      line += fmt::format("  rerun: {}\n", RerunCommand(info_.rerun_prefix, *r));
      const std::vector<std::string> tail = LastLines(r->log_tail, options_.max_log_lines);
      if (!tail.empty()) {
        line += fmt::format("  last {} of {} log lines:\n", tail.size(), r->log_lines);
        for (const std::string& l : tail) line += "    " + l + "\n";
      }
    }
    AppendCapped(out, line, max, cut);
  }
  return out;
}

std::string GradescopeReporter::Document() const {
  const std::vector<TestScore> scores = book_.Scores();
  const std::string visibility(GradescopeVisibilityName(options_.visibility));
  json tests = json::array();
  std::map<int, int> number_in_part;
  double total = 0;
  for (const TestScore& s : scores) {
    const PlannedTest& t = *s.test;
    const double score = RoundPoints(s.earned);
    total += score;
    json seeds = json::array();
    json verdicts = json::array();
    for (const TestResult* r : s.runs) {
      seeds.push_back(r->seed);
      verdicts.push_back(std::string(VerdictName(r->verdict)));
    }
    const bool described = !t.description.empty() && t.description != t.name;
    tests.push_back(json{
        {"name", SanitizeText(described ? fmt::format("{}: {}", t.name, t.description) : t.name)},
        {"number", fmt::format("{}.{}", t.part, ++number_in_part[t.part])},
        {"score", score},
        {"max_score", t.points},
        {"status", score >= RoundPoints(t.points) && s.state == TestState::kPassed ? "passed" : "failed"},
        {"output", SanitizeText(TestOutput(s))},
        {"visibility", visibility},
        {"extra_data",
         json{{"test", t.name},
              {"part", t.part},
              {"checks", t.checks},
              {"state", std::string(TestStateName(s.state))},
              {"runs", s.runs.size()},
              {"expected_runs", s.expected_runs},
              {"passed", s.passed},
              {"failed", s.failed},
              {"skipped", s.skipped},
              {"verdicts", std::move(verdicts)},
              {"seeds", std::move(seeds)}}},
    });
  }

  const BookTotals totals = book_.Totals(scores);
  std::string output = fmt::format("raftlab labtest {}: plugin {} {}, base seed {}, scoring {}.\n",
                                   options_.meta.labtest_version, info_.plugin_name, info_.plugin_version,
                                   info_.base_seed, ScoringPolicyName(book_.policy()));
  output += fmt::format("{} of {} points; tests: {} passed, {} failed, {} skipped, {} not run.\n", Points(total),
                        Points(totals.points_possible), totals.tests_passed, totals.tests_failed,
                        totals.tests_skipped, totals.tests_not_run);
  if (!finished_) {
    output += "The run has not finished (or was killed): tests without results score 0.\n";
  } else if (interrupted_signal_ >= 0) {
    output += fmt::format("The run was interrupted (signal {}): tests without results score 0.\n", interrupted_signal_);
  } else if (stopped_by_failure_) {
    output += "The run stopped at the first failure (--fail-fast): tests without results score 0.\n";
  }

  json doc = {{"score", RoundPoints(total)}};
  if (finished_) doc["execution_time"] = static_cast<int64_t>(std::ceil(wall_s_));  // whole seconds, as in the spec's example
  doc["output"] = SanitizeText(output);
  doc["visibility"] = visibility;
  doc["stdout_visibility"] = std::string(GradescopeVisibilityName(options_.stdout_visibility));
  doc["tests"] = std::move(tests);
  return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace raftlab
