// Multi-peer tests of the reference Raft's pure core, driven by the
// deterministic simulation in sim.h (no threads, simulated time: the same
// seed gives the same run on any machine, so none of these is timing
// sensitive). The scenarios follow MIT's 3A-3D tests in miniature.
#include <gtest/gtest.h>

#include <string>

#include "tests/reference/sim.h"

namespace raftlab::ref::testing {
namespace {

Bytes Cmd(int i) { return B("cmd-" + std::to_string(i)); }

TEST(Sim, ElectsOneLeaderWithinFiveSecondsWithFewRpcs) {
  for (uint64_t seed = 1; seed <= 20; seed++) {
    Sim sim(SimOptions{3, seed});
    ASSERT_TRUE(sim.RunUntil([&] { return sim.Leader().has_value(); }, 5000 * kMs)) << "seed " << seed;
    // TestCount: at most 30 RPCs to elect, measured ~0.5 s in.
    sim.Run(500 * kMs);
    EXPECT_LE(sim.rpc_count(), 30) << "seed " << seed;
    EXPECT_EQ(sim.ConnectedLeaders(), 1);
    // Without failures the terms agree and stay put.
    const int64_t term = sim.core(*sim.Leader()).term();
    const int64_t before = sim.rpc_count();
    sim.Run(1000 * kMs);
    for (int i = 0; i < 3; i++) EXPECT_EQ(sim.core(i).term(), term) << "seed " << seed;
    // TestCount: at most 60 RPCs in one idle second (we send 2 x 10).
    EXPECT_LE(sim.rpc_count() - before, 20) << "seed " << seed;
    EXPECT_EQ(sim.error(), "");
  }
}

TEST(Sim, ReplicatesEntriesToEveryPeerInOrder) {
  Sim sim(SimOptions{5, 3});
  for (int i = 1; i <= 30; i++) {
    auto index = sim.One(Cmd(i), 5);
    ASSERT_TRUE(index.has_value()) << "command " << i;
    EXPECT_EQ(*index, i);  // indices start at 1, no no-op entries
  }
  EXPECT_EQ(sim.error(), "");
}

TEST(Sim, ElevenConcurrentStartsCostFewRpcs) {
  Sim sim(SimOptions{3, 5});
  ASSERT_TRUE(sim.One(Cmd(0), 3).has_value());
  sim.Run(200 * kMs);
  const int leader = *sim.Leader();
  const int64_t before = sim.rpc_count();
  for (int i = 1; i <= 11; i++) ASSERT_TRUE(sim.Propose(leader, Cmd(i)).has_value());
  ASSERT_TRUE(sim.RunUntil([&] { return sim.Applied(12) == 3; }, 2000 * kMs));
  // TestCount allows (10 + 1 + 3) x 3 = 42; batching needs one data and one
  // commit message per follower.
  EXPECT_LE(sim.rpc_count() - before, 6);
  EXPECT_EQ(sim.error(), "");
}

TEST(Sim, PartitionedLeaderIsReplacedAndItsUncommittedEntriesOverwritten) {
  Sim sim(SimOptions{3, 11});
  ASSERT_TRUE(sim.One(Cmd(101), 3).has_value());
  const int old_leader = *sim.Leader();
  sim.Disconnect(old_leader);
  // The isolated leader still accepts Starts, but they cannot commit.
  for (int i = 102; i <= 104; i++) ASSERT_TRUE(sim.Propose(old_leader, Cmd(i)).has_value());
  ASSERT_TRUE(sim.One(Cmd(105), 2).has_value());
  const int new_leader = *sim.Leader();
  EXPECT_NE(new_leader, old_leader);
  EXPECT_EQ(sim.Applied(2), 2);
  sim.Connect(old_leader);
  ASSERT_TRUE(sim.One(Cmd(106), 3).has_value());
  // Index 2 on every peer is 105, not the old leader's 102.
  Bytes at2;
  EXPECT_EQ(sim.Applied(2, &at2), 3);
  EXPECT_EQ(at2, Cmd(105));
  EXPECT_EQ(sim.error(), "");
}

TEST(Sim, LeaderBacksUpOverManyConflictingEntriesQuickly) {
  // TestBackup in miniature: 5 peers, 50 conflicting entries each way.
  Sim sim(SimOptions{5, 21});
  ASSERT_TRUE(sim.One(Cmd(0), 5).has_value());
  const int l1 = *sim.Leader();
  for (int k = 2; k <= 4; k++) sim.Disconnect((l1 + k) % 5);
  for (int i = 0; i < 50; i++) sim.Propose(l1, Cmd(1000 + i));
  sim.Run(500 * kMs);
  sim.Disconnect(l1);
  sim.Disconnect((l1 + 1) % 5);
  for (int k = 2; k <= 4; k++) sim.Connect((l1 + k) % 5);
  for (int i = 0; i < 50; i++) ASSERT_TRUE(sim.One(Cmd(2000 + i), 3).has_value());
  for (int k = 0; k < 5; k++) sim.Connect(k);
  const int64_t start = sim.now();
  ASSERT_TRUE(sim.One(Cmd(3000), 5).has_value());
  EXPECT_LT(sim.now() - start, 2000 * kMs);
  EXPECT_EQ(sim.error(), "");
}

TEST(Sim, CrashedFollowerRestartsFromPersistedStateAndCatchesUp) {
  Sim sim(SimOptions{3, 13});
  ASSERT_TRUE(sim.One(Cmd(1), 3).has_value());
  const int victim = (*sim.Leader() + 1) % 3;
  sim.Crash(victim);
  for (int i = 2; i <= 6; i++) ASSERT_TRUE(sim.One(Cmd(i), 2).has_value());
  sim.Restart(victim);
  // A restarted peer without a snapshot re-applies from index 1.
  ASSERT_TRUE(sim.One(Cmd(7), 3).has_value());
  EXPECT_EQ(sim.Applied(1), 3);
  EXPECT_EQ(sim.error(), "");
}

TEST(Sim, WholeClusterRestartKeepsCommittedEntries) {
  Sim sim(SimOptions{3, 17});
  auto i1 = sim.One(Cmd(1), 3);
  ASSERT_TRUE(i1.has_value());
  for (int i = 0; i < 3; i++) sim.Crash(i);
  for (int i = 0; i < 3; i++) sim.Restart(i);
  auto i2 = sim.One(Cmd(2), 3);
  ASSERT_TRUE(i2.has_value());
  EXPECT_EQ(*i2, *i1 + 1);
  EXPECT_EQ(sim.error(), "");
}

TEST(Sim, DisconnectedFollowerCatchesUpThroughInstallSnapshot) {
  SimOptions opts{3, 19};
  opts.snapshots = true;
  Sim sim(opts);
  ASSERT_TRUE(sim.One(Cmd(0), 3).has_value());
  const int victim = (*sim.Leader() + 1) % 3;
  sim.Disconnect(victim);
  for (int i = 1; i <= 35; i++) ASSERT_TRUE(sim.One(Cmd(i), 2).has_value());
  // 3D: persisted Raft state stays small with a snapshot every 10 entries.
  for (int i = 0; i < 3; i++) EXPECT_LT(sim.persisted_state_size(i), 2000u);
  // The leader has discarded the entries the victim lacks, so only
  // InstallSnapshot can bring it up to date. (Attempts to send it while the
  // victim was unreachable already failed.)
  const int leader = *sim.Leader();
  ASSERT_GE(sim.core(leader).log().snapshot_index(), 29);
  ASSERT_EQ(sim.core(victim).log().LastIndex(), 1);
  const int64_t installs = sim.rpc_count("Raft.InstallSnapshot");
  sim.Connect(victim);
  auto last = sim.One(Cmd(36), 3);
  ASSERT_TRUE(last.has_value());
  EXPECT_GT(sim.rpc_count("Raft.InstallSnapshot"), installs);
  EXPECT_GE(sim.core(victim).log().snapshot_index(), 29);
  // The victim's service holds every command, from the snapshot and after.
  Bytes first;
  EXPECT_EQ(sim.Applied(1, &first), 3);
  EXPECT_EQ(sim.error(), "");
}

TEST(Sim, RestartAfterSnapshotsResumesAfterTheSnapshot) {
  // 3D SnapshotInit: restart everything after snapshots were taken.
  SimOptions opts{3, 23};
  opts.snapshots = true;
  Sim sim(opts);
  for (int i = 1; i <= 12; i++) ASSERT_TRUE(sim.One(Cmd(i), 3).has_value());
  for (int round = 0; round < 2; round++) {
    for (int i = 0; i < 3; i++) sim.Crash(i);
    for (int i = 0; i < 3; i++) sim.Restart(i);
    for (int i = 0; i < 3; i++) EXPECT_GE(sim.core(i).log().snapshot_index(), 9);
    ASSERT_TRUE(sim.One(Cmd(100 + round), 3).has_value());
  }
  EXPECT_EQ(sim.error(), "");
}

TEST(Sim, RandomCrashesAndPartitionsNeverBreakSafety) {
  // Figure 8 style churn, seeded: safety is checked on every apply.
  for (uint64_t seed = 100; seed < 104; seed++) {
    SimOptions opts{5, seed};
    opts.snapshots = seed % 2 == 0;
    Sim sim(opts);
    SplitMix rng(seed);
    int next = 0;
    for (int iter = 0; iter < 150; iter++) {
      for (int i = 0; i < 5; i++) {
        if (sim.alive(i)) sim.Propose(i, Cmd(next++));
      }
      sim.Run(static_cast<int64_t>(rng() % 200) * kMs);
      const int victim = static_cast<int>(rng() % 5);
      switch (rng() % 4) {
        case 0:
          if (sim.alive(victim)) sim.Crash(victim);
          break;
        case 1:
          if (!sim.alive(victim)) sim.Restart(victim);
          break;
        case 2:
          sim.Disconnect(victim);
          break;
        default:
          sim.Connect(victim);
          break;
      }
      int up = 0;
      for (int i = 0; i < 5; i++) up += sim.alive(i) ? 1 : 0;
      if (up < 3) {
        for (int i = 0; i < 5; i++) {
          if (!sim.alive(i)) {
            sim.Restart(i);
            break;
          }
        }
      }
      ASSERT_EQ(sim.error(), "") << "seed " << seed << " iteration " << iter;
    }
    for (int i = 0; i < 5; i++) {
      if (!sim.alive(i)) sim.Restart(i);
      sim.Connect(i);
    }
    ASSERT_TRUE(sim.One(Cmd(-1), 5).has_value()) << "seed " << seed;
    EXPECT_EQ(sim.error(), "") << "seed " << seed;
  }
}

}  // namespace
}  // namespace raftlab::ref::testing
