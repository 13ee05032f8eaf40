// Tests of harness/grade/calibration.cc: the reference must pass every graded test
// and must not be far slower than its baseline. Times here are numbers in
// fake results, not measurements.
#include "harness/grade/calibration.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/harness/report/files_test_util.h"

namespace raftlab {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing_reports::MakeRun;
using testing_reports::SamplePlan;

// e1, e2, r1 with one run each, every run passing in `time_s`.
std::vector<TestResult> Runs(const ReportPlan& plan, double time_s) {
  std::vector<TestResult> runs;
  for (const PlannedTest& t : plan.tests) {
    TestResult r = MakeRun(plan, t.name, Verdict::kPass);
    r.duration_s = time_s;
    runs.push_back(r);
  }
  return runs;
}

TEST(CalibrateTest, AcceptsAPassingReferenceAtBaselineSpeed) {
  CalibrationInput in;
  in.plan = SamplePlan(1);
  in.runs = Runs(in.plan, 3.0);
  Baseline b = Baseline::FromResults(Runs(in.plan, 2.0), "reference");
  in.baseline = &b;
  CalibrationReport rep = Calibrate(in);
  EXPECT_TRUE(rep.ok);
  EXPECT_TRUE(rep.problems.empty());
  EXPECT_EQ(rep.runs_compared, 3);
  EXPECT_DOUBLE_EQ(rep.measured_s, 9.0);
  EXPECT_DOUBLE_EQ(rep.expected_s, 6.0);
}

TEST(CalibrateTest, RefusesWhenTheReferenceFailsAndNamesTheTest) {
  CalibrationInput in;
  in.plan = SamplePlan(1);
  in.runs = Runs(in.plan, 1.0);
  in.runs[1] = MakeRun(in.plan, "e2", Verdict::kFail, 0, "no leader elected within 5 s");
  in.labtest_exit = 1;
  CalibrationReport rep = Calibrate(in);
  EXPECT_FALSE(rep.ok);
  EXPECT_THAT(rep.failed_tests, ElementsAre("e2"));
  ASSERT_EQ(rep.problems.size(), 1u);
  EXPECT_THAT(rep.problems[0], HasSubstr("did not pass 1 of 3 test(s) (first: e2: fail: no leader elected"));
  EXPECT_THAT(rep.notes[0], HasSubstr("no reference baseline"));
}

TEST(CalibrateTest, RefusesAMissingRepetitionAndAnAbortedRun) {
  CalibrationInput in;
  in.plan = SamplePlan(1);
  in.plan.tests[0].runs = 2;  // e1 graded over 2 runs; only one ran
  in.runs = Runs(in.plan, 1.0);
  CalibrationReport rep = Calibrate(in);
  EXPECT_FALSE(rep.ok);
  EXPECT_THAT(rep.failed_tests, ElementsAre("e1"));

  CalibrationInput aborted;
  aborted.plan = SamplePlan(1);
  aborted.labtest_exit = 3;  // the reference did not even load
  CalibrationReport r2 = Calibrate(aborted);
  EXPECT_FALSE(r2.ok);
  ASSERT_EQ(r2.problems.size(), 1u);  // the exit code says it all
  EXPECT_THAT(r2.problems[0], HasSubstr("labtest exited with 3"));
}

TEST(CalibrateTest, RefusesBeyondTwiceTheBaselineButNotForTinyExcess) {
  CalibrationInput in;
  in.plan = SamplePlan(1);
  Baseline b = Baseline::FromResults(Runs(in.plan, 2.0), "reference");  // 6 s in all
  in.baseline = &b;
  in.runs = Runs(in.plan, 4.2);  // 12.6 s: 2.1x and 6.6 s over
  CalibrationReport slow = Calibrate(in);
  EXPECT_FALSE(slow.ok);
  ASSERT_EQ(slow.problems.size(), 1u);
  EXPECT_THAT(slow.problems[0], HasSubstr("took 12.6 s where its baseline says 6.0 s (2.1x; the limit is 2x)"));
  EXPECT_THAT(slow.problems[0], HasSubstr("too loaded"));

  in.runs = Runs(in.plan, 3.9);  // 1.95x
  EXPECT_TRUE(Calibrate(in).ok);

  Baseline tiny = Baseline::FromResults(Runs(in.plan, 0.1), "reference");  // 0.3 s in all
  in.baseline = &tiny;
  in.runs = Runs(in.plan, 0.5);  // 5x, but only 1.2 s over
  EXPECT_TRUE(Calibrate(in).ok);
}

TEST(CalibrateTest, JsonRecordsTheVerdictAndFigures) {
  CalibrationInput in;
  in.plan = SamplePlan(1);
  in.runs = Runs(in.plan, 1.0);
  in.runs[0] = MakeRun(in.plan, "e1", Verdict::kCrash, 0, "killed by SIGSEGV");
  in.labtest_exit = 1;
  CalibrationReport rep = Calibrate(in);
  auto j = nlohmann::json::parse(CalibrationJson(in, rep));
  EXPECT_EQ(j["format"], "raftlab-calibration");
  EXPECT_EQ(j["verdict"], "refused");
  EXPECT_EQ(j["failed_tests"], nlohmann::json::array({"e1"}));
  EXPECT_EQ(j["labtest_exit"], 1);
  EXPECT_TRUE(j["slowdown"].is_null());
  EXPECT_EQ(j["runs"], 3);
  EXPECT_TRUE(j["sim"].is_null());  // no simulated seeds
}

// grade.sh --sim-seeds N: the reference's N simulated runs per test, each
// passing, with repetitions 0..N-1.
std::vector<TestResult> SimRuns(const ReportPlan& plan, int seeds) {
  std::vector<TestResult> runs;
  for (const PlannedTest& t : plan.tests) {
    for (int rep = 0; rep < seeds; ++rep) runs.push_back(MakeRun(plan, t.name, Verdict::kPass, rep));
  }
  return runs;
}

TEST(CalibrateTest, SimulatedSeedsMustAllPassButAreNotTimed) {
  CalibrationInput in;
  in.plan = SamplePlan(1);
  in.runs = Runs(in.plan, 1.0);
  in.sim_seeds = 2;
  in.sim_runs = SimRuns(in.plan, 2);
  for (TestResult& r : in.sim_runs) r.duration_s = 500;  // virtual seconds: no timing check
  Baseline b = Baseline::FromResults(Runs(in.plan, 1.0), "reference");
  in.baseline = &b;
  CalibrationReport ok = Calibrate(in);
  EXPECT_TRUE(ok.ok) << ok.problems.front();
  EXPECT_EQ(ok.runs_compared, 3);  // the real-time runs only
  auto j = nlohmann::json::parse(CalibrationJson(in, ok));
  EXPECT_EQ(j["sim"]["seeds"], 2);
  EXPECT_EQ(j["sim"]["runs"], 6);
  EXPECT_EQ(j["sim"]["failed_tests"], nlohmann::json::array());

  in.sim_runs[3] = MakeRun(in.plan, "e2", Verdict::kFail, 1, "two leaders in term 4");
  in.sim_labtest_exit = 1;
  CalibrationReport failed = Calibrate(in);
  EXPECT_FALSE(failed.ok);
  EXPECT_THAT(failed.sim_failed_tests, ElementsAre("e2"));
  ASSERT_EQ(failed.problems.size(), 1u);
  EXPECT_THAT(failed.problems[0], HasSubstr("under simulated time the reference did not pass 1 of 3 test(s) in 2 "
                                            "seeds (first: e2 seed 1001: fail: two leaders in term 4)"));

  in.sim_runs = SimRuns(in.plan, 2);
  in.sim_runs.pop_back();  // r1 ran one seed of two
  in.sim_labtest_exit = 0;
  EXPECT_THAT(Calibrate(in).sim_failed_tests, ElementsAre("r1"));

  in.sim_runs.clear();  // labtest --sim refused the calibration plugin
  in.sim_labtest_exit = 2;
  CalibrationReport refused = Calibrate(in);
  EXPECT_FALSE(refused.ok);
  EXPECT_THAT(refused.problems[0], HasSubstr("labtest --sim exited with 2: it refused the plugin"));
}

}  // namespace
}  // namespace raftlab
