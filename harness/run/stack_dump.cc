// Hang analysis and stack dumps (see stack_dump.h).
#include "harness/run/stack_dump.h"

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "harness/run/child_process.h"

namespace raftlab {
namespace {

constexpr int64_t kDumpCapBytes = 512 << 10;   // a dump of thousands of threads is cut here
// Busy: more than half a core over the interval, or threads in state R
// while the process uses at least a twentieth of a core (on a loaded machine
// spinning threads get only a share of a core). A deadlocked process uses
// none at all.
constexpr double kBusyCores = 0.5;
constexpr double kBusyCoresWhileRunning = 0.05;

std::string ReadSmallFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool ParseStat(const std::string& stat, ThreadSample* out) {
  size_t open = stat.find('(');
  size_t close = stat.rfind(')');
  if (open == std::string::npos || close == std::string::npos || close < open) return false;
  out->name = stat.substr(open + 1, close - open - 1);
  std::istringstream rest(stat.substr(close + 1));
  std::vector<std::string> f;
  std::string tok;
  while (rest >> tok) f.push_back(tok);
  // f[0] is field 3 (state); utime and stime are fields 14 and 15.
  if (f.size() < 13) return false;
  out->state = f[0].empty() ? '?' : f[0][0];
  out->cpu_ticks = std::stoull(f[11]) + std::stoull(f[12]);
  return true;
}

const char* StateWord(char s) {
  switch (s) {
    case 'R': return "running";
    case 'S': return "sleeping";
    case 'D': return "in uninterruptible wait";
    case 'T': case 't': return "stopped";
    case 'Z': return "zombie";
    default: return "unknown";
  }
}

}  // namespace

std::vector<ThreadSample> SampleThreads(pid_t pid) {
  std::vector<ThreadSample> out;
  const std::string dir = fmt::format("/proc/{}/task", pid);
  DIR* d = ::opendir(dir.c_str());
  if (!d) return out;
  while (dirent* e = ::readdir(d)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    ThreadSample s;
    s.tid = std::atoi(e->d_name);
    try {
      if (!ParseStat(ReadSmallFile(dir + "/" + e->d_name + "/stat"), &s)) continue;
    } catch (const std::exception&) {  // std::stoull on a malformed field
      continue;
    }
    s.wchan = ReadSmallFile(dir + "/" + e->d_name + "/wchan");
    if (s.wchan == "0") s.wchan.clear();
    out.push_back(std::move(s));
  }
  ::closedir(d);
  std::sort(out.begin(), out.end(), [](const ThreadSample& a, const ThreadSample& b) { return a.tid < b.tid; });
  return out;
}

std::string AnalyseHang(const std::vector<ThreadSample>& before, const std::vector<ThreadSample>& after,
                        double interval_s) {
  if (after.empty()) return "the process was already gone when we looked";
  const double tick = static_cast<double>(::sysconf(_SC_CLK_TCK));
  std::map<int, uint64_t> start;
  int running_before = 0;
  for (const ThreadSample& s : before) {
    start[s.tid] = s.cpu_ticks;
    if (s.state == 'R') ++running_before;
  }
  double total_cpu = 0;
  int running = 0, busy_threads = 0;
  std::vector<std::string> lines;
  for (const ThreadSample& s : after) {
    auto it = start.find(s.tid);
    double cpu = it == start.end() ? 0 : static_cast<double>(s.cpu_ticks - it->second) / tick;
    total_cpu += cpu;
    if (s.state == 'R') ++running;
    if (interval_s > 0 && cpu / interval_s > kBusyCores) ++busy_threads;
    lines.push_back(fmt::format("    thread {:>7} {:<16} {}{}, {:.0f}% CPU", s.tid, s.name, StateWord(s.state),
                                s.wchan.empty() || s.state != 'S' ? "" : " in " + s.wchan,
                                interval_s > 0 ? 100 * cpu / interval_s : 0.0));
  }
  const double cores = interval_s > 0 ? total_cpu / interval_s : 0;
  const int n = static_cast<int>(after.size());
  std::string summary;
  running = std::max(running, running_before);
  if (cores > kBusyCores || (running > 0 && cores >= kBusyCoresWhileRunning)) {
    summary = fmt::format(
        "{} of {} threads were running and using {:.1f} cores of CPU: likely a BUSY LOOP (a loop that never "
        "sleeps or waits, e.g. spinning on a condition instead of waiting, or a retry loop without a pause)",
        std::max(running, busy_threads), n, cores);
  } else if (running == 0) {
    summary = fmt::format(
        "all {} threads were sleeping and using no CPU: likely a DEADLOCK or a wait that never ends (a lock "
        "held while calling apply() or an RPC, a lock taken twice, or a condition nobody signals)",
        n);
  } else {
    summary = fmt::format("{} of {} threads were running, using {:.1f} cores of CPU: the test was slow or stuck",
                          running, n, cores);
  }
  std::string out = summary + "\n";
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

std::string AnalyseHangNow(Runtime& rt, pid_t pid, Nanos interval) {
  std::vector<ThreadSample> before = SampleThreads(pid);
  const Nanos t0 = rt.now();
  rt.sleep_for(interval);
  std::vector<ThreadSample> after = SampleThreads(pid);
  return AnalyseHang(before, after, std::chrono::duration<double>(rt.now() - t0).count());
}

std::string CollapseIdenticalStacks(const std::string& dump) {
  struct Block {
    std::vector<std::string> headers;
    std::string body;
  };
  std::vector<std::string> preamble;
  std::vector<Block> blocks;
  std::istringstream in(dump);
  std::string line;
  while (std::getline(in, line)) {
    bool header = line.rfind("TID ", 0) == 0 || line.rfind("Thread ", 0) == 0;
    if (header) {
      blocks.push_back({{line}, ""});
    } else if (blocks.empty()) {
      preamble.push_back(line);
    } else {
      blocks.back().body += line + "\n";
    }
  }
  std::vector<Block> merged;
  for (Block& b : blocks) {
    auto same = std::find_if(merged.begin(), merged.end(), [&](const Block& m) { return m.body == b.body; });
    if (same != merged.end() && !b.body.empty()) {
      same->headers.push_back(b.headers[0]);
    } else {
      merged.push_back(std::move(b));
    }
  }
  std::string out;
  for (const std::string& p : preamble) out += p + "\n";
  for (const Block& b : merged) {
    if (b.headers.size() == 1) {
      out += b.headers[0] + "\n";
    } else {
      out += fmt::format("{} threads with the same stack:\n", b.headers.size());
      for (const std::string& h : b.headers) out += "  " + h + "\n";
    }
    out += b.body;
  }
  return out;
}

std::string DumpThreadStacks(Runtime& rt, pid_t pid, Nanos tool_timeout) {
  struct Tool {
    const char* name;
    std::vector<std::string> args;
  };
  const std::string p = std::to_string(pid);
  const Tool tools[] = {
      {"eu-stack", {"-p", p}},
      {"gdb",
       {"-batch", "-nx", "-iex", "set debuginfod enabled off", "-p", p, "-ex", "set pagination off", "-ex",
        "thread apply all bt"}},
  };
  std::string failures;
  for (const Tool& t : tools) {
    std::string path = FindInPath(t.name);
    if (path.empty()) continue;
    ChildSpec spec;
    spec.exe = path;
    spec.args = t.args;
    spec.unset_env = {"DEBUGINFOD_URLS"};  // gdb must not go to the network
    spec.output_cap_bytes = kDumpCapBytes;
    spec.timeout = tool_timeout;
    spec.limits.no_core_dumps = true;
    auto run = RunChildProcess(rt, spec);
    if (!run.ok()) {
      failures += fmt::format("{}: {}\n", t.name, run.status().message());
      continue;
    }
    const ChildOutcome& o = *run;
    if (o.timed_out) {
      failures += fmt::format("{} did not finish within {:.0f} s\n", t.name,
                              std::chrono::duration<double>(tool_timeout).count());
      continue;
    }
    if (o.stdout_text.find("#0") == std::string::npos) {
      std::string why = o.stderr_tail.empty() ? "no stack in its output" : o.stderr_tail.back();
      failures += fmt::format("{} could not read the stacks: {}\n", t.name, why);
      continue;
    }
    return fmt::format("stacks of every thread (from {}):\n{}", t.name, CollapseIdenticalStacks(o.stdout_text));
  }
  if (failures.empty()) {
    return "no stack dump: neither eu-stack (package elfutils) nor gdb is installed; install one to see where "
           "each thread was stuck";
  }
  return "no stack dump:\n" + failures;
}

}  // namespace raftlab
