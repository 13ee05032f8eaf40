// Tests of harness/grade/sim_merge.cc: the simulated runs in what the student
// sees. The real-time files are made by the real GradescopeReporter and
// JunitReporter, so a change to their format that the merge cannot follow
// fails here.
#include "harness/grade/sim_merge.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "harness/report/gradescope.h"
#include "harness/report/junit.h"
#include "harness/run/sim_child.h"
#include "tests/harness/grade/sim_test_util.h"
#include "tests/harness/report/files_test_util.h"

namespace raftlab {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing_reports::MakeRun;
using testing_reports::SampleInfo;
using testing_reports::SampleMeta;
using testing_reports::SamplePlan;
using testing_reports::ScratchDir;
using testing_reports::Spec;
using testing_sim::GradedSim;
using testing_sim::kRefusal;
using testing_sim::kSimPrefix;
using testing_sim::NotReady;
using testing_sim::SimPassing;
using testing_sim::SimRan;

// e1 5 points, e2 10 (part 1), r1 20 (part 2), one real-time run each.
std::vector<TestResult> RealTimePassing(const ReportPlan& plan) {
  std::vector<TestResult> runs;
  for (const PlannedTest& t : plan.tests) runs.push_back(MakeRun(plan, t.name, Verdict::kPass));
  return runs;
}

std::string RealTimeGradescope(const ReportPlan& plan, const std::vector<TestResult>& runs, const ScratchDir& dir) {
  GradescopeReportOptions o;
  o.meta = SampleMeta();
  GradescopeReporter rep(dir.File("gradescope.json"), plan, o);
  RunInfo info = SampleInfo();
  info.rerun_prefix = "labtest --plugin libraft.so -f raft_lab_test.yml";
  rep.RunStart(info);
  for (const TestResult& r : runs) rep.TestEnd(Spec(plan, r.test), r);
  rep.RunEnd(RunSummary{});
  return rep.Document();
}

std::string RealTimeJunit(const ReportPlan& plan, const std::vector<TestResult>& runs, const ScratchDir& dir) {
  JunitReportOptions o;
  o.meta = SampleMeta();
  JunitReporter rep(dir.File("junit.xml"), plan, o);
  rep.RunStart(SampleInfo());
  for (const TestResult& r : runs) rep.TestEnd(Spec(plan, r.test), r);
  rep.RunEnd(RunSummary{});
  return rep.Document();
}

// Bob: every real-time run passes; e2's second simulated seed fails.
struct Bob {
  ReportPlan plan = SamplePlan(1);
  std::vector<TestResult> sim = SimPassing(plan, 2);
  StudentRecord rec;
  GradeTable table;
  Bob() {
    sim[3] = MakeRun(plan, "e2", Verdict::kFail, 1);
    rec = GradedSim("bob", RealTimePassing(plan), SimRan(sim));
    table = ScoreStudents(plan, ScoringPolicy::kAllOrNothing, {rec}, 2);
  }
};

TEST(MergeSimIntoGradescopeTest, ScoresCountTheSimulatedRunsAndTheOutputReplaysTheFailure) {
  ScratchDir dir;
  Bob bob;
  auto merged = MergeSimIntoGradescope(RealTimeGradescope(bob.plan, bob.rec.runs, dir), bob.table);
  ASSERT_TRUE(merged.ok()) << merged.status().message();
  const auto doc = nlohmann::json::parse(*merged);
  EXPECT_EQ(doc["score"], 25);
  const auto& e2 = doc["tests"][1];
  EXPECT_EQ(e2["score"], 0);
  EXPECT_EQ(e2["status"], "failed");
  const std::string out = e2["output"];
  EXPECT_THAT(out, HasSubstr("Score 0 of 10 (all-or-nothing; a simulated run counts like a real-time run)."));
  EXPECT_THAT(out, Not(HasSubstr("Score 10 of 10")));
  EXPECT_THAT(out, HasSubstr("Simulated time (labtest --sim, 2 seeds): 1 of 2 passed."));
  EXPECT_THAT(out, HasSubstr("seed 1001 (repetition 1): fail: check failed: two leaders in term 3"));
  EXPECT_THAT(out, HasSubstr("replay: " + RerunCommand(kSimPrefix, bob.sim[3])));
  EXPECT_EQ(e2["extra_data"]["sim"]["failed"], 1);
  EXPECT_EQ(e2["extra_data"]["sim"]["failing"][0]["replay"], RerunCommand(kSimPrefix, bob.sim[3]));
  EXPECT_EQ(doc["tests"][0]["score"], 5);
  EXPECT_EQ(doc["tests"][0]["status"], "passed");
  EXPECT_THAT(std::string(doc["tests"][0]["output"]), HasSubstr("2 of 2 passed."));
  const std::string top = doc["output"];
  EXPECT_THAT(top, HasSubstr("25 of 35 points with the simulated runs; real-time tests: 3 passed"));
  EXPECT_THAT(top, HasSubstr("5 of 6 simulated runs passed"));
  EXPECT_EQ(doc["extra_data"]["sim"]["state"], "ran");
  EXPECT_EQ(doc["extra_data"]["sim"]["expected"], 6);
}

TEST(MergeSimIntoGradescopeTest, ANotSimulationReadyPluginKeepsEveryPoint) {
  ScratchDir dir;
  const ReportPlan plan = SamplePlan(1);
  const std::vector<TestResult> rt = RealTimePassing(plan);
  const std::string before = RealTimeGradescope(plan, rt, dir);
  GradeTable table = ScoreStudents(plan, ScoringPolicy::kAllOrNothing, {GradedSim("carol", rt, NotReady())}, 2);
  auto merged = MergeSimIntoGradescope(before, table);
  ASSERT_TRUE(merged.ok());
  const auto doc = nlohmann::json::parse(*merged);
  EXPECT_EQ(doc["score"], nlohmann::json::parse(before)["score"]);
  EXPECT_EQ(doc["score"], 35);
  for (const auto& t : doc["tests"]) {
    EXPECT_EQ(t["status"], "passed");
    EXPECT_THAT(std::string(t["output"]), HasSubstr("not simulation-ready: " + std::string(kRefusal)));
    EXPECT_THAT(std::string(t["output"]), HasSubstr("Only the real-time runs count"));
  }
  EXPECT_THAT(std::string(doc["output"]), HasSubstr("nothing was taken off"));
  EXPECT_EQ(doc["extra_data"]["sim"]["state"], "not simulation-ready");

  EXPECT_FALSE(MergeSimIntoGradescope("[1]", table).ok());
  EXPECT_FALSE(MergeSimIntoGradescope(before, GradeTable{}).ok());
}

TEST(SimJunitTest, TheSimulatedRunsAreSuitesOfTheirOwnAndTheCountsAdd) {
  ScratchDir dir;
  Bob bob;
  const std::string sim = SimJunit(bob.table, bob.rec.sim, dir.File("sim-junit.xml"));
  EXPECT_THAT(sim, HasSubstr("<testsuite name=\"part 1: leader election (simulated time)\""));
  EXPECT_THAT(sim, HasSubstr("<testcase classname=\"raftlab.part1.sim\" name=\"e2#1\""));
  EXPECT_THAT(sim, HasSubstr("rerun: " + RerunCommand(kSimPrefix, bob.sim[3])));
  auto merged = MergeJunit(RealTimeJunit(bob.plan, bob.rec.runs, dir), sim);
  ASSERT_TRUE(merged.ok()) << merged.status().message();
  EXPECT_THAT(*merged, HasSubstr("<testsuites name=\"raftlab\" tests=\"9\" failures=\"1\" errors=\"0\" "
                                 "skipped=\"0\" time=\""));
  EXPECT_THAT(*merged, HasSubstr("<testsuite name=\"part 1: leader election\" tests=\"2\""));
  EXPECT_THAT(*merged, HasSubstr("<testsuite name=\"part 2: log replication (simulated time)\" tests=\"2\""));
  EXPECT_EQ(merged->find("<testsuites"), merged->rfind("<testsuites"));  // one root
  EXPECT_FALSE(MergeJunit("<nothing/>", sim).ok());
}

TEST(SimJunitTest, WhatTheSimulatorStoppedOrRefusedIsSkippedNotFailed) {
  ScratchDir dir;
  const ReportPlan plan = SamplePlan(1);
  std::vector<TestResult> sim = SimPassing(plan, 2);
  sim[0] = MakeRun(plan, "e1", Verdict::kFail, 0, SimHaltMessage(SimHaltKind::kWatchdog, "thread 'p' stuck", 30));
  const StudentRecord rec = GradedSim("erin", RealTimePassing(plan), SimRan(sim));
  GradeTable table = ScoreStudents(plan, ScoringPolicy::kAllOrNothing, {rec}, 2);
  const std::string stopped = SimJunit(table, rec.sim, dir.File("a.xml"));
  EXPECT_THAT(stopped, HasSubstr("tests=\"6\" failures=\"0\" errors=\"0\" skipped=\"1\""));
  EXPECT_THAT(stopped, HasSubstr("<skipped message=\"not simulation-ready: the simulation stopped: "));

  GradeTable refused = ScoreStudents(plan, ScoringPolicy::kAllOrNothing, {GradedSim("c", {}, NotReady())}, 2);
  const std::string none = SimJunit(refused, NotReady(), dir.File("b.xml"));
  EXPECT_THAT(none, HasSubstr("<testsuite name=\"simulated time: not simulation-ready\" tests=\"3\" failures=\"0\" "
                              "errors=\"0\" skipped=\"3\""));
  EXPECT_THAT(none, HasSubstr("<testcase classname=\"raftlab.part2.sim\" name=\"r1\""));
  EXPECT_THAT(none, HasSubstr("pthread_create"));
  auto merged = MergeJunit(RealTimeJunit(plan, RealTimePassing(plan), dir), none);
  ASSERT_TRUE(merged.ok());
  EXPECT_THAT(*merged, HasSubstr("tests=\"6\" failures=\"0\" errors=\"0\" skipped=\"3\""));
}

}  // namespace
}  // namespace raftlab
