// Tests of harness/grade/sim_column.cc: reading grade.sh's sim/ folder and
// one test's cell of the simulated column. How the column scores is tested
// with the scoring (grade_collect_test.cc).
#include "harness/grade/sim_column.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "harness/run/sim_child.h"
#include "tests/harness/grade/sim_test_util.h"
#include "tests/harness/report/files_test_util.h"

namespace raftlab {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using testing_reports::MakeRun;
using testing_reports::SamplePlan;
using testing_reports::ScratchDir;
using testing_sim::kSimPrefix;
using testing_sim::SimPassing;
using testing_sim::SimRan;

void Write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

TEST(ReadSimFolderTest, RanRefusedAbsentAndBroken) {
  ScratchDir dir;
  const ReportPlan plan = SamplePlan(1);
  std::vector<TestResult> runs = SimPassing(plan, 2);
  runs[5] = MakeRun(plan, "r1", Verdict::kFail, 1);
  Write(fs::path(dir.path()) / "ran/sim/status", "seeds=2\nstate=ran\nreason=\nlabtest_exit=1\n");
  Write(fs::path(dir.path()) / "ran/sim/results.json",
        testing_sim::SimResultsJson(plan, runs, dir.File("scratch.json")));
  auto ran = ReadSimFolder(dir.path() + "/ran");
  ASSERT_TRUE(ran.ok()) << ran.status().message();
  EXPECT_EQ(ran->state, SimState::kRan);
  EXPECT_EQ(ran->seeds, 2);
  EXPECT_EQ(ran->runs.size(), 6u);
  EXPECT_EQ(ran->replay.at({"r1", 1}), RerunCommand(kSimPrefix, runs[5]));
  EXPECT_EQ(ran->info.rerun_prefix, kSimPrefix);  // what the JUnit of the simulated runs shows
  EXPECT_EQ(ran->info.base_seed, 42u);

  Write(fs::path(dir.path()) / "no/sim/status", "seeds=2\nstate=not-simulation-ready\nreason=it sleeps\n");
  auto no = ReadSimFolder(dir.path() + "/no");
  ASSERT_TRUE(no.ok());
  EXPECT_EQ(no->state, SimState::kNotReady);
  EXPECT_EQ(no->reason, "it sleeps");

  auto off = ReadSimFolder(dir.path() + "/nothing-here");
  ASSERT_TRUE(off.ok());
  EXPECT_EQ(off->state, SimState::kOff);

  Write(fs::path(dir.path()) / "odd/sim/status", "state=maybe\n");
  EXPECT_THAT(ReadSimFolder(dir.path() + "/odd").status().message(), HasSubstr("unknown state 'maybe'"));
  Write(fs::path(dir.path()) / "bad/sim/status", "state=ran\n");
  Write(fs::path(dir.path()) / "bad/sim/results.json", "{\"format\": \"other\"}");
  EXPECT_THAT(ReadSimFolder(dir.path() + "/bad").status().message(), HasSubstr("not a labtest results file"));
}

TEST(SimColumnOfTest, CellsAndFailures) {
  const ReportPlan plan = SamplePlan(1);
  std::vector<TestResult> runs = SimPassing(plan, 2);
  runs[1] = MakeRun(plan, "e1", Verdict::kTimeout, 1, "test took longer than 30 seconds of simulated time");
  runs[3] = MakeRun(plan, "e2", Verdict::kSkip, 1, "skipped: not implemented");
  const SimRecord sim = SimRan(runs);
  const SimTestColumn e1 = SimColumnOf("e1", sim, 2);
  EXPECT_EQ(e1.Cell(), "1/2");
  ASSERT_EQ(e1.failures.size(), 1u);
  EXPECT_EQ(SimFailureText(e1.failures[0]),
            "simulated seed 1001 (repetition 1) failed (replay: " + RerunCommand(kSimPrefix, runs[1]) +
                "): timeout: test took longer than 30 seconds of simulated time");
  SimFailure unknown = e1.failures[0];
  unknown.replay = "";
  EXPECT_EQ(SimFailureText(unknown),
            "simulated seed 1001 (repetition 1) failed: timeout: test took longer than 30 seconds of simulated time");
  EXPECT_EQ(SimColumnOf("e2", sim, 2).Cell(), "2/2");  // a skip counts as passed
  EXPECT_EQ(SimColumnOf("r1", sim, 3).Cell(), "2/3");  // a missing seed has not passed
  EXPECT_EQ(SimColumnOf("e1", sim, 0).Cell(), "");     // no --sim-seeds
  EXPECT_EQ(SimColumnOf("e1", SimRecord{}, 2).Cell(), "not run");
  EXPECT_EQ(SimStateName(SimState::kNotReady), "not simulation-ready");
}

}  // namespace
}  // namespace raftlab
