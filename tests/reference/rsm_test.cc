// Multi-peer tests of reference/rsm on an in-process real-time cluster
// (fake_cluster.h), after MIT 6.5840's rsm tests (4A, 4C): sequential and
// concurrent submits, a non-leader refusing, an isolated leader blocking
// until healed, kill unblocking submits, snapshots bounding the log, and
// restart from snapshot and from the log.
//
// Timing: the cluster runs in real time with the reference Raft's real
// election timeouts. Waits are generous upper bounds (kWaitMs) on things
// that normally take well under a second, and "still blocked" checks assert
// something that cannot happen while the peer is isolated (no majority can
// commit its entries), so a loaded machine only makes them slower.
#include "reference/rsm.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "tests/reference/fake_cluster.h"

namespace raftlab::ref::testing {
namespace {

constexpr int kWaitMs = 15000;

void SleepMs(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

// MIT's submit helper: tries the leader, then everyone, until one says OK.
int32_t SubmitAny(FakeCluster& c, int n, const std::string& op, std::string* result, int skip = -1) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(kWaitMs);
  while (std::chrono::steady_clock::now() < until) {
    for (int i = 0; i < n; i++) {
      if (i == skip) continue;
      if (c.Submit(i, op, result) == RAFTLAB_OK) return RAFTLAB_OK;
    }
    SleepMs(20);
  }
  return RAFTLAB_ERR_WRONG_LEADER;
}

// Polls until at least `count` servers' counters equal v.
bool WaitCounters(FakeCluster& c, int n, int64_t v, int count) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(kWaitMs);
  while (std::chrono::steady_clock::now() < until) {
    int have = 0;
    for (int i = 0; i < n; i++) have += c.Counter(i) == v ? 1 : 0;
    if (have >= count) return true;
    SleepMs(10);
  }
  return false;
}

TEST(RsmClusterTest, SequentialIncsReturnTheirResultAndReachEveryServer) {
  FakeCluster c(3, FakeCluster::Kind::kRsm, -1);
  for (int i = 0; i < 10; i++) {
    std::string result;
    ASSERT_EQ(SubmitAny(c, 3, "inc", &result), RAFTLAB_OK);
    EXPECT_EQ(result, std::to_string(i + 1));
    EXPECT_TRUE(WaitCounters(c, 3, i + 1, 3));
  }
  EXPECT_EQ(c.violations(), 0);
  EXPECT_TRUE(c.errors().empty()) << c.errors().front();
}

TEST(RsmClusterTest, ConcurrentIncsAllApplyOnce) {
  FakeCluster c(3, FakeCluster::Kind::kRsm, -1);
  std::vector<std::thread> ts;
  std::atomic<int> ok{0};
  for (int t = 0; t < 20; t++) {
    ts.emplace_back([&] {
      std::string r;
      if (SubmitAny(c, 3, "inc", &r) == RAFTLAB_OK) ok++;
    });
  }
  for (auto& t : ts) t.join();
  EXPECT_EQ(ok.load(), 20);
  EXPECT_TRUE(WaitCounters(c, 3, 20, 3));
  EXPECT_TRUE(c.errors().empty());
}

TEST(RsmClusterTest, FollowerSaysWrongLeaderAtOnce) {
  FakeCluster c(3, FakeCluster::Kind::kRsm, -1);
  const int leader = c.WaitLeader();
  ASSERT_GE(leader, 0);
  const int follower = (leader + 1) % 3;
  if (c.IsLeader(follower)) GTEST_SKIP() << "leadership moved; nothing to check";
  std::string r;
  EXPECT_EQ(c.Submit(follower, "dec", &r), RAFTLAB_ERR_WRONG_LEADER);
  SleepMs(200);
  EXPECT_EQ(c.violations(), 0);  // the refused op never reached the log
}

// TestLeaderPartition4A: submits to an isolated leader stay blocked while
// the majority moves on, and end with ErrWrongLeader once healed; none of
// their ops is ever applied.
TEST(RsmClusterTest, IsolatedLeaderBlocksUntilHealedThenLosesItsEntries) {
  FakeCluster c(3, FakeCluster::Kind::kRsm, -1);
  std::string r;
  ASSERT_EQ(SubmitAny(c, 3, "inc", &r), RAFTLAB_OK);
  const int old = c.WaitLeader();
  ASSERT_GE(old, 0);
  c.Disconnect(old);
  std::atomic<int> returned{0}, ok{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < 10; t++) {
    ts.emplace_back([&] {
      std::string res;
      const int32_t st = c.Submit(old, "dec", &res);
      if (st == RAFTLAB_OK) ok++;
      returned++;
    });
  }
  ASSERT_EQ(SubmitAny(c, 3, "inc", &r, old), RAFTLAB_OK);  // the majority commits
  EXPECT_EQ(r, "2");
  SleepMs(300);
  EXPECT_EQ(returned.load(), 0) << "a submit on an isolated leader gave up early";
  c.Connect(old);
  for (auto& t : ts) t.join();  // healed: every submit returns
  EXPECT_EQ(ok.load(), 0);
  EXPECT_TRUE(WaitCounters(c, 3, 2, 3));
  EXPECT_EQ(c.violations(), 0);
}

// TestShutdown4A: kill unblocks every waiting submit (RAFTLAB_ERR_KILLED).
TEST(RsmClusterTest, KillUnblocksWaitingSubmits) {
  FakeCluster c(3, FakeCluster::Kind::kRsm, -1);
  std::string r;
  ASSERT_EQ(SubmitAny(c, 3, "inc", &r), RAFTLAB_OK);
  const int old = c.WaitLeader();
  ASSERT_GE(old, 0);
  c.Disconnect(old);
  std::atomic<int> killed{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < 10; t++) {
    ts.emplace_back([&] {
      std::string res;
      if (c.Submit(old, "null", &res) == RAFTLAB_ERR_KILLED) killed++;
    });
  }
  SleepMs(100);
  c.Crash(old);  // returns only once every submit has left
  for (auto& t : ts) t.join();
  // A submit that had not entered yet when the crash began finds no
  // instance (the helper then says KILLED too).
  EXPECT_EQ(killed.load(), 10);
}

// TestSnapshot4C (rsm): snapshots keep the Raft state under 2 x
// maxraftstate, and a restart of everyone restores the counter.
TEST(RsmClusterTest, SnapshotsBoundTheLogAndRestartRestoresFromThem) {
  constexpr int64_t kMax = 1000;
  FakeCluster c(3, FakeCluster::Kind::kRsm, kMax);
  std::string r;
  for (int i = 0; i < 100; i++) ASSERT_EQ(SubmitAny(c, 3, "inc", &r), RAFTLAB_OK);
  ASSERT_TRUE(WaitCounters(c, 3, 100, 3));
  for (int i = 0; i < 3; i++) {
    EXPECT_LE(c.StateSize(i), static_cast<size_t>(2 * kMax)) << "server " << i;
    EXPECT_GT(c.SnapshotSize(i), 0u) << "server " << i;
  }
  for (int i = 0; i < 3; i++) c.Crash(i);
  for (int i = 0; i < 3; i++) c.Start(i);
  ASSERT_EQ(SubmitAny(c, 3, "inc", &r), RAFTLAB_OK);
  EXPECT_EQ(r, "101");
  EXPECT_TRUE(WaitCounters(c, 3, 101, 3));
  EXPECT_TRUE(c.errors().empty()) << c.errors().front();
}

// TestRestartReplay4A / TestRestartSubmit4A: without snapshots the log is
// replayed; submits of the old incarnation are not confused with new ones.
TEST(RsmClusterTest, RestartReplaysTheLog) {
  FakeCluster c(3, FakeCluster::Kind::kRsm, -1);
  std::string r;
  for (int i = 0; i < 20; i++) ASSERT_EQ(SubmitAny(c, 3, "inc", &r), RAFTLAB_OK);
  for (int i = 0; i < 3; i++) c.Crash(i);
  for (int i = 0; i < 3; i++) c.Start(i);
  ASSERT_EQ(SubmitAny(c, 3, "inc", &r), RAFTLAB_OK);
  EXPECT_EQ(r, "21");
  EXPECT_TRUE(WaitCounters(c, 3, 21, 3));
  EXPECT_EQ(c.SnapshotSize(0), 0u);
}

}  // namespace
}  // namespace raftlab::ref::testing
