// JsonReporter (see report_json.h). nlohmann exceptions stop in this file.
#include "harness/report/json.h"

#include <nlohmann/json.hpp>

namespace raftlab {
namespace {

// ordered_json: members appear in the order written here, which reads better.
using json = nlohmann::ordered_json;

constexpr int kFormatVersion = 1;  // bump when a field changes meaning

std::string Dump(const json& j, int indent) { return j.dump(indent, ' ', false, json::error_handler_t::replace); }

json RunJson(const RunInfo& info, const RunMetadata& meta, const ReportPlan& plan, ScoringPolicy policy) {
  return json{
      {"labtest_version", meta.labtest_version},
      {"plugin_name", info.plugin_name},
      {"plugin_language", info.plugin_language},
      {"plugin_version", info.plugin_version},
      {"plugin_path", info.plugin_path},
      {"bundled_plugin", info.bundled_plugin},
      {"config_path", info.config_path},
      {"config_origin", info.config_origin},
      {"base_seed", info.base_seed},
      {"seed_given", info.seed_given},
      {"start_time", meta.start_time},
      {"command_line", JoinCommandLine(meta.command_line)},
      {"argv", meta.command_line},
      {"repeat", info.repeat},
      {"first_repetition", info.first_repetition},
      {"timeout_scale", info.timeout_scale},
      {"run_dir", info.run_dir},
      {"scoring_policy", std::string(ScoringPolicyName(policy))},
      {"tests_planned", plan.tests.size()},
      {"runs_planned", plan.PlannedRuns()},
  };
}

json SummaryJson(const ResultBook& book, const std::vector<TestScore>& scores, bool finished,
                 const RunSummary& summary) {
  const BookTotals t = book.Totals(scores);
  json total = {
      {"runs", t.runs},
      {"runs_passed", t.runs_passed},
      {"runs_failed", t.runs_failed},
      {"runs_skipped", t.runs_skipped},
      {"tests", t.tests},
      {"tests_passed", t.tests_passed},
      {"tests_failed", t.tests_failed},
      {"tests_skipped", t.tests_skipped},
      {"tests_not_run", t.tests_not_run},
      {"points_earned", t.points_earned},
      {"points_possible", t.points_possible},
      {"cpu_s", t.cpu_s},
      {"wall_s", finished ? json(summary.wall_s) : json(nullptr)},
  };
  json parts = json::array();
  for (const PartScore& p : book.Parts(scores)) {
    parts.push_back(json{
        {"part", p.part},
        {"name", p.name},
        {"tests", p.tests},
        {"tests_passed", p.tests_passed},
        {"tests_failed", p.tests_failed},
        {"tests_skipped", p.tests_skipped},
        {"tests_not_run", p.tests_not_run},
        {"points_earned", p.points_earned},
        {"points_possible", p.points_possible},
    });
  }
  json tests = json::array();
  json failed = json::array();
  for (const TestScore& s : scores) {
    json seeds = json::array();
    for (const TestResult* r : s.runs) {
      if (!IsSuccess(r->verdict)) seeds.push_back(r->seed);
    }
    tests.push_back(json{
        {"test", s.test->name},
        {"part", s.test->part},
        {"description", s.test->description},
        {"points", s.test->points},
        {"checks", s.test->checks},  // safety | liveness | performance ("" when the catalogue does not say)
        {"earned", s.earned},
        {"state", std::string(TestStateName(s.state))},
        {"runs", s.runs.size()},
        {"expected_runs", s.expected_runs},
        {"passed", s.passed},
        {"failed", s.failed},
        {"skipped", s.skipped},
        {"failing_seeds", std::move(seeds)},
    });
    if (s.state == TestState::kFailed) failed.push_back(s.test->name);
  }
  json end = nullptr;  // how the run ended; null while it runs
  if (finished) {
    end = json{{"interrupted", summary.interrupted},
               {"interrupt_signal", summary.interrupt_signal},
               {"stopped_by_failure", summary.stopped_by_failure},
               {"jobs", summary.jobs},
               {"output_dir", summary.output_dir}};
  }
  return json{{"policy", std::string(ScoringPolicyName(book.policy()))},
              {"end", std::move(end)},
              {"total", std::move(total)},
              {"parts", std::move(parts)},
              {"tests", std::move(tests)},
              {"failed_tests", std::move(failed)}};
}

}  // namespace

JsonReporter::JsonReporter(std::string path, ReportPlan plan, JsonReportOptions options)
    : FileReporter(std::move(path), options.write),
      options_(std::move(options)),
      book_(std::move(plan), options_.policy) {}

void JsonReporter::RunStart(const RunInfo& info) {
  info_ = info;
  book_.SetRunsPerTest(info.repeat);
  Refresh([this] { return Document(); });
}

void JsonReporter::TestEnd(const TestSpec& spec, const TestResult& result) {
  book_.Add(spec, result);
  // ResultToJson has already replaced invalid UTF-8, so this parse succeeds.
  json j = json::parse(ResultToJson(result), nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) j = json::object();
  // "format" stays: each run reads back with ResultFromJson (resuming a grading).
  if (j.value("test", "").empty()) j["test"] = spec.name;
  j["description"] = spec.description;
  j["checks"] = spec.checks;
  j["reason"] = RunReason(result);
  j["rerun"] = RerunCommand(info_.rerun_prefix, result);
  serialized_[{j.value("test", ""), result.repetition}] = Dump(j, -1);
  Refresh([this] { return Document(); });
}

void JsonReporter::RunEnd(const RunSummary& summary) {
  finished_ = true;
  summary_ = summary;
  Refresh([this] { return Document(); }, /*final=*/true);
}

std::string JsonReporter::Document() const {
  const std::vector<TestScore> scores = book_.Scores();
  const json head = {
      {"format", "raftlab-run"},
      {"format_version", kFormatVersion},
      {"state", !finished_ ? "running" : summary_.interrupted ? "interrupted" : "finished"},
      {"run", RunJson(info_, options_.meta, book_.plan(), book_.policy())},
      {"summary", SummaryJson(book_, scores, finished_, summary_)},
  };
  // The runs are serialised once each; splice them in as the last member
  // instead of re-serialising every run on every rewrite.
  std::string doc = Dump(head, 2);
  doc.pop_back();  // the closing '}'
  while (!doc.empty() && doc.back() == '\n') doc.pop_back();
  doc += ",\n  \"tests\": [";
  bool first = true;
  for (const TestScore& s : scores) {
    for (const TestResult* r : s.runs) {
      auto it = serialized_.find({s.test->name, r->repetition});
      if (it == serialized_.end()) continue;
      doc += first ? "\n    " : ",\n    ";
      doc += it->second;
      first = false;
    }
  }
  doc += first ? "]\n}\n" : "\n  ]\n}\n";
  return doc;
}

}  // namespace raftlab
