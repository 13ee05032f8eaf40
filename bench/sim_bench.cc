// sim_bench: the cost of the simulated runtime's scheduling (labtest --sim,
// runtime/sim_runtime.h): scheduling points per second when the running
// thread keeps the baton, and hand-overs per second when every point passes
// it to another OS thread, on one CPU (as labtest pins a simulated test
// process) and unpinned.
//
// Each case runs `repeats` times and the median is printed. The load
// average at start is printed for context.
//
// Usage: sim_bench [points_per_run] [repeats]   (defaults 200000 and 5)
#include <sched.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "runtime/sim_runtime.h"

namespace raftlab {
namespace {

struct Figures {
  double points_per_s;
  double switches_per_s;
  double switch_share;  // hand-overs / points
};

// Runs `body` as the only simulated thread tree and times it in wall time.
Figures Time(uint32_t stay_per_1024, const std::function<void(SimRuntime&)>& body) {
  SimOptions o;
  o.seed = 1;
  o.stay_per_1024 = stay_per_1024;
  o.watchdog = std::chrono::milliseconds(0);
  auto sim = MakeSimRuntime(o);
  const auto t0 = std::chrono::steady_clock::now();
  auto main = sim->spawn("bench", [&] { body(*sim); });
  main->join();
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double points = static_cast<double>(sim->points());
  const double switches = static_cast<double>(sim->switches());
  return {points / s, switches / s, points > 0 ? switches / points : 0};
}

// One thread yielding: every point keeps the baton (nothing else runs).
void Solo(SimRuntime& sim, long n) {
  for (long i = 0; i < n; i++) sim.yield();
}

// Two threads passing a token through a mutex and a condition: every wait
// hands the baton to the other thread.
void PingPong(SimRuntime& sim, long n) {
  auto mu = sim.make_mutex();
  auto cv = sim.make_cond();
  long turn = 0;
  auto player = [&](int me) {
    for (long i = 0; i < n / 8; i++) {
      std::unique_lock<Mutex> l(*mu);
      while (turn % 2 != me) cv->wait(*mu);
      turn++;
      cv->notify_all();
    }
  };
  auto other = sim.spawn("pong", [&] { player(1); });
  player(0);
  other->join();
}

// Eight threads taking one mutex in turn, as a cluster's threads take a
// Raft's lock.
void Crowd(SimRuntime& sim, long n) {
  auto mu = sim.make_mutex();
  long counter = 0;
  std::vector<std::unique_ptr<Thread>> ts;
  for (int t = 0; t < 8; t++) {
    ts.push_back(sim.spawn("crowd " + std::to_string(t), [&] {
      for (long i = 0; i < n / 16; i++) {
        MutexLock l(*mu);
        counter++;
      }
    }));
  }
  for (auto& t : ts) t->join();
}

Figures Median(int repeats, const std::function<Figures()>& run) {
  std::vector<Figures> all;
  for (int i = 0; i < repeats; i++) all.push_back(run());
  std::sort(all.begin(), all.end(), [](const Figures& a, const Figures& b) { return a.points_per_s < b.points_per_s; });
  return all[all.size() / 2];
}

}  // namespace
}  // namespace raftlab

int main(int argc, char** argv) {
  using namespace raftlab;
  const long n = argc > 1 ? std::atol(argv[1]) : 200000;
  const int repeats = argc > 2 ? std::atoi(argv[2]) : 5;
  double load[3] = {0, 0, 0};
  if (FILE* f = std::fopen("/proc/loadavg", "r")) {
    if (std::fscanf(f, "%lf %lf %lf", &load[0], &load[1], &load[2]) != 3) load[0] = -1;
    std::fclose(f);
  }
  std::printf("sim_bench: %ld points per run, median of %d runs; load average %.2f %.2f %.2f\n", n, repeats,
              load[0], load[1], load[2]);
  std::printf("%-34s %-10s %14s %14s %10s\n", "case", "CPUs", "points/s", "hand-overs/s", "share");

  cpu_set_t all_cpus;
  CPU_ZERO(&all_cpus);
  sched_getaffinity(0, sizeof all_cpus, &all_cpus);
  struct Case {
    const char* name;
    uint32_t stay;
    std::function<void(SimRuntime&)> body;
  };
  const std::vector<Case> cases = {
      {"one thread, yield (stays)", 1000, [n](SimRuntime& s) { Solo(s, n); }},
      {"two threads, ping-pong (hands over)", 1000, [n](SimRuntime& s) { PingPong(s, n); }},
      {"eight threads, one mutex", 1000, [n](SimRuntime& s) { Crowd(s, n); }},
      {"eight threads, one mutex, no stay", 0, [n](SimRuntime& s) { Crowd(s, n); }},
  };
  for (bool pinned : {true, false}) {
    if (pinned) {
      cpu_set_t one;
      CPU_ZERO(&one);
      for (int c = 0; c < CPU_SETSIZE; c++) {
        if (CPU_ISSET(c, &all_cpus)) {
          CPU_SET(c, &one);
          break;
        }
      }
      sched_setaffinity(0, sizeof one, &one);
    } else {
      sched_setaffinity(0, sizeof all_cpus, &all_cpus);
    }
    for (const Case& c : cases) {
      const Figures f = Median(repeats, [&] { return Time(c.stay, c.body); });
      std::printf("%-34s %-10s %14.0f %14.0f %9.0f%%\n", c.name, pinned ? "one" : "all", f.points_per_s,
                  f.switches_per_s, 100 * f.switch_share);
    }
  }
  return 0;
}
