// End-to-end tests of the labtest command line (harness/labtest.cc): the
// test build labtest_testing is run as a real program on the runner
// catalogue; exit codes, console output, selection, and the run going on
// after a crash.
#include "harness/labtest.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "harness/child_process.h"
#include "runtime/real_runtime.h"

namespace raftlab {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

struct Outcome {
  int code = -1;
  std::string out, err;
};

class LabtestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("labtest_test_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(dir_);
  }

  Outcome Labtest(std::vector<std::string> args) {
    ChildSpec spec;
    spec.exe = RAFTLAB_LABTEST_TESTING;
    spec.args = std::move(args);
    spec.args.push_back("--output-dir");
    spec.args.push_back((dir_ / "out").string());
    spec.timeout = Millis(100000);
    auto o = RunChildProcess(*rt_, spec);
    EXPECT_TRUE(o.ok()) << o.status().message();
    if (!o.ok()) return {};
    EXPECT_FALSE(o->timed_out);
    return {o->exited ? o->exit_code : -o->term_signal, o->stdout_text, o->stderr_text};
  }

  std::unique_ptr<Runtime> rt_ = MakeRealTimeRuntime();
  fs::path dir_;
  const std::string yml_ = RAFTLAB_RUNNER_YAML;
};

TEST_F(LabtestTest, HelpAndBadFlags) {
  Outcome r = Labtest({"--help"});
  EXPECT_EQ(r.code, kExitAllPassed);
  EXPECT_THAT(r.out, HasSubstr("Usage: labtest [options]"));
  r = Labtest({"--bogus"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("labtest: unrecognised option '--bogus'"));
  r = Labtest({"--repeat", "0"});
  EXPECT_EQ(r.code, kExitUsage);
}

TEST_F(LabtestTest, ListGroupsByPartWithPoints) {
  Outcome r = Labtest({"-f", yml_, "--list"});
  EXPECT_EQ(r.code, kExitAllPassed) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Part 1: plain outcomes (4 points)\n"));
  EXPECT_THAT(r.out, HasSubstr("Part 2: plugin behaviour (2.5 points)\n"));
  EXPECT_THAT(r.out, ::testing::ContainsRegex("  pass +1 pts +20 s  pass\n"));
  EXPECT_THAT(r.out, ::testing::ContainsRegex("  make-start +1 pts +1 s  make and start\n"));
  EXPECT_THAT(r.out, HasSubstr("8 tests, 6.5 points"));
  EXPECT_THAT(r.out, Not(HasSubstr("scenario test_pass")));
  r = Labtest({"-f", yml_, "--list", "-v", "--part", "1"});
  EXPECT_EQ(r.code, kExitAllPassed);
  EXPECT_THAT(r.out, HasSubstr("      scenario test_pass: peers=5\n"));
  EXPECT_THAT(r.out, Not(HasSubstr("Part 2")));
  EXPECT_THAT(r.out, HasSubstr("  test_sleep: sleeps\n      ms (default 10): how long\n"));
}

TEST_F(LabtestTest, SelectionErrorsAreUsageErrors) {
  Outcome r = Labtest({"-f", yml_, "--filter", "no-such-test"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("no test matches --filter 'no-such-test'; `labtest --list` shows the tests"));
  r = Labtest({"-f", yml_, "--filter", "pas"});  // matches 'pass' (a search, not a full match)
  EXPECT_EQ(r.code, kExitAllPassed) << r.err;
  r = Labtest({"-f", yml_, "--filter", "^flod$"});
  EXPECT_EQ(r.code, kExitUsage);
  r = Labtest({"-f", yml_, "--filter", "(unclosed"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("is not a valid regular expression"));
  r = Labtest({"-f", yml_, "--part", "9"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("has no part 9 (parts: 1, 2)"));
}

TEST_F(LabtestTest, ConfigErrorsAreUsageErrorsWithPosition) {
  Outcome r = Labtest({"-f", (dir_ / "missing.yml").string()});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("cannot open the test catalogue"));
  const std::string bad = (dir_ / "bad.yml").string();
  std::ofstream(bad) << "version: 1\nparts:\n  - {part: 1, name: x, points: 1}\ntests:\n"
                        "  - {name: t, part: 1, points: 1, scenario: test_pass, timout: 3}\n";
  r = Labtest({"-f", bad, "--list"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr(bad + ":5:56: unknown key 'timout' in test 't' (did you mean 'timeout'?)"));
}

TEST_F(LabtestTest, PluginErrorsExitWithThreeBeforeAnyTest) {
  Outcome r = Labtest({"-f", yml_, "--plugin", RAFTLAB_BROKEN_PLUGIN});
  EXPECT_EQ(r.code, kExitPluginLoad);
  EXPECT_THAT(r.out, Not(HasSubstr("Test (")));
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;  // one line
  r = Labtest({"-f", yml_, "--plugin", (dir_ / "nope.so").string()});
  EXPECT_EQ(r.code, kExitPluginLoad);
}

TEST_F(LabtestTest, PassingRunWithTheBundledPlugin) {
  Outcome r = Labtest({"-f", yml_, "--filter", "^(pass|skip)$", "--seed", "5"});
  EXPECT_EQ(r.code, kExitAllPassed) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("labtest: using the bundled reference implementation (no --plugin given)\n"));
  EXPECT_THAT(r.out, HasSubstr("labtest: seed 5\n"));
  EXPECT_THAT(r.out, HasSubstr("Test (pass): pass ...\n  ... Passed -- "));
  EXPECT_THAT(r.out, HasSubstr("5 peers     42 RPCs      4242 bytes     7 cmds"));
  EXPECT_THAT(r.out, HasSubstr("Test (skip): skip ...\n  ... Skipped -- not implemented\n"));
  EXPECT_THAT(r.out, HasSubstr("Summary (seed 5): 2 runs, 1 passed, 0 failed, 1 skipped"));
  EXPECT_THAT(r.out, HasSubstr("PASSED\n"));
}

TEST_F(LabtestTest, RandomSeedIsPrintedAndReplayable) {
  Outcome r = Labtest({"-f", yml_, "--filter", "^fail$"});
  EXPECT_EQ(r.code, kExitTestFailed);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex("labtest: seed ([0-9]+) \\(random; --seed \\1 replays")));
  const std::string seed = m[1];
  std::smatch run_seed;
  ASSERT_TRUE(std::regex_search(r.out, run_seed, std::regex("seed: " + seed + " \\(repetition 0, run seed ([0-9]+)\\)")));
  // The printed command reruns exactly this test with this seed.
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex("rerun: labtest -f (\\S+) --filter '\\^fail\\$' --seed " + seed)));
  Outcome again = Labtest({"-f", m[1], "--filter", "^fail$", "--seed", seed});
  EXPECT_EQ(again.code, kExitTestFailed);
  EXPECT_THAT(again.out, HasSubstr("run seed " + std::string(run_seed[1]) + ")"));
}

TEST_F(LabtestTest, FailureOutput) {
  Outcome r = Labtest({"-f", yml_, "--filter", "^fail$", "--seed", "5"});
  EXPECT_EQ(r.code, kExitTestFailed);
  EXPECT_THAT(r.out, HasSubstr("Test (fail): fail ...\n  ... FAILED -- after "));
  EXPECT_THAT(r.out, HasSubstr("      expected one leader, got none\n"));
  EXPECT_THAT(r.out, HasSubstr("      seed: 5 (repetition 0, run seed "));
  EXPECT_THAT(r.out, HasSubstr("S0 T1 INFO  a line the student logged"));
  EXPECT_THAT(r.out, HasSubstr("      rerun: labtest -f " + yml_ + " --filter '^fail$' --seed 5\n"));
  EXPECT_THAT(r.out, HasSubstr("FAILED: fail (each failure above"));
}

TEST_F(LabtestTest, CrashIsReportedAndTheRunGoesOn) {
  Outcome r = Labtest({"-f", yml_, "--plugin", RAFTLAB_HOSTILE_CRASH, "--filter", "^(make-start|pass)$", "--seed", "1"});
  EXPECT_EQ(r.code, kExitTestFailed);
  EXPECT_THAT(r.out, HasSubstr("Test (pass): pass ...\n  ... Passed"));
  EXPECT_THAT(r.out, HasSubstr("Test (make-start): make and start ...\n  ... FAILED (crash) -- after "));
  EXPECT_THAT(r.out, HasSubstr("      crashed: SIGSEGV (segmentation fault)\n"));
  EXPECT_THAT(r.out, HasSubstr(std::string("rerun: labtest --plugin ") + RAFTLAB_HOSTILE_CRASH));
  EXPECT_THAT(r.out, ::testing::ContainsRegex("part 1 +plain outcomes +1/1 +passed +0 failed +1/1 +points"));
  EXPECT_THAT(r.out, ::testing::ContainsRegex("part 2 +plugin behaviour +0/1 +passed +1 failed +0/1 +points"));
}

TEST_F(LabtestTest, RepeatAndVerbose) {
  Outcome r = Labtest({"-f", yml_, "--filter", "^pass$", "--repeat", "3", "--seed", "2"});
  EXPECT_EQ(r.code, kExitAllPassed);
  EXPECT_THAT(r.out, HasSubstr("[run 1/3]"));
  EXPECT_THAT(r.out, HasSubstr("[run 3/3]"));
  EXPECT_THAT(r.out, HasSubstr("Summary (seed 2): 3 runs, 3 passed, 0 failed"));
  r = Labtest({"-f", yml_, "--filter", "^fail$", "-v"});
  EXPECT_EQ(r.code, kExitTestFailed);
  EXPECT_THAT(r.out, ::testing::ContainsRegex("    \\| +[0-9]+ms S0 T1 INFO  a line the student logged\n"));
}

TEST_F(LabtestTest, BaselineIsRecordedAndShownBesideFigures) {
  const fs::path cfg = dir_ / "cfg";
  fs::create_directories(cfg);
  fs::copy_file(yml_, cfg / "runner_tests.yml");
  const std::string baseline = (cfg / "reference_baseline.json").string();
  Outcome r = Labtest({"-f", (cfg / "runner_tests.yml").string(), "--filter", "^pass$", "--record-baseline", baseline});
  EXPECT_EQ(r.code, kExitAllPassed) << r.err;
  EXPECT_THAT(r.out, HasSubstr("wrote the figures of 1 passing test(s) to " + baseline));
  EXPECT_THAT(r.out, Not(HasSubstr("[reference:")));
  r = Labtest({"-f", (cfg / "runner_tests.yml").string(), "--filter", "^pass$"});
  EXPECT_EQ(r.code, kExitAllPassed);
  EXPECT_THAT(r.out, HasSubstr("   [reference: "));
}

TEST_F(LabtestTest, FailedRunsKeepTheirFilesPassingOnesDoNot) {
  Outcome r = Labtest({"-f", yml_, "--filter", "^(fail|pass)$", "--seed", "3"});
  EXPECT_EQ(r.code, kExitTestFailed);
  std::vector<fs::path> runs;
  for (const auto& e : fs::directory_iterator(dir_ / "out")) runs.push_back(e.path());
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_TRUE(fs::exists(runs[0] / "fail-0" / "student.log"));
  EXPECT_FALSE(fs::exists(runs[0] / "pass-0"));
}

}  // namespace
}  // namespace raftlab
