// The step verbs both fixtures understand: the network (disconnect, connect,
// connect_all, partition), peer lifecycle (crash, restart), time (sleep),
// seeded random choices (random_peer) and the RPC budget of a window
// (expect_rpcs). Each dispatches to the Raft fixture or the KV fixture.
//
// Thread safety: handlers run on the scenario thread. Ownership: none kept.
#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <string>

#include "harness/raft/timing.h"
#include "harness/steps/step_run.h"
#include "harness/steps/verb_util.h"

namespace raftlab::steps {
namespace {

using T = StepArgType;

std::string PeerList(const std::vector<int>& peers) {
  std::string out;
  for (int p : peers) out += (out.empty() ? "" : ", ") + std::to_string(p);
  return out;
}

// --- network -------------------------------------------------------------------
void RunDisconnect(StepRun& r, const Step& s) {
  for (int p : r.Peers(s, "peer")) {
    if (r.is_kv()) {
      r.kv().Disconnect(p);
    } else {
      r.raft().Disconnect(p);
    }
  }
}

RAFTLAB_REGISTER_STEP({"disconnect",
                       StepFixture::kAny,
                       false,
                       "peer",
                       {Req("peer", T::kPeers, "a peer (leader, leader+1, 2), a list of peers, or all")},
                       "cut the peers off the network (they keep running)",
                       "disconnect / DisconnectAll",
                       nullptr,
                       &RunDisconnect});

void RunConnect(StepRun& r, const Step& s) {
  for (int p : r.Peers(s, "peer")) {
    if (r.is_kv()) {
      r.kv().Connect(p);
    } else {
      r.raft().Connect(p);
    }
  }
}

RAFTLAB_REGISTER_STEP({"connect",
                       StepFixture::kAny,
                       false,
                       "peer",
                       {Req("peer", T::kPeers, "a peer, a list of peers, or all")},
                       "connect the peers to every connected peer",
                       "connect / ConnectOne",
                       nullptr,
                       &RunConnect});

void RunConnectAll(StepRun& r, const Step&) {
  if (r.is_kv()) {
    r.kv().ConnectAll();
    return;
  }
  for (int i = 0; i < r.n(); i++) r.raft().Connect(i);
}

RAFTLAB_REGISTER_STEP({"connect_all",
                       StepFixture::kAny,
                       false,
                       "",
                       {},
                       "heal every partition: everyone reaches everyone (KV: clerks too)",
                       "ConnectAll",
                       nullptr,
                       &RunConnectAll});

void RunPartition(StepRun& r, const Step& s) {
  std::vector<std::vector<int>> groups = r.Groups(s, "groups");
  std::set<int> seen;
  for (const auto& g : groups) {
    for (int p : g) {
      if (!seen.insert(p).second) {
        r.fixture().Fail(
            fmt::format("partition at {}: peer {} is in two groups (the groups must not overlap; "
                        "peers are taken mod n = {})",
                        s.where, p, r.n()));
      }
    }
  }
  if (r.is_kv()) {
    if (groups.size() != 2) {
      r.fixture().Fail(
          fmt::format("partition at {}: a KV cluster splits into exactly 2 groups, got {}", s.where, groups.size()));
    }
    r.kv().Partition(groups[0], groups[1]);
    return;
  }
  r.raft().Partition(groups);
}

RAFTLAB_REGISTER_STEP({"partition",
                       StepFixture::kAny,
                       false,
                       "groups",
                       {Req("groups", T::kGroups,
                            "the groups, e.g. [[leader, leader+1], [leader+2, leader+3, leader+4]]; peers in no "
                            "group are cut off (KV: exactly 2 groups)")},
                       "connect peers within each group only",
                       "partition / MakePartition + Partition",
                       nullptr,
                       &RunPartition});

// --- peers ---------------------------------------------------------------------
void RunCrash(StepRun& r, const Step& s) {
  for (int p : r.Peers(s, "peer")) {
    if (r.is_kv()) {
      r.kv().ShutdownServer(p);
    } else {
      r.raft().Crash(p);
    }
  }
}

RAFTLAB_REGISTER_STEP({"crash",
                       StepFixture::kAny,
                       false,
                       "peer",
                       {Req("peer", T::kPeers, "a peer, a list of peers, or all")},
                       "crash the peers: cut off, killed, only what they persisted survives",
                       "crash1 / ShutdownServer",
                       nullptr,
                       &RunCrash});

void RunRestart(StepRun& r, const Step& s) {
  for (int p : r.Peers(s, "peer")) {
    if (r.is_kv()) {
      r.kv().StartServer(p);
    } else {
      r.raft().Restart(p);
    }
  }
}

RAFTLAB_REGISTER_STEP({"restart",
                       StepFixture::kAny,
                       false,
                       "peer",
                       {Req("peer", T::kPeers, "a peer, a list of peers, or all")},
                       "restart the peers from what they persisted (crashing them first if up) and connect them",
                       "start1 + connect / StartServer",
                       nullptr,
                       &RunRestart});

// --- time ----------------------------------------------------------------------
void RunSleep(StepRun& r, const Step& s) {
  FixtureBase& f = r.fixture();
  if (StepRun::Has(s, "elections")) {
    const double k = r.Number(s, "elections", 1);
    f.Sleep(std::chrono::duration_cast<Nanos>(k * std::chrono::duration<double>(timing::kElectionTimeout)));
    return;
  }
  int64_t ms = r.Int(s, "ms", 0);
  if (StepRun::Has(s, "up_to_ms")) {
    const int64_t hi = r.Int(s, "up_to_ms", ms);
    if (hi < ms) f.Fail(fmt::format("sleep at {}: up_to_ms {} is below ms {}", s.where, hi, ms));
    ms = r.rng().uniform(ms, hi);
    f.Event(fmt::format("sleep {} ms (random)", ms));
  }
  f.Sleep(std::chrono::milliseconds(ms));
}

RAFTLAB_REGISTER_STEP({"sleep",
                       StepFixture::kAny,
                       false,
                       "elections",
                       {Ranged(Opt("elections", T::kNumber, "", "election timeouts (1 s each, MIT's)"), 0, 60),
                        Ranged(Opt("ms", T::kInt, "", "milliseconds"), 0, 600000),
                        Ranged(Opt("up_to_ms", T::kInt, "",
                                   "with ms: a random duration in [ms, up_to_ms], drawn from the test's seed"),
                               0, 600000)},
                       "sleep (scaled by --timeout-scale)",
                       "time.Sleep(RaftElectionTimeout)",
                       [](const Step& s) -> std::string {
                         const bool e = s.args.count("elections") != 0, m = s.args.count("ms") != 0;
                         if (e == m) return "give exactly one of elections or ms";
                         if (s.args.count("up_to_ms") && !m) return "up_to_ms needs ms (the lower bound)";
                         return "";
                       },
                       &RunSleep});

// --- random choices ------------------------------------------------------------
void RunRandomPeer(StepRun& r, const Step& s) {
  std::vector<int> except;
  if (StepRun::Has(s, "except")) except = r.Peers(s, "except");
  std::vector<int> pool;
  for (int i = 0; i < r.n(); i++) {
    if (std::find(except.begin(), except.end(), i) == except.end()) pool.push_back(i);
  }
  if (pool.empty()) {
    r.fixture().Fail(fmt::format("random_peer at {}: no peer left after except [{}]", s.where, PeerList(except)));
  }
  const int p = pool[static_cast<size_t>(r.rng().below(static_cast<int64_t>(pool.size())))];
  r.BindArg(s, "as", p);
}

RAFTLAB_REGISTER_STEP({"random_peer",
                       StepFixture::kAny,
                       false,
                       "as",
                       {Req("as", T::kBind, "the name to bind the chosen peer to"),
                        Opt("except", T::kPeers, "none", "peers not to choose (e.g. leader)")},
                       "choose a peer at random, from the test's seed (the same seed chooses the same peer)",
                       "rand.Int() % n",
                       nullptr,
                       &RunRandomPeer});

// --- RPC budget ----------------------------------------------------------------
void RunExpectRpcs(StepRun& r, const Step& s) {
  FixtureBase& f = r.fixture();
  const int64_t rpcs0 = f.RpcTotal(), bytes0 = f.BytesTotal();
  r.RunSteps(s.body);
  const int64_t rpcs = f.RpcTotal() - rpcs0, bytes = f.BytesTotal() - bytes0;
  f.Event(fmt::format("expect_rpcs: {} RPCs, {} bytes", rpcs, bytes));
  if (StepRun::Has(s, "at_most") && rpcs > r.Int(s, "at_most", 0)) {
    f.Fail(fmt::format("too many RPCs ({}) during these steps (at most {})", rpcs, r.Int(s, "at_most", 0)));
  }
  if (StepRun::Has(s, "at_least") && rpcs < r.Int(s, "at_least", 0)) {
    f.Fail(fmt::format("too few RPCs ({}) during these steps (at least {})", rpcs, r.Int(s, "at_least", 0)));
  }
  if (StepRun::Has(s, "bytes_at_most") && bytes > r.Int(s, "bytes_at_most", 0)) {
    f.Fail(fmt::format("too many RPC bytes; got {}, expected at most {}", bytes, r.Int(s, "bytes_at_most", 0)));
  }
}

RAFTLAB_REGISTER_STEP({"expect_rpcs",
                       StepFixture::kAny,
                       false,
                       "",
                       {Req("steps", T::kSteps, "the window: the steps whose RPCs are counted"),
                        Ranged(Opt("at_most", T::kInt, "", "fail if more RPCs were sent"), 0, std::nullopt),
                        Ranged(Opt("at_least", T::kInt, "", "fail if fewer RPCs were sent"), 0, std::nullopt),
                        Ranged(Opt("bytes_at_most", T::kInt, "", "fail if more bytes were sent"), 0, std::nullopt)},
                       "run the steps, then check the RPCs (all sends) and bytes they caused",
                       "rpcTotal / bytesTotal (TestCount3B, TestRPCBytes3B)",
                       [](const Step& s) -> std::string {
                         if (!s.args.count("at_most") && !s.args.count("at_least") && !s.args.count("bytes_at_most")) {
                           return "give at_most, at_least or bytes_at_most (a window that checks nothing is not a "
                                  "check)";
                         }
                         return "";
                       },
                       &RunExpectRpcs});

// --- control forms -------------------------------------------------------------
void RunRepeat(StepRun& r, const Step& s) {
  const int64_t count = r.Int(s, "count", 1);
  for (int64_t k = 1; k <= count; k++) {
    r.ctx().Event(fmt::format("repeat {} of {} ({})", k, count, s.where));
    if (StepRun::Has(s, "as")) r.BindArg(s, "as", k);
    r.RunSteps(s.body);
  }
  if (StepRun::Has(s, "as")) r.Unbind(r.String(s, "as", ""));
}

RAFTLAB_REGISTER_STEP({"repeat",
                       StepFixture::kAny,
                       false,
                       "",
                       {Ranged(Req("count", T::kInt, "how many times"), 1, 10000),
                        As("name the round (1, 2, ... count) inside the steps"),
                        Req("steps", T::kSteps, "the steps to repeat")},
                       "run the steps count times",
                       "a for loop",
                       nullptr,
                       &RunRepeat});

void RunFor(StepRun& r, const Step& s) {
  std::vector<int> peers = r.Peers(s, "in");
  if (StepRun::Has(s, "except")) {
    std::vector<int> except = r.Peers(s, "except");
    peers.erase(std::remove_if(peers.begin(), peers.end(),
                               [&](int p) { return std::find(except.begin(), except.end(), p) != except.end(); }),
                peers.end());
  }
  const std::string name = r.String(s, "each", "");
  for (int p : peers) {
    r.Bind(name, p);
    r.RunSteps(s.body);
  }
  r.Unbind(name);
}

RAFTLAB_REGISTER_STEP({"for",
                       StepFixture::kAny,
                       false,
                       "",
                       {Req("each", T::kBind, "the name each peer is bound to inside the steps"),
                        Req("in", T::kPeers, "all, or a list of peers ([leader+1, leader+2])"),
                        Opt("except", T::kPeers, "none", "peers to leave out (e.g. leader)"),
                        Req("steps", T::kSteps, "the steps to run for each peer")},
                       "run the steps once per peer, in order",
                       "for i := 0; i < n; i++",
                       nullptr,
                       &RunFor});

}  // namespace
}  // namespace raftlab::steps
