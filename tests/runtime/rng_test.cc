// Tests of runtime/rng.{h,cc}: determinism, ranges, rough uniformity.
// Statistical bounds are 5-sigma bands for the fixed seeds used.
#include "runtime/rng.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <vector>

namespace raftlab {
namespace {

TEST(RngTest, SameSeedSameSequenceDifferentSeedDifferent) {
  Rng a(42), b(42), c(43);
  int differ = 0;
  for (int i = 0; i < 100; i++) {
    const uint64_t x = a.next();
    EXPECT_EQ(x, b.next());
    if (x != c.next()) differ++;
  }
  EXPECT_EQ(differ, 100);
}

TEST(RngTest, ZeroSeedIsUsable) {
  Rng r(0);
  std::set<uint64_t> seen;
  for (int i = 0; i < 1000; i++) seen.insert(r.next());
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(RngTest, DeriveSeedIsDeterministicAndSensitiveToEveryInput) {
  EXPECT_EQ(DeriveSeed(7, "net"), DeriveSeed(7, "net"));
  EXPECT_EQ(DeriveSeed(7, "peer", 3), DeriveSeed(7, "peer", 3));
  std::set<uint64_t> seeds = {DeriveSeed(7, "net"),     DeriveSeed(8, "net"),
                              DeriveSeed(7, "nes"),     DeriveSeed(7, ""),
                              DeriveSeed(7, "peer", 0), DeriveSeed(7, "peer", 1),
                              DeriveSeed(7, "peer", 2), DeriveSeed(8, "peer", 0)};
  EXPECT_EQ(seeds.size(), 8u);
  EXPECT_NE(DeriveSeed(7, "peer"), DeriveSeed(7, "peer", 0));
}

TEST(RngTest, BelowAndUniformStayInRangeAndHitTheEnds) {
  Rng r(1);
  bool lo = false, hi = false;
  for (int i = 0; i < 10000; i++) {
    const int64_t x = r.uniform(-3, 3);
    ASSERT_GE(x, -3);
    ASSERT_LE(x, 3);
    lo |= x == -3;
    hi |= x == 3;
    const int64_t y = r.below(27);
    ASSERT_GE(y, 0);
    ASSERT_LT(y, 27);
  }
  EXPECT_TRUE(lo);
  EXPECT_TRUE(hi);
  EXPECT_EQ(r.uniform(5, 5), 5);
  EXPECT_EQ(r.below(1), 0);
  const int64_t full = r.uniform(INT64_MIN, INT64_MAX);  // the whole range works
  (void)full;
}

TEST(RngTest, BelowIsRoughlyUniform) {
  Rng r(2024);
  const int k = 10, n = 100000;
  std::vector<int> counts(k);
  for (int i = 0; i < n; i++) counts[r.below(k)]++;
  // Each count ~ Binomial(n, 1/k): mean 10000, sd 94.9; 5 sigma = 474.
  for (int c : counts) EXPECT_NEAR(c, n / k, 474);
}

TEST(RngTest, ChanceMatchesItsProbability) {
  Rng r(77);
  const int n = 20000;
  int hits = 0;
  for (int i = 0; i < n; i++) hits += r.chance(100, 1000);
  // Binomial(20000, 0.1): mean 2000, sd 42.4; 5 sigma = 212.
  EXPECT_NEAR(hits, 2000, 212);
  EXPECT_FALSE(r.chance(0, 5));
  EXPECT_TRUE(r.chance(5, 5));
}

TEST(RngTest, UnitIsInHalfOpenInterval) {
  Rng r(5);
  double sum = 0;
  const int n = 100000;
  for (int i = 0; i < n; i++) {
    const double u = r.unit();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
  }
  // Mean 0.5, sd of the mean 0.2887/sqrt(n) = 0.00091; 5 sigma.
  EXPECT_NEAR(sum / n, 0.5, 0.0046);
}

}  // namespace
}  // namespace raftlab
