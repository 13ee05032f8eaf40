// Same seed, same fault schedule: the network's random decisions (delays,
// drops, reordering) and the scenario's partition and crash choices are
// recorded for a seed and must be identical on a second run with that seed.
//
// Everything is driven from ONE thread, in a fixed order, so the order in
// which decisions are drawn cannot depend on how the OS schedules threads
// (with several calling threads, the interleaving of their draws would).
// Timers and sleeps run at once (RecordingRuntime with speedup 0), so the
// test waits for nothing.
#include <gtest/gtest.h>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "labrpc/mesh.h"
#include "labrpc/network.h"
#include "labrpc/server.h"
#include "runtime/real_runtime.h"
#include "runtime/rng.h"
#include "test_util.h"

namespace raftlab::labrpc {
namespace {

constexpr int kPeers = 5;

std::string Describe(const NetDecision& d) {
  static const char* const kNames[] = {"fail-delay", "short-delay", "request-drop",
                                       "reply-drop", "reorder",     "reorder-delay"};
  std::ostringstream out;
  out << kNames[static_cast<int>(d.kind)] << " " << d.end << " " << d.value;
  return out.str();
}

// One simulated run: a mesh of kPeers servers; 12 rounds in which the
// scenario's Rng (seeded as the cluster fixture seeds it) picks a peer to
// "crash" (new ends, as a restart gets) and a partition, then every peer
// calls every other once, in a fixed order. Returns the log of every choice
// and every network decision, in order.
std::vector<std::string> RecordRun(uint64_t seed) {
  std::unique_ptr<Runtime> real = MakeRealTimeRuntime();
  testing::RecordingRuntime rt(*real, 0);
  std::vector<std::string> log;
  Network net(rt, seed);
  net.SetDecisionObserver([&log](const NetDecision& d) { log.push_back(Describe(d)); });
  net.SetReliable(false);
  net.SetLongDelays(true);
  net.SetLongReordering(true);
  Mesh mesh(net, kPeers, seed);
  for (int i = 0; i < kPeers; ++i) {
    auto s = std::make_shared<Server>();
    s->AddService("Echo", [](std::string_view, const Bytes& req, Bytes* reply) {
      *reply = req;
      return true;
    });
    net.AddServer(mesh.ServerName(i), s);
  }
  std::vector<std::vector<std::shared_ptr<ClientEnd>>> ends(kPeers);
  for (int i = 0; i < kPeers; ++i) ends[i] = mesh.MakeEndsFor(i);

  Rng scenario(DeriveSeed(seed, "cluster/scenario"));
  for (int round = 0; round < 12; ++round) {
    const int crashed = static_cast<int>(scenario.uniform(0, kPeers - 1));
    ends[crashed] = mesh.MakeEndsFor(crashed);  // a restart's fresh ends (random names)
    std::vector<int> a, b;
    for (int i = 0; i < kPeers; ++i) (scenario.chance(1, 2) ? a : b).push_back(i);
    mesh.Partition({a, b});
    std::ostringstream choice;
    choice << "round " << round << " crash " << crashed << " partition";
    for (int i : a) choice << " " << i;
    choice << " |";
    for (int i : b) choice << " " << i;
    choice << " ends " << ends[crashed][0]->name();
    log.push_back(choice.str());
    for (int from = 0; from < kPeers; ++from) {
      for (int to = 0; to < kPeers; ++to) {
        if (from == to) continue;
        Bytes reply;
        const bool ok = ends[from][to]->Call("Echo.Ping", Bytes{1, 2, 3}, &reply);
        log.push_back(std::string(ok ? "ok " : "lost ") + std::to_string(from) + "->" + std::to_string(to));
      }
    }
  }
  net.Cleanup();
  return log;
}

TEST(Determinism, SameSeedSameFaultSchedule) {
  const std::vector<std::string> first = RecordRun(20240607);
  const std::vector<std::string> second = RecordRun(20240607);
  ASSERT_EQ(first.size(), second.size());
  for (size_t i = 0; i < first.size(); ++i) ASSERT_EQ(first[i], second[i]) << "decision " << i;

  // The schedule exercised every kind of decision (so the comparison above
  // compared something): drops, delays, reordering and dead-end failures.
  for (const char* kind : {"fail-delay ", "short-delay ", "request-drop ", "reply-drop ", "reorder ",
                           "reorder-delay "}) {
    bool seen = false;
    for (const std::string& line : first) seen = seen || line.rfind(kind, 0) == 0;
    EXPECT_TRUE(seen) << "no " << kind << "decision was recorded";
  }
}

TEST(Determinism, AnotherSeedAnotherSchedule) {
  EXPECT_NE(RecordRun(1), RecordRun(2));
}

}  // namespace
}  // namespace raftlab::labrpc
