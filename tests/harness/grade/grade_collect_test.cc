// Tests of harness/grade/grade_collect.cc: reading grade.sh's per-student folders,
// scoring under both policies with per-test repetition counts, and the CSV
// and terminal table. results.json files are made by the real JsonReporter,
// so a change to its format that the collector cannot read fails here.
#include "harness/grade/grade_collect.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "harness/report/json.h"
#include "harness/run/sim_child.h"
#include "tests/harness/report/files_test_util.h"
#include "tests/harness/grade/sim_test_util.h"

namespace raftlab {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using testing_reports::MakeRun;
using testing_reports::SampleInfo;
using testing_reports::SampleMeta;
using testing_reports::SamplePlan;
using testing_reports::Spec;

// SamplePlan (e1 5 pts and e2 10 pts in part 1, r1 20 pts in part 2) with e1
// graded over 3 runs, as `repeat: 3` in the catalogue.
ReportPlan GradingPlan() {
  ReportPlan plan = SamplePlan(1);
  for (PlannedTest& t : plan.tests) t.runs = t.name == "e1" ? 3 : 1;
  return plan;
}

StudentRecord Graded(const std::string& name, std::vector<TestResult> runs) {
  StudentRecord r;
  r.name = name;
  r.outcome = StudentOutcome::kGraded;
  r.runs = std::move(runs);
  return r;
}

std::vector<TestResult> AllPassing(const ReportPlan& plan) {
  std::vector<TestResult> runs;
  for (const PlannedTest& t : plan.tests) {
    for (int rep = 0; rep < t.runs; ++rep) runs.push_back(MakeRun(plan, t.name, Verdict::kPass, rep));
  }
  return runs;
}

class GradeFolderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / ("grade_collect_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Write(const std::string& rel, const std::string& text) {
    fs::create_directories((dir_ / rel).parent_path());
    std::ofstream(dir_ / rel, std::ios::binary) << text;
  }

  // A results.json as labtest writes it, holding `runs`.
  std::string ResultsJson(const ReportPlan& plan, const std::vector<TestResult>& runs) {
    JsonReportOptions o;
    o.meta = SampleMeta();
    JsonReporter rep((dir_ / "scratch.json").string(), plan, o);
    rep.RunStart(SampleInfo());
    for (const TestResult& r : runs) rep.TestEnd(Spec(plan, r.test), r);
    return rep.Document();
  }

  fs::path dir_;
};

TEST(StatusFileTest, KeyValueLinesLaterWinsJunkIgnored) {
  auto kv = ParseStatusFile("outcome=graded\r\nreason=a=b, c\nnot a pair\n=x\noutcome=load-failed\n");
  EXPECT_EQ(kv.size(), 2u);
  EXPECT_EQ(kv["outcome"], "load-failed");
  EXPECT_EQ(kv["reason"], "a=b, c");  // the value runs to the end of the line
}

TEST(CsvFieldTest, QuotesOnlyWhenNeeded) {
  EXPECT_EQ(CsvField("plain"), "plain");
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvField("two\nlines"), "\"two\nlines\"");
}

TEST(ScoreStudentsTest, AllOrNothingNeedsEveryRepetition) {
  const ReportPlan plan = GradingPlan();
  std::vector<TestResult> one_fail = AllPassing(plan);
  one_fail[1] = MakeRun(plan, "e1", Verdict::kCrash, 1, "killed by SIGSEGV");  // e1 run 2 of 3
  std::vector<TestResult> short_runs = AllPassing(plan);
  short_runs.erase(short_runs.begin() + 2);  // e1 ran only twice
  StudentRecord load;
  load.name = "carol";
  load.outcome = StudentOutcome::kLoadFailed;
  load.reason = "cannot load plugin: no raftlab_entry";

  GradeTable t = ScoreStudents(plan, ScoringPolicy::kAllOrNothing,
                               {Graded("alice", AllPassing(plan)), Graded("bob", one_fail), load,
                                Graded("dave", short_runs)});
  EXPECT_EQ(t.max_total, 35);
  ASSERT_EQ(t.rows.size(), 4u);
  EXPECT_THAT(t.rows[0].earned, ElementsAre(5, 10, 20));
  EXPECT_EQ(t.rows[0].total, 35);
  EXPECT_THAT(t.rows[0].parts, ElementsAre(15, 20));
  EXPECT_EQ(t.rows[0].tests_passed, 3);
  EXPECT_EQ(t.rows[0].reason, "");

  EXPECT_THAT(t.rows[1].earned, ElementsAre(0, 10, 20));
  EXPECT_EQ(t.rows[1].reason, "e1: crash: killed by SIGSEGV");

  EXPECT_THAT(t.rows[2].earned, ElementsAre(0, 0, 0));
  EXPECT_EQ(t.rows[2].total, 0);
  EXPECT_EQ(t.rows[2].reason, "cannot load plugin: no raftlab_entry");

  EXPECT_EQ(t.rows[3].earned[0], 0);  // a missing repetition has not passed
  EXPECT_EQ(t.rows[3].reason, "e1: 2 of 3 runs done");
}

TEST(ScoreStudentsTest, PassRateGivesTheFractionAndIgnoresUnplannedTests) {
  const ReportPlan plan = GradingPlan();
  std::vector<TestResult> runs = AllPassing(plan);
  runs[0] = MakeRun(plan, "e1", Verdict::kTimeout, 0, "timed out after 120 s");
  TestResult extra = MakeRun(plan, "e1", Verdict::kFail, 0);
  extra.test = "not-in-plan";
  runs.push_back(extra);
  GradeTable t = ScoreStudents(plan, ScoringPolicy::kPassRate, {Graded("erin", runs)});
  EXPECT_DOUBLE_EQ(t.rows[0].earned[0], 5.0 * 2 / 3);
  EXPECT_DOUBLE_EQ(t.rows[0].total, 5.0 * 2 / 3 + 30);
  EXPECT_EQ(t.rows[0].tests_passed, 2);
  EXPECT_EQ(t.rows[0].reason, "e1: timeout: timed out after 120 s");
}

TEST(GradesCsvTest, OneRowPerStudentOneColumnPerTest) {
  const ReportPlan plan = GradingPlan();
  StudentRecord build;
  build.name = "frank, jr";
  build.outcome = StudentOutcome::kBuildFailed;
  build.reason = "build failed (see build.log)";
  GradeTable t = ScoreStudents(plan, ScoringPolicy::kPassRate,
                               {Graded("alice", AllPassing(plan)), build});
  t.rows[0].earned[0] = 10.0 / 3;  // rounding
  t.rows[0].total = 10.0 / 3 + 30;
  EXPECT_EQ(GradesCsv(t),
            "student,e1,e2,r1,total,status,reason\r\n"
            "alice,3.33,10,20,33.33,graded,\r\n"
            "\"frank, jr\",0,0,0,0,build-failed,build failed (see build.log)\r\n");
  const std::string text = ScoreTableText(t);
  EXPECT_THAT(text, HasSubstr("part1"));
  EXPECT_THAT(text, HasSubstr("33.33/35"));
  EXPECT_THAT(text, HasSubstr("build-failed: build failed"));
}

TEST_F(GradeFolderTest, ReadsEveryKindOfStudentFolder) {
  const ReportPlan plan = GradingPlan();
  Write("ok/results.json", ResultsJson(plan, AllPassing(plan)));
  Write("ok/DONE", "outcome=graded\nreason=\nlabtest_exit=0\n");
  Write("broken/DONE", "outcome=build-failed\nreason=build failed (see build.log)\n");
  Write("infra/ERROR", "reason=labtest exited with 4 (internal error)\n");
  Write("halfway/results.json", ResultsJson(plan, AllPassing(plan)));  // no DONE: interrupted
  Write("lost/DONE", "outcome=graded\n");                                // results.json missing
  Write("garbage/DONE", "outcome=graded\n");
  Write("garbage/results.json", "{\"format\": \"something-else\"}");

  StudentRecord ok = ReadStudentFolder(dir_.string(), "ok");
  EXPECT_EQ(ok.outcome, StudentOutcome::kGraded);
  EXPECT_EQ(ok.runs.size(), 5u);
  EXPECT_EQ(ok.runs[0].test, "e1");
  GradeTable t = ScoreStudents(plan, ScoringPolicy::kAllOrNothing, {ok});
  EXPECT_EQ(t.rows[0].total, 35);

  StudentRecord broken = ReadStudentFolder(dir_.string(), "broken");
  EXPECT_EQ(broken.outcome, StudentOutcome::kBuildFailed);
  EXPECT_EQ(broken.reason, "build failed (see build.log)");

  StudentRecord infra = ReadStudentFolder(dir_.string(), "infra");
  EXPECT_EQ(infra.outcome, StudentOutcome::kError);
  EXPECT_THAT(infra.reason, HasSubstr("exited with 4"));

  EXPECT_EQ(ReadStudentFolder(dir_.string(), "halfway").outcome, StudentOutcome::kNotGraded);
  EXPECT_EQ(ReadStudentFolder(dir_.string(), "nobody").outcome, StudentOutcome::kNotGraded);

  StudentRecord lost = ReadStudentFolder(dir_.string(), "lost");
  EXPECT_EQ(lost.outcome, StudentOutcome::kError);
  EXPECT_THAT(lost.reason, HasSubstr("results.json"));
  StudentRecord garbage = ReadStudentFolder(dir_.string(), "garbage");
  EXPECT_EQ(garbage.outcome, StudentOutcome::kError);
  EXPECT_THAT(garbage.reason, HasSubstr("not a labtest results file"));
}

// --- the simulated column (grade.sh --sim-seeds 2; sim_column.h) ----------------

using testing_sim::GradedSim;
using testing_sim::kSimPrefix;
using testing_sim::NotReady;
using testing_sim::SimPassing;
using testing_sim::SimRan;

TEST(ScoreStudentsSimTest, AFailingSimulatedSeedCostsWhatAFailingRealTimeRunCosts) {
  const ReportPlan plan = GradingPlan();
  std::vector<TestResult> sim = SimPassing(plan, 2);  // e1 #0 #1, e2 #0 #1, r1 #0 #1
  sim[3] = MakeRun(plan, "e2", Verdict::kFail, 1);
  const StudentRecord alice = GradedSim("alice", AllPassing(plan), SimRan(SimPassing(plan, 2)));
  const StudentRecord bob = GradedSim("bob", AllPassing(plan), SimRan(sim));

  GradeTable t = ScoreStudents(plan, ScoringPolicy::kAllOrNothing, {alice, bob}, 2);
  EXPECT_EQ(t.sim_seeds, 2);
  EXPECT_THAT(t.rows[0].earned, ElementsAre(5, 10, 20));
  EXPECT_EQ(t.rows[0].sim_state, SimState::kRan);
  EXPECT_EQ(t.rows[0].sim_passed, 6);
  EXPECT_EQ(t.rows[0].sim_expected, 6);
  EXPECT_EQ(t.rows[0].reason, "");
  // Every real-time run of e2 passed; its second seed failed: no points.
  EXPECT_THAT(t.rows[1].earned, ElementsAre(5, 0, 20));
  EXPECT_EQ(t.rows[1].total, 25);
  EXPECT_EQ(t.rows[1].tests_passed, 2);
  EXPECT_EQ(t.rows[1].sim_passed, 5);
  EXPECT_EQ(t.rows[1].sim[1].Cell(), "1/2");
  ASSERT_EQ(t.rows[1].sim[1].failures.size(), 1u);
  const SimFailure& f = t.rows[1].sim[1].failures[0];
  EXPECT_EQ(f.repetition, 1);
  EXPECT_EQ(f.seed, 1001u);
  EXPECT_EQ(f.replay, RerunCommand(kSimPrefix, sim[3]));
  EXPECT_EQ(t.rows[1].reason, "e2: simulated seed 1001 (repetition 1) failed (replay: " + f.replay +
                                  "): fail: check failed: two leaders in term 3");
  EXPECT_THAT(f.replay, HasSubstr("--sim --filter '^e2$' --seed 42 --repetition 1"));

  // Pass-rate: 1 real-time and 2 simulated runs, 2 passed.
  GradeTable rate = ScoreStudents(plan, ScoringPolicy::kPassRate, {bob}, 2);
  EXPECT_DOUBLE_EQ(rate.rows[0].earned[1], 10.0 * 2 / 3);
  EXPECT_DOUBLE_EQ(rate.rows[0].earned[0], 5);

  // A real-time failure comes first in the reason.
  std::vector<TestResult> rt = AllPassing(plan);
  rt[3] = MakeRun(plan, "e2", Verdict::kTimeout, 0, "timed out after 120 s");
  GradeTable both = ScoreStudents(plan, ScoringPolicy::kAllOrNothing, {GradedSim("bob", rt, SimRan(sim))}, 2);
  EXPECT_EQ(both.rows[0].reason, "e2: timeout: timed out after 120 s");
}

TEST(ScoreStudentsSimTest, ANotSimulationReadyPluginIsGradedOnItsRealTimeRunsAlone) {
  const ReportPlan plan = GradingPlan();
  std::vector<TestResult> rt = AllPassing(plan);
  rt[3] = MakeRun(plan, "e2", Verdict::kFail, 0);
  for (ScoringPolicy policy : {ScoringPolicy::kAllOrNothing, ScoringPolicy::kPassRate}) {
    GradeTable with = ScoreStudents(plan, policy, {GradedSim("carol", rt, NotReady())}, 2);
    GradeTable without = ScoreStudents(plan, policy, {Graded("carol", rt)});
    EXPECT_EQ(with.rows[0].earned, without.rows[0].earned);
    EXPECT_EQ(with.rows[0].total, without.rows[0].total);
    EXPECT_EQ(with.rows[0].reason, without.rows[0].reason);
    EXPECT_EQ(with.rows[0].sim_state, SimState::kNotReady);
    EXPECT_THAT(with.rows[0].sim_reason, HasSubstr("pthread_create"));
    EXPECT_EQ(with.rows[0].sim_expected, 0);
    for (const SimTestColumn& c : with.rows[0].sim) EXPECT_EQ(c.Cell(), "not simulation-ready");
  }
  // The same for a correct Raft: full marks.
  GradeTable full =
      ScoreStudents(plan, ScoringPolicy::kAllOrNothing, {GradedSim("dan", AllPassing(plan), NotReady())}, 2);
  EXPECT_EQ(full.rows[0].total, 35);
}

TEST(ScoreStudentsSimTest, ARunTheSimulatorStoppedLeavesItsTestToRealTime) {
  const ReportPlan plan = GradingPlan();
  std::vector<TestResult> sim = SimPassing(plan, 2);
  sim[0] = MakeRun(plan, "e1", Verdict::kFail, 0,
                   SimHaltMessage(SimHaltKind::kWatchdog, "thread 'peer-0' spent 20 s outside the host", 30));
  sim[2] = MakeRun(plan, "e2", Verdict::kFail, 0,
                   SimEscapeMessage("nanosleep (a real sleep, not host->sleep_ns)", "peer-1 ticker"));
  GradeTable t =
      ScoreStudents(plan, ScoringPolicy::kAllOrNothing, {GradedSim("erin", AllPassing(plan), SimRan(sim))}, 2);
  EXPECT_THAT(t.rows[0].earned, ElementsAre(5, 10, 20));
  EXPECT_EQ(t.rows[0].sim[0].state, SimState::kNotReady);
  EXPECT_THAT(t.rows[0].sim[0].not_ready, HasSubstr("the simulation stopped"));
  EXPECT_EQ(t.rows[0].sim[1].Cell(), "not simulation-ready");
  EXPECT_EQ(t.rows[0].sim[2].Cell(), "2/2");
  EXPECT_EQ(t.rows[0].sim_expected, 2);  // r1's seeds only
  EXPECT_EQ(t.rows[0].sim_passed, 2);

  // A deadlock is a verdict on the Raft: it counts.
  sim[0] = MakeRun(plan, "e1", Verdict::kFail, 0, SimHaltMessage(SimHaltKind::kDeadlock, "deadlock: all wait", 30));
  GradeTable dead =
      ScoreStudents(plan, ScoringPolicy::kAllOrNothing, {GradedSim("erin", AllPassing(plan), SimRan(sim))}, 2);
  EXPECT_EQ(dead.rows[0].earned[0], 0);
  EXPECT_THAT(dead.rows[0].reason, HasSubstr("e1: simulated seed 1000 (repetition 0) failed (replay: "));
  EXPECT_THAT(dead.rows[0].reason, HasSubstr("): fail: deadlock (under --sim)"));
}

TEST(ScoreStudentsSimTest, AMissingSeedHasNotPassedAndStudentsThatNeverRanHaveNoColumn) {
  const ReportPlan plan = GradingPlan();
  std::vector<TestResult> sim = SimPassing(plan, 2);
  sim.pop_back();  // r1 ran one seed of two
  StudentRecord build;
  build.name = "frank";
  build.outcome = StudentOutcome::kBuildFailed;
  build.reason = "build failed (see build.log)";
  const StudentRecord no_folder = Graded("gina", AllPassing(plan));  // graded, no sim/: not run
  GradeTable t = ScoreStudents(plan, ScoringPolicy::kAllOrNothing,
                               {GradedSim("erin", AllPassing(plan), SimRan(sim)), build, no_folder}, 2);
  EXPECT_EQ(t.rows[0].earned[2], 0);
  EXPECT_EQ(t.rows[0].sim[2].Cell(), "1/2");
  EXPECT_EQ(t.rows[0].reason, "r1: 2 of 3 runs done");
  EXPECT_EQ(t.rows[1].sim_state, SimState::kNotRun);
  EXPECT_EQ(t.rows[1].sim[0].Cell(), "not run");
  EXPECT_EQ(t.rows[2].sim_state, SimState::kNotRun);
  EXPECT_EQ(t.rows[2].total, 35);  // only the real-time runs count
  // Without --sim-seeds the column does not exist.
  GradeTable off =
      ScoreStudents(plan, ScoringPolicy::kAllOrNothing, {GradedSim("erin", AllPassing(plan), SimRan(sim))});
  EXPECT_EQ(off.rows[0].total, 35);
  EXPECT_TRUE(off.rows[0].sim.empty());
  EXPECT_EQ(off.rows[0].sim_state, SimState::kOff);
}

TEST(GradesCsvTest, TheSimulatedColumnFollowsTheReason) {
  const ReportPlan plan = GradingPlan();
  std::vector<TestResult> sim = SimPassing(plan, 2);
  sim[3] = MakeRun(plan, "e2", Verdict::kFail, 1);
  StudentRecord build;
  build.name = "frank";
  build.outcome = StudentOutcome::kBuildFailed;
  build.reason = "build failed (see build.log)";
  GradeTable t = ScoreStudents(plan, ScoringPolicy::kAllOrNothing,
                               {GradedSim("alice", AllPassing(plan), SimRan(SimPassing(plan, 2))),
                                GradedSim("bob", AllPassing(plan), SimRan(sim)),
                                GradedSim("carol", AllPassing(plan), NotReady()), build},
                               2);
  const std::string failure = "e2: simulated seed 1001 (repetition 1) failed (replay: " +
                              RerunCommand(kSimPrefix, sim[3]) + "): fail: check failed: two leaders in term 3";
  EXPECT_EQ(GradesCsv(t),
            "student,e1,e2,r1,total,status,reason,sim_status,sim_passed,sim_runs,sim:e1,sim:e2,sim:r1,sim_note\r\n"
            "alice,5,10,20,35,graded,,ran,6,6,2/2,2/2,2/2,\r\n"
            "bob,5,0,20,25,graded," + failure + ",ran,5,6,2/2,1/2,2/2," + failure + "\r\n"
            "carol,5,10,20,35,graded,,not simulation-ready,0,0,not simulation-ready,not simulation-ready,"
            "not simulation-ready," + std::string(testing_sim::kRefusal) + "\r\n"
            "frank,0,0,0,0,build-failed,build failed (see build.log),not run,0,0,not run,not run,not run,\r\n");
  const std::string text = ScoreTableText(t, 200);
  EXPECT_THAT(text, HasSubstr("sim"));
  EXPECT_THAT(text, HasSubstr("6/6"));
  EXPECT_THAT(text, HasSubstr("5/6"));
  EXPECT_THAT(text, HasSubstr("not-ready"));
  // Without --sim-seeds: the columns of before.
  EXPECT_THAT(GradesCsv(ScoreStudents(plan, ScoringPolicy::kAllOrNothing, {build})),
              testing::StartsWith("student,e1,e2,r1,total,status,reason\r\n"));
}

TEST_F(GradeFolderTest, ReadsTheSimulatedRunsBesideTheRealTimeOnes) {
  const ReportPlan plan = GradingPlan();
  std::vector<TestResult> sim = SimPassing(plan, 2);
  sim[3] = MakeRun(plan, "e2", Verdict::kFail, 1);
  Write("s/results.json", ResultsJson(plan, AllPassing(plan)));
  Write("s/DONE", "outcome=graded\nsim=ran\n");
  Write("s/sim/status", "seeds=2\nstate=ran\nreason=\nlabtest_exit=1\n");
  Write("s/sim/results.json", testing_sim::SimResultsJson(plan, sim, (dir_ / "scratch.json").string()));
  StudentRecord rec = ReadStudentFolder(dir_.string(), "s");
  ASSERT_EQ(rec.outcome, StudentOutcome::kGraded) << rec.reason;
  EXPECT_EQ(rec.sim.state, SimState::kRan);
  EXPECT_EQ(rec.sim.runs.size(), 6u);
  GradeTable t = ScoreStudents(plan, ScoringPolicy::kAllOrNothing, {rec}, 2);
  EXPECT_EQ(t.rows[0].total, 25);
  EXPECT_THAT(t.rows[0].reason, HasSubstr("(replay: " + RerunCommand(kSimPrefix, sim[3]) + ")"));

  Write("r/results.json", ResultsJson(plan, AllPassing(plan)));
  Write("r/DONE", "outcome=graded\nsim=not-simulation-ready\n");
  Write("r/sim/status", "seeds=2\nstate=not-simulation-ready\nreason=" + std::string(testing_sim::kRefusal) +
                            "\nlabtest_exit=2\n");
  StudentRecord refused = ReadStudentFolder(dir_.string(), "r");
  EXPECT_EQ(refused.sim.state, SimState::kNotReady);
  EXPECT_EQ(refused.sim.reason, testing_sim::kRefusal);

  Write("x/results.json", ResultsJson(plan, AllPassing(plan)));
  Write("x/DONE", "outcome=graded\n");
  Write("x/sim/status", "seeds=2\nstate=ran\n");  // its results.json is missing
  StudentRecord lost = ReadStudentFolder(dir_.string(), "x");
  EXPECT_EQ(lost.outcome, StudentOutcome::kError);
  EXPECT_THAT(lost.reason, HasSubstr("sim/results.json"));
}

TEST(RunsFromResultsJsonTest, RejectsWhatIsNotAResultsFile) {
  EXPECT_FALSE(RunsFromResultsJson("not json").ok());
  EXPECT_FALSE(RunsFromResultsJson("[1, 2]").ok());
  EXPECT_FALSE(RunsFromResultsJson("{\"format\": \"raftlab-run\"}").ok());
  auto empty = RunsFromResultsJson("{\"format\": \"raftlab-run\", \"tests\": []}");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
  EXPECT_THAT(RunsFromResultsJson("{\"format\": \"raftlab-run\", \"tests\": [{\"x\": 1}]}").status().message(),
              HasSubstr("unreadable"));
}

}  // namespace
}  // namespace raftlab
