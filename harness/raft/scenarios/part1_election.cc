// Part 1, leader election: MIT 3A (initial election, re-election, many
// elections), SJTU part 1 (re_election's chain of leader failures) and
// dslabs-cpp tests 1-2 (5 servers; a quorum comes and goes), and
// leader_churn: elections repeated on a lossy network, a trap for election
// timeouts that are not randomised.
#include <set>

#include "harness/raft/cluster.h"
#include "harness/raft/scenarios/common.h"
#include "harness/raft/timing.h"

namespace raftlab::scenarios {
namespace {

using timing::kElectionTimeout;

// MIT TestInitialElection3A; SJTU leader_election and dslabs "Initial
// election" are the same shape with a longer quiet period and a hard check
// that nothing changes during it.
void InitialElection(TestContext& ctx) {
  const Params& p = ctx.params();
  Cluster c(ctx, OptionsFrom(p));

  // Is there a leader, within about 5 s?
  const int leader1 = c.CheckOneLeader();

  // Give followers a moment to hear the leader; everyone must then agree on
  // a term, and a leader implies an election happened, so term >= 1.
  c.Sleep(timing::kTermSettle);
  const int64_t term1 = c.CheckTerms();
  if (term1 < 1) c.Fail("term is " + std::to_string(term1) + ", but should be at least 1");

  // With no failures the term should not change (MIT only warns about it).
  c.Sleep(Millis(p.Int("quiet_ms")));
  const int64_t term2 = c.CheckTerms();
  if (term1 != term2) {
    const std::string msg = "term changed from " + std::to_string(term1) + " to " + std::to_string(term2) +
                            " even though there were no failures";
    if (p.Bool("strict_term")) c.Fail(msg + " (heartbeats must keep followers from timing out)");
    c.Event("warning: " + msg);
  }

  // There should still be a leader, and with strict_leader the same one.
  const int leader2 = c.CheckOneLeader();
  if (p.Bool("same_leader") && leader2 != leader1) {
    c.Fail("leader changed from " + std::to_string(leader1) + " to " + std::to_string(leader2) +
           " even though there were no failures");
  }
  c.End();
}

RAFTLAB_REGISTER_SCENARIO({"initial_election",
                           "a leader is elected, terms agree, and nothing changes while all is quiet",
                           {ServersParam(3), ReliableParam(true),
                            IntParam("quiet_ms", 2000, "quiet period between the two term checks (MIT 2 s)"),
                            BoolParam("strict_term", false, "fail (not just warn) if the term changes while quiet"),
                            BoolParam("same_leader", false, "fail if the leader changes while quiet")},
                           &InitialElection});

// MIT TestReElection3A "election after network failure".
void ReElection(TestContext& ctx) {
  Cluster c(ctx, OptionsFrom(ctx.params()));
  const int n = c.n();
  const int leader1 = c.CheckOneLeader();

  // If the leader disconnects, a new one should be elected.
  c.Disconnect(leader1);
  c.CheckOneLeader();

  // If the old leader rejoins, that shouldn't disturb the new leader, and
  // the old leader should switch to follower.
  c.Connect(leader1);
  const int leader2 = c.CheckOneLeader();

  // If there's no quorum, no new leader should be elected.
  c.Disconnect(leader2);
  c.Disconnect((leader2 + 1) % n);
  c.Sleep(2 * kElectionTimeout);
  c.CheckNoLeader();

  // If a quorum arises, it should elect a leader.
  c.Connect((leader2 + 1) % n);
  c.CheckOneLeader();

  // Re-joining the last server shouldn't prevent a leader from existing.
  c.Connect(leader2);
  c.CheckOneLeader();
  c.End();
}

RAFTLAB_REGISTER_SCENARIO({"re_election",
                           "a new leader after the leader disconnects; none without a quorum",
                           {ServersParam(3), ReliableParam(true)},
                           &ReElection});

// SJTU part 1 re_election: disconnect leader after leader until a minority is
// left (no leader), then bring the first one back (a leader again).
void ReElectionChain(TestContext& ctx) {
  Cluster c(ctx, OptionsFrom(ctx.params()));
  const int n = c.n();
  std::vector<int> gone;
  int connected = n;

  // Each time the leader disconnects, the rest elect another one from among
  // themselves while they are still a majority.
  while (connected - 1 >= Majority(n)) {
    const int leader = c.CheckOneLeader();
    for (int g : gone) {
      if (g == leader) c.Fail("disconnected server " + std::to_string(leader) + " was reported as the leader");
    }
    c.Disconnect(leader);
    gone.push_back(leader);
    connected--;
    c.Sleep(kElectionTimeout);
  }

  // One more leader failure leaves a minority: nobody may become leader.
  const int last = c.CheckOneLeader();
  c.Disconnect(last);
  gone.push_back(last);
  c.Sleep(kElectionTimeout);
  c.CheckNoLeader();

  // Bringing back the first leader restores a majority: a leader again.
  c.Connect(gone.front());
  c.Sleep(kElectionTimeout);
  c.CheckOneLeader();
  c.End();
}

RAFTLAB_REGISTER_SCENARIO({"re_election_chain",
                           "leaders fail one after another until a minority is left, then one returns",
                           {ServersParam(5), ReliableParam(true)},
                           &ReElectionChain});

// dslabs-cpp "Re-election after network failure" (5 servers): the rejoining
// old leader must not unseat the new one; no quorum, no leader; quorum back,
// leader back.
void ReElectionQuorum(TestContext& ctx) {
  Cluster c(ctx, OptionsFrom(ctx.params()));
  const int n = c.n();
  int leader = c.CheckOneLeader();

  // Disconnect the leader: a new one must be elected.
  c.Disconnect(leader);
  const int old_leader = leader;
  c.Sleep(kElectionTimeout);
  leader = c.CheckOneLeader();
  if (leader == old_leader) c.Fail("no re-election despite the leader being disconnected");

  // Reconnect the old leader: it must step down without disturbing the new one.
  c.Connect(old_leader);
  c.Sleep(kElectionTimeout);
  const int after = c.CheckOneLeader();
  if (after != leader) {
    c.Fail("the old leader " + std::to_string(old_leader) + " rejoined and leadership moved from " +
           std::to_string(leader) + " to " + std::to_string(after) +
           " (a rejoining server with a stale term must step down, not force an election)");
  }

  // Leave only a minority connected: no leader.
  const int a = (leader + 1) % n, b = (leader + 2) % n;
  c.Disconnect(a);
  c.Disconnect(b);
  c.Disconnect(leader);
  c.Sleep(2 * kElectionTimeout);
  c.CheckNoLeader();

  // Restore a quorum: a leader again.
  c.Connect(b);
  c.Sleep(kElectionTimeout);
  c.CheckOneLeader();

  // Everyone back: still exactly one leader per term.
  c.Connect(a);
  c.Connect(leader);
  c.Sleep(kElectionTimeout);
  c.CheckOneLeader();
  c.End();
}

RAFTLAB_REGISTER_SCENARIO({"re_election_quorum",
                           "re-election; a stale leader rejoins quietly; no quorum, no leader",
                           {ServersParam(5), ReliableParam(true)},
                           &ReElectionQuorum});

// MIT TestManyElections3A "multiple elections".
void ManyElections(TestContext& ctx) {
  const Params& p = ctx.params();
  Cluster c(ctx, OptionsFrom(p));
  const int n = c.n();
  c.CheckOneLeader();

  for (int64_t round = 1; round <= p.Int("rounds"); round++) {
    // Disconnect a few random servers (possibly the same one twice): a
    // leader must exist whenever a majority is still connected.
    std::vector<int> victims;
    for (int64_t k = 0; k < p.Int("disconnects"); k++) victims.push_back(static_cast<int>(c.Random(0, n - 1)));
    for (int v : victims) c.Disconnect(v);
    c.CheckOneLeader();
    for (int v : victims) c.Connect(v);
  }
  c.CheckOneLeader();
  c.End();
}

RAFTLAB_REGISTER_SCENARIO({"many_elections",
                           "repeatedly disconnect random servers; a connected majority always has a leader",
                           {ServersParam(7), ReliableParam(true), IntParam("rounds", 9, "disconnect rounds"),
                            IntParam("disconnects", 3, "random servers disconnected per round (may repeat)")},
                           &ManyElections});

// leader_churn: `rounds` times, cut the leader off; the rest (a majority)
// must elect a new leader within CheckOneLeader's 5 s; then the old leader
// comes back. Every follower reset its election timer on the same
// heartbeat, so without randomised timeouts (section 5.2) they all start
// an election at once and split the vote, again and again. The elections
// run on an unreliable network (MIT's elections must work there too).
void LeaderChurn(TestContext& ctx) {
  const Params& p = ctx.params();
  Cluster c(ctx, OptionsFrom(p));
  for (int64_t round = 1; round <= p.Int("rounds"); round++) {
    const int leader = c.CheckOneLeader();
    // Heartbeats on a reliable network reach every follower at about the
    // same moment; the election then runs on a lossy network whose delays
    // (up to 27 ms) let simultaneous candidates miss each other's requests.
    c.SetReliable(false);
    c.Disconnect(leader);
    c.CheckOneLeader();
    c.SetReliable(true);
    c.Connect(leader);
  }
  c.End();
}

RAFTLAB_REGISTER_SCENARIO({"leader_churn", "the leader fails again and again; a new one is elected every time",
                           {ServersParam(5), ReliableParam(true),
                            IntParam("rounds", 15, "leader failures")},
                           &LeaderChurn});

}  // namespace
}  // namespace raftlab::scenarios
