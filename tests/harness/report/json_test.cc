// Tests of harness/report/json.cc: the document read back with nlohmann,
// written incrementally, with hostile student text.
#include "harness/report/json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include <nlohmann/json.hpp>

#include "tests/harness/report/files_test_util.h"

namespace raftlab {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;
using testing_reports::HostileText;
using testing_reports::MakeRun;
using testing_reports::ReadAll;
using testing_reports::SampleInfo;
using testing_reports::SampleMeta;
using testing_reports::SamplePlan;
using testing_reports::ScratchDir;
using testing_reports::Spec;

// Reads the file at `path`; a parse failure fails the test.
json Load(const std::string& path) {
  const std::string text = ReadAll(path);
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(j.is_discarded()) << "not JSON:\n" << text;
  return j;
}

JsonReportOptions Options(ScoringPolicy policy = ScoringPolicy::kAllOrNothing) {
  JsonReportOptions o;
  o.meta = SampleMeta();
  o.policy = policy;
  return o;
}

TEST(JsonReporterTest, EveryRewriteIsAValidDocumentWithTheFinishedRuns) {
  ScratchDir dir;
  const std::string path = dir.File("run.json");
  const ReportPlan plan = SamplePlan();
  JsonReporter rep(path, plan, Options());

  rep.RunStart(SampleInfo());
  ASSERT_TRUE(rep.status().ok()) << rep.status().message();
  json j = Load(path);
  EXPECT_EQ(j["state"], "running");
  EXPECT_EQ(j["tests"].size(), 0u);
  EXPECT_EQ(j["summary"]["total"]["points_possible"], 35);
  EXPECT_EQ(j["summary"]["total"]["tests_not_run"], 3);

  // After 1 of 3 tests: already a complete document holding that run.
  rep.TestEnd(Spec(plan, "e1"), MakeRun(plan, "e1", Verdict::kPass));
  j = Load(path);
  EXPECT_EQ(j["state"], "running");
  ASSERT_EQ(j["tests"].size(), 1u);
  EXPECT_EQ(j["tests"][0]["test"], "e1");
  EXPECT_EQ(j["summary"]["total"]["points_earned"], 5);
  EXPECT_TRUE(j["summary"]["total"]["wall_s"].is_null());

  rep.TestEnd(Spec(plan, "e2"), MakeRun(plan, "e2", Verdict::kTimeout, 0, "timed out after 120 s; peer 1 stuck"));
  rep.TestEnd(Spec(plan, "r1"), MakeRun(plan, "r1", Verdict::kPass));
  EXPECT_EQ(Load(path)["tests"].size(), 3u);

  RunSummary summary;
  summary.wall_s = 12.5;
  rep.RunEnd(summary);
  ASSERT_TRUE(rep.status().ok());
  j = Load(path);
  EXPECT_EQ(j["state"], "finished");
  EXPECT_EQ(j["summary"]["total"]["wall_s"], 12.5);
  EXPECT_EQ(j["summary"]["total"]["points_earned"], 25);
  EXPECT_EQ(j["summary"]["total"]["runs_failed"], 1);
  EXPECT_EQ(j["summary"]["failed_tests"], json::array({"e2"}));
  EXPECT_EQ(j["summary"]["end"]["interrupted"], false);
  // The file on disk is exactly what Document() gives.
  EXPECT_EQ(ReadAll(path), rep.Document());
}

TEST(JsonReporterTest, RunInfoAndPerPartSummary) {
  ScratchDir dir;
  const std::string path = dir.File("run.json");
  const ReportPlan plan = SamplePlan(2);
  JsonReporter rep(path, plan, Options());
  rep.RunStart(SampleInfo(2));
  rep.TestEnd(Spec(plan, "r1"), MakeRun(plan, "r1", Verdict::kPass, 1));
  rep.TestEnd(Spec(plan, "e1"), MakeRun(plan, "e1", Verdict::kPass, 0));
  rep.TestEnd(Spec(plan, "r1"), MakeRun(plan, "r1", Verdict::kPass, 0));
  rep.TestEnd(Spec(plan, "e1"), MakeRun(plan, "e1", Verdict::kFail, 1));
  const json j = Load(path);

  const json& run = j["run"];
  EXPECT_EQ(run["labtest_version"], "0.9.1");
  EXPECT_EQ(run["plugin_name"], "student-raft");
  EXPECT_EQ(run["plugin_path"], "./libraft.so");
  EXPECT_EQ(run["base_seed"], 42);
  EXPECT_EQ(run["config_path"], "config/raft_lab_test.yml");
  EXPECT_EQ(run["start_time"], "2026-11-22T16:16:07Z");
  EXPECT_EQ(run["command_line"], "labtest --plugin ./libraft.so --output 'json:out dir/r.json'");
  EXPECT_EQ(run["argv"].size(), 5u);
  EXPECT_EQ(run["scoring_policy"], "all-or-nothing");
  EXPECT_EQ(run["runs_planned"], 6);

  // Runs in plan order, then by repetition, whatever order they ended in.
  ASSERT_EQ(j["tests"].size(), 4u);
  EXPECT_EQ(j["tests"][0]["test"], "e1");
  EXPECT_EQ(j["tests"][0]["repetition"], 0);
  EXPECT_EQ(j["tests"][1]["repetition"], 1);
  EXPECT_EQ(j["tests"][2]["test"], "r1");
  EXPECT_EQ(j["tests"][3]["repetition"], 1);

  const json& parts = j["summary"]["parts"];
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0]["name"], "leader election");
  EXPECT_EQ(parts[0]["tests_failed"], 1);
  EXPECT_EQ(parts[0]["tests_not_run"], 1);
  EXPECT_EQ(parts[0]["points_earned"], 0);
  EXPECT_EQ(parts[0]["points_possible"], 15);
  EXPECT_EQ(parts[1]["tests_passed"], 1);
  EXPECT_EQ(parts[1]["points_earned"], 20);

  const json& e1 = j["summary"]["tests"][0];
  EXPECT_EQ(e1["state"], "failed");
  EXPECT_EQ(e1["failing_seeds"], json::array({1001}));
}

TEST(JsonReporterTest, RunsKeepResultToJsonFieldsAndReadBack) {
  ScratchDir dir;
  const std::string path = dir.File("run.json");
  const ReportPlan plan = SamplePlan();
  JsonReporter rep(path, plan, Options());
  rep.RunStart(SampleInfo());
  TestResult r = MakeRun(plan, "e2", Verdict::kCrash, 0, "killed by SIGSEGV");
  r.has_figures = true;
  r.figures.rpcs = 56;
  r.stderr_tail = {"Segmentation fault"};
  rep.TestEnd(Spec(plan, "e2"), r);
  const json t = Load(path)["tests"][0];

  for (const char* key : {"test", "part", "repetition", "base_seed", "seed", "verdict", "message", "duration_s",
                          "events", "wall_s", "cpu_user_s", "cpu_sys_s", "max_rss_kb", "exit_code", "term_signal",
                          "log_tail", "log_lines", "stderr_tail", "output_dir", "figures"}) {
    EXPECT_TRUE(t.contains(key)) << key;
  }
  EXPECT_EQ(t["verdict"], "crash");
  EXPECT_EQ(t["reason"], "crash: killed by SIGSEGV");
  EXPECT_EQ(t["rerun"], "labtest --plugin ./libraft.so --filter '^e2$' --seed 42");
  EXPECT_EQ(t["description"], "re-election");

  // Each run is a TestResult that ResultFromJson reads back.
  auto back = ResultFromJson(t.dump());
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->verdict, Verdict::kCrash);
  EXPECT_EQ(back->seed, r.seed);
  EXPECT_EQ(back->figures.rpcs, 56);
  EXPECT_EQ(back->stderr_tail, r.stderr_tail);
}

// Issue 16: what each test demands is in the summary and in every run.
TEST(JsonReporterTest, ChecksTagInSummaryAndRuns) {
  ScratchDir dir;
  const std::string path = dir.File("run.json");
  ReportPlan plan = SamplePlan();
  plan.tests[1].checks = "performance";
  JsonReporter rep(path, plan, Options());
  rep.RunStart(SampleInfo());
  TestSpec spec = Spec(plan, "e2");
  spec.checks = "performance";
  rep.TestEnd(spec, MakeRun(plan, "e2", Verdict::kFail, 0, "too many RPCs (57) for 10 entries (at most 55)"));
  rep.TestEnd(Spec(plan, "e1"), MakeRun(plan, "e1", Verdict::kPass));
  const json j = Load(path);
  std::map<std::string, std::string> summary;
  for (const json& t : j["summary"]["tests"]) summary[t["test"]] = t["checks"];
  EXPECT_EQ(summary["e2"], "performance");
  EXPECT_EQ(summary["e1"], "");  // not said
  std::map<std::string, std::string> runs;
  for (const json& t : j["tests"]) runs[t["test"]] = t["checks"];
  EXPECT_EQ(runs["e2"], "performance");
  EXPECT_EQ(runs["e1"], "");
}

TEST(JsonReporterTest, HostileTextStaysValidJson) {
  ScratchDir dir;
  const std::string path = dir.File("run.json");
  const ReportPlan plan = SamplePlan();
  JsonReporter rep(path, plan, Options());
  RunInfo info = SampleInfo();
  info.plugin_name = "evil\xff\"name";
  rep.RunStart(info);
  TestResult r = MakeRun(plan, "e1", Verdict::kFail, 0, HostileText());
  r.log_tail = {HostileText(), "\x01\x02\x03"};
  TestSpec spec = Spec(plan, "e1");
  spec.description = "desc \xc0\x80 <b>";
  rep.TestEnd(spec, r);
  ASSERT_TRUE(rep.status().ok());
  const json j = Load(path);
  const std::string msg = j["tests"][0]["message"];
  EXPECT_THAT(msg, HasSubstr("bad \"quote\" 'apos' <tag> & &amp; ]]> esc\x1b[31m"));
  EXPECT_THAT(msg, HasSubstr(std::string(" nul") + '\0'));  // JSON carries NUL as \u0000
  EXPECT_THAT(msg, HasSubstr("lone\xef\xbf\xbd byte"));       // invalid byte -> U+FFFD
  EXPECT_THAT(msg, HasSubstr("ok \xe2\x82\xac"));
  EXPECT_EQ(j["tests"][0]["log_tail"][1], "\x01\x02\x03");
  EXPECT_EQ(j["run"]["plugin_name"], "evil\xef\xbf\xbd\"name");
  EXPECT_THAT(std::string(j["tests"][0]["description"]), HasSubstr("<b>"));
}

TEST(JsonReporterTest, AnInterruptedRunSaysSoAtItsEnd) {
  ScratchDir dir;
  const std::string path = dir.File("run.json");
  const ReportPlan plan = SamplePlan();
  JsonReporter rep(path, plan, Options());
  rep.RunStart(SampleInfo());
  EXPECT_TRUE(Load(path)["summary"]["end"].is_null());
  rep.TestEnd(Spec(plan, "e1"), MakeRun(plan, "e1", Verdict::kPass));
  RunSummary summary;
  summary.interrupted = true;
  summary.interrupt_signal = 2;
  summary.jobs = 2;
  rep.RunEnd(summary);
  const json j = Load(path);
  EXPECT_EQ(j["state"], "interrupted");
  EXPECT_EQ(j["summary"]["end"]["interrupted"], true);
  EXPECT_EQ(j["summary"]["end"]["interrupt_signal"], 2);
  EXPECT_EQ(j["summary"]["end"]["jobs"], 2);
  EXPECT_EQ(j["summary"]["total"]["tests_not_run"], 2);
}

TEST(JsonReporterTest, PassRatePolicyScoresFractions) {
  ScratchDir dir;
  const std::string path = dir.File("run.json");
  const ReportPlan plan = SamplePlan(2);
  JsonReporter rep(path, plan, Options(ScoringPolicy::kPassRate));
  rep.RunStart(SampleInfo(2));
  rep.TestEnd(Spec(plan, "e2"), MakeRun(plan, "e2", Verdict::kPass, 0));
  rep.TestEnd(Spec(plan, "e2"), MakeRun(plan, "e2", Verdict::kCpuLimit, 1));
  const json j = Load(path);
  EXPECT_EQ(j["summary"]["policy"], "pass-rate");
  EXPECT_EQ(j["summary"]["tests"][1]["earned"], 5);
  EXPECT_EQ(j["summary"]["total"]["points_earned"], 5);
}

}  // namespace
}  // namespace raftlab
