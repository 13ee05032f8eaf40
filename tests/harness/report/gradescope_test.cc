// Tests of harness/report/gradescope.cc: results.json read back with
// nlohmann and checked against Gradescope's field list, both scoring
// policies, incremental writes and hostile student text.
#include "harness/report/gradescope.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include <nlohmann/json.hpp>

#include "tests/harness/report/files_test_util.h"

namespace raftlab {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using json = nlohmann::json;
using testing_reports::HostileText;
using testing_reports::MakeRun;
using testing_reports::ReadAll;
using testing_reports::SampleInfo;
using testing_reports::SampleMeta;
using testing_reports::SamplePlan;
using testing_reports::ScratchDir;
using testing_reports::Spec;

json Load(const std::string& path) {
  const std::string text = ReadAll(path);
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(j.is_discarded()) << "not JSON:\n" << text;
  return j;
}

// The shape Gradescope's spec gives (docs/specs.md): only known keys, the
// right types, statuses and visibilities from their vocabularies, and the
// top-level score equal to the sum of the tests'.
void ExpectGradescopeShape(const json& j) {
  static const std::set<std::string> kTop = {"score", "execution_time", "output", "output_format", "visibility",
                                             "stdout_visibility", "extra_data", "tests", "leaderboard"};
  static const std::set<std::string> kTest = {"score", "max_score", "status", "name", "name_format", "number",
                                              "output", "output_format", "tags", "visibility", "extra_data"};
  static const std::set<std::string> kVisibility = {"hidden", "after_due_date", "after_published", "visible"};
  ASSERT_TRUE(j.is_object());
  for (const auto& [k, v] : j.items()) EXPECT_TRUE(kTop.count(k)) << "unknown top-level key " << k;
  ASSERT_TRUE(j["tests"].is_array());
  EXPECT_TRUE(j["output"].is_string());
  EXPECT_TRUE(kVisibility.count(j["visibility"]));
  EXPECT_TRUE(kVisibility.count(j["stdout_visibility"]));
  double sum = 0;
  for (const json& t : j["tests"]) {
    for (const auto& [k, v] : t.items()) EXPECT_TRUE(kTest.count(k)) << "unknown test key " << k;
    EXPECT_TRUE(t["name"].is_string());
    EXPECT_TRUE(t["score"].is_number());
    EXPECT_TRUE(t["max_score"].is_number());
    EXPECT_LE(t["score"].get<double>(), t["max_score"].get<double>());
    EXPECT_TRUE(t["status"] == "passed" || t["status"] == "failed") << t["status"];
    EXPECT_TRUE(t["output"].is_string());
    EXPECT_TRUE(kVisibility.count(t["visibility"]));
    sum += t["score"].get<double>();
  }
  EXPECT_NEAR(j["score"].get<double>(), sum, 1e-9);
}

const json& TestNamed(const json& j, const std::string& prefix) {
  for (const json& t : j["tests"]) {
    if (t["name"].get<std::string>().rfind(prefix + ":", 0) == 0) return t;
  }
  ADD_FAILURE() << "no test " << prefix;
  return j;
}

GradescopeReportOptions Options(ScoringPolicy policy = ScoringPolicy::kAllOrNothing) {
  GradescopeReportOptions o;
  o.meta = SampleMeta();
  o.policy = policy;
  return o;
}

TEST(GradescopeReporterTest, EveryRewriteListsEveryTestWithTheRightMaximum) {
  ScratchDir dir;
  const std::string path = dir.File("results.json");
  const ReportPlan plan = SamplePlan();
  GradescopeReporter rep(path, plan, Options());
  rep.RunStart(SampleInfo());
  ASSERT_TRUE(rep.status().ok()) << rep.status().message();
  json j = Load(path);
  ExpectGradescopeShape(j);
  EXPECT_EQ(j["tests"].size(), 3u);
  EXPECT_EQ(j["score"], 0);

  // After 1 of 3 tests: valid, that test scored, the others present at 0.
  rep.TestEnd(Spec(plan, "e1"), MakeRun(plan, "e1", Verdict::kPass));
  j = Load(path);
  ExpectGradescopeShape(j);
  EXPECT_EQ(j["score"], 5);
  EXPECT_FALSE(j.contains("execution_time"));
  EXPECT_THAT(j["output"].get<std::string>(), HasSubstr("has not finished"));
  const json& e1 = TestNamed(j, "e1");
  EXPECT_EQ(e1["name"], "e1: initial election");
  EXPECT_EQ(e1["number"], "1.1");
  EXPECT_EQ(e1["status"], "passed");
  EXPECT_EQ(e1["max_score"], 5);
  const json& r1 = TestNamed(j, "r1");
  EXPECT_EQ(r1["number"], "2.1");
  EXPECT_EQ(r1["score"], 0);
  EXPECT_EQ(r1["status"], "failed");
  EXPECT_THAT(r1["output"].get<std::string>(), HasSubstr("Not run"));

  rep.TestEnd(Spec(plan, "e2"), MakeRun(plan, "e2", Verdict::kPass));
  rep.TestEnd(Spec(plan, "r1"), MakeRun(plan, "r1", Verdict::kPass));
  RunSummary summary;
  summary.wall_s = 61.2;
  rep.RunEnd(summary);
  j = Load(path);
  ExpectGradescopeShape(j);
  EXPECT_EQ(j["score"], 35);
  EXPECT_EQ(j["execution_time"], 62);
  EXPECT_THAT(j["output"].get<std::string>(), Not(HasSubstr("has not finished")));
  EXPECT_THAT(j["output"].get<std::string>(), HasSubstr("35 of 35 points"));
  EXPECT_EQ(j["visibility"], "visible");
  EXPECT_EQ(j["stdout_visibility"], "hidden");
  EXPECT_EQ(ReadAll(path), rep.Document());
}

// Issue 16: a student sees what kind of demand a test makes.
TEST(GradescopeReporterTest, OutputSaysWhatTheTestChecks) {
  ScratchDir dir;
  const std::string path = dir.File("results.json");
  ReportPlan plan = SamplePlan();
  plan.tests[2].checks = "performance";
  GradescopeReporter rep(path, plan, Options());
  rep.RunStart(SampleInfo());
  TestSpec spec = Spec(plan, "r1");
  spec.checks = "performance";
  rep.TestEnd(spec, MakeRun(plan, "r1", Verdict::kFail, 0, "too many RPCs (57) for 10 entries (at most 55)"));
  const json j = Load(path);
  ExpectGradescopeShape(j);
  const json& r1 = TestNamed(j, "r1");
  EXPECT_EQ(r1["extra_data"]["checks"], "performance");
  EXPECT_THAT(r1["output"].get<std::string>(), HasSubstr("This test checks performance: RPC counts, bytes or latency.\n"));
  const json& e1 = TestNamed(j, "e1");
  EXPECT_EQ(e1["extra_data"]["checks"], "");
  EXPECT_THAT(e1["output"].get<std::string>(), Not(HasSubstr("This test checks")));
}

TEST(GradescopeReporterTest, AnInterruptedOrStoppedRunSaysSo) {
  ScratchDir dir;
  const ReportPlan plan = SamplePlan();
  GradescopeReporter interrupted(dir.File("a.json"), plan, Options());
  interrupted.RunStart(SampleInfo());
  RunSummary s;
  s.interrupted = true;
  s.interrupt_signal = 15;
  interrupted.RunEnd(s);
  EXPECT_THAT(Load(dir.File("a.json"))["output"].get<std::string>(), HasSubstr("interrupted (signal 15)"));

  GradescopeReporter stopped(dir.File("b.json"), plan, Options());
  stopped.RunStart(SampleInfo());
  RunSummary f;
  f.stopped_by_failure = true;
  stopped.RunEnd(f);
  EXPECT_THAT(Load(dir.File("b.json"))["output"].get<std::string>(), HasSubstr("--fail-fast"));
}

TEST(GradescopeReporterTest, OutputCarriesTimeSeedReasonAndRerun) {
  ScratchDir dir;
  const std::string path = dir.File("results.json");
  const ReportPlan plan = SamplePlan();
  GradescopeReporter rep(path, plan, Options());
  rep.RunStart(SampleInfo());
  rep.TestEnd(Spec(plan, "e2"), MakeRun(plan, "e2", Verdict::kTimeout, 0, "timed out after 120 s; peer 2 stuck"));
  const json j = Load(path);
  const json& e2 = TestNamed(j, "e2");
  EXPECT_EQ(e2["status"], "failed");
  EXPECT_EQ(e2["score"], 0);
  const std::string out = e2["output"];
  EXPECT_THAT(out, HasSubstr("run 0: timeout in 1.2 s (cpu 0.8 s), seed 42 (run seed 1000)"));
  EXPECT_THAT(out, HasSubstr("reason: timeout: timed out after 120 s; peer 2 stuck"));
  EXPECT_THAT(out, HasSubstr("rerun: labtest --plugin ./libraft.so --filter '^e2$' --seed 42"));
  EXPECT_THAT(out, HasSubstr("last 2 of 17 log lines:\n    peer 0: became leader\n"));
  EXPECT_EQ(e2["extra_data"]["verdicts"], json::array({"timeout"}));
  EXPECT_EQ(e2["extra_data"]["seeds"], json::array({1000}));
}

TEST(GradescopeReporterTest, AllOrNothingNeedsEveryRepetition) {
  ScratchDir dir;
  const std::string path = dir.File("results.json");
  const ReportPlan plan = SamplePlan(3);
  GradescopeReporter rep(path, plan, Options(ScoringPolicy::kAllOrNothing));
  rep.RunStart(SampleInfo(3));
  for (int rep_i = 0; rep_i < 3; ++rep_i) rep.TestEnd(Spec(plan, "e1"), MakeRun(plan, "e1", Verdict::kPass, rep_i));
  rep.TestEnd(Spec(plan, "e2"), MakeRun(plan, "e2", Verdict::kPass, 0));
  rep.TestEnd(Spec(plan, "e2"), MakeRun(plan, "e2", Verdict::kFail, 1));
  rep.TestEnd(Spec(plan, "e2"), MakeRun(plan, "e2", Verdict::kPass, 2));
  rep.TestEnd(Spec(plan, "r1"), MakeRun(plan, "r1", Verdict::kPass, 0));
  rep.TestEnd(Spec(plan, "r1"), MakeRun(plan, "r1", Verdict::kPass, 1));  // the third never ran
  const json j = Load(path);
  ExpectGradescopeShape(j);
  EXPECT_EQ(TestNamed(j, "e1")["score"], 5);
  EXPECT_EQ(TestNamed(j, "e1")["status"], "passed");
  EXPECT_EQ(TestNamed(j, "e2")["score"], 0);
  EXPECT_EQ(TestNamed(j, "e2")["status"], "failed");
  EXPECT_THAT(TestNamed(j, "e2")["output"].get<std::string>(), HasSubstr("2 of 3 runs passed"));
  EXPECT_EQ(TestNamed(j, "r1")["score"], 0);
  EXPECT_THAT(TestNamed(j, "r1")["output"].get<std::string>(), HasSubstr("2 of 3 runs finished"));
  EXPECT_EQ(j["score"], 5);
}

TEST(GradescopeReporterTest, PassRateScoresTheFractionRounded) {
  ScratchDir dir;
  const std::string path = dir.File("results.json");
  const ReportPlan plan = SamplePlan(3);
  GradescopeReporter rep(path, plan, Options(ScoringPolicy::kPassRate));
  rep.RunStart(SampleInfo(3));
  rep.TestEnd(Spec(plan, "e2"), MakeRun(plan, "e2", Verdict::kPass, 0));
  rep.TestEnd(Spec(plan, "e2"), MakeRun(plan, "e2", Verdict::kCrash, 1));
  rep.TestEnd(Spec(plan, "e2"), MakeRun(plan, "e2", Verdict::kPass, 2));
  for (int rep_i = 0; rep_i < 3; ++rep_i) rep.TestEnd(Spec(plan, "e1"), MakeRun(plan, "e1", Verdict::kPass, rep_i));
  const json j = Load(path);
  ExpectGradescopeShape(j);
  EXPECT_EQ(TestNamed(j, "e2")["score"], 6.67);  // 10 x 2/3, to 0.01
  EXPECT_EQ(TestNamed(j, "e2")["status"], "failed");
  EXPECT_EQ(TestNamed(j, "e1")["score"], 5);
  EXPECT_EQ(TestNamed(j, "e1")["status"], "passed");
  EXPECT_NEAR(j["score"].get<double>(), 11.67, 1e-9);
  EXPECT_THAT(j["output"].get<std::string>(), HasSubstr("scoring pass-rate"));
}

TEST(GradescopeReporterTest, SkippedTestsScoreZeroAndSayWhy) {
  ScratchDir dir;
  const std::string path = dir.File("results.json");
  const ReportPlan plan = SamplePlan();
  GradescopeReporter rep(path, plan, Options());
  rep.RunStart(SampleInfo());
  rep.TestEnd(Spec(plan, "r1"), MakeRun(plan, "r1", Verdict::kSkip, 0, "skipped: not implemented"));
  const json j = Load(path);
  const json& r1 = TestNamed(j, "r1");
  EXPECT_EQ(r1["score"], 0);
  EXPECT_EQ(r1["status"], "failed");
  EXPECT_THAT(r1["output"].get<std::string>(), HasSubstr("Skipped (1 of 1 runs): skipped: not implemented"));
}

TEST(GradescopeReporterTest, VisibilityOptionsAndHostileText) {
  ScratchDir dir;
  const std::string path = dir.File("results.json");
  ReportPlan plan = SamplePlan();
  plan.tests[0].description = "elect \xff <b>";
  GradescopeReportOptions o = Options();
  o.visibility = GradescopeVisibility::kAfterPublished;
  o.stdout_visibility = GradescopeVisibility::kVisible;
  GradescopeReporter rep(path, plan, o);
  rep.RunStart(SampleInfo());
  TestResult r = MakeRun(plan, "e1", Verdict::kFail, 0, HostileText());
  r.log_tail = {HostileText()};
  rep.TestEnd(Spec(plan, "e1"), r);
  const json j = Load(path);
  ExpectGradescopeShape(j);
  EXPECT_EQ(j["visibility"], "after_published");
  EXPECT_EQ(j["stdout_visibility"], "visible");
  const json& e1 = j["tests"][0];
  EXPECT_EQ(e1["visibility"], "after_published");
  EXPECT_EQ(e1["name"], "e1: elect \xef\xbf\xbd <b>");
  const std::string out = e1["output"];
  EXPECT_THAT(out, HasSubstr("bad \"quote\" 'apos' <tag> & &amp; ]]> esc\\x1b[31m bell\\x07 nul\\x00"));
  EXPECT_THAT(out, HasSubstr("lone\xef\xbf\xbd byte"));
}

TEST(GradescopeReporterTest, LongOutputIsCut) {
  ScratchDir dir;
  const std::string path = dir.File("results.json");
  const ReportPlan plan = SamplePlan(50);
  GradescopeReportOptions o = Options();
  o.max_output_chars = 2000;
  GradescopeReporter rep(path, plan, o);
  rep.RunStart(SampleInfo(50));
  for (int i = 0; i < 50; ++i) rep.TestEnd(Spec(plan, "e1"), MakeRun(plan, "e1", Verdict::kFail, i));
  const json j = Load(path);
  const std::string out = TestNamed(j, "e1")["output"];
  EXPECT_LE(out.size(), 2000u + 100u);  // the cap plus the one "cut" note
  EXPECT_THAT(out, HasSubstr("output cut"));
}

TEST(GradescopeVisibilityTest, ParsesGradescopeNamesOnly) {
  EXPECT_EQ(*ParseGradescopeVisibility("after_due_date"), GradescopeVisibility::kAfterDueDate);
  EXPECT_EQ(GradescopeVisibilityName(GradescopeVisibility::kHidden), "hidden");
  auto bad = ParseGradescopeVisibility("public");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("'public'"));
}

}  // namespace
}  // namespace raftlab
