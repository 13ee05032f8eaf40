// Tests of harness/kv/counter_sm.{h,cc}: the counter service the rsm tests
// put under a student's rsm, driven through its raftlab_state_machine table
// as an rsm would drive it.
#include "harness/kv/counter_sm.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace raftlab {
namespace {

using ::testing::HasSubstr;

// A raftlab_sink collecting what is written to it.
struct Collect {
  raftlab_sink sink{this, [](raftlab_sink* s, const uint8_t* d, size_t n) {
                      static_cast<Collect*>(s->ctx)->bytes.append(reinterpret_cast<const char*>(d), n);
                    }};
  std::string bytes;
};

class CounterSmTest : public ::testing::Test {
 protected:
  std::string Do(const std::string& op) {
    Collect out;
    sm_.table()->do_op(sm_.table()->ctx, reinterpret_cast<const uint8_t*>(op.data()), op.size(), &out.sink);
    return out.bytes;
  }
  std::vector<std::string> violations_;
  CounterStateMachine sm_{"server 2", [this](const std::string& m) { violations_.push_back(m); }};
};

TEST_F(CounterSmTest, TableIsComplete) {
  const raftlab_state_machine* t = sm_.table();
  EXPECT_EQ(t->struct_size, sizeof(raftlab_state_machine));
  EXPECT_NE(t->do_op, nullptr);
  EXPECT_NE(t->snapshot, nullptr);
  EXPECT_NE(t->restore, nullptr);
}

TEST_F(CounterSmTest, IncReturnsTheNewValueAndNullChangesNothing) {
  EXPECT_EQ(Do(kCounterInc), "1");
  EXPECT_EQ(Do(kCounterInc), "2");
  EXPECT_EQ(Do(kCounterNull), "");
  EXPECT_EQ(sm_.value(), 2);
  EXPECT_EQ(sm_.ops_applied(), 3);
  EXPECT_TRUE(violations_.empty());
}

TEST_F(CounterSmTest, AppliedDecIsAViolationAndIsIgnored) {
  Do(kCounterInc);
  EXPECT_EQ(Do(kCounterDec), "");
  EXPECT_EQ(sm_.value(), 1);
  ASSERT_EQ(violations_.size(), 1u);
  EXPECT_THAT(violations_[0], HasSubstr("server 2 applied a Dec"));
}

TEST_F(CounterSmTest, UnknownOpBytesAreAViolation) {
  Do("Incr");
  ASSERT_EQ(violations_.size(), 1u);
  EXPECT_THAT(violations_[0], HasSubstr("an op the harness never submitted (4 bytes)"));
  EXPECT_EQ(sm_.value(), 0);
}

TEST_F(CounterSmTest, SnapshotAndRestoreRoundTrip) {
  for (int i = 0; i < 41; i++) Do(kCounterInc);
  Collect snap;
  sm_.table()->snapshot(sm_.table()->ctx, &snap.sink);
  EXPECT_EQ(snap.bytes, "41");

  std::vector<std::string> other_violations;
  CounterStateMachine other("server 0", [&](const std::string& m) { other_violations.push_back(m); });
  other.table()->restore(other.table()->ctx, reinterpret_cast<const uint8_t*>(snap.bytes.data()), snap.bytes.size());
  EXPECT_EQ(other.value(), 41);
  other.table()->restore(other.table()->ctx, nullptr, 0);  // an empty snapshot: the initial state
  EXPECT_EQ(other.value(), 0);
  EXPECT_TRUE(other_violations.empty());
}

TEST_F(CounterSmTest, RestoringForeignBytesIsAViolationAndKeepsTheState) {
  Do(kCounterInc);
  const std::string junk = "12abc";
  sm_.table()->restore(sm_.table()->ctx, reinterpret_cast<const uint8_t*>(junk.data()), junk.size());
  EXPECT_EQ(sm_.value(), 1);
  ASSERT_EQ(violations_.size(), 1u);
  EXPECT_THAT(violations_[0], HasSubstr("restore a snapshot the counter never made (5 bytes)"));
}

}  // namespace
}  // namespace raftlab
