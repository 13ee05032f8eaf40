// linearizability_bench: how long the checker takes on generated histories
// from a correct simulated register (and one with an injected stale read).
// Prints figures; the target from issue 4 is 10,000 operations over 100 keys
// checked within 1 s on the reference machine (2 cores, shared).
//
// Usage: linearizability_bench [repeats]   (default 5; the best and the
// median time of the repeats are printed per shape)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "harness/linearizability/checker.h"
#include "harness/linearizability/sim_history.h"

namespace {

using raftlab::lin::CheckHistory;
using raftlab::lin::CheckOptions;
using raftlab::lin::CheckResult;
using raftlab::lin::SimOptions;

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

struct Shape {
  const char* name;
  int ops, keys, clients;
  bool stale;
  bool target;  // the 1 s target applies
  int maybe_percent = 5;
};

// Largest number of operations of one key in flight at the same time.
int MaxConcurrency(const raftlab::lin::History& h) {
  std::vector<std::pair<std::string, std::pair<int64_t, int>>> ev;
  for (const auto& op : h.ops) {
    ev.push_back({op.key, {op.call_ns, +1}});
    ev.push_back({op.key, {op.return_ns, -1}});
  }
  std::sort(ev.begin(), ev.end(), [](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first < b.first;
    if (a.second.first != b.second.first) return a.second.first < b.second.first;
    return a.second.second > b.second.second;  // calls first: touching = concurrent
  });
  int cur = 0, best = 0;
  std::string key;
  for (const auto& e : ev) {
    if (e.first != key) key = e.first, cur = 0;
    cur += e.second.second;
    best = std::max(best, cur);
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  const int repeats = argc > 1 ? std::max(1, std::atoi(argv[1])) : 5;
  const Shape shapes[] = {
      {"10k ops / 100 keys / 32 clients", 10'000, 100, 32, false, true},
      {"10k ops / 100 keys / 200 clients", 10'000, 100, 200, false, true},
      {"10k ops / 100 keys / 32 clients, stale read", 10'000, 100, 32, true, true},
      {"10k ops / 10 keys / 64 clients", 10'000, 10, 64, false, false},
      {"2k ops / 1 key / 12 clients", 2'000, 1, 12, false, false},
      {"2k ops / 1 key / 12 clients, 30% ErrMaybe", 2'000, 1, 12, false, false, 30},
  };
  bool all_met = true;
  std::printf("%-46s %7s %8s %10s %10s %12s %10s\n", "shape", "result", "max-conc", "best ms",
              "median ms", "steps", "cache");
  for (const Shape& s : shapes) {
    SimOptions o;
    o.seed = 42;
    o.ops = s.ops;
    o.keys = s.keys;
    o.clients = s.clients;
    o.inject_stale_read = s.stale;
    o.maybe_percent = s.maybe_percent;
    const raftlab::lin::SimHistory sim = raftlab::lin::SimulateRegisterHistory(o);
    CheckOptions co;
    co.budget_ns = 30'000'000'000;
    co.now_ns = NowNs;
    std::vector<double> ms;
    CheckResult result = CheckResult::kOk;
    int64_t steps = 0;
    size_t cache = 0;
    for (int r = 0; r < repeats; ++r) {
      auto rep = CheckHistory(sim.history, co);
      if (!rep.ok()) {
        std::fprintf(stderr, "error: %s\n", rep.status().ToString().c_str());
        return 1;
      }
      ms.push_back(static_cast<double>(rep->elapsed_ns) / 1e6);
      result = rep->result;
      steps = 0;
      cache = 0;
      for (const auto& k : rep->keys) {
        steps += k.steps;
        cache += k.cache_entries;
      }
    }
    std::sort(ms.begin(), ms.end());
    const double median = ms[ms.size() / 2];
    const bool expected = result == (s.stale ? CheckResult::kIllegal : CheckResult::kOk);
    if (s.target && (median > 1000.0 || !expected)) all_met = false;
    std::printf("%-46s %7s %8d %10.1f %10.1f %12lld %10zu\n", s.name,
                std::string(raftlab::lin::CheckResultName(result)).c_str(),
                MaxConcurrency(sim.history), ms.front(), median, static_cast<long long>(steps),
                cache);
  }
  std::printf("target (10k ops over 100 keys within 1 s, right verdict): %s\n",
              all_met ? "met" : "MISSED");
  return 0;
}
