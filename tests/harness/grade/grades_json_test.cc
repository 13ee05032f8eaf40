// Tests of harness/grade/grades_json.cc: grades.json holds what grades.csv
// holds, with the simulated column per test and per student.
#include "harness/grade/grades_json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/harness/grade/sim_test_util.h"
#include "tests/harness/report/files_test_util.h"

namespace raftlab {
namespace {

using testing_reports::MakeRun;
using testing_reports::SamplePlan;
using testing_sim::GradedSim;
using testing_sim::kSimPrefix;
using testing_sim::NotReady;
using testing_sim::SimPassing;
using testing_sim::SimRan;

std::vector<TestResult> RealTimePassing(const ReportPlan& plan) {
  std::vector<TestResult> runs;
  for (const PlannedTest& t : plan.tests) runs.push_back(MakeRun(plan, t.name, Verdict::kPass));
  return runs;
}

TEST(GradesJsonTest, TheTableWithItsSimulatedColumn) {
  const ReportPlan plan = SamplePlan(1);
  std::vector<TestResult> sim = SimPassing(plan, 2);
  sim[3] = MakeRun(plan, "e2", Verdict::kFail, 1);
  GradeTable t = ScoreStudents(plan, ScoringPolicy::kPassRate,
                               {GradedSim("bob", RealTimePassing(plan), SimRan(sim)),
                                GradedSim("carol", RealTimePassing(plan), NotReady())},
                               2);
  const auto j = nlohmann::json::parse(GradesJson(t));
  EXPECT_EQ(j["format"], "raftlab-grades");
  EXPECT_EQ(j["policy"], "pass-rate");
  EXPECT_EQ(j["sim_seeds"], 2);
  EXPECT_EQ(j["max_total"], 35);
  EXPECT_EQ(j["tests"][1]["test"], "e2");
  EXPECT_EQ(j["tests"][1]["runs"], 1);
  const auto& bob = j["students"][0];
  EXPECT_EQ(bob["student"], "bob");
  EXPECT_EQ(bob["total"], 31.67);  // 5 + 10 x 2/3 + 20, rounded
  EXPECT_EQ(bob["tests"][1]["earned"], 6.67);
  EXPECT_EQ(bob["tests"][1]["sim"]["state"], "ran");
  EXPECT_EQ(bob["tests"][1]["sim"]["passed"], 1);
  EXPECT_EQ(bob["tests"][1]["sim"]["expected"], 2);
  EXPECT_EQ(bob["tests"][1]["sim"]["failing"][0]["seed"], 1001);
  EXPECT_EQ(bob["tests"][1]["sim"]["failing"][0]["replay"], RerunCommand(kSimPrefix, sim[3]));
  EXPECT_EQ(bob["sim"]["passed"], 5);
  EXPECT_EQ(bob["sim"]["expected"], 6);
  const auto& carol = j["students"][1];
  EXPECT_EQ(carol["total"], 35);
  EXPECT_EQ(carol["sim"]["state"], "not simulation-ready");
  EXPECT_EQ(carol["sim"]["reason"], testing_sim::kRefusal);
  EXPECT_EQ(carol["tests"][0]["sim"]["state"], "not simulation-ready");

  // Without --sim-seeds: no column.
  const auto off = nlohmann::json::parse(
      GradesJson(ScoreStudents(plan, ScoringPolicy::kAllOrNothing, {GradedSim("a", RealTimePassing(plan), {})})));
  EXPECT_EQ(off["sim_seeds"], 0);
  EXPECT_TRUE(off["students"][0]["sim"].is_null());
  EXPECT_TRUE(off["students"][0]["tests"][0]["sim"].is_null());
  EXPECT_EQ(off["students"][0]["status"], "graded");
}

}  // namespace
}  // namespace raftlab
