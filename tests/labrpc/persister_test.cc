// Tests of labrpc/persister.{h,cc}: copies on read, atomic Save, Copy().
#include "labrpc/persister.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "runtime/real_runtime.h"

namespace raftlab::labrpc {
namespace {

using Blob = std::vector<uint8_t>;

class PersisterTest : public ::testing::Test {
 protected:
  std::unique_ptr<Runtime> rt_ = MakeRealTimeRuntime();
};

TEST_F(PersisterTest, StartsEmpty) {
  Persister p(*rt_);
  EXPECT_TRUE(p.ReadRaftState().empty());
  EXPECT_TRUE(p.ReadSnapshot().empty());
  EXPECT_EQ(p.RaftStateSize(), 0u);
  EXPECT_EQ(p.SnapshotSize(), 0u);
}

TEST_F(PersisterTest, SaveStoresCopiesAndReadsReturnCopies) {
  Persister p(*rt_);
  Blob state{1, 2, 3}, snap{9, 8};
  p.Save(state, snap);
  state[0] = 100;  // the caller's buffer is not the stored one
  snap.clear();
  EXPECT_EQ(p.ReadRaftState(), (Blob{1, 2, 3}));
  EXPECT_EQ(p.ReadSnapshot(), (Blob{9, 8}));
  Blob read = p.ReadRaftState();
  read[1] = 200;  // nor is a read
  EXPECT_EQ(p.ReadRaftState(), (Blob{1, 2, 3}));
  EXPECT_EQ(p.RaftStateSize(), 3u);
  EXPECT_EQ(p.SnapshotSize(), 2u);
}

TEST_F(PersisterTest, EmptySnapshotErasesTheOldOne) {
  Persister p(*rt_);
  p.Save(Blob{1}, Blob{2, 2});
  p.Save(Blob{3, 3, 3}, {});
  EXPECT_EQ(p.ReadRaftState(), (Blob{3, 3, 3}));
  EXPECT_EQ(p.SnapshotSize(), 0u);
}

TEST_F(PersisterTest, CopyIsIndependentInBothDirections) {
  auto p = std::make_shared<Persister>(*rt_);
  p->Save(Blob{1, 1}, Blob{5});
  auto c = p->Copy();
  EXPECT_EQ(c->ReadRaftState(), (Blob{1, 1}));
  EXPECT_EQ(c->ReadSnapshot(), (Blob{5}));
  // A zombie writing to the old Persister after the crash point...
  p->Save(Blob{7, 7, 7}, Blob{6, 6});
  // ...never reaches the copy the next incarnation gets.
  EXPECT_EQ(c->ReadRaftState(), (Blob{1, 1}));
  EXPECT_EQ(c->SnapshotSize(), 1u);
  c->Save(Blob{4}, {});
  EXPECT_EQ(p->ReadRaftState(), (Blob{7, 7, 7}));
  EXPECT_EQ(p->ReadSnapshot(), (Blob{6, 6}));
}

// Readers never see the state of one Save with the snapshot of another: each
// Save writes a state and snapshot that carry the same marker byte.
TEST_F(PersisterTest, SaveIsAtomicUnderConcurrentReaders) {
  Persister p(*rt_);
  p.Save(Blob(10, 0), Blob(20, 0));
  std::atomic<bool> stop{false};
  std::atomic<int> torn{0};
  std::thread reader([&] {
    while (!stop.load()) {
      auto copy = p.Copy();  // one atomic view of both blobs
      const Blob s = copy->ReadRaftState();
      const Blob n = copy->ReadSnapshot();
      if (s.empty() || n.empty() || s[0] != n[0] || s.size() * 2 != n.size()) torn++;
    }
  });
  for (int i = 1; i <= 20000; i++) {
    const uint8_t m = static_cast<uint8_t>(i);
    const size_t len = 1 + static_cast<size_t>(i % 50);
    p.Save(Blob(len, m), Blob(2 * len, m));
  }
  stop = true;
  reader.join();
  EXPECT_EQ(torn.load(), 0);
}

}  // namespace
}  // namespace raftlab::labrpc
