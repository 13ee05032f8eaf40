// Raft scenarios that replay old requests late (Cluster::StartRecording /
// Replay): a real network may deliver a message long after it was sent, and
// twice. labrpc never does, so two classic bugs survived every MIT, SJTU and
// dslabs test (tests/mutants/MUTANTS.md: stale_term_resets_timer,
// install_old_snapshot). Each scenario checks only rules every correct Raft
// keeps, whatever the plugin's message format: the harness replays the
// plugin's own bytes.
//
//   stale_leader_replay  (part 1) a deposed leader's heartbeats keep arriving
//                        while the others must elect a new leader. Catches
//                        an election timer reset by a message of an older
//                        term (Figure 2: only the CURRENT leader's
//                        AppendEntries, or a granted vote, resets it).
//   old_snapshot_replay  (part 4) the InstallSnapshot (and AppendEntries)
//                        a follower caught up with arrive again, at it and
//                        at the other follower, after both applied past
//                        them. Catches a follower that installs a snapshot
//                        older than its state (Figure 13: a snapshot never
//                        takes the service backwards).
#include <atomic>
#include <map>
#include <string>
#include <vector>

#include "harness/raft/cluster.h"
#include "harness/raft/scenarios/common.h"
#include "harness/raft/timing.h"

namespace raftlab::scenarios {
namespace {

// stale_leader_replay: 5 servers (at least). Leader A of term T is recorded
// for `record_ms`, then cut off; B is elected in a later term and cut off
// too. The remaining majority must now elect a third leader, while A's last
// heartbeat to each of them is delivered again every `replay_ms` (shorter
// than any election timeout). A correct Raft rejects the term-T messages
// and elects within MIT's 5 s; one whose timer restarts on them never
// times out ("expected one leader, got none").
void StaleLeaderReplay(TestContext& ctx) {
  const Params& p = ctx.params();
  if (p.Int("servers") < 5) ctx.Fail("stale_leader_replay needs servers: 5 or more (two leaders are cut off)");
  Cluster c(ctx, OptionsFrom(p));
  const int a = c.CheckOneLeader();
  const int64_t term_a = c.GetState(a).term;
  c.StartRecording(a);
  c.Sleep(Millis(p.Int("record_ms")));
  const std::vector<RecordedRequest> recorded = c.StopRecording();
  std::map<int, RecordedRequest> last;  // per destination: A's latest request
  for (const RecordedRequest& r : recorded) {
    if (r.to != a) last[r.to] = r;
  }
  if (last.empty()) {
    c.Fail("the leader of term " + std::to_string(term_a) + " sent no request to any follower in " +
           std::to_string(p.Int("record_ms")) + " ms: a leader must send heartbeats");
  }
  c.Disconnect(a);
  const int b = c.CheckOneLeader();
  const int64_t term_b = c.GetState(b).term;
  c.Disconnect(b);
  c.Event("replaying the last request of leader " + std::to_string(a) + " (term " + std::to_string(term_a) +
          ") to each remaining server every " + std::to_string(p.Int("replay_ms")) + " ms");
  std::atomic<bool> stop{false};
  {
    ClientThreads replayer(c);
    // Declared after `replayer`, so a failing check below still stops the
    // replayer before ~ClientThreads joins it.
    struct StopOnExit {
      std::atomic<bool>& flag;
      ~StopOnExit() { flag.store(true, std::memory_order_release); }
    } stop_on_exit{stop};
    replayer.Spawn("replayer", [&] {
      while (!stop.load(std::memory_order_acquire)) {
        for (const auto& [to, r] : last) c.Replay(r);
        c.SleepUnscaled(Millis(p.Int("replay_ms")));  // a period, not a deadline
      }
    });
    const int third = c.CheckOneLeader();
    stop.store(true, std::memory_order_release);
    replayer.JoinAll();
    const int64_t term_third = c.GetState(third).term;
    if (term_third <= term_b) {
      c.Fail("server " + std::to_string(third) + " leads in term " + std::to_string(term_third) +
             ", not after term " + std::to_string(term_b) + " of the leader that was cut off");
    }
  }
  c.Connect(a);
  c.Connect(b);
  c.One(c.RandomCommand(), c.n(), true);
  c.End();
}

RAFTLAB_REGISTER_SCENARIO({"stale_leader_replay",
                           "a deposed leader's late heartbeats must not stop the others from electing",
                           {ServersParam(5), ReliableParam(true),
                            IntParam("record_ms", 1000, "how long the first leader's requests are recorded"),
                            IntParam("replay_ms", 50, "replay period of its last request to each server")},
                           &StaleLeaderReplay, StepFixture::kRaft});

// old_snapshot_replay: 3 servers, leader L, followers F and G; snapshots are
// taken by the scenario (SJTU style), not every 10 entries, so that G has
// applied past L's snapshot without a snapshot of its own. F is down while
// `behind` commands commit, L snapshots (and trims its log), and F is
// restarted and recorded as it catches up through InstallSnapshot. After
// `ahead` more commands, every recorded request to F is delivered again to
// F (a late duplicate), and a copy to G: the same InstallSnapshot L could
// have sent G in this term (Figure 13's receiver rules hold for any
// follower). A correct Raft ignores a snapshot its state is already past,
// and keeps the entries an old AppendEntries matches. One that installs it
// hands the service a snapshot behind what it applied, which the apply
// checker reports ("a snapshot must never move the service backwards").
void OldSnapshotReplay(TestContext& ctx) {
  const Params& p = ctx.params();
  if (p.Int("servers") != 3) ctx.Fail("old_snapshot_replay needs servers: 3 (a leader and two followers)");
  Cluster c(ctx, OptionsFrom(p));
  const int n = c.n();
  for (int k = 0; k < 5; k++) c.One(c.RandomCommand(), n, true);
  const int leader = c.CheckOneLeader();
  const int f = (leader + 1) % n, g = (leader + 2) % n;
  // Crashed, not cut off: a cut-off F would campaign, and its higher term
  // would depose the leader on its return (and the recorded messages would
  // be of an old term).
  c.Crash(f);
  for (int64_t k = 0; k < p.Int("behind"); k++) c.One(c.RandomCommand(), n - 1, true);
  const int snapper = c.CheckOneLeader();  // normally still `leader`
  c.TakeSnapshot(snapper);
  c.StartRecording(snapper);
  c.Restart(f);
  c.One(c.RandomCommand(), n, true);  // F is level again
  const std::vector<RecordedRequest> recorded = c.StopRecording();
  for (int64_t k = 0; k < p.Int("ahead"); k++) c.One(c.RandomCommand(), n, true);
  int replayed = 0;
  for (const int to : {f, g}) {
    if (to == snapper) continue;
    for (RecordedRequest r : recorded) {
      if (r.to != f) continue;
      r.to = to;
      if (c.Replay(r)) replayed++;
      c.SleepUnscaled(Millis(2));  // in order, as a network that held them back might
    }
  }
  c.Event("replayed " + std::to_string(replayed) + " requests of leader " + std::to_string(snapper) +
          " to servers " + std::to_string(f) + " and " + std::to_string(g));
  // Let the replayed handlers run and their effects reach the apply checker.
  c.Sleep(Millis(p.Int("settle_ms")));
  c.One(c.RandomCommand(), n, true);
  c.End();
}

RAFTLAB_REGISTER_SCENARIO({"old_snapshot_replay",
                           "a follower ignores an InstallSnapshot older than its state, delivered late",
                           {ServersParam(3), ReliableParam(true),
                            IntParam("behind", 20, "commands committed while the follower is down"),
                            IntParam("ahead", 5, "commands committed after it caught up, before the replay"),
                            IntParam("settle_ms", 1000, "time for the replayed requests to take effect")},
                           &OldSnapshotReplay, StepFixture::kRaft});

}  // namespace
}  // namespace raftlab::scenarios
