// Tests of harness/run/sim_child.{h,cc}: the trace file a simulated child
// writes and the parent reads back, the comparison --check-determinism
// prints, the halt messages, the CPU pinning.
#include "harness/run/sim_child.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace raftlab {
namespace {

namespace fs = std::filesystem;

// A short simulated run with a recorded trace: one thread per name, each
// taking one lock.
std::unique_ptr<SimRuntime> TracedRun(uint64_t seed) {
  auto sim = MakeChildSimRuntime(seed, 10, /*record_trace=*/true);
  auto main = sim->spawn("main", [&] {
    auto mu = sim->make_mutex();
    auto a = sim->spawn("alpha", [&] { MutexLock l(*mu); });
    auto b = sim->spawn("beta", [&] { MutexLock l(*mu); });
    a->join();
    b->join();
  });
  main->join();
  return sim;
}

std::string WriteTrace(const SimRuntime& sim, const std::string& name) {
  const std::string path = (fs::path(::testing::TempDir()) / name).string();
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  EXPECT_GE(fd, 0);
  WriteSimTraceToFd(fd, sim, sim.points());
  ::close(fd);
  return path;
}

TEST(SimChildTest, ATraceReadsBackAsWrittenAndTwoRunsOfOneSeedAgree) {
  auto one = TracedRun(5);
  auto two = TracedRun(5);
  auto a = ReadSimTrace(WriteTrace(*one, "one.txt"));
  auto b = ReadSimTrace(WriteTrace(*two, "two.txt"));
  ASSERT_TRUE(a.ok()) << a.status().message();
  ASSERT_TRUE(b.ok()) << b.status().message();
  EXPECT_EQ(a->points.size(), one->points());
  EXPECT_EQ(a->names, one->thread_names());
  EXPECT_EQ(FirstDivergence(*a, *b), "");
}

TEST(SimChildTest, TheFirstDivergenceNamesThePointOfEachRun) {
  auto a = ReadSimTrace(WriteTrace(*TracedRun(5), "a.txt"));
  ASSERT_TRUE(a.ok());
  SimTrace b = *a;
  ASSERT_GE(b.points.size(), 4u);
  b.points[3].thread = b.points[3].thread == 2 ? 3 : 2;  // another thread took the fourth step
  const std::string d = FirstDivergence(*a, b);
  EXPECT_NE(d.find("parted at scheduling point #4"), std::string::npos) << d;
  EXPECT_NE(d.find("both:"), std::string::npos) << d;
  EXPECT_NE(d.find("first:"), std::string::npos) << d;
  EXPECT_NE(d.find("second:"), std::string::npos) << d;
  // One run stopping early is a divergence too.
  SimTrace shorter = *a;
  shorter.points.resize(2);
  EXPECT_NE(FirstDivergence(*a, shorter).find("(ended)"), std::string::npos);
}

TEST(SimChildTest, ABrokenTraceFileIsAnError) {
  const std::string path = (fs::path(::testing::TempDir()) / "broken.txt").string();
  FILE* f = std::fopen(path.c_str(), "w");
  std::fputs("not a trace\n", f);
  std::fclose(f);
  EXPECT_FALSE(ReadSimTrace(path).ok());
  EXPECT_EQ(ReadSimTrace(path + ".missing").status().code(), Status::Code::kNotFound);
}

TEST(SimChildTest, HaltMessagesSayWhatHappened) {
  EXPECT_NE(SimHaltMessage(SimHaltKind::kTimeLimit, "", 30).find("longer than 30 seconds of simulated time"),
            std::string::npos);
  EXPECT_EQ(SimHaltMessage(SimHaltKind::kDeadlock, "deadlock: every thread is blocked:\n  - 'a' waits", 30)
                .rfind("deadlock (under --sim): every thread is blocked", 0),
            0u);
  EXPECT_NE(SimHaltMessage(SimHaltKind::kWatchdog, "thread 'x' ran 20 s", 30).find("use only the host's"),
            std::string::npos);
}

// grade.sh --sim-seeds does not count a run the simulator stopped for its
// own reasons (harness/grade/sim_column.h): the watchdog and the
// interposers' failures say so, a deadlock and the time limit do not.
TEST(SimChildTest, OnlyTheWatchdogAndTheInterposersBlameTheSimulator) {
  const std::string escape = SimEscapeMessage("usleep (a real sleep, not host->sleep_ns)", "peer-1 ticker");
  EXPECT_EQ(escape,
            "your code called usleep (a real sleep, not host->sleep_ns) on thread 'peer-1 ticker' under --sim: a "
            "simulated run must use only the host's threads, locks, condition variables, clock and sleep "
            "(docs/SIM.md)");
  EXPECT_TRUE(IsSimulatorLimitMessage(escape));
  EXPECT_TRUE(IsSimulatorLimitMessage(SimHaltMessage(SimHaltKind::kWatchdog, "thread 'x' ran 20 s", 30)));
  // A steps test puts the failing step's place in front: still found.
  EXPECT_TRUE(IsSimulatorLimitMessage("step 3 (one): " + escape));
  EXPECT_FALSE(IsSimulatorLimitMessage(SimHaltMessage(SimHaltKind::kDeadlock, "deadlock: all blocked", 30)));
  EXPECT_FALSE(IsSimulatorLimitMessage(SimHaltMessage(SimHaltKind::kTimeLimit, "", 30)));
  EXPECT_FALSE(IsSimulatorLimitMessage("check failed: two leaders in term 3"));
}

TEST(SimChildTest, PinningTakesAFreeCpuSlot) {
  cpu_set_t before;
  ASSERT_EQ(::sched_getaffinity(0, sizeof before, &before), 0);
  if (CPU_COUNT(&before) < 2) GTEST_SKIP() << "one CPU: nothing to choose";
  const std::string dir = ::testing::TempDir();
  // Run in a child process: pinning changes the whole process.
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int cpu = PinToOneCpu(dir);
    cpu_set_t now;
    ::sched_getaffinity(0, sizeof now, &now);
    ::_exit(cpu >= 0 && CPU_COUNT(&now) == 1 && CPU_ISSET(cpu, &now) &&
                    fs::exists(fs::path(dir) / ("sim-cpu-" + std::to_string(cpu) + "-0.lock"))
                ? 0
                : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

TEST(SimChildTest, PinningSpreadsMoreChildrenThanCpusEvenly) {
  cpu_set_t before;
  ASSERT_EQ(::sched_getaffinity(0, sizeof before, &before), 0);
  const int cpus = CPU_COUNT(&before);
  if (cpus < 2) GTEST_SKIP() << "one CPU: nothing to choose";
  const fs::path dir = fs::path(::testing::TempDir()) / ("spread-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  // 2 children per CPU, all alive at once (each keeps its slot until it
  // ends): each reports its CPU, then waits until the test closes `hold`.
  int report[2];
  int hold[2];
  ASSERT_EQ(::pipe(report), 0);
  ASSERT_EQ(::pipe(hold), 0);
  std::vector<pid_t> kids;
  std::map<int, int> per_cpu;  // CPU -> children pinned to it
  for (int i = 0; i < 2 * cpus; i++) {
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::close(report[0]);
      ::close(hold[1]);
      const int cpu = PinToOneCpu(dir.string());
      (void)!::write(report[1], &cpu, sizeof cpu);
      char c;
      (void)!::read(hold[0], &c, 1);
      ::_exit(0);
    }
    ASSERT_GT(pid, 0);
    kids.push_back(pid);
    // One at a time, as a parent starts its runs: this child has its slot
    // before the next looks.
    int cpu = -2;
    ASSERT_EQ(::read(report[0], &cpu, sizeof cpu), static_cast<ssize_t>(sizeof cpu));
    ASSERT_GE(cpu, 0);
    per_cpu[cpu]++;
  }
  ::close(hold[1]);
  for (pid_t pid : kids) ::waitpid(pid, nullptr, 0);
  ::close(report[1]);
  ::close(hold[0]);
  // Two children on every CPU: slots 0 and 1 of each taken, no slot 2.
  for (int c = 0; c < CPU_SETSIZE; c++) {
    if (!CPU_ISSET(c, &before)) continue;
    EXPECT_EQ(per_cpu[c], 2) << "CPU " << c;
    EXPECT_TRUE(fs::exists(dir / ("sim-cpu-" + std::to_string(c) + "-0.lock"))) << c;
    EXPECT_TRUE(fs::exists(dir / ("sim-cpu-" + std::to_string(c) + "-1.lock"))) << c;
    EXPECT_FALSE(fs::exists(dir / ("sim-cpu-" + std::to_string(c) + "-2.lock"))) << c;
  }
  EXPECT_EQ(per_cpu.size(), static_cast<size_t>(cpus));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace raftlab
