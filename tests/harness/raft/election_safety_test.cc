// Unit tests of ElectionSafety (at most one leader per term, Figure 3).
#include "harness/raft/election_safety.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runtime/real_runtime.h"

namespace raftlab {
namespace {

using ::testing::StartsWith;

class ElectionSafetyTest : public ::testing::Test {
 protected:
  std::unique_ptr<Runtime> rt_ = MakeRealTimeRuntime();
  ElectionSafety safety_{*rt_, 3};
};

TEST_F(ElectionSafetyTest, OneLeaderPerTermPasses) {
  EXPECT_TRUE(safety_.Observe(0, 1, true).ok());
  EXPECT_TRUE(safety_.Observe(0, 1, true).ok());   // the same leader again
  EXPECT_TRUE(safety_.Observe(1, 1, false).ok());  // followers never conflict
  EXPECT_TRUE(safety_.Observe(2, 2, true).ok());   // a new term, a new leader
  EXPECT_TRUE(safety_.Observe(0, 1, true).ok());   // a stale leader of an old term is allowed
  EXPECT_EQ(safety_.LeaderOf(1), 0);
  EXPECT_EQ(safety_.LeaderOf(2), 2);
  EXPECT_FALSE(safety_.LeaderOf(3).has_value());
}

TEST_F(ElectionSafetyTest, TwoLeadersInOneTermAreAViolation) {
  ASSERT_TRUE(safety_.Observe(2, 5, true).ok());
  Status st = safety_.Observe(0, 5, true);
  ASSERT_FALSE(st.ok());
  EXPECT_THAT(st.message(), StartsWith("election safety violated: term 5 has leaders 0 and 2 (Figure 3: at most "
                                       "one leader per term"));
  // The first violation sticks, even for later correct observations.
  EXPECT_EQ(safety_.Observe(1, 6, true).message(), st.message());
}

TEST_F(ElectionSafetyTest, RemembersTheLastTermOfEachServer) {
  EXPECT_EQ(safety_.LastTerm(1), -1);
  ASSERT_TRUE(safety_.Observe(1, 3, false).ok());
  ASSERT_TRUE(safety_.Observe(1, 4, false).ok());
  EXPECT_EQ(safety_.LastTerm(1), 4);
  EXPECT_EQ(safety_.LastTerm(7), -1);  // out of range: no crash
}

}  // namespace
}  // namespace raftlab
