// labtest --sim in the test child, and its trace (see sim_child.h).
#include "harness/run/sim_child.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>
#include <vector>

#include <fmt/format.h>

namespace raftlab {

namespace {
constexpr const char* kTraceHeader = "# raftlab sim trace 1";
// The watchdog's bounds (runtime/sim_runtime.h). Blocked: a thread that
// neither reaches a scheduling point nor uses the CPU for 20 s of wall time
// is waiting on something outside the simulation. Spinning: one that
// computes without a point for 120 s; a harness thread computes for seconds
// between points (the linearizability checker of a long KV history), more
// on a loaded machine, and a test's CPU limit (twice its time limit) stops
// a spin that outlasts a short test anyway.
constexpr std::chrono::milliseconds kWatchdog{20000};
constexpr std::chrono::milliseconds kSpinWatchdog{120000};
// What the two failures that blame the simulator's limits (not the Raft)
// say; IsSimulatorLimitMessage looks for them.
constexpr std::string_view kWatchdogMark = "the simulation stopped: ";
constexpr std::string_view kEscapeMark = " under --sim: a simulated run must use only the host's";
// More children than this per CPU share the last slot's luck (pid modulo).
constexpr int kMaxSimSlotsPerCpu = 64;

// Slot 0 of every CPU, then slot 1 of every CPU, and so on: the first whose
// lock file no other process holds. Its descriptor stays open (and locked)
// until the process ends. nullopt: no slot could be taken.
std::optional<int> TakeCpuSlot(const std::string& lock_dir, const std::vector<int>& cpus) {
  for (int slot = 0; slot < kMaxSimSlotsPerCpu; slot++) {
    for (int c : cpus) {
      const std::string path = fmt::format("{}/sim-cpu-{}-{}.lock", lock_dir, c, slot);
      const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
      if (fd < 0) continue;
      if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return c;
      ::close(fd);
    }
  }
  return std::nullopt;
}
}  // namespace

std::unique_ptr<SimRuntime> MakeChildSimRuntime(uint64_t seed, double limit_s, bool record_trace) {
  SimOptions so;
  so.seed = seed;
  so.time_limit = std::chrono::duration_cast<Nanos>(std::chrono::duration<double>(limit_s));
  so.watchdog = kWatchdog;
  so.spin_watchdog = kSpinWatchdog;
  so.record_trace = record_trace;
  return MakeSimRuntime(so);
}

int PinToOneCpu(const std::string& lock_dir) {
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  if (::sched_getaffinity(0, sizeof allowed, &allowed) != 0 || CPU_COUNT(&allowed) < 2) return -1;
  std::vector<int> cpus;
  for (int c = 0; c < CPU_SETSIZE; c++) {
    if (CPU_ISSET(c, &allowed)) cpus.push_back(c);
  }
  const int chosen = TakeCpuSlot(lock_dir, cpus).value_or(cpus[static_cast<size_t>(::getpid()) % cpus.size()]);
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(chosen, &one);
  return ::sched_setaffinity(0, sizeof one, &one) == 0 ? chosen : -1;
}

std::string SimHaltMessage(SimHaltKind kind, const std::string& why, double limit_s) {
  switch (kind) {
    case SimHaltKind::kDeadlock:
      return "deadlock (under --sim): " + why.substr(why.find(':') == std::string::npos ? 0 : why.find(':') + 2);
    case SimHaltKind::kTimeLimit:
      return fmt::format(
          "test took longer than {:g} seconds of simulated time (the test never finished: a thread waits for "
          "something that does not happen, or the cluster never reaches what the test waits for)",
          limit_s);
    case SimHaltKind::kWatchdog:
      return std::string(kWatchdogMark) + why + "; under --sim use only the host's threads, locks and sleeps";
  }
  return why;
}

std::string SimEscapeMessage(const std::string& call, const std::string& thread) {
  return fmt::format("your code called {} on thread '{}'{} threads, locks, condition variables, clock and sleep "
                     "(docs/SIM.md)",
                     call, thread, kEscapeMark);
}

bool IsSimulatorLimitMessage(std::string_view message) {
  return message.find(kWatchdogMark) != std::string_view::npos ||
         message.find(kEscapeMark) != std::string_view::npos;
}

SimSummary SimSummary::Of(const SimRuntime& sim) {
  SimSummary s;
  s.points = sim.points();
  s.switches = sim.switches();
  s.hash = sim.trace_hash();
  s.seconds = std::chrono::duration<double>(sim.now()).count();
  return s;
}

std::string SimTracePath(const std::string& result_file) {
  const size_t slash = result_file.find_last_of('/');
  return (slash == std::string::npos ? std::string() : result_file.substr(0, slash + 1)) + "sim_trace.txt";
}

void WriteSimTraceToFd(int fd, const SimRuntime& sim, uint64_t points) {
  if (fd < 0) return;
  const std::vector<std::string> names = sim.thread_names();
  const std::vector<SimRuntime::TracePoint> trace = sim.trace();
  std::string out = std::string(kTraceHeader) + "\n";
  for (size_t i = 1; i < names.size(); i++) out += fmt::format("thread {} {}\n", i, names[i]);
  const size_t n = std::min<uint64_t>(points, trace.size());
  for (size_t i = 0; i < n; i++) {
    const auto& p = trace[i];
    out += fmt::format("{} {} {} {}\n", p.clock_ns, p.thread, static_cast<int>(p.op), p.object);
  }
  size_t done = 0;
  while (done < out.size()) {
    const ssize_t w = ::write(fd, out.data() + done, out.size() - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return;
    done += static_cast<size_t>(w);
  }
}

StatusOr<SimTrace> ReadSimTrace(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("no simulation trace at " + path + " (the run ended before writing it)");
  std::string line;
  if (!std::getline(in, line) || line != kTraceHeader) {
    return Status::Internal(path + " is not a raftlab simulation trace");
  }
  SimTrace t;
  t.names.push_back("(none)");
  while (std::getline(in, line)) {
    if (line.rfind("thread ", 0) == 0) {
      const size_t sp = line.find(' ', 7);
      t.names.push_back(sp == std::string::npos ? "" : line.substr(sp + 1));
      continue;
    }
    std::istringstream ss(line);
    SimRuntime::TracePoint p{};
    int op = 0;
    if (!(ss >> p.clock_ns >> p.thread >> op >> p.object)) {
      return Status::Internal(fmt::format("{}: unreadable line '{}'", path, line));
    }
    p.op = static_cast<uint8_t>(op);
    t.points.push_back(p);
  }
  return t;
}

std::string FirstDivergence(const SimTrace& a, const SimTrace& b) {
  const size_t n = std::min(a.points.size(), b.points.size());
  auto same = [&](size_t i) {
    const auto &x = a.points[i], &y = b.points[i];
    return x.clock_ns == y.clock_ns && x.thread == y.thread && x.op == y.op && x.object == y.object &&
           (x.thread < a.names.size() ? a.names[x.thread] : "") == (y.thread < b.names.size() ? b.names[y.thread] : "");
  };
  size_t i = 0;
  while (i < n && same(i)) i++;
  if (i == n && a.points.size() == b.points.size()) return "";
  std::string out = fmt::format("the two runs parted at scheduling point #{}", i + 1);
  if (i > 0) out += "\n    both:   " + SimRuntime::Describe(a.points[i - 1], a.names);
  out += "\n    first:  " + (i < a.points.size() ? SimRuntime::Describe(a.points[i], a.names) : "(ended)");
  out += "\n    second: " + (i < b.points.size() ? SimRuntime::Describe(b.points[i], b.names) : "(ended)");
  return out;
}

}  // namespace raftlab
