// Tests of the per-test child runner (harness/run/runner.cc, test_child.cc,
// test_context.cc) against hostile plugins: each way of breaking the test
// process gives the right verdict and reason, and the runner carries on.
// The child is labtest_testing (labtest with the scenarios of
// test_scenarios.cc); the catalogue is data/runner_tests.yml.
//
// Timing: the hang tests use a 1 s test timeout and 0.5 s grace, so each
// takes about 2-3 s; nothing asserts how fast anything ran.
#include "harness/run/runner.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <filesystem>
#include <mutex>

#include "harness/catalogue/config.h"
#include "harness/scenario/student_log.h"
#include "runtime/real_runtime.h"

namespace raftlab {
namespace {

namespace fs = std::filesystem;
using ::testing::AnyOf;
using ::testing::Contains;
using ::testing::HasSubstr;

class RunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto c = LoadCatalogue(RAFTLAB_RUNNER_YAML, ScenarioRegistry::Global());
    ASSERT_TRUE(c.ok()) << c.status().message();
    catalogue_ = std::move(*c);
    run_dir_ = fs::path(::testing::TempDir()) /
               ("runner_test_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(run_dir_);
  }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(run_dir_);
  }

  RunnerOptions Options(const std::string& plugin) {
    RunnerOptions o;
    o.self_exe = RAFTLAB_LABTEST_TESTING;
    o.config_path = RAFTLAB_RUNNER_YAML;
    o.plugin_path = plugin;
    o.run_dir = run_dir_.string();
    o.grace_s = 0.5;
    return o;
  }

  TestResult Run(const std::string& test, const std::string& plugin, RunnerOptions* custom = nullptr,
                 std::vector<std::string>* live = nullptr) {
    const TestSpec* spec = catalogue_.FindTest(test);
    EXPECT_NE(spec, nullptr) << test;
    if (!spec) return {};
    RunnerOptions o = custom ? *custom : Options(plugin);
    TestRunner runner(*rt_, o);
    return runner.Run(*spec, 0, 77, [&](std::string_view line) {
      if (live) live->emplace_back(line);
    });
  }

  std::unique_ptr<Runtime> rt_ = MakeRealTimeRuntime();
  Catalogue catalogue_;
  fs::path run_dir_;
};

TEST_F(RunnerTest, PassCarriesFiguresAndRemovesItsFolder) {
  TestResult r = Run("pass", RAFTLAB_HOSTILE_QUIET);
  EXPECT_EQ(r.verdict, Verdict::kPass) << r.message;
  EXPECT_EQ(r.test, "pass");
  EXPECT_EQ(r.part, 1);
  EXPECT_EQ(r.base_seed, 77u);
  EXPECT_NE(r.seed, 77u);  // derived per test and repetition
  EXPECT_TRUE(r.has_figures);
  EXPECT_EQ(r.figures.peers, 5);  // the YAML's params reached the scenario
  EXPECT_EQ(r.figures.rpcs, 42);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_GT(r.wall_s, 0);
  EXPECT_EQ(r.output_dir, "");
  EXPECT_FALSE(fs::exists(run_dir_ / "pass-0"));
}

TEST_F(RunnerTest, FailKeepsMessageLogTailAndFiles) {
  TestResult r = Run("fail", RAFTLAB_HOSTILE_QUIET);
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_EQ(r.message, "expected one leader, got none");
  EXPECT_THAT(r.log_tail, Contains(HasSubstr("S0 T1 INFO  a line the student logged")));
  EXPECT_THAT(r.log_tail, Contains(HasSubstr("====== checking for a leader")));
  EXPECT_THAT(r.log_tail, Contains(HasSubstr("====== FAILED: expected one leader, got none")));
  EXPECT_EQ(r.log_lines, 1);
  ASSERT_EQ(r.output_dir, (run_dir_ / "fail-0").string());
  EXPECT_TRUE(fs::exists(run_dir_ / "fail-0" / "result.json"));
  EXPECT_TRUE(fs::exists(run_dir_ / "fail-0" / "student.log"));
  EXPECT_TRUE(fs::exists(run_dir_ / "fail-0" / "stdout.txt"));
  EXPECT_FALSE(fs::exists(run_dir_ / "fail-0" / "tmp"));  // the child's TMPDIR is cleaned up
  auto written = ReadResultFile((run_dir_ / "fail-0" / "result.json").string());
  ASSERT_TRUE(written.ok());
  EXPECT_EQ(written->verdict, Verdict::kFail);
  EXPECT_GT(written->wall_s, 0);  // the parent's final account replaced the child's
}

TEST_F(RunnerTest, FailureOnAnotherThreadIsNoticed) {
  TestResult r = Run("fail-other-thread", RAFTLAB_HOSTILE_QUIET);
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_EQ(r.message, "found on the checker thread");
}

TEST_F(RunnerTest, Skip) {
  TestResult r = Run("skip", RAFTLAB_HOSTILE_QUIET);
  EXPECT_EQ(r.verdict, Verdict::kSkip);
  EXPECT_EQ(r.message, "not implemented");
}

TEST_F(RunnerTest, WellBehavedPluginPasses) {
  TestResult r = Run("make-start", RAFTLAB_HOSTILE_QUIET);
  EXPECT_EQ(r.verdict, Verdict::kPass) << r.message;
}

TEST_F(RunnerTest, SegfaultIsACrash) {
  TestResult r = Run("make-start", RAFTLAB_HOSTILE_CRASH);
  EXPECT_EQ(r.verdict, Verdict::kCrash);
  // The signal, the faulting address, and the plugin's function and line
  // (the child's crash report, symbolized by the parent against the plugin).
  EXPECT_THAT(r.message, HasSubstr("crashed: SIGSEGV (segmentation fault) at address 0x0 (a null pointer), "
                                   "in your plugin: (anonymous namespace)::Make("));
  EXPECT_THAT(r.message, HasSubstr("hostile_plugin.cc:"));
  EXPECT_THAT(r.stack_dump, HasSubstr("backtrace of the crashing thread:\n#0 "));
  EXPECT_THAT(r.stack_dump, HasSubstr("<- your plugin (copy "));
  EXPECT_TRUE(fs::exists(run_dir_ / "make-start-0" / "stacks.txt"));
  EXPECT_EQ(r.term_signal, SIGSEGV);
  EXPECT_THAT(r.log_tail, Contains(HasSubstr("====== make peer 0")));  // how far it got
}

TEST_F(RunnerTest, AbortIsACrash) {
  TestResult r = Run("make-start", RAFTLAB_HOSTILE_ABORT);
  EXPECT_EQ(r.verdict, Verdict::kCrash);
  EXPECT_THAT(r.message, HasSubstr("crashed: SIGABRT (abort; an exception or a panic may have escaped your "
                                   "code), in your "
                                   "plugin: (anonymous namespace)::Make("));
}

TEST_F(RunnerTest, ExceptionThroughTheCAbiIsACrashNamingIt) {
  TestResult r = Run("make-start", RAFTLAB_HOSTILE_THROW);
  EXPECT_EQ(r.verdict, Verdict::kCrash);
  EXPECT_THAT(r.message, HasSubstr("a C++ exception (std::runtime_error: boom from make) escaped from your code"));
}

TEST_F(RunnerTest, ExceptionOnAPluginThreadAborts) {
  TestResult r = Run("make-start", RAFTLAB_HOSTILE_THROW_THREAD);
  EXPECT_EQ(r.verdict, Verdict::kCrash);
  EXPECT_THAT(r.message, HasSubstr("crashed: SIGABRT (abort; an exception or a panic may have escaped your code)"));
  EXPECT_THAT(r.stderr_tail, Contains(HasSubstr("boom from a plugin thread")));
}

TEST_F(RunnerTest, HangInMakeTimesOutWithDeadlockAnalysisAndStacks) {
  TestResult r = Run("make-start", RAFTLAB_HOSTILE_HANG_MAKE);
  EXPECT_EQ(r.verdict, Verdict::kTimeout);
  EXPECT_THAT(r.message, HasSubstr("timed out after 1 s; all "));
  EXPECT_THAT(r.message, HasSubstr("likely a DEADLOCK"));
  EXPECT_THAT(r.hang_analysis, HasSubstr("scenario"));  // the thread names are listed
  EXPECT_THAT(r.stack_dump, AnyOf(HasSubstr("(from eu-stack)"), HasSubstr("(from gdb)"), HasSubstr("no stack dump")));
  EXPECT_TRUE(fs::exists(run_dir_ / "make-start-0" / "stacks.txt"));
  // The plugin's frame is named against the plugin file (its private copy is
  // an in-memory file the stack tools cannot read): function and line.
  if (r.stack_dump.find("no stack dump") == std::string::npos) {
    EXPECT_THAT(r.stack_dump, HasSubstr("<- your plugin (copy "));
    EXPECT_THAT(r.stack_dump, HasSubstr("hostile_plugin.cc:"));
  }
  EXPECT_EQ(r.term_signal, SIGKILL);
}

TEST_F(RunnerTest, HangInStartTimesOut) {
  TestResult r = Run("make-start", RAFTLAB_HOSTILE_HANG_START);
  EXPECT_EQ(r.verdict, Verdict::kTimeout);
  EXPECT_THAT(r.message, HasSubstr("likely a DEADLOCK"));
  EXPECT_THAT(r.log_tail, Contains(HasSubstr("====== start a command on peer 0")));
}

TEST_F(RunnerTest, BusyLoopPastTheTimeoutIsClassifiedAsBusy) {
  RunnerOptions o = Options(RAFTLAB_HOSTILE_BUSY);
  o.cpu_factor = 100;  // keep the CPU limit out of the way: the wall timeout fires first
  TestResult r = Run("make-start", "", &o);
  EXPECT_EQ(r.verdict, Verdict::kTimeout);
  EXPECT_THAT(r.message, HasSubstr("likely a BUSY LOOP"));
  EXPECT_GT(r.cpu_s(), 0.0);
}

TEST_F(RunnerTest, BusyLoopHitsTheCpuLimit) {
  RunnerOptions o = Options(RAFTLAB_HOSTILE_BUSY);
  o.cpu_factor = 0.05;  // 30 s test timeout -> 2 s of CPU; the wall timeout is far away
  TestResult r = Run("make-start-long", "", &o);
  EXPECT_EQ(r.verdict, Verdict::kCpuLimit);
  EXPECT_THAT(r.message, HasSubstr("used its whole CPU budget of 2 s"));
  EXPECT_THAT(r.message, HasSubstr("likely a busy loop"));
  // The kernel enforces the limit on its own precise clock; rusage rounds
  // differently, so only check that real CPU time was spent.
  EXPECT_GT(r.cpu_s(), 1.0);
}

TEST_F(RunnerTest, CrashShowsTheLastLinesTheStudentLogged) {
  TestResult r = Run("make-start", RAFTLAB_HOSTILE_LOG_CRASH);
  EXPECT_EQ(r.verdict, Verdict::kCrash);
  // The last lines of each peer (RunnerOptions::log_tail_per_peer), among
  // the last harness notes.
  std::vector<std::string> peer0;
  for (const std::string& l : r.log_tail) {
    if (l.find(" S0 ") != std::string::npos) peer0.push_back(l);
  }
  ASSERT_EQ(peer0.size(), 5u);
  EXPECT_THAT(peer0.back(), HasSubstr("S0 T0 INFO  hostile log line 50"));
  EXPECT_THAT(peer0.front(), HasSubstr("hostile log line 46"));
  EXPECT_THAT(r.log_tail, Contains(HasSubstr("====== make peer 0")));
}

TEST_F(RunnerTest, FloodedOutputIsCapped) {
  RunnerOptions o = Options(RAFTLAB_HOSTILE_FLOOD);
  o.keep_passed_output = true;
  o.output_cap_bytes = 100000;
  TestResult r = Run("make-start", "", &o);
  EXPECT_EQ(r.verdict, Verdict::kPass) << r.message;
  EXPECT_LT(fs::file_size(run_dir_ / "make-start-0" / "stdout.txt"), 100200u);
  EXPECT_LT(fs::file_size(run_dir_ / "make-start-0" / "stderr.txt"), 100200u);
  EXPECT_THAT(r.events.back().text, HasSubstr("output was cut at 100000 bytes per stream"));
}

TEST_F(RunnerTest, HarnessSideFloodIsCappedToo) {
  RunnerOptions o = Options(RAFTLAB_HOSTILE_QUIET);
  o.output_cap_bytes = 50000;
  TestResult r = Run("flood", "", &o);
  EXPECT_EQ(r.verdict, Verdict::kPass) << r.message;
  EXPECT_THAT(r.events.back().text, HasSubstr("stdout 3014656 bytes"));
}

TEST_F(RunnerTest, SlowTestFailsWithMitsMessage) {
  TestResult r = Run("too-slow", RAFTLAB_HOSTILE_QUIET);
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_THAT(r.message, HasSubstr("test took longer than 0.2 seconds"));
}

TEST_F(RunnerTest, VerboseStreamsTheChildsLines) {
  RunnerOptions o = Options(RAFTLAB_HOSTILE_QUIET);
  o.verbose = true;
  std::vector<std::string> live;
  TestResult r = Run("fail", "", &o, &live);
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_THAT(live, Contains(HasSubstr("S0 T1 INFO  a line the student logged")));
  EXPECT_THAT(live, Contains(HasSubstr("====== checking for a leader")));
}

TEST_F(RunnerTest, TimeoutScaleStretchesTheLimit) {
  RunnerOptions o = Options(RAFTLAB_HOSTILE_QUIET);
  o.timeout_scale = 10;  // 0.2 s * 10 = 2 s > the 0.4 s the scenario sleeps
  TestResult r = Run("too-slow", "", &o);
  EXPECT_EQ(r.verdict, Verdict::kPass) << r.message;
}

TEST_F(RunnerTest, MissingExecutableIsAnError) {
  RunnerOptions o = Options(RAFTLAB_HOSTILE_QUIET);
  o.self_exe = "/nonexistent/labtest";
  TestResult r = Run("pass", "", &o);
  EXPECT_EQ(r.verdict, Verdict::kError);
  EXPECT_THAT(r.message, HasSubstr("could not start the test process"));
}

TEST_F(RunnerTest, ChildExitingWithoutAResultIsAnError) {
  RunnerOptions o = Options(RAFTLAB_HOSTILE_QUIET);
  o.self_exe = "/bin/true";  // exits 0 and writes nothing
  TestResult r = Run("pass", "", &o);
  EXPECT_EQ(r.verdict, Verdict::kError);
  EXPECT_THAT(r.message, HasSubstr("exited with code 0 before the test finished, without writing a result"));
  EXPECT_THAT(r.message, HasSubstr("_exit() or quick_exit()"));
}

TEST_F(RunnerTest, RunsContinueAfterACrash) {
  TestRunner crashy(*rt_, Options(RAFTLAB_HOSTILE_CRASH));
  TestResult a = crashy.Run(*catalogue_.FindTest("make-start"), 0, 1, {});
  TestResult b = crashy.Run(*catalogue_.FindTest("pass"), 0, 1, {});
  TestResult c = crashy.Run(*catalogue_.FindTest("make-start"), 1, 1, {});
  EXPECT_EQ(a.verdict, Verdict::kCrash);
  EXPECT_EQ(b.verdict, Verdict::kPass);
  EXPECT_EQ(c.verdict, Verdict::kCrash);
  EXPECT_NE(a.seed, c.seed);  // repetitions get their own seeds
}

}  // namespace
}  // namespace raftlab
