// Unit tests of the reference Raft's log (reference/log.cc): indexing around
// the snapshot offset, slicing, truncation and the fast-backup searches.
#include "reference/log.h"

#include <gtest/gtest.h>

#include "tests/reference/test_util.h"

namespace raftlab::ref {
namespace {

using testing::B;
using testing::E;

// Terms by index: 1 1 2 2 2 4 4 (indices 1..7).
Log Sample() { return Log(0, 0, {E(1, "1"), E(1, "2"), E(2, "3"), E(2, "4"), E(2, "5"), E(4, "6"), E(4, "7")}); }

TEST(Log, EmptyLogHasIndexZeroWithTermZero) {
  Log log;
  EXPECT_EQ(log.LastIndex(), 0);
  EXPECT_EQ(log.LastTerm(), 0);
  EXPECT_EQ(log.Term(0), 0);
  EXPECT_FALSE(log.Term(1).has_value());
}

TEST(Log, IndicesStartAtOne) {
  Log log;
  log.Append(E(1, "a"));
  EXPECT_EQ(log.LastIndex(), 1);
  EXPECT_EQ(log.At(1).command, B("a"));
  EXPECT_EQ(log.Term(1), 1);
}

TEST(Log, SearchesForFastBackup) {
  Log log = Sample();
  EXPECT_EQ(log.FirstIndexOfTermAt(5), 3);
  EXPECT_EQ(log.FirstIndexOfTermAt(3), 3);
  EXPECT_EQ(log.FirstIndexOfTermAt(7), 6);
  EXPECT_EQ(log.FirstIndexOfTermAt(2), 1);
  EXPECT_EQ(log.LastIndexOfTerm(1), 2);
  EXPECT_EQ(log.LastIndexOfTerm(2), 5);
  EXPECT_EQ(log.LastIndexOfTerm(4), 7);
  EXPECT_FALSE(log.LastIndexOfTerm(3).has_value());
  EXPECT_FALSE(log.LastIndexOfTerm(5).has_value());
}

TEST(Log, TruncateFromRemovesTheSuffix) {
  Log log = Sample();
  log.TruncateFrom(4);
  EXPECT_EQ(log.LastIndex(), 3);
  EXPECT_EQ(log.LastTerm(), 2);
  log.TruncateFrom(10);  // beyond the end: no-op
  EXPECT_EQ(log.LastIndex(), 3);
}

TEST(Log, CompactToKeepsLastIncludedIndexAndTerm) {
  Log log = Sample();
  log.CompactTo(4);
  EXPECT_EQ(log.snapshot_index(), 4);
  EXPECT_EQ(log.snapshot_term(), 2);
  EXPECT_EQ(log.LastIndex(), 7);
  EXPECT_EQ(log.size(), 3u);
  EXPECT_EQ(log.Term(4), 2);  // still known: AppendEntries checks prevLogTerm here
  EXPECT_FALSE(log.Term(3).has_value());
  EXPECT_EQ(log.At(5).command, B("5"));
  // The term-2 run now starts right after the snapshot.
  EXPECT_EQ(log.FirstIndexOfTermAt(5), 5);
  log.CheckInvariants();
}

TEST(Log, CompactToTheEndLeavesAnEmptyLogAfterTheSnapshot) {
  Log log = Sample();
  log.CompactTo(7);
  EXPECT_EQ(log.size(), 0u);
  EXPECT_EQ(log.LastIndex(), 7);
  EXPECT_EQ(log.LastTerm(), 4);
  log.Append(E(5, "8"));
  EXPECT_EQ(log.LastIndex(), 8);
}

TEST(Log, ResetToSnapshotDropsEverything) {
  Log log = Sample();
  log.ResetToSnapshot(20, 6);
  EXPECT_EQ(log.LastIndex(), 20);
  EXPECT_EQ(log.LastTerm(), 6);
  EXPECT_EQ(log.size(), 0u);
}

TEST(Log, SliceRespectsCountAndByteLimitsButReturnsAtLeastOne) {
  Log log;
  for (int i = 1; i <= 10; i++) log.Append(Entry{1, Bytes(100, static_cast<uint8_t>(i))});
  EXPECT_EQ(log.Slice(1, 100, 1 << 20).size(), 10u);
  EXPECT_EQ(log.Slice(3, 4, 1 << 20).size(), 4u);
  EXPECT_EQ(log.Slice(1, 100, 250).size(), 2u);
  auto one = log.Slice(10, 100, 1);  // one entry even if it alone exceeds max_bytes
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].command[0], 10);
}

TEST(Log, ConstructedAfterASnapshot) {
  Log log(5, 2, {E(2, "6"), E(3, "7")});
  EXPECT_EQ(log.Term(5), 2);
  EXPECT_EQ(log.At(6).command, B("6"));
  EXPECT_EQ(log.LastIndex(), 7);
}

}  // namespace
}  // namespace raftlab::ref
