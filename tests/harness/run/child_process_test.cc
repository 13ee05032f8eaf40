// Tests of RunChildProcess (harness/run/child_process.cc) with ordinary programs
// (/bin/sh, sleep): exit codes, signals, timeouts, output caps, rlimits,
// environment, process-group cleanup.
#include "harness/run/child_process.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <cstdlib>

#include "runtime/real_runtime.h"

namespace raftlab {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class ChildProcessTest : public ::testing::Test {
 protected:
  StatusOr<ChildOutcome> Sh(const std::string& script, ChildSpec spec = {}) {
    spec.exe = "/bin/sh";
    spec.args = {"-c", script};
    return RunChildProcess(*rt_, spec);
  }
  std::unique_ptr<Runtime> rt_ = MakeRealTimeRuntime();
};

TEST_F(ChildProcessTest, CapturesOutputAndExitCode) {
  auto o = Sh("echo out; echo err >&2; exit 3");
  ASSERT_TRUE(o.ok()) << o.status().message();
  EXPECT_TRUE(o->exited);
  EXPECT_EQ(o->exit_code, 3);
  EXPECT_EQ(o->term_signal, 0);
  EXPECT_FALSE(o->timed_out);
  EXPECT_EQ(o->stdout_text, "out\n");
  EXPECT_EQ(o->stderr_text, "err\n");
  EXPECT_THAT(o->stderr_tail, ElementsAre("err"));
  EXPECT_GT(o->wall_s, 0);
}

TEST_F(ChildProcessTest, ReportsTheKillingSignal) {
  auto o = Sh("kill -SEGV $$");
  ASSERT_TRUE(o.ok());
  EXPECT_FALSE(o->exited);
  EXPECT_EQ(o->term_signal, SIGSEGV);
  EXPECT_EQ(SignalName(SIGSEGV), "SIGSEGV");
  EXPECT_EQ(SignalDescription(SIGSEGV), "segmentation fault");
  EXPECT_EQ(SignalName(SIGABRT), "SIGABRT");
  EXPECT_EQ(SignalName(SIGXCPU), "SIGXCPU");
}

TEST_F(ChildProcessTest, TimeoutCallsTheHookWhileAliveThenKillsTheGroup) {
  ChildSpec spec;
  spec.timeout = Millis(300);
  bool alive_in_hook = false;
  pid_t hook_pid = 0;
  spec.on_timeout = [&](pid_t pid) {
    hook_pid = pid;
    alive_in_hook = ::kill(pid, 0) == 0;
  };
  // The grandchild (sleep in the background) must die with the group.
  auto o = Sh("sleep 60 & echo $!; sleep 60", spec);
  ASSERT_TRUE(o.ok());
  EXPECT_TRUE(o->timed_out);
  EXPECT_TRUE(alive_in_hook);
  EXPECT_EQ(hook_pid, o->pid);
  EXPECT_EQ(o->term_signal, SIGKILL);
  EXPECT_LT(o->wall_s, 20);
  const pid_t grandchild = std::atoi(o->stdout_text.c_str());
  ASSERT_GT(grandchild, 0);
  // Reaped by init eventually; it must at least not be running sleep any more.
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {
    struct stat st {};
    gone = ::kill(grandchild, 0) != 0 || ::stat(("/proc/" + std::to_string(grandchild) + "/exe").c_str(), &st) != 0;
    if (!gone) rt_->sleep_for(Millis(20));
  }
  EXPECT_TRUE(gone) << "background process " << grandchild << " survived the group kill";
}

TEST_F(ChildProcessTest, OutputIsCappedButFullyDrained) {
  ChildSpec spec;
  spec.output_cap_bytes = 1000;
  const std::string path = ::testing::TempDir() + "/child_process_flood.txt";
  spec.stdout_path = path;
  auto o = Sh("head -c 5000000 /dev/zero; echo done >&2", spec);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->exit_code, 0);  // the child was never blocked on a full pipe
  EXPECT_EQ(o->stdout_bytes, 5000000);
  EXPECT_TRUE(o->stdout_truncated);
  EXPECT_FALSE(o->stderr_truncated);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_LT(st.st_size, 1200);
  EXPECT_GE(st.st_size, 1000);
  std::remove(path.c_str());
}

TEST_F(ChildProcessTest, LineCallbacksSeeEveryLine) {
  ChildSpec spec;
  std::vector<std::string> out, err;
  spec.on_stdout_line = [&](std::string_view l) { out.emplace_back(l); };
  spec.on_stderr_line = [&](std::string_view l) { err.emplace_back(l); };
  auto o = Sh("printf 'a\\nb\\npartial'; echo e1 >&2", spec);
  ASSERT_TRUE(o.ok());
  EXPECT_THAT(out, ElementsAre("a", "b", "partial"));
  EXPECT_THAT(err, ElementsAre("e1"));
}

TEST_F(ChildProcessTest, AppliesRlimits) {
  ChildSpec spec;
  spec.limits.stack_bytes = 1 << 20;
  spec.limits.cpu_seconds = 7;
  spec.limits.address_space_bytes = int64_t{2} << 30;
  auto o = Sh("ulimit -s; ulimit -t; ulimit -v; ulimit -c", spec);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->stdout_text, "1024\n7\n2097152\n0\n");
}

TEST_F(ChildProcessTest, EnvironmentChanges) {
  ::setenv("RAFTLAB_CP_TEST_DROP", "x", 1);
  ::setenv("RAFTLAB_CP_TEST_SET", "old", 1);
  ChildSpec spec;
  spec.unset_env = {"RAFTLAB_CP_TEST_DROP"};
  spec.set_env = {{"RAFTLAB_CP_TEST_SET", "new"}};
  auto o = Sh("echo \"[$RAFTLAB_CP_TEST_DROP][$RAFTLAB_CP_TEST_SET]\"", spec);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->stdout_text, "[][new]\n");
}

TEST_F(ChildProcessTest, CpuTimeIsMeasured) {
  auto o = Sh("i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done");
  ASSERT_TRUE(o.ok());
  EXPECT_GT(o->user_s + o->sys_s, 0.0);
  EXPECT_GT(o->max_rss_kb, 0);
}

TEST_F(ChildProcessTest, MissingProgramIsNotFound) {
  ChildSpec spec;
  spec.exe = "/nonexistent/program";
  auto o = RunChildProcess(*rt_, spec);
  EXPECT_EQ(o.status().code(), Status::Code::kNotFound);
  spec.exe = "raftlab-no-such-program-in-path";
  EXPECT_EQ(RunChildProcess(*rt_, spec).status().code(), Status::Code::kNotFound);
  spec.exe = "/etc/hostname";  // exists, not executable
  EXPECT_FALSE(RunChildProcess(*rt_, spec).ok());
}

TEST(FindInPathTest, FindsShell) {
  EXPECT_THAT(FindInPath("sh"), HasSubstr("/sh"));
  EXPECT_EQ(FindInPath("raftlab-no-such-program"), "");
  EXPECT_EQ(FindInPath("/bin/sh"), "/bin/sh");
}

}  // namespace
}  // namespace raftlab
