// Part 4, snapshots: MIT 3D (snapcommon's five variants, all crash, init),
// run with the fixture's snapshot applier (snapshot every 10 entries), and
// SJTU part 4 (basic_snapshot, restore_snapshot, override_snapshot), where
// the test itself asks individual peers to snapshot and then counts how many
// commands a peer had to re-apply one by one.
#include "harness/raft/cluster.h"
#include "harness/raft/scenarios/common.h"
#include "harness/raft/timing.h"

namespace raftlab::scenarios {
namespace {

using timing::kSnapshotInterval;

void CheckLogSize(Cluster& c, int64_t max_bytes) {
  const int64_t size = c.LogSize();
  if (size >= max_bytes) {
    c.Fail("Log size too large: " + std::to_string(size) + " bytes of persisted Raft state (limit " +
           std::to_string(max_bytes) + "; trim the log at every snapshot())");
  }
}

// MIT snapcommon: 3 servers; each iteration one server is disconnected or
// crashed (or neither), some commands are started, then it rejoins and may
// need InstallSnapshot to catch up. The log must stay small throughout.
void SnapCommon(TestContext& ctx) {
  const Params& p = ctx.params();
  Cluster c(ctx, OptionsFrom(p, kSnapshotInterval));
  const int n = c.n();
  const bool disconnect = p.Bool("disconnect");
  const bool crash = p.Bool("crash");
  c.One(c.RandomCommand(), n, true);
  int leader1 = c.CheckOneLeader();

  for (int64_t i = 0; i < p.Int("iterations"); i++) {
    // Usually a follower is the victim; every third round the leader is,
    // and the follower (whose Start()s are simply refused) is the sender.
    int victim = (leader1 + 1) % n;
    int sender = leader1;
    if (i % 3 == 1) {
      sender = (leader1 + 1) % n;
      victim = leader1;
    }
    if (disconnect) {
      c.Disconnect(victim);
      c.One(c.RandomCommand(), n - 1, true);
    }
    if (crash) {
      c.Crash(victim);
      c.One(c.RandomCommand(), n - 1, true);
    }

    // Perhaps send enough to get a snapshot.
    const int64_t nn = kSnapshotInterval / 2 + c.Random(0, kSnapshotInterval - 1);
    for (int64_t k = 0; k < nn; k++) c.Start(sender, c.RandomCommand());

    // Let the appliers catch up with those Start()s.
    c.One(c.RandomCommand(), (disconnect || crash) ? n - 1 : n, true);
    CheckLogSize(c, p.Int("max_log_bytes"));

    // The victim rejoins; it may be far behind the others' snapshots.
    if (disconnect) {
      c.Connect(victim);
      c.One(c.RandomCommand(), n, true);
      leader1 = c.CheckOneLeader();
    }
    if (crash) {
      c.Restart(victim);
      c.One(c.RandomCommand(), n, true);
      leader1 = c.CheckOneLeader();
    }
  }
  c.End();
}

RAFTLAB_REGISTER_SCENARIO({"snapcommon", "snapshots every 10 entries while a server is disconnected or crashed",
                           {ServersParam(3), ReliableParam(true),
                            BoolParam("disconnect", false, "disconnect a victim each round"),
                            BoolParam("crash", false, "crash a victim each round"),
                            IntParam("iterations", 30, "rounds"),
                            IntParam("max_log_bytes", 2000, "limit on persisted Raft state (MIT MAXLOGSIZE)")},
                           &SnapCommon, StepFixture::kRaft});

// MIT TestSnapshotAllCrash3D "crash and restart all servers".
void SnapshotAllCrash(TestContext& ctx) {
  const Params& p = ctx.params();
  Cluster c(ctx, OptionsFrom(p, kSnapshotInterval));
  const int n = c.n();
  c.One(c.RandomCommand(), n, true);

  for (int64_t i = 0; i < p.Int("iterations"); i++) {
    // Perhaps enough to get a snapshot.
    const int64_t nn = kSnapshotInterval / 2 + c.Random(0, kSnapshotInterval - 1);
    for (int64_t k = 0; k < nn; k++) c.One(c.RandomCommand(), n, true);
    const int64_t index1 = c.One(c.RandomCommand(), n, true);

    // Crash and restart everyone: nothing committed may be lost.
    for (int k = 0; k < n; k++) c.Crash(k);
    for (int k = 0; k < n; k++) c.Restart(k);

    const int64_t index2 = c.One(c.RandomCommand(), n, true);
    if (index2 < index1 + 1) {
      c.Fail("index decreased from " + std::to_string(index1) + " to " + std::to_string(index2));
    }
  }
  c.End();
}

RAFTLAB_REGISTER_SCENARIO({"snapshot_all_crash", "snapshots survive crashing and restarting every server",
                           {ServersParam(3), ReliableParam(false), IntParam("iterations", 5, "crash rounds")},
                           &SnapshotAllCrash, StepFixture::kRaft});

// MIT TestSnapshotInit3D "snapshot initialization after crash": a restarted
// Raft must keep its snapshot (and pass it to every later save).
void SnapshotInit(TestContext& ctx) {
  Cluster c(ctx, OptionsFrom(ctx.params(), kSnapshotInterval));
  const int n = c.n();
  c.One(c.RandomCommand(), n, true);

  // Enough ops to make a snapshot.
  for (int k = 0; k < kSnapshotInterval + 1; k++) c.One(c.RandomCommand(), n, true);

  // Crash and restart everyone, twice, with one agreement in between: the
  // second restart must still find the snapshot taken before the first.
  for (int round = 0; round < 2; round++) {
    for (int k = 0; k < n; k++) c.Crash(k);
    for (int k = 0; k < n; k++) c.Restart(k);
    c.One(c.RandomCommand(), n, true);
  }
  c.End();
}

RAFTLAB_REGISTER_SCENARIO({"snapshot_init", "a restarted Raft keeps its snapshot across a second restart",
                           {ServersParam(3), ReliableParam(false)}, &SnapshotInit, StepFixture::kRaft});

void RequireFewReplays(Cluster& c, int peer, int64_t max_replayed, const std::string& how) {
  const int64_t applied = c.CommandsApplied(peer);
  if (applied >= max_replayed) {
    c.Fail("the snapshot does not work: peer " + std::to_string(peer) + " applied " + std::to_string(applied) +
           " commands one by one " + how + " (fewer than " + std::to_string(max_replayed) +
           " expected when it starts from a snapshot)");
  }
}

// SJTU part 4 basic_snapshot: a follower misses many entries; the leader and
// the other follower snapshot; when it rejoins it must catch up through
// InstallSnapshot, not by replaying the whole log.
void SnapshotCatchUp(TestContext& ctx) {
  const Params& p = ctx.params();
  Cluster c(ctx, OptionsFrom(p));
  const int n = c.n();
  int leader = c.CheckOneLeader();
  const int lagging = (leader + 1) % n;
  c.Disconnect(lagging);
  for (int64_t i = 1; i <= p.Int("commands"); i++) c.One(IntCommand(100 + i), n - 1, true);

  // The two up-to-date servers snapshot everything they applied.
  leader = c.CheckOneLeader();
  int other = (leader + 1) % n;
  if (other == lagging) other = (leader + 2) % n;
  if (!c.TakeSnapshot(leader)) c.Fail("leader " + std::to_string(leader) + " cannot save snapshot");
  if (!c.TakeSnapshot(other)) c.Fail("follower " + std::to_string(other) + " cannot save snapshot");
  c.Sleep(timing::kSnapshotSettle);

  // The lagging follower rejoins and must agree on a new command.
  c.Connect(lagging);
  c.CheckOneLeader();
  c.One(IntCommand(1024), n, true);
  RequireFewReplays(c, lagging, p.Int("max_replayed"), "after rejoining");
  c.End();
}

RAFTLAB_REGISTER_SCENARIO({"snapshot_catchup", "a lagging follower catches up through InstallSnapshot",
                           {ServersParam(3), ReliableParam(true),
                            IntParam("commands", 99, "commands committed while the follower is away"),
                            IntParam("max_replayed", 90, "commands it may apply one by one after rejoining")},
                           &SnapshotCatchUp, StepFixture::kRaft});

// SJTU part 4 restore_snapshot (rounds=1) and override_snapshot (rounds=2):
// the leader snapshots (once or twice, the later snapshot replacing the
// earlier), restarts, and must resume from its snapshot.
void SnapshotRestore(TestContext& ctx) {
  const Params& p = ctx.params();
  Cluster c(ctx, OptionsFrom(p));
  const int n = c.n();
  int leader = c.CheckOneLeader();
  const int64_t per_round = p.Int("round_commands");
  int64_t i = 1;
  for (int64_t round = 0; round < p.Int("rounds"); round++) {
    for (; i < (round + 1) * per_round; i++) c.One(IntCommand(100 + i), n - 1, true);
    leader = c.CheckOneLeader();
    if (!c.TakeSnapshot(leader)) c.Fail("leader " + std::to_string(leader) + " cannot save snapshot");
  }
  c.Sleep(timing::kSnapshotSettle);

  // Restart the leader: it must restore its snapshot and apply only the rest.
  c.Restart(leader);
  c.One(IntCommand(1024), n, true);
  RequireFewReplays(c, leader, p.Int("max_replayed"), "after restarting");
  c.End();
}

RAFTLAB_REGISTER_SCENARIO({"snapshot_restore", "a restarted leader resumes from its latest snapshot",
                           {ServersParam(3), ReliableParam(true),
                            IntParam("rounds", 1, "snapshot rounds (2: a later snapshot overrides the first)"),
                            IntParam("round_commands", 100, "command numbers per round (1..rounds*this-1)"),
                            IntParam("max_replayed", 90, "commands it may apply one by one after restarting")},
                           &SnapshotRestore, StepFixture::kRaft});

}  // namespace
}  // namespace raftlab::scenarios
