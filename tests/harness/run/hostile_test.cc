// Hostile plugins (tests/plugins/hostile_plugin.cc) run through the real
// runner and test child, sandbox included: each yields its verdict with a
// clear reason, a complete result file, and the runner carries on. The
// plugins that runner_test.cc already covers (segfault, abort and exception
// in make, an exception on a plugin thread, deadlocks in make and start,
// busy loops on every core, floods of stdout and stderr) are not repeated.
// The child is labtest_testing; the catalogue is data/hostile_tests.yml.
//
// Timing: no test asserts how fast anything ran. The zombie test waits out
// the fixture's 5 s kill bound.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "harness/catalogue/config.h"
#include "harness/plugin/host_services.h"
#include "harness/run/runner.h"
#include "runtime/real_runtime.h"

namespace raftlab {
namespace {

namespace fs = std::filesystem;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::StartsWith;

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

// Sanitizer builds turn seccomp and the memory limit off (README, Sandbox).
#define SKIP_UNDER_SANITIZERS() \
  if (kSanitized) GTEST_SKIP() << "sanitizer builds run without seccomp and without a memory limit"

constexpr char kRule[] = " \u2014 your Raft must not use files, the network or other processes";

class HostileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto c = LoadCatalogue(RAFTLAB_HOSTILE_YAML, ScenarioRegistry::Global());
    ASSERT_TRUE(c.ok()) << c.status().message();
    catalogue_ = std::move(*c);
    run_dir_ = fs::path(::testing::TempDir()) /
               ("hostile_test_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(run_dir_);
  }
  void TearDown() override {
    ::unsetenv("RAFTLAB_NO_SANDBOX");
    if (!HasFailure()) fs::remove_all(run_dir_);
  }

  RunnerOptions Options(const std::string& plugin) {
    RunnerOptions o;
    o.self_exe = RAFTLAB_LABTEST_TESTING;
    o.config_path = RAFTLAB_HOSTILE_YAML;
    o.plugin_path = plugin;
    o.run_dir = run_dir_.string();
    o.grace_s = 1;
    return o;
  }

  TestResult Run(const std::string& test, const RunnerOptions& o) {
    const TestSpec* spec = catalogue_.FindTest(test);
    EXPECT_NE(spec, nullptr) << test;
    if (!spec) return {};
    TestRunner runner(*rt_, o);
    TestResult r = runner.Run(*spec, 0, 5, {});
    // Reports are complete: a failed run keeps its result file, and it holds
    // the parent's final account.
    if (!IsSuccess(r.verdict)) {
      auto written = ReadResultFile((fs::path(r.output_dir) / "result.json").string());
      EXPECT_TRUE(written.ok()) << written.status().message();
      if (written.ok()) {
        EXPECT_EQ(written->verdict, r.verdict);
        EXPECT_EQ(written->message, r.message);
      }
    }
    return r;
  }
  TestResult Run(const std::string& test, const std::string& plugin) { return Run(test, Options(plugin)); }

  std::unique_ptr<Runtime> rt_ = MakeRealTimeRuntime();
  Catalogue catalogue_;
  fs::path run_dir_;
};

// --- crashes and resources ---------------------------------------------------

TEST_F(HostileTest, SegfaultInABackgroundThreadIsACrash) {
  TestResult r = Run("make-start", RAFTLAB_HOSTILE_CRASH_THREAD);
  EXPECT_EQ(r.verdict, Verdict::kCrash) << r.message;
  // The crashing thread is the plugin's, not the scenario's: its own frame.
  EXPECT_THAT(r.message, HasSubstr("crashed: SIGSEGV (segmentation fault) at address 0x0 (a null pointer), in your "
                                   "plugin: "));
  EXPECT_THAT(r.message, HasSubstr("hostile_plugin.cc:"));
  EXPECT_EQ(r.term_signal, SIGSEGV);
}

TEST_F(HostileTest, SegfaultInAHandlerIsACrash) {
  TestResult r = Run("cluster-life", RAFTLAB_HOSTILE_CRASH_HANDLER);
  EXPECT_EQ(r.verdict, Verdict::kCrash) << r.message;
  EXPECT_THAT(r.message, HasSubstr("crashed: SIGSEGV (segmentation fault) at address 0x0 (a null pointer), in your "
                                   "plugin: (anonymous namespace)::HandleRpc("));
}

TEST_F(HostileTest, UnboundedAllocationHitsTheMemoryLimit) {
  SKIP_UNDER_SANITIZERS();
  RunnerOptions o = Options(RAFTLAB_HOSTILE_OOM);
  o.memory_limit_bytes = int64_t{1} << 30;  // the plugin never touches its blocks: address space only
  TestResult r = Run("make-start", o);
  EXPECT_EQ(r.verdict, Verdict::kCrash) << r.message;
  EXPECT_THAT(r.message, HasSubstr("out of memory"));
  EXPECT_THAT(r.message, HasSubstr("memory limit"));
}

TEST_F(HostileTest, ThousandsOfRawThreadsHitTheMemoryLimit) {
  SKIP_UNDER_SANITIZERS();
  RunnerOptions o = Options(RAFTLAB_HOSTILE_THREADS_RAW);
  o.memory_limit_bytes = int64_t{1} << 30;  // about 1000 threads of 1 MiB stacks
  TestResult r = Run("make-start", o);
  EXPECT_EQ(r.verdict, Verdict::kCrash) << r.message;
  EXPECT_THAT(r.message, HasSubstr("std::system_error"));
  EXPECT_THAT(r.message, HasSubstr("no thread could be started: too many threads"));
}

TEST_F(HostileTest, ThousandsOfHostThreadsAreCapped) {
  TestResult r = Run("cluster-life", RAFTLAB_HOSTILE_THREADS_HOST);
  EXPECT_EQ(r.verdict, Verdict::kFail) << r.message;
  EXPECT_THAT(r.message, HasSubstr("started too many threads: " + std::to_string(kMaxLivePluginThreads) +
                                   " threads of the plugin are already running"));
}

// --- lifecycle rules -----------------------------------------------------------

TEST_F(HostileTest, KillThatNeverReturnsIsAZombie) {
  TestResult r = Run("cluster-life-one", RAFTLAB_HOSTILE_KILL_HANGS);
  EXPECT_EQ(r.verdict, Verdict::kFail) << r.message;
  EXPECT_THAT(r.message, HasSubstr("peer 0 is a zombie: kill() did not return within 5 s"));
  // The child asked for the stacks while the zombie still ran: the plugin's
  // kill() is named (eu-stack and gdb are set-up packages; without either
  // the dump says so).
  EXPECT_THAT(r.stack_dump, HasSubstr("stacks taken because peer 0's kill() did not return"));
  if (r.stack_dump.find("no stack dump") == std::string::npos) {
    EXPECT_THAT(r.stack_dump, HasSubstr("<- your plugin (copy "));
    EXPECT_THAT(r.stack_dump, HasSubstr("Kill("));
  }
}

// A thread the plugin started itself (std::thread) that outlives kill(): a
// zombie too, named by peer (its private copy's address range says whose),
// with the stacks taken while it still runs. Not in sanitizer builds, which
// have no pthread_create interposer (harness/plugin/raw_threads.h).
TEST_F(HostileTest, OwnThreadStillRunningAfterKillIsAZombie) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "sanitizer builds do not record the plugin's own threads";
#endif
  TestResult r = Run("cluster-life-one", RAFTLAB_HOSTILE_RAW_ZOMBIE);
  EXPECT_EQ(r.verdict, Verdict::kFail) << r.message;
  EXPECT_THAT(r.message, HasSubstr("peer 0 is a zombie: kill() returned but 1 thread it started itself "
                                   "(std::thread or pthread_create) is still running"));
  EXPECT_THAT(r.stack_dump, HasSubstr("stacks taken because peer 0's own threads (std::thread/pthread_create) "
                                      "still run after kill()"));
  if (r.stack_dump.find("no stack dump") == std::string::npos) {
    EXPECT_THAT(r.stack_dump, HasSubstr("<- your plugin (copy "));
    EXPECT_THAT(r.stack_dump, HasSubstr("SleepMs"));  // RawTicker's loop, inlined
  }
}

TEST_F(HostileTest, CallingTheHostAfterKillIsNamed) {
  TestResult r = Run("cluster-life", RAFTLAB_HOSTILE_HOST_AFTER_KILL);
  EXPECT_EQ(r.verdict, Verdict::kFail) << r.message;
  EXPECT_THAT(r.message, HasSubstr("peer 0 (incarnation 1) called persist_save after kill"));
}

// exit() in plugin code ends the test process; the verdict says so, with the
// status, instead of "the result file is not a JSON object".
TEST_F(HostileTest, ExitInPluginCodeIsNamedWithItsStatus) {
  TestResult r = Run("cluster-start", RAFTLAB_HOSTILE_EXIT);
  EXPECT_EQ(r.verdict, Verdict::kCrash) << r.message;
  EXPECT_THAT(r.message, HasSubstr("your code called exit(7) inside a call the test made into your code"));
  EXPECT_EQ(r.exit_code, 0);  // the child wrote its result and ended normally
}

// A run killed at its time limit never writes its record at the end; the
// child's flushes every half second still give the parent a timeline.
TEST_F(HostileTest, ARunKilledAtItsTimeLimitStillHasATimeline) {
  TestResult r = Run("cluster-overrun", RAFTLAB_HOSTILE_QUIET);
  EXPECT_EQ(r.verdict, Verdict::kTimeout) << r.message;
  ASSERT_FALSE(r.timeline_file.empty());
  std::ifstream f(r.timeline_file);
  const std::string html((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  EXPECT_THAT(html, HasSubstr("Lanes: peer 0, peer 0 #2, peer 1, peer 2."));
  EXPECT_THAT(html, HasSubstr("timed out after 3 s"));
}

// A make() that blocks used to be found only by the test's timeout (125 s);
// it is bounded like start() now.
TEST_F(HostileTest, MakeThatNeverReturnsIsCaughtWithinSeconds) {
  RunnerOptions o = Options(RAFTLAB_HOSTILE_HANG_MAKE);
  o.timeout_scale = 0.2;  // watch 1 s, abandonment 3 s later, test timeout 24 s
  TestResult r = Run("cluster-start", o);
  EXPECT_EQ(r.verdict, Verdict::kFail) << r.message;
  EXPECT_THAT(r.message, HasSubstr("peer 0: make() has not returned after 1 s; make() must return at once"));
}

TEST_F(HostileTest, StuckScenarioThreadIsAbandonedAfterAFailure) {
  RunnerOptions o = Options(RAFTLAB_HOSTILE_HANG_START);
  o.timeout_scale = 0.2;  // watch 1 s, abandonment 3 s later, test timeout 24 s
  TestResult r = Run("cluster-start", o);
  // A timeout verdict would mean the child waited for the whole test timeout.
  EXPECT_EQ(r.verdict, Verdict::kFail) << r.message;
  EXPECT_THAT(r.message, HasSubstr("peer 0: start() has not returned after 1 s"));
  EXPECT_THAT(r.message, HasSubstr("the test thread was still blocked 3 s after this failure"));
  EXPECT_THAT(r.stack_dump, HasSubstr("stacks taken because peer 0's start() did not return"));
  if (r.stack_dump.find("no stack dump") == std::string::npos) {
    EXPECT_THAT(r.stack_dump, HasSubstr("Start("));
  }
}

// --- garbage applies: the apply checker's verdicts --------------------------

TEST_F(HostileTest, ApplyAtIndexZeroFails) {
  TestResult r = Run("cluster-life", RAFTLAB_HOSTILE_APPLY_ZERO);
  EXPECT_EQ(r.verdict, Verdict::kFail) << r.message;
  EXPECT_THAT(r.message, HasSubstr("server 0 apply out of order: expected index 1, got 0"));
}

TEST_F(HostileTest, ApplyWithAGapFails) {
  TestResult r = Run("cluster-life", RAFTLAB_HOSTILE_APPLY_GAP);
  EXPECT_EQ(r.verdict, Verdict::kFail) << r.message;
  EXPECT_THAT(r.message, HasSubstr("server 0 apply out of order: expected index 2, got 3"));
}

TEST_F(HostileTest, ApplyAtAHugeIndexFails) {
  TestResult r = Run("cluster-life", RAFTLAB_HOSTILE_APPLY_HUGE);
  EXPECT_EQ(r.verdict, Verdict::kFail) << r.message;
  EXPECT_THAT(r.message, HasSubstr("server 0 apply out of order: expected index 1, got 1099511627776"));
}

// --- the sandbox: files, the network, other processes ------------------------

TEST_F(HostileTest, ForkIsForbidden) {
  SKIP_UNDER_SANITIZERS();
  TestResult r = Run("make-start", RAFTLAB_HOSTILE_FORK);
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_EQ(r.message, std::string("forbidden: clone (new process)") + kRule);
  // The call failed with EPERM and the test went on to a complete result.
  EXPECT_THAT(r.log_tail, Contains(HasSubstr("fork failed")));
  EXPECT_THAT(r.events, Contains(testing::Field(&EventRecord::text, StartsWith("sandbox: seccomp on"))));
}

TEST_F(HostileTest, OpeningAFileForWritingIsForbidden) {
  SKIP_UNDER_SANITIZERS();
  fs::remove("/tmp/raftlab-hostile-plugin-was-here");
  TestResult r = Run("make-start", RAFTLAB_HOSTILE_OPEN_WRITE);
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_EQ(r.message, std::string("forbidden: openat (write)") + kRule);
  EXPECT_FALSE(fs::exists("/tmp/raftlab-hostile-plugin-was-here"));
  EXPECT_THAT(r.log_tail, Contains(HasSubstr("open for writing failed")));
}

TEST_F(HostileTest, OpeningASocketIsForbidden) {
  SKIP_UNDER_SANITIZERS();
  TestResult r = Run("make-start", RAFTLAB_HOSTILE_SOCKET);
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_EQ(r.message, std::string("forbidden: socket") + kRule);
  EXPECT_THAT(r.log_tail, Contains(HasSubstr("socket failed")));
}

TEST_F(HostileTest, ExecIsForbidden) {
  SKIP_UNDER_SANITIZERS();
  TestResult r = Run("make-start", RAFTLAB_HOSTILE_EXEC);
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_EQ(r.message, std::string("forbidden: execve") + kRule);
  EXPECT_THAT(r.log_tail, Contains(HasSubstr("exec failed")));
}

TEST_F(HostileTest, SystemIsForbiddenEvenWithSignalsBlocked) {
  SKIP_UNDER_SANITIZERS();
  TestResult r = Run("make-start", RAFTLAB_HOSTILE_SYSTEM);
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_THAT(r.message, StartsWith("forbidden: "));
  EXPECT_THAT(r.message, HasSubstr(kRule));
}

TEST_F(HostileTest, NoSandboxVariableTurnsTheSandboxOff) {
  ::setenv("RAFTLAB_NO_SANDBOX", "1", 1);  // inherited by the child
  TestResult r = Run("make-start", RAFTLAB_HOSTILE_SOCKET);
  EXPECT_EQ(r.verdict, Verdict::kPass) << r.message;
  EXPECT_THAT(r.events, Contains(testing::Field(&EventRecord::text, "sandbox: off (RAFTLAB_NO_SANDBOX is set)")));
}

// --- the harness carries on ---------------------------------------------------

TEST_F(HostileTest, RunsContinueAfterHostilePlugins) {
  SKIP_UNDER_SANITIZERS();
  for (const char* plugin : {RAFTLAB_HOSTILE_SOCKET, RAFTLAB_HOSTILE_CRASH_THREAD, RAFTLAB_HOSTILE_OOM}) {
    RunnerOptions o = Options(plugin);
    o.memory_limit_bytes = int64_t{1} << 30;
    TestResult bad = Run("make-start", o);
    EXPECT_FALSE(IsSuccess(bad.verdict)) << plugin;
    TestResult good = Run("pass", o);  // same runner settings, a scenario that never loads the plugin's code paths
    EXPECT_EQ(good.verdict, Verdict::kPass) << plugin << ": " << good.message;
  }
  TestResult quiet = Run("make-start", RAFTLAB_HOSTILE_QUIET);
  EXPECT_EQ(quiet.verdict, Verdict::kPass) << quiet.message;
}

}  // namespace
}  // namespace raftlab
