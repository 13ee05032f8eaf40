// Tests of harness/kv/kv_history.{h,cc}: the recorder of clerk calls and of
// the fault bands drawn behind them. Times come from the real Runtime; the
// tests check order relations between them, never durations.
#include "harness/kv/kv_history.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "runtime/real_runtime.h"

namespace raftlab {
namespace {

using lin::AnnotationKind;
using lin::KvErr;
using lin::Operation;

class KvHistoryTest : public ::testing::Test {
 protected:
  std::unique_ptr<Runtime> rt_ = MakeRealTimeRuntime();
  KvHistory h_{*rt_};
};

TEST_F(KvHistoryTest, RecordsOperationsFromManyThreads) {
  std::vector<std::thread> ts;
  for (int c = 0; c < 4; c++) {
    ts.emplace_back([this, c] {
      for (int i = 0; i < 250; i++) {
        const int64_t t0 = h_.NowNs();
        h_.Record(Operation::Put(c, "k", "v", 0, KvErr::kOk, t0, h_.NowNs()));
      }
    });
  }
  for (auto& t : ts) t.join();
  EXPECT_EQ(h_.size(), 1000u);
  const lin::History snap = h_.Snapshot();
  ASSERT_EQ(snap.ops.size(), 1000u);
  for (const Operation& op : snap.ops) EXPECT_LE(op.call_ns, op.return_ns);
}

TEST_F(KvHistoryTest, PartitionBandsCloseWhenTheNextOpensOrOnHeal) {
  h_.SetPartition("{0,1} | {2}");
  h_.SetPartition("{0} | {1,2}");  // closes the first
  h_.SetPartition("");              // healed: closes the second, opens none
  h_.SetPartition("");              // nothing open: no effect
  const lin::History s = h_.Snapshot();
  ASSERT_EQ(s.annotations.size(), 2u);
  EXPECT_EQ(s.annotations[0].kind, AnnotationKind::kPartition);
  EXPECT_EQ(s.annotations[0].label, "{0,1} | {2}");
  EXPECT_EQ(s.annotations[1].label, "{0} | {1,2}");
  EXPECT_LE(s.annotations[0].start_ns, s.annotations[0].end_ns);
  EXPECT_LE(s.annotations[0].end_ns, s.annotations[1].start_ns);
  EXPECT_LE(s.annotations[1].start_ns, s.annotations[1].end_ns);
}

TEST_F(KvHistoryTest, SnapshotClosesOpenBandsInTheCopyOnly) {
  h_.SetPartition("{0} | {1,2}");
  const size_t crash = h_.BeginCrash("crash all");
  const lin::History first = h_.Snapshot();
  ASSERT_EQ(first.annotations.size(), 2u);
  for (const lin::Annotation& a : first.annotations) EXPECT_GE(a.end_ns, a.start_ns);  // closed at "now"
  h_.EndCrash(crash);
  const int64_t after_end = h_.NowNs();
  const lin::History second = h_.Snapshot();
  EXPECT_EQ(second.annotations[1].kind, AnnotationKind::kCrash);
  EXPECT_LE(second.annotations[1].end_ns, after_end);  // ended by EndCrash, not by this snapshot
  EXPECT_GE(second.annotations[0].end_ns, first.annotations[0].end_ns);  // still open: a later "now"
}

TEST_F(KvHistoryTest, EndCrashIgnoresBadOrClosedHandles) {
  const size_t crash = h_.BeginCrash("crash 1");
  h_.EndCrash(crash);
  const int64_t end = h_.Snapshot().annotations[0].end_ns;
  h_.EndCrash(crash);  // already closed: keeps its end
  h_.EndCrash(99);     // no such band
  EXPECT_EQ(h_.Snapshot().annotations[0].end_ns, end);
  EXPECT_EQ(h_.Snapshot().annotations.size(), 1u);
}

TEST_F(KvHistoryTest, MarkIsAPointEvent) {
  h_.Mark("check 1 passed");
  const lin::History s = h_.Snapshot();
  ASSERT_EQ(s.annotations.size(), 1u);
  EXPECT_EQ(s.annotations[0].kind, AnnotationKind::kOther);
  EXPECT_EQ(s.annotations[0].start_ns, s.annotations[0].end_ns);
  EXPECT_EQ(s.annotations[0].label, "check 1 passed");
}

}  // namespace
}  // namespace raftlab
