// Tests of harness/linearizability/sim_history.cc: the generator really
// produces concurrent, per-client sequential, linearizable histories.
#include "harness/linearizability/sim_history.h"

#include <gtest/gtest.h>

#include <map>

#include "harness/linearizability/checker.h"
#include "tests/harness/linearizability/test_util.h"

namespace raftlab::lin {
namespace {

SimOptions Small() {
  SimOptions o;
  o.seed = 7;
  o.clients = 8;
  o.keys = 3;
  o.ops = 600;
  return o;
}

TEST(SimHistoryTest, DeterministicForASeed) {
  SimHistory a = SimulateRegisterHistory(Small());
  SimHistory b = SimulateRegisterHistory(Small());
  ASSERT_EQ(a.history.ops.size(), 600u);
  for (size_t i = 0; i < a.history.ops.size(); ++i) {
    EXPECT_EQ(DescribeOperation(a.history.ops[i]), DescribeOperation(b.history.ops[i]));
    EXPECT_EQ(a.history.ops[i].call_ns, b.history.ops[i].call_ns);
  }
  SimOptions other = Small();
  other.seed = 8;
  SimHistory c = SimulateRegisterHistory(other);
  int differ = 0;
  for (size_t i = 0; i < c.history.ops.size(); ++i) {
    differ += a.history.ops[i].call_ns != c.history.ops[i].call_ns;
  }
  EXPECT_GT(differ, 0);
}

TEST(SimHistoryTest, ClientsAreSequentialButOverlapEachOther) {
  SimHistory s = SimulateRegisterHistory(Small());
  std::map<int, int64_t> last_return;
  int overlaps = 0;
  const auto& ops = s.history.ops;
  for (size_t i = 0; i < ops.size(); ++i) {
    auto it = last_return.find(ops[i].client);
    if (it != last_return.end()) {
      EXPECT_GT(ops[i].call_ns, it->second);
    }
    last_return[ops[i].client] = ops[i].return_ns;
    if (i > 0 && ops[i].call_ns < ops[i - 1].return_ns) ++overlaps;
  }
  EXPECT_GT(overlaps, 100);  // the history is really concurrent
}

TEST(SimHistoryTest, HasEveryOutcomeAndIsLinearizable) {
  SimHistory s = SimulateRegisterHistory(Small());
  std::map<KvErr, int> puts;
  for (const Operation& op : s.history.ops) {
    if (op.kind == OpKind::kPut) ++puts[op.err];
  }
  EXPECT_GT(puts[KvErr::kOk], 0);
  EXPECT_GT(puts[KvErr::kErrVersion], 0);
  EXPECT_GT(puts[KvErr::kErrMaybe], 0);
  StatusOr<CheckReport> r = CheckHistory(s.history);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->result, CheckResult::kOk) << r->Summary(s.history);
  for (const KeyResult& k : r->keys) EXPECT_TRUE(testing::ValidWitness(s.history, k));
}

TEST(SimHistoryTest, InjectedStaleReadIsAGetAndIllegal) {
  SimOptions o = Small();
  o.inject_stale_read = true;
  SimHistory s = SimulateRegisterHistory(o);
  ASSERT_GE(s.stale_read, 0);
  EXPECT_EQ(s.history.ops[s.stale_read].kind, OpKind::kGet);
  StatusOr<CheckReport> r = CheckHistory(s.history);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->result, CheckResult::kIllegal);
}

}  // namespace
}  // namespace raftlab::lin
