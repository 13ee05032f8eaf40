// Part 1, leader churn: elections repeated with the network switched to
// lossy for each one, a trap for election timeouts that are not randomised.
// It switches the network's reliability mid-test, which the step language
// does not offer. Part 1's straight-line tests (MIT 3A, SJTU part 1,
// dslabs-cpp tests 1-2) are `steps:` in config/raft_lab_test.yml.

#include "harness/raft/cluster.h"
#include "harness/raft/scenarios/common.h"
#include "harness/raft/timing.h"

namespace raftlab::scenarios {
namespace {

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
                           &LeaderChurn, StepFixture::kRaft});

}  // namespace
}  // namespace raftlab::scenarios
