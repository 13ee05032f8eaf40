// Tests of harness/linearizability/memo_cache.cc.
#include "harness/linearizability/memo_cache.h"

#include <gtest/gtest.h>

#include <vector>

namespace raftlab::lin {
namespace {

TEST(MemoCacheTest, InsertsOnceAndDistinguishesStates) {
  MemoCache c(2);
  uint64_t bits[2] = {5, 1};
  EXPECT_TRUE(c.Insert(bits, 99, 1, 1));
  EXPECT_FALSE(c.Insert(bits, 99, 1, 1));
  EXPECT_TRUE(c.Insert(bits, 99, 2, 1));  // other value
  EXPECT_TRUE(c.Insert(bits, 99, 1, 2));  // other version
  EXPECT_EQ(c.size(), 3u);
}

TEST(MemoCacheTest, EqualHashesWithDifferentBitsAreDistinct) {
  MemoCache c(1);
  uint64_t a = 1, b = 2;
  EXPECT_TRUE(c.Insert(&a, 7, 0, 0));
  EXPECT_TRUE(c.Insert(&b, 7, 0, 0));  // same caller hash, other set
  EXPECT_FALSE(c.Insert(&b, 7, 0, 0));
}

TEST(MemoCacheTest, SurvivesGrowth) {
  MemoCache c(1);
  for (uint64_t i = 0; i < 50'000; ++i) ASSERT_TRUE(c.Insert(&i, Mix64(i), 0, i % 3));
  for (uint64_t i = 0; i < 50'000; ++i) ASSERT_FALSE(c.Insert(&i, Mix64(i), 0, i % 3));
  EXPECT_EQ(c.size(), 50'000u);
}

}  // namespace
}  // namespace raftlab::lin
