// raft_bench: committed commands per second and commit latency of a Raft
// plugin (by default the bundled reference, libraftlab_reference.so) with 3
// and 5 peers on a reliable labrpc network, run in-process on the harness's
// Cluster fixture, with its safety checkers on every apply.
//
// Two loads per cluster size:
//   - one client: Start() a command on the leader, wait until every peer has
//     applied it, repeat;
//   - N concurrent clients (--clients, default 16), each doing the same loop.
// Latency of one command = from just before Start() to the first poll that
// sees it applied on a majority ("maj") and on every peer ("all"). Polling
// (Cluster::NCommitted every --poll-us) is the only view the fixture gives of
// applies, so latencies are rounded up by at most one poll period plus the
// sleep's wake-up delay. Throughput counts commands applied on every peer
// during the measured window (after a warm-up), per second.
//
// No assertions on the figures: it prints them. It fails (exit 1) only if the
// plugin breaks a safety rule or a command does not commit within 10 s.
//
// Usage: raft_bench [--plugin PATH] [--seconds S] [--clients N] [--peers 3,5]
//                   [--poll-us U] [--seed S] [-v]
// Exit codes as labtest's: 0 ok, 1 a case failed, 2 usage, 3 plugin load error.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "bench/bench_context.h"
#include "harness/raft/cluster.h"
#include "harness/plugin/loader.h"
#include "runtime/real_runtime.h"

namespace raftlab::bench {
namespace {

using Seconds = std::chrono::duration<double>;

// A command not applied on every peer within this long means the plugin is
// stuck (on a reliable network with every peer up); the case stops there.
constexpr std::chrono::seconds kCommitBound{10};
// With no peer accepting Start() (an election in progress), wait this long
// before trying every peer again.
constexpr std::chrono::milliseconds kNoLeaderBackoff{10};

struct Options {
  std::string plugin;
  double seconds = 3.0;
  int clients = 16;
  std::vector<int> peers = {3, 5};
  int poll_us = 100;
  uint64_t seed = 1;
  bool verbose = false;
};

// One command that reached every peer.
struct Sample {
  Nanos done;  // when the poll saw it on every peer
  Nanos majority_latency;
  Nanos all_latency;
};

struct ClientOutcome {
  std::vector<Sample> samples;
  int64_t lost = 0;        // the leader's index ended up holding another command
  int64_t no_leader = 0;   // rounds where no peer accepted Start()
  std::string error;       // the first failure this client saw
};

struct CaseResult {
  int peers = 0;
  int clients = 0;
  double window_s = 0;
  int64_t commits = 0;
  std::vector<double> maj_ms, all_ms;  // sorted
  int64_t rpcs = 0, bytes = 0;         // during the window
  int64_t lost = 0, no_leader = 0;
  std::string error;
};

double Ms(Nanos d) { return std::chrono::duration<double, std::milli>(d).count(); }

// Nearest-rank percentile of sorted values (0 when empty).
double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t rank = static_cast<size_t>(p * static_cast<double>(sorted.size()) + 0.999999);
  rank = std::clamp<size_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

class CaseRun {
 public:
  CaseRun(Runtime& rt, Cluster& cluster, const Options& opts, int leader)
      : rt_(rt), c_(cluster), opts_(opts), leader_hint_(leader) {}

  // The loop of one client until stop_ is set (or a failure).
  void Client(int id, ClientOutcome* out) {
    const int n = c_.n();
    const int majority = n / 2 + 1;
    const Nanos poll = std::chrono::microseconds(opts_.poll_us);
    int64_t seq = 0;
    try {
      while (!stop_.load(std::memory_order_acquire)) {
        // Unique across clients, so the index a leader returns can be checked.
        const Command cmd = IntCommand(int64_t{id + 1} * 1'000'000'000 + ++seq);
        const Nanos t0 = rt_.now();
        const Cluster::StartResult r = StartOnLeader(cmd);
        if (!r.is_leader) {
          out->no_leader++;
          rt_.sleep_for(kNoLeaderBackoff);
          continue;
        }
        Nanos at_majority{-1};
        for (;;) {
          const ApplyChecker::Committed got = c_.NCommitted(r.index);
          const Nanos now = rt_.now();
          if (got.count > 0 && got.command != cmd) {  // leadership changed: submit again
            out->lost++;
            break;
          }
          if (at_majority.count() < 0 && got.count >= majority) at_majority = now;
          if (got.count >= n) {
            out->samples.push_back({now, at_majority - t0, now - t0});
            break;
          }
          if (now - t0 > kCommitBound) {
            throw TestFailed("command at index " + std::to_string(r.index) + " applied on " +
                             std::to_string(got.count) + " of " + std::to_string(n) + " peers after " +
                             std::to_string(kCommitBound.count()) + " s");
          }
          rt_.sleep_for(poll);
        }
      }
    } catch (const std::exception& e) {  // TestFailed from the fixture, or ours
      out->error = e.what();
      stop_.store(true, std::memory_order_release);
    }
  }

  void Stop() { stop_.store(true, std::memory_order_release); }
  bool stopped() const { return stop_.load(std::memory_order_acquire); }

 private:
  // Start() on the last known leader, else on each peer until one accepts.
  Cluster::StartResult StartOnLeader(const Command& cmd) {
    const int hint = leader_hint_.load(std::memory_order_relaxed);
    Cluster::StartResult r = c_.Start(hint, cmd);
    for (int i = 0; !r.is_leader && i < c_.n(); i++) {
      if (i == hint) continue;
      r = c_.Start(i, cmd);
      if (r.is_leader) leader_hint_.store(i, std::memory_order_relaxed);
    }
    return r;
  }

  Runtime& rt_;
  Cluster& c_;
  const Options& opts_;
  std::atomic<int> leader_hint_;
  std::atomic<bool> stop_{false};
};

Nanos WarmUp(const Options& o) {
  return std::chrono::duration_cast<Nanos>(Seconds(std::clamp(o.seconds / 5, 0.1, 0.5)));
}

CaseResult RunCase(Runtime& rt, const PluginLibrary& lib, const Options& opts, int peers, int clients) {
  CaseResult res;
  res.peers = peers;
  res.clients = clients;
  BenchContext ctx(rt, lib, opts.seed, opts.verbose);
  std::vector<ClientOutcome> outcomes(clients);
  Nanos window_start{0}, window_end{0};
  try {
    ClusterOptions co;
    co.servers = peers;
    co.reliable = true;
    Cluster c(ctx, co);
    const int leader = c.CheckOneLeader();
    c.One(IntCommand(1), peers, /*retry=*/true);  // the first entry is committed everywhere

    CaseRun run(rt, c, opts, leader);
    std::vector<std::unique_ptr<Thread>> threads;
    for (int i = 0; i < clients; i++) {
      threads.push_back(rt.spawn("bench-client-" + std::to_string(i), [&run, &outcomes, i] {
        run.Client(i, &outcomes[i]);
      }));
    }
    try {  // the clients are joined below whatever happens
      rt.sleep_for(WarmUp(opts));
      window_start = rt.now();
      const int64_t rpcs0 = c.RpcTotal(), bytes0 = c.BytesTotal();
      rt.sleep_for(std::chrono::duration_cast<Nanos>(Seconds(opts.seconds)));
      window_end = rt.now();
      res.rpcs = c.RpcTotal() - rpcs0;
      res.bytes = c.BytesTotal() - bytes0;
    } catch (const std::exception& e) {
      res.error = e.what();
    }
    run.Stop();
    for (auto& t : threads) t->join();
    c.End();
  } catch (const std::exception& e) {
    res.error = e.what();
  }
  if (res.error.empty() && ctx.failed()) res.error = ctx.failure();
  for (const ClientOutcome& o : outcomes) {
    if (res.error.empty() && !o.error.empty()) res.error = o.error;
    res.lost += o.lost;
    res.no_leader += o.no_leader;
    for (const Sample& s : o.samples) {
      if (s.done < window_start || s.done >= window_end) continue;
      res.commits++;
      res.maj_ms.push_back(Ms(s.majority_latency));
      res.all_ms.push_back(Ms(s.all_latency));
    }
  }
  std::sort(res.maj_ms.begin(), res.maj_ms.end());
  std::sort(res.all_ms.begin(), res.all_ms.end());
  res.window_s = Seconds(window_end - window_start).count();
  return res;
}

void PrintRow(const CaseResult& r) {
  if (r.commits == 0 && !r.error.empty()) {  // no figures to show, only why
    std::printf("%5d %7d | %10s %8s | %20s | %20s | %8s %10s  FAILED: %s\n", r.peers, r.clients, "-", "-", "-", "-",
                "-", "-", r.error.c_str());
    std::fflush(stdout);
    return;
  }
  const double per_s = r.window_s > 0 ? r.commits / r.window_s : 0;
  const double commits = std::max<int64_t>(r.commits, 1);
  std::printf("%5d %7d | %10.0f %8lld | %6.2f %6.2f %6.2f | %6.2f %6.2f %6.2f | %8.1f %10.0f", r.peers, r.clients,
              per_s, static_cast<long long>(r.commits), Percentile(r.maj_ms, 0.50), Percentile(r.maj_ms, 0.90),
              Percentile(r.maj_ms, 0.99), Percentile(r.all_ms, 0.50), Percentile(r.all_ms, 0.90),
              Percentile(r.all_ms, 0.99), r.rpcs / commits, r.bytes / commits);
  if (r.lost > 0) std::printf("  lost %lld", static_cast<long long>(r.lost));
  if (r.no_leader > 0) std::printf("  no-leader %lld", static_cast<long long>(r.no_leader));
  if (!r.error.empty()) std::printf("  FAILED: %s", r.error.c_str());
  std::printf("\n");
  std::fflush(stdout);
}

int Usage(const char* argv0, const char* problem) {
  if (problem) std::fprintf(stderr, "%s: %s\n", argv0, problem);
  std::fprintf(stderr,
               "usage: %s [--plugin PATH] [--seconds S] [--clients N] [--peers 3,5] [--poll-us U] [--seed S] [-v]\n"
               "  --plugin PATH  Raft plugin to bench (default: the reference built with raftlab)\n"
               "  --seconds S    measured seconds per case (default 3; a warm-up of S/5, at most 0.5 s, comes first)\n"
               "  --clients N    concurrent clients of the many-clients cases (default 16)\n"
               "  --peers LIST   cluster sizes, comma separated (default 3,5)\n"
               "  --poll-us U    how often a client polls for its command's apply (default 100)\n"
               "  --seed S       run seed of the fixture (default 1)\n"
               "  -v             echo the fixture's events and the plugin's log lines to stderr\n",
               argv0);
  return 2;
}

bool ParsePeers(const std::string& s, std::vector<int>* out) {
  out->clear();
  size_t pos = 0;
  while (pos <= s.size()) {
    const size_t comma = std::min(s.find(',', pos), s.size());
    const int v = std::atoi(s.substr(pos, comma - pos).c_str());
    if (v < 1 || v > 15) return false;
    out->push_back(v);
    pos = comma + 1;
  }
  return !out->empty();
}

}  // namespace
}  // namespace raftlab::bench

int main(int argc, char** argv) {
  using namespace raftlab;
  using namespace raftlab::bench;
  Options o;
#ifdef RAFTLAB_BENCH_REFERENCE_PLUGIN
  o.plugin = RAFTLAB_BENCH_REFERENCE_PLUGIN;
#endif
  for (int i = 1; i < argc; i++) {
    const std::string a = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    const char* v = nullptr;
    if (a == "-h" || a == "--help") {
      Usage(argv[0], nullptr);
      return 0;
    }
    if (a == "-v") {
      o.verbose = true;
    } else if (a == "--plugin" && (v = value())) {
      o.plugin = v;
    } else if (a == "--seconds" && (v = value())) {
      o.seconds = std::atof(v);
      if (!(o.seconds > 0)) return Usage(argv[0], "--seconds must be positive");
    } else if (a == "--clients" && (v = value())) {
      o.clients = std::atoi(v);
      if (o.clients < 2 || o.clients > 1024) return Usage(argv[0], "--clients must be in 2..1024");
    } else if (a == "--peers" && (v = value())) {
      if (!ParsePeers(v, &o.peers)) return Usage(argv[0], "--peers wants sizes in 1..15, e.g. 3,5");
    } else if (a == "--poll-us" && (v = value())) {
      o.poll_us = std::atoi(v);
      if (o.poll_us < 1) return Usage(argv[0], "--poll-us must be at least 1");
    } else if (a == "--seed" && (v = value())) {
      o.seed = std::strtoull(v, nullptr, 10);
    } else {
      return Usage(argv[0], ("unknown or incomplete argument: " + a).c_str());
    }
  }
  if (o.plugin.empty()) return Usage(argv[0], "no --plugin given and no reference built in");

  StatusOr<std::unique_ptr<PluginLibrary>> lib = PluginLibrary::Open(o.plugin);
  if (!lib.ok()) {
    std::fprintf(stderr, "%s\n", lib.status().message().c_str());
    return 3;
  }
  auto rt = MakeRealTimeRuntime();

  char load[64] = "?";
  if (FILE* f = std::fopen("/proc/loadavg", "r")) {
    if (!std::fgets(load, sizeof load, f)) load[0] = 0;
    std::fclose(f);
    load[std::strcspn(load, "\n")] = 0;
  }
  std::printf(
      "raft_bench: plugin %s (%s %s)\n"
      "reliable network, in-process Cluster fixture with its apply checkers; %.1f s measured per case after a\n"
      "%.1f s warm-up; commands are short decimal strings; apply polled every %d us; seed %llu; load average %s\n"
      "latency: from just before Start() to the poll that sees the command applied on a majority (maj) and on\n"
      "every peer (all); each client waits for 'all' before its next Start(). commits/s = commands applied on\n"
      "every peer during the window. RPCs and bytes per commit count every labrpc call in the window.\n\n",
      o.plugin.c_str(), (*lib)->name().c_str(), (*lib)->version().c_str(), o.seconds,
      Seconds(WarmUp(o)).count(), o.poll_us, static_cast<unsigned long long>(o.seed), load);
  std::printf("%5s %7s | %10s %8s | %20s | %20s | %8s %10s\n", "peers", "clients", "commits/s", "commits",
              "maj p50/p90/p99 ms", "all p50/p90/p99 ms", "RPCs/cmd", "bytes/cmd");
  bool ok = true;
  for (int peers : o.peers) {
    for (int clients : {1, o.clients}) {
      const CaseResult r = RunCase(*rt, **lib, o, peers, clients);
      PrintRow(r);
      ok = ok && r.error.empty();
    }
  }
  return ok ? 0 : 1;
}
