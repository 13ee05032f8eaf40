// Multi-peer tests of reference/kvserver and reference/clerk on an
// in-process real-time cluster (fake_cluster.h): MIT's put/get rules end to
// end, survival of crashes and of a full restart, snapshots bounding the
// state (TestSnapshotSize4C's limits), and that a follower never answers a
// Get from its own state. Built a second time with
// RAFTLAB_MUTANT_KV_STALE_READ, where that last test expects the stale
// answer instead (proving the mutant switch works).
//
// Timing: see rsm_test.cc; the waits are generous upper bounds.
#include "reference/kvserver.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "reference/kv_store.h"
#include "tests/reference/fake_cluster.h"

namespace raftlab::ref::testing {
namespace {

[[maybe_unused]] void SleepMs(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

#ifndef RAFTLAB_MUTANT_KV_STALE_READ
// (Under the stale-read mutant these three fail at random, since the clerk
// reads from random replicas: that is the bug, not something to assert.)
TEST(KvServerClusterTest, PutGetRulesThroughTheClerk) {
  FakeCluster c(3, FakeCluster::Kind::kKv, -1);
  const int ck = c.MakeClerk();
  std::string v;
  uint64_t ver = 0;
  EXPECT_EQ(c.ClerkGet(ck, "k", &v, &ver), RAFTLAB_ERR_NO_KEY);
  EXPECT_EQ(c.ClerkPut(ck, "k", "a", 0), RAFTLAB_OK);
  ASSERT_EQ(c.ClerkGet(ck, "k", &v, &ver), RAFTLAB_OK);
  EXPECT_EQ(v, "a");
  EXPECT_EQ(ver, 1u);
  EXPECT_EQ(c.ClerkPut(ck, "k", "b", 0), RAFTLAB_ERR_VERSION);
  EXPECT_EQ(c.ClerkPut(ck, "missing", "x", 1), RAFTLAB_ERR_NO_KEY);
  EXPECT_EQ(c.ClerkPut(ck, "k", "b", 1), RAFTLAB_OK);
  ASSERT_EQ(c.ClerkGet(ck, "k", &v, &ver), RAFTLAB_OK);
  EXPECT_EQ(v, "b");
  EXPECT_EQ(ver, 2u);
  EXPECT_TRUE(c.errors().empty()) << c.errors().front();
}

TEST(KvServerClusterTest, SurvivesLeaderCrashAndFullRestart) {
  FakeCluster c(3, FakeCluster::Kind::kKv, -1);
  const int ck = c.MakeClerk();
  ASSERT_EQ(c.ClerkPut(ck, "k", "v1", 0), RAFTLAB_OK);
  const int leader = c.WaitLeader();
  ASSERT_GE(leader, 0);
  c.Crash(leader);
  ASSERT_EQ(c.ClerkPut(ck, "k", "v2", 1), RAFTLAB_OK);  // the clerk finds the new leader
  c.Start(leader);
  for (int i = 0; i < 3; i++) c.Crash(i);
  for (int i = 0; i < 3; i++) c.Start(i);
  std::string v;
  uint64_t ver = 0;
  ASSERT_EQ(c.ClerkGet(ck, "k", &v, &ver), RAFTLAB_OK);
  EXPECT_EQ(v, "v2");
  EXPECT_EQ(ver, 2u);
}

TEST(KvServerClusterTest, SnapshotsKeepStateAndSnapshotSmall) {
  constexpr int64_t kMax = 1000;
  FakeCluster c(3, FakeCluster::Kind::kKv, kMax);
  const int ck = c.MakeClerk();
  for (uint64_t i = 0; i < 100; i++) ASSERT_EQ(c.ClerkPut(ck, "x", std::to_string(i % 2), i), RAFTLAB_OK);
  for (int i = 0; i < 3; i++) {
    EXPECT_LE(c.StateSize(i), static_cast<size_t>(8 * kMax)) << "server " << i;  // MIT: 8x
    EXPECT_LE(c.SnapshotSize(i), 500u) << "server " << i;  // TestSnapshotSize4C
  }
  for (int i = 0; i < 3; i++) c.Crash(i);
  for (int i = 0; i < 3; i++) c.Start(i);
  std::string v;
  uint64_t ver = 0;
  ASSERT_EQ(c.ClerkGet(ck, "x", &v, &ver), RAFTLAB_OK);
  EXPECT_EQ(v, "1");
  EXPECT_EQ(ver, 100u);
}

#endif  // RAFTLAB_MUTANT_KV_STALE_READ

// A follower cut off from its peers while the majority moves on.
TEST(KvServerClusterTest, CutOffFollowerAndGet) {
  FakeCluster c(3, FakeCluster::Kind::kKv, -1);
  const int ck = c.MakeClerk();
  ASSERT_EQ(c.ClerkPut(ck, "x", "old", 0), RAFTLAB_OK);
  const int leader = c.WaitLeader();
  ASSERT_GE(leader, 0);
  const int f = (leader + 1) % 3;
  const Bytes get = Encode(GetArgs{"x"});
#ifdef RAFTLAB_MUTANT_KV_STALE_READ
  // Let f apply "old" first (it learns the commit with the next message).
  for (int i = 0; i < 500; i++) {
    GetReply r;
    auto raw = c.RawCall(f, kKvGet, get);
    if (raw && Decode(*raw, &r) && r.value == "old") break;
    SleepMs(10);
  }
#endif
  c.Disconnect(f);
  ASSERT_EQ(c.ClerkPut(ck, "x", "new", 1), RAFTLAB_OK);
  std::optional<Bytes> raw = c.RawCall(f, kKvGet, get);
  ASSERT_TRUE(raw.has_value());
  GetReply r;
  ASSERT_TRUE(Decode(*raw, &r));
#ifdef RAFTLAB_MUTANT_KV_STALE_READ
  // The bug: a follower answers from its own, stale, state.
  EXPECT_EQ(r.err, RAFTLAB_OK);
  EXPECT_EQ(r.value, "old");
#else
  // The reference: only the leader answers, through the log.
  EXPECT_EQ(r.err, RAFTLAB_ERR_WRONG_LEADER);
#endif
  c.Connect(f);
}

}  // namespace
}  // namespace raftlab::ref::testing
