// Tests of the Cluster fixture: against the reference Raft (the verbs work on
// a correct Raft) and against the deliberately broken plugins of
// tests/plugins/bad_raft.c (each checker fires with the right verdict).
//
// Timing-tolerant: these tests run real peers on real time. The reference
// cases need a few seconds (leader election takes ~0.5-1 s); every bound
// they rely on is the fixture's own MIT deadline (5-10 s), far above what a
// loaded 2-core machine needs. The zombie cases shrink the 5 s kill bound
// with timeout_scale so the file stays fast.
#include "harness/raft/cluster.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <regex>

#include "harness/plugin/loader.h"
#include "runtime/real_runtime.h"
#include "tests/harness/testing/test_util.h"

namespace raftlab {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using testing::FakeTestContext;

std::string PluginPath(const std::string& name) { return std::string(RAFTLAB_TEST_PLUGIN_DIR) + "/" + name + ".so"; }

class ClusterTest : public ::testing::Test {
 protected:
  void Load(const std::string& path, double timeout_scale = 1.0) {
    StatusOr<std::unique_ptr<PluginLibrary>> lib = PluginLibrary::Open(path);
    ASSERT_TRUE(lib.ok()) << lib.status().message();
    lib_ = std::move(*lib);
    ctx_ = std::make_unique<FakeTestContext>(*rt_, lib_.get(), /*seed=*/42, timeout_scale);
  }
  ClusterOptions Options(int servers) {
    ClusterOptions o;
    o.servers = servers;
    return o;
  }

  std::unique_ptr<Runtime> rt_ = MakeRealTimeRuntime();
  std::unique_ptr<PluginLibrary> lib_;
  std::unique_ptr<FakeTestContext> ctx_;
};

#ifdef RAFTLAB_REFERENCE_PLUGIN
TEST_F(ClusterTest, ReferenceElectsALeaderAndAgrees) {
  Load(RAFTLAB_REFERENCE_PLUGIN);
  {
    Cluster c(*ctx_, Options(3));
    const int leader = c.CheckOneLeader();
    EXPECT_GE(leader, 0);
    EXPECT_LT(leader, 3);
    EXPECT_GE(c.CheckTerms(), 1);
    EXPECT_EQ(c.One(IntCommand(101), 3, false), 1);
    EXPECT_EQ(c.One(IntCommand(102), 3, false), 2);
    const ApplyChecker::Committed committed = c.NCommitted(2);
    EXPECT_EQ(committed.count, 3);
    EXPECT_EQ(committed.command, IntCommand(102));
    EXPECT_GT(c.RpcTotal(), 0);
    EXPECT_GT(c.BytesTotal(), 0);
    EXPECT_GT(c.LogSize(), 0);
    c.End();
  }
  EXPECT_FALSE(ctx_->failed()) << ctx_->failure();
  ASSERT_TRUE(ctx_->figures().has_value());
  EXPECT_EQ(ctx_->figures()->peers, 3);
  EXPECT_EQ(ctx_->figures()->commands, 2);
  EXPECT_GT(ctx_->figures()->rpcs, 0);
}

TEST_F(ClusterTest, ReferenceSurvivesCrashAndRestart) {
  Load(RAFTLAB_REFERENCE_PLUGIN);
  {
    Cluster c(*ctx_, Options(3));
    c.One(IntCommand(11), 3, true);
    const int leader = c.CheckOneLeader();
    c.Crash(leader);
    EXPECT_FALSE(c.IsUp(leader));
    EXPECT_FALSE(c.Start(leader, IntCommand(1)).is_leader);  // a down peer is never leader
    c.One(IntCommand(12), 2, true);
    c.Restart(leader);
    EXPECT_TRUE(c.IsUp(leader));
    // The restarted peer re-applies from index 1 and catches up with index 3.
    c.One(IntCommand(13), 3, true);
    EXPECT_EQ(c.Wait(3, 3, -1), IntCommand(13));
    c.End();
  }
  EXPECT_FALSE(ctx_->failed()) << ctx_->failure();
  EXPECT_THAT(ctx_->events(), ::testing::Contains(HasSubstr("crash peer")));
}

TEST_F(ClusterTest, ReferenceSnapshotModeKeepsTheLogSmall) {
  Load(RAFTLAB_REFERENCE_PLUGIN);
  {
    ClusterOptions o = Options(3);
    o.snapshot_interval = 10;
    Cluster c(*ctx_, o);
    for (int i = 0; i < 25; i++) c.One(IntCommand(1000 + i), 3, true);
    EXPECT_LT(c.LogSize(), 2000);
    const int follower = (c.CheckOneLeader() + 1) % 3;
    c.Crash(follower);
    c.Restart(follower);  // resumes from its persisted snapshot (index 19)
    c.One(IntCommand(7), 3, true);
    c.End();
  }
  EXPECT_FALSE(ctx_->failed()) << ctx_->failure();
}
#endif  // RAFTLAB_REFERENCE_PLUGIN

TEST_F(ClusterTest, TwoLeadersInOneTermFailElectionSafety) {
  Load(PluginPath("bad_two_leaders"));
  Cluster c(*ctx_, Options(3));
  try {
    c.CheckOneLeader();
    FAIL() << "CheckOneLeader accepted two leaders in one term";
  } catch (const TestFailed& e) {
    EXPECT_THAT(e.what(), StartsWith("election safety violated: term 1 has leaders 0 and 1 (Figure 3"));
  }
}

// Runs a cluster of the given plugin until a failure is recorded (found on
// an applier thread; possibly already while the peers start, in which case
// the constructor throws it) or 5 s pass.
void RunUntilFailure(FakeTestContext& ctx, int servers) {
  ClusterOptions o;
  o.servers = servers;
  try {
    Cluster c(ctx, o);
    ctx.WaitForFailure(std::chrono::seconds(5));
    // Once failed, the scenario thread's next verb throws the verdict.
    EXPECT_THROW(c.NCommitted(1), TestFailed);
  } catch (const TestFailed&) {
  }
}

TEST_F(ClusterTest, OutOfOrderApplyIsCaughtOnTheApplyPath) {
  Load(PluginPath("bad_out_of_order"));
  RunUntilFailure(*ctx_, 3);
  // Nothing asked for it: the applier thread found it by itself.
  EXPECT_THAT(ctx_->failure(), ContainsRegex("^server [0-2] apply out of order: expected index 2, got 3 "));
}

TEST_F(ClusterTest, DivergentCommitsAreACommitMismatch) {
  Load(PluginPath("bad_divergent"));
  RunUntilFailure(*ctx_, 3);
  // Both servers and both values are named: "server=i peer-i != server=j peer-j".
  const std::regex want(R"(^commit index=1 server=([0-2]) peer-\1 != server=([0-2]) peer-\2 \()");
  EXPECT_TRUE(std::regex_search(ctx_->failure(), want)) << ctx_->failure();
  EXPECT_THAT(ctx_->failure(), HasSubstr("State Machine Safety"));
}

TEST_F(ClusterTest, KillThatLeavesAThreadRunningIsAZombie) {
  Load(PluginPath("bad_zombie_thread"));
  Cluster c(*ctx_, Options(1));
  try {
    c.Crash(0);
    FAIL() << "the zombie went unnoticed";
  } catch (const TestFailed& e) {
    EXPECT_STREQ(e.what(),
                 "peer 0 is a zombie: kill() returned but 1 thread it started is still running (join every thread "
                 "before kill() returns)");
  }
  EXPECT_FALSE(c.IsUp(0));
}

TEST_F(ClusterTest, KillThatNeverReturnsIsAZombie) {
  Load(PluginPath("bad_kill_hangs"), /*timeout_scale=*/0.1);  // kill bound 5 s -> 0.5 s
  Cluster c(*ctx_, Options(1));
  try {
    c.Crash(0);
    FAIL() << "the hanging kill() went unnoticed";
  } catch (const TestFailed& e) {
    EXPECT_THAT(e.what(), StartsWith("peer 0 is a zombie: kill() did not return within 0.5 s"));
  }
}

TEST_F(ClusterTest, ZombieFoundAtTeardownIsRecordedWithoutThrowing) {
  Load(PluginPath("bad_zombie_thread"));
  { Cluster c(*ctx_, Options(2)); }  // the destructor shuts both peers down
  EXPECT_THAT(ctx_->failure(), HasSubstr("is a zombie"));
}

TEST_F(ClusterTest, HealthyPluginShutsDownCleanly) {
  Load(PluginPath("ok_plugin"));
  {
    Cluster c(*ctx_, Options(3));
    c.Crash(1);
    c.Restart(1);
    EXPECT_EQ(c.GetState(1).term, 0);
    c.Disconnect(2);
    EXPECT_FALSE(c.IsConnected(2));
    c.Connect(2);
    EXPECT_TRUE(c.IsConnected(2));
    c.CheckNoLeader();
  }
  EXPECT_FALSE(ctx_->failed()) << ctx_->failure();
}

TEST_F(ClusterTest, NoLeaderIsMitsMessage) {
  Load(PluginPath("ok_plugin"), /*timeout_scale=*/0.1);  // 1 round of ~0.5 s instead of 10
  Cluster c(*ctx_, Options(3));
  try {
    c.CheckOneLeader();
    FAIL() << "CheckOneLeader found a leader in a plugin that never elects one";
  } catch (const TestFailed& e) {
    EXPECT_STREQ(e.what(), "expected one leader, got none");
  }
}

}  // namespace
}  // namespace raftlab
