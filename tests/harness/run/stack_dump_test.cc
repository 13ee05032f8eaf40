// Tests of the hang analysis and stack dumps (harness/run/stack_dump.cc).
#include "harness/run/stack_dump.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>

#include "harness/run/child_process.h"
#include "runtime/real_runtime.h"

namespace raftlab {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

ThreadSample Sample(int tid, const std::string& name, char state, uint64_t ticks) {
  ThreadSample s;
  s.tid = tid;
  s.name = name;
  s.state = state;
  s.cpu_ticks = ticks;
  return s;
}

TEST(StackDumpTest, SampleThreadsOfThisProcess) {
  std::vector<ThreadSample> s = SampleThreads(::getpid());
  ASSERT_FALSE(s.empty());
  EXPECT_EQ(s[0].tid, ::getpid());
  EXPECT_EQ(s[0].name, "stack_dump_test");
  EXPECT_EQ(s[0].state, 'R');  // we are running right now
  EXPECT_TRUE(SampleThreads(999999999).empty());
}

TEST(StackDumpTest, AllSleepingIsALikelyDeadlock) {
  std::vector<ThreadSample> before = {Sample(1, "main", 'S', 10), Sample(2, "ticker", 'S', 5)};
  std::vector<ThreadSample> after = before;
  after[1].wchan = "futex_wait_queue";
  std::string a = AnalyseHang(before, after, 0.3);
  EXPECT_THAT(a, HasSubstr("all 2 threads were sleeping and using no CPU: likely a DEADLOCK"));
  EXPECT_THAT(a, HasSubstr("ticker"));
  EXPECT_THAT(a, HasSubstr("sleeping in futex_wait_queue"));
}

TEST(StackDumpTest, CpuRisingIsALikelyBusyLoop) {
  const double hz = static_cast<double>(::sysconf(_SC_CLK_TCK));
  std::vector<ThreadSample> before = {Sample(1, "main", 'S', 10), Sample(2, "spinner", 'R', 100)};
  std::vector<ThreadSample> after = {Sample(1, "main", 'S', 10),
                                     Sample(2, "spinner", 'R', 100 + static_cast<uint64_t>(0.3 * hz))};
  std::string a = AnalyseHang(before, after, 0.3);
  EXPECT_THAT(a, HasSubstr("1 of 2 threads were running and using 1.0 cores of CPU: likely a BUSY LOOP"));
  EXPECT_THAT(a, HasSubstr("spinner"));
  EXPECT_THAT(a, HasSubstr("100% CPU"));
  EXPECT_EQ(AnalyseHang(before, {}, 0.3), "the process was already gone when we looked");
}

TEST(StackDumpTest, SpinnersStarvedOnALoadedMachineAreStillBusy) {
  // Three spinning threads sharing a loaded machine got a tenth of a core.
  const double hz = static_cast<double>(::sysconf(_SC_CLK_TCK));
  const uint64_t tenth = static_cast<uint64_t>(0.1 * 0.3 * hz / 3) + 1;
  std::vector<ThreadSample> before = {Sample(1, "main", 'S', 0), Sample(2, "a", 'R', 0), Sample(3, "b", 'R', 0),
                                      Sample(4, "c", 'R', 0)};
  std::vector<ThreadSample> after = {Sample(1, "main", 'S', 0), Sample(2, "a", 'R', tenth),
                                     Sample(3, "b", 'S', tenth), Sample(4, "c", 'R', tenth)};
  EXPECT_THAT(AnalyseHang(before, after, 0.3), HasSubstr("likely a BUSY LOOP"));
  // Running but using no CPU at all is not a busy loop.
  std::vector<ThreadSample> idle = {Sample(1, "main", 'R', 0), Sample(2, "a", 'S', 0)};
  EXPECT_THAT(AnalyseHang(idle, idle, 0.3), Not(HasSubstr("BUSY")));
}

TEST(StackDumpTest, IdenticalStacksAreMerged) {
  const std::string dump =
      "PID 10 - process\n"
      "TID 10:\n#0  0x1 main\n"
      "TID 11:\n#0  0x2 futex_wait\n#1  0x3 ticker\n"
      "TID 12:\n#0  0x2 futex_wait\n#1  0x3 ticker\n";
  std::string c = CollapseIdenticalStacks(dump);
  EXPECT_EQ(c,
            "PID 10 - process\n"
            "TID 10:\n#0  0x1 main\n"
            "2 threads with the same stack:\n  TID 11:\n  TID 12:\n#0  0x2 futex_wait\n#1  0x3 ticker\n");
}

class SleepingChild {
 public:
  SleepingChild() {
    pid_ = ::fork();
    if (pid_ == 0) {
      ::execl("/bin/sleep", "sleep", "60", static_cast<char*>(nullptr));
      ::_exit(127);
    }
  }
  ~SleepingChild() {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_;
};

TEST(StackDumpTest, DumpsARealProcessOrSaysWhyNot) {
  auto rt = MakeRealTimeRuntime();
  SleepingChild child;
  rt->sleep_for(Millis(100));  // let it reach its sleep
  std::string analysis = AnalyseHangNow(*rt, child.pid(), Millis(100));
  EXPECT_THAT(analysis, HasSubstr("all 1 threads were sleeping"));
  std::string dump = DumpThreadStacks(*rt, child.pid(), Millis(20000));
  if (FindInPath("eu-stack").empty() && FindInPath("gdb").empty()) {
    EXPECT_THAT(dump, HasSubstr("neither eu-stack (package elfutils) nor gdb is installed"));
  } else {
    EXPECT_THAT(dump, ::testing::AnyOf(HasSubstr("(from eu-stack)"), HasSubstr("(from gdb)")));
    EXPECT_THAT(dump, HasSubstr("#0"));
  }
}

TEST(StackDumpTest, NoToolInstalledIsSaid) {
  auto rt = MakeRealTimeRuntime();
  const char* old = std::getenv("PATH");
  const std::string saved = old ? old : "";
  ::setenv("PATH", "/nonexistent-raftlab-path", 1);
  std::string dump = DumpThreadStacks(*rt, ::getpid(), Millis(1000));
  ::setenv("PATH", saved.c_str(), 1);
  EXPECT_EQ(dump,
            "no stack dump: neither eu-stack (package elfutils) nor gdb is installed; install one to see where "
            "each thread was stuck");
}

}  // namespace
}  // namespace raftlab
