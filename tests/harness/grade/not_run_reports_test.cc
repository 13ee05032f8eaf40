// Tests of harness/grade/not_run_reports.cc: the first error of a build log,
// path replacement, and the three reports of a submission that never ran
// (read back with the same parsers the graded files go through).
#include "harness/grade/not_run_reports.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "harness/grade/grade_collect.h"
#include "tests/harness/report/files_test_util.h"

namespace raftlab {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
using testing_reports::SampleMeta;
using testing_reports::SamplePlan;

constexpr const char* kGccLog =
    "-- Configuring done\n"
    "[ 50%] Building CXX object CMakeFiles/raft.dir/raft.cc.o\n"
    "raft.cc: In function 'int f()':\n"
    "raft.cc:12:10: error: 'nope' was not declared in this scope\n"
    "   12 |   return nope;\n"
    "raft.cc:20:1: error: expected ';' before '}' token\n"
    "make[2]: *** [CMakeFiles/raft.dir/build.make:76: raft.o] Error 1\n";

TEST(FirstBuildError, StartsAtTheFirstErrorLine) {
  const std::string e = FirstBuildError(kGccLog, 2);
  EXPECT_EQ(e, "raft.cc:12:10: error: 'nope' was not declared in this scope\n   12 |   return nope;\n"
               "raft.cc:20:1: error: expected ';' before '}' token\n");
}

TEST(FirstBuildError, FindsCMakeAndLinkerErrors) {
  EXPECT_THAT(FirstBuildError("ok\nCMake Error at CMakeLists.txt:3 (add_library):\n  bad\n", 0),
              StartsWith("CMake Error at CMakeLists.txt:3"));
  EXPECT_THAT(FirstBuildError("a\nraft.cc:(.text+0x1): undefined reference to `g()'\n", 0),
              StartsWith("raft.cc:(.text+0x1): undefined reference"));
}

TEST(FirstBuildError, WithoutAnErrorLineGivesTheTail) {
  EXPECT_EQ(FirstBuildError("one\ntwo\nthree\nfour\n", 2), "three\nfour\n");
  EXPECT_EQ(FirstBuildError("", 5), "");
}

TEST(FirstBuildError, CutsLongLines) {
  const std::string e = FirstBuildError("x.cc:1: error: " + std::string(1000, 'a') + "\n", 0);
  EXPECT_LT(e.size(), 400u);
  EXPECT_THAT(e, HasSubstr("[...]"));
}

TEST(ReplacePrefixes, LongestFirstAndEveryOccurrence) {
  const std::string text = "/g/out/.scratch/bob/x.o and /g/out/bob/raft.cc and /g/out/bob/raft.cc";
  EXPECT_EQ(ReplacePrefixes(text, {{"/g/out/", ""}, {"/g/out/.scratch/bob/", "build/"}, {"", "zzz"}}),
            "build/x.o and bob/raft.cc and bob/raft.cc");
  EXPECT_EQ(ReplacePrefixes("nothing here", {{"/g/", "x"}}), "nothing here");
}

NotRunSubmission BuildFailed() {
  return {"build-failed", "the submission did not build",
          "raft.cc:12:10: error: 'nope' was not declared\n   12 |   return nope;\n"};
}

TEST(NotRunReports, ResultsJsonScoresZeroAndSaysWhy) {
  const ReportPlan plan = SamplePlan();
  const std::string text = NotRunResultsJson(plan, ScoringPolicy::kAllOrNothing, BuildFailed(), SampleMeta());
  const auto j = nlohmann::json::parse(text);
  EXPECT_EQ(j["format"], "raftlab-run");
  EXPECT_EQ(j["state"], "not-run");
  EXPECT_EQ(j["not_run"]["outcome"], "build-failed");
  EXPECT_THAT(j["not_run"]["first_error"].get<std::string>(), HasSubstr("'nope' was not declared"));
  EXPECT_EQ(j["summary"]["total"]["points_earned"], 0);
  EXPECT_EQ(j["summary"]["total"]["points_possible"], 35);
  EXPECT_EQ(j["summary"]["total"]["tests_not_run"], 3);
  ASSERT_EQ(j["summary"]["parts"].size(), 2u);
  EXPECT_EQ(j["summary"]["parts"][0]["points_possible"], 15);
  // The collector reads it as a results file with no runs.
  auto runs = RunsFromResultsJson(text);
  ASSERT_TRUE(runs.ok()) << runs.status().message();
  EXPECT_TRUE(runs->empty());
}

TEST(NotRunReports, GradescopeHasEveryTestAtZeroWithTheError) {
  const auto j = nlohmann::json::parse(NotRunGradescope(SamplePlan(), BuildFailed(), SampleMeta()));
  EXPECT_EQ(j["score"], 0);
  EXPECT_THAT(j["output"].get<std::string>(), HasSubstr("'nope' was not declared"));
  EXPECT_THAT(j["output"].get<std::string>(), HasSubstr("0 of 35 points"));
  ASSERT_EQ(j["tests"].size(), 3u);
  EXPECT_EQ(j["tests"][2]["number"], "2.1");
  EXPECT_EQ(j["tests"][2]["max_score"], 20);
  for (const auto& t : j["tests"]) {
    EXPECT_EQ(t["score"], 0);
    EXPECT_EQ(t["status"], "failed");
    EXPECT_THAT(t["output"].get<std::string>(), HasSubstr("First error: raft.cc:12:10: error:"));
    EXPECT_THAT(t["output"].get<std::string>(), Not(HasSubstr("return nope")));  // first line only
  }
}

TEST(NotRunReports, JunitHasAnErrorPerTestAndConsistentCounts) {
  NotRunSubmission s = BuildFailed();
  s.first_error = "a < b & \"c\"\n";  // escaped, not raw
  const std::string x = NotRunJunit(SamplePlan(), s, SampleMeta());
  EXPECT_THAT(x, HasSubstr("<testsuites name=\"raftlab\" tests=\"3\" failures=\"0\" errors=\"3\""));
  EXPECT_THAT(x, HasSubstr("<testsuite name=\"part 1: leader election\" tests=\"2\" failures=\"0\" errors=\"2\""));
  EXPECT_THAT(x, HasSubstr("<testcase classname=\"raftlab.part2\" name=\"r1\""));
  EXPECT_THAT(x, HasSubstr("<error message=\"the submission did not build\" type=\"build-failed\">"));
  EXPECT_THAT(x, HasSubstr("a &lt; b &amp; \"c\""));
  EXPECT_THAT(x, Not(HasSubstr("a < b")));
  EXPECT_THAT(x, HasSubstr("timestamp=\"2026-11-22T16:16:07Z\""));
}

}  // namespace
}  // namespace raftlab
