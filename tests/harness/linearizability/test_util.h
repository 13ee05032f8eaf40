// Shared helpers for the linearizability tests: short op builders, a steady
// clock for budgets, and a witness validator that re-checks a linearization
// the checker claims (so a checker that says "ok" without a real witness
// fails the tests).
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>

#include "harness/linearizability/checker.h"
#include "harness/linearizability/history.h"
#include "harness/linearizability/kv_model.h"

namespace raftlab::lin::testing {

inline Operation G(int client, const std::string& key, const std::string& value, uint64_t version,
                   int64_t call, int64_t ret) {
  return Operation::Get(client, key, value, version, KvErr::kOk, call, ret);
}
inline Operation GNoKey(int client, const std::string& key, int64_t call, int64_t ret) {
  return Operation::Get(client, key, "", 0, KvErr::kErrNoKey, call, ret);
}
inline Operation P(int client, const std::string& key, const std::string& value, uint64_t version,
                   KvErr err, int64_t call, int64_t ret) {
  return Operation::Put(client, key, value, version, err, call, ret);
}

inline int64_t SteadyNowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

inline CheckOptions SteadyBudget(int64_t budget_ns) {
  CheckOptions o;
  o.budget_ns = budget_ns;
  o.now_ns = SteadyNowNs;
  return o;
}

// Checks that k.linearization is a full, legal, real-time-respecting order of
// the key's operations.
inline ::testing::AssertionResult ValidWitness(const History& h, const KeyResult& k) {
  if (k.linearization.size() != k.ops.size()) {
    return ::testing::AssertionFailure() << "witness has " << k.linearization.size() << " of "
                                         << k.ops.size() << " ops";
  }
  std::set<size_t> seen;
  StringState s;
  StringState succ[kMaxSuccessors];
  for (size_t j = 0; j < k.linearization.size(); ++j) {
    const LinearizedOp& l = k.linearization[j];
    const Operation& op = h.ops[l.op];
    if (op.key != k.key || !seen.insert(l.op).second) {
      return ::testing::AssertionFailure() << "bad or repeated op " << l.op;
    }
    const int n = StepRegister(s, ToRegisterOp(op), succ);
    if (l.variant >= n) {
      return ::testing::AssertionFailure() << "step " << j << " illegal: " << DescribeOperation(op)
                                           << " in " << DescribeState(s);
    }
    s = succ[l.variant];
    // Real time: nothing placed later may have returned before this call.
    for (size_t m = j + 1; m < k.linearization.size(); ++m) {
      if (h.ops[k.linearization[m].op].return_ns < op.call_ns) {
        return ::testing::AssertionFailure() << "real-time order broken at step " << j;
      }
    }
  }
  return ::testing::AssertionSuccess();
}

}  // namespace raftlab::lin::testing
