// Tests of harness/raft/cluster_replay.cc: recording one peer's requests and
// delivering them again, on the reference Raft.
//
// Timing-tolerant: real peers on real time. The only waits are the
// fixture's own MIT deadlines (leader election, one()) and a 600 ms
// recording window in which a leader sends several heartbeats (the
// reference sends 10 per second); that window needs no precision.
#include "harness/raft/cluster.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "harness/plugin/loader.h"
#include "runtime/real_runtime.h"
#include "tests/harness/testing/test_util.h"

namespace raftlab {
namespace {

using ::testing::StartsWith;
using testing::FakeTestContext;

#ifdef RAFTLAB_REFERENCE_PLUGIN
class ClusterReplayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StatusOr<std::unique_ptr<PluginLibrary>> lib = PluginLibrary::Open(RAFTLAB_REFERENCE_PLUGIN);
    ASSERT_TRUE(lib.ok()) << lib.status().message();
    lib_ = std::move(*lib);
    ctx_ = std::make_unique<FakeTestContext>(*rt_, lib_.get(), /*seed=*/7, 1.0);
  }
  std::unique_ptr<Runtime> rt_ = MakeRealTimeRuntime();
  std::unique_ptr<PluginLibrary> lib_;
  std::unique_ptr<FakeTestContext> ctx_;
};

TEST_F(ClusterReplayTest, RecordsTheLeadersRequestsAndReplaysThemToConnectedPeersOnly) {
  {
    ClusterOptions o;
    o.servers = 3;
    Cluster c(*ctx_, o);
    EXPECT_TRUE(c.StopRecording().empty());  // nothing was being recorded
    const int leader = c.CheckOneLeader();
    c.StartRecording(leader);
    c.One(IntCommand(5), 3, true);
    c.SleepUnscaled(Millis(600));
    const std::vector<RecordedRequest> got = c.StopRecording();
    ASSERT_FALSE(got.empty());
    std::set<int> destinations;
    for (const RecordedRequest& r : got) {
      EXPECT_EQ(r.from, leader);
      EXPECT_NE(r.to, leader);
      EXPECT_THAT(r.method, StartsWith("Raft."));
      EXPECT_FALSE(r.request.empty());
      destinations.insert(r.to);
    }
    EXPECT_EQ(destinations.size(), 2u);  // heartbeats reach both followers

    const RecordedRequest& first = got.front();
    EXPECT_TRUE(c.Replay(first));  // a duplicate of an old, same-term request: harmless
    c.Disconnect(first.to);
    EXPECT_FALSE(c.Replay(first));  // a cut-off peer receives nothing
    c.Connect(first.to);
    c.Crash(first.to);
    EXPECT_FALSE(c.Replay(first));  // nor does a crashed one
    c.Restart(first.to);
    EXPECT_TRUE(c.Replay(first));   // its new incarnation does
    RecordedRequest bad = first;
    bad.to = 7;
    EXPECT_FALSE(c.Replay(bad));
    // A correct Raft shrugs off every duplicate: agreement still works.
    for (const RecordedRequest& r : got) c.Replay(r);
    c.One(IntCommand(6), 3, true);
    c.End();
  }
  EXPECT_FALSE(ctx_->failed()) << ctx_->failure();
}
#endif

}  // namespace
}  // namespace raftlab
