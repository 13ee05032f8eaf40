// Tests of labrpc/mesh.{h,cc}: MIT's connect/disconnect wiring, partitions,
// fresh end names per incarnation, client ends.
//
// Failure delays are recorded and skipped (RecordingRuntime, speedup 0) so
// that checking many failing links stays fast.
#include "labrpc/mesh.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "tests/labrpc/test_util.h"
#include "runtime/real_runtime.h"

namespace raftlab::labrpc {
namespace {

using testing::B;
using testing::MakeEchoServer;
using testing::RecordingRuntime;

class MeshTest : public ::testing::Test {
 protected:
  static constexpr int kN = 5;

  MeshTest() : rec_(*rt_, 0), net_(rec_, 5), mesh_(net_, kN, 11) {
    for (int i = 0; i < kN; i++) {
      net_.AddServer(mesh_.ServerName(i), MakeEchoServer());
      ends_.push_back(mesh_.MakeEndsFor(i));
    }
  }

  bool Link(int i, int j) {
    Bytes r;
    return ends_[i][j]->Call("Echo.Echo", B("ping"), &r);
  }

  // The set of working links i->j, as a matrix string, row by row.
  std::string Links() {
    std::string s;
    for (int i = 0; i < kN; i++) {
      for (int j = 0; j < kN; j++) s += Link(i, j) ? '1' : '.';
      s += '/';
    }
    return s;
  }

  std::unique_ptr<Runtime> rt_ = MakeRealTimeRuntime();
  RecordingRuntime rec_;
  Network net_;
  Mesh mesh_;
  std::vector<std::vector<std::shared_ptr<ClientEnd>>> ends_;
};

TEST_F(MeshTest, StartsFullyConnectedWithFreshRandomNames) {
  EXPECT_EQ(Links(), "11111/11111/11111/11111/11111/");
  std::set<std::string> names;
  for (const auto& row : ends_) {
    for (const auto& e : row) {
      EXPECT_EQ(e->name().size(), 20u);
      names.insert(e->name());
    }
  }
  EXPECT_EQ(names.size(), static_cast<size_t>(kN * kN));
  EXPECT_EQ(mesh_.ServerName(3), "server-3");
  EXPECT_EQ(mesh_.size(), kN);
}

TEST_F(MeshTest, EndNamesAreThePeersCurrentEnds) {
  for (int j = 0; j < kN; j++) EXPECT_EQ(mesh_.EndNames(2)[j], ends_[2][j]->name());
  const auto fresh = mesh_.MakeEndsFor(2);  // a restart: new ends replace the old
  ASSERT_EQ(mesh_.EndNames(2).size(), static_cast<size_t>(kN));
  for (int j = 0; j < kN; j++) {
    EXPECT_EQ(mesh_.EndNames(2)[j], fresh[j]->name());
    EXPECT_NE(mesh_.EndNames(2)[j], ends_[2][j]->name());
  }
}

TEST_F(MeshTest, DisconnectCutsBothDirectionsAndConnectRestores) {
  mesh_.Disconnect(1);
  EXPECT_FALSE(mesh_.IsConnected(1));
  EXPECT_EQ(Links(), "1.111/...../1.111/1.111/1.111/");
  mesh_.Disconnect(3);
  EXPECT_EQ(Links(), "1.1.1/...../1.1.1/...../1.1.1/");
  mesh_.Connect(1);
  EXPECT_TRUE(mesh_.IsConnected(1));
  EXPECT_EQ(Links(), "111.1/111.1/111.1/...../111.1/");
}

TEST_F(MeshTest, PartitionIsolateHeal) {
  mesh_.Partition({{0, 1}, {2, 3}});  // 4 in no group: cut off
  EXPECT_EQ(Links(), "11.../11.../..11./..11./...../");
  EXPECT_FALSE(mesh_.IsConnected(4));
  mesh_.Heal();
  EXPECT_EQ(Links(), "11111/11111/11111/11111/11111/");
  mesh_.Isolate(2);
  EXPECT_EQ(Links(), "11.11/11.11/...../11.11/11.11/");
  mesh_.Partition({{4}, {0, 1, 2, 3}});
  EXPECT_EQ(Links(), "1111./1111./1111./1111./....1/");
  mesh_.Partition({{0, 1}, {2, 3}});
  mesh_.Connect(4);  // a cut-off peer joins group 0, the first group
  EXPECT_EQ(Links(), "11..1/11..1/..11./..11./11..1/");
  mesh_.Heal();
  EXPECT_EQ(Links(), "11111/11111/11111/11111/11111/");
}

TEST_F(MeshTest, OldIncarnationEndsCanNeverTalkAgain) {
  auto old = ends_[2];
  ends_[2] = mesh_.MakeEndsFor(2);  // restart of peer 2
  net_.AddServer(mesh_.ServerName(2), MakeEchoServer());
  for (int j = 0; j < kN; j++) EXPECT_NE(old[j]->name(), ends_[2][j]->name());
  mesh_.Disconnect(2);
  mesh_.Connect(2);
  mesh_.Partition({{0, 1, 2, 3, 4}});
  mesh_.Heal();
  Bytes r;
  for (int j = 0; j < kN; j++) {
    EXPECT_FALSE(old[j]->Call("Echo.Echo", B("zombie"), &r)) << j;
    EXPECT_TRUE(ends_[2][j]->Call("Echo.Echo", B("alive"), &r)) << j;
  }
  // Others still reach peer 2's name (now its new Server).
  EXPECT_TRUE(Link(0, 2));
}

TEST_F(MeshTest, NewEndsOfDisconnectedPeerStartDisabled) {
  mesh_.Disconnect(3);
  ends_[3] = mesh_.MakeEndsFor(3);
  for (int j = 0; j < kN; j++) EXPECT_FALSE(Link(3, j));
  mesh_.Connect(3);
  for (int j = 0; j < kN; j++) EXPECT_TRUE(Link(3, j));
}

TEST_F(MeshTest, ClientEndsIgnorePeerGroupsAndFollowConnectClient) {
  auto ck = mesh_.MakeClientEnds("clerk-0", {0, 2, 4});
  ASSERT_EQ(ck.size(), 3u);
  mesh_.Disconnect(2);  // a peer partition does not cut clients
  Bytes r;
  for (auto& e : ck) EXPECT_TRUE(e->Call("Echo.Echo", B("c"), &r));
  mesh_.ConnectClient("clerk-0", {4});
  EXPECT_FALSE(ck[0]->Call("Echo.Echo", B("c"), &r));
  EXPECT_FALSE(ck[1]->Call("Echo.Echo", B("c"), &r));
  EXPECT_TRUE(ck[2]->Call("Echo.Echo", B("c"), &r));
  net_.DeleteServer(mesh_.ServerName(4));  // a crashed server fails anyway
  EXPECT_FALSE(ck[2]->Call("Echo.Echo", B("c"), &r));
}

}  // namespace
}  // namespace raftlab::labrpc
