// Tests of harness/linearizability/checker.cc: hand-made histories that are
// and are not linearizable, per-key attribution, the time budget, and large
// generated histories.
#include "harness/linearizability/checker.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

#include "harness/linearizability/sim_history.h"
#include "runtime/rng.h"
#include "tests/harness/linearizability/test_util.h"

namespace raftlab::lin {
namespace {

using testing::G;
using testing::GNoKey;
using testing::P;
using testing::ValidWitness;

constexpr KvErr kOk = KvErr::kOk;
constexpr KvErr kMaybe = KvErr::kErrMaybe;

CheckReport Check(const History& h, const CheckOptions& o = {}) {
  StatusOr<CheckReport> r = CheckHistory(h, o);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.value();
}

History Of(std::vector<Operation> ops) { return History{std::move(ops), {}}; }

// Expects kOk with a valid witness for every key.
void ExpectLinearizable(const History& h) {
  CheckReport r = Check(h);
  ASSERT_EQ(r.result, CheckResult::kOk) << r.Summary(h);
  for (const KeyResult& k : r.keys) EXPECT_TRUE(ValidWitness(h, k)) << k.key;
}

// Expects kIllegal with `unplaced` as the operation that could not be placed
// after a prefix of `prefix` operations.
void ExpectIllegal(const History& h, size_t unplaced, size_t prefix) {
  CheckReport r = Check(h);
  ASSERT_EQ(r.result, CheckResult::kIllegal);
  const KeyResult* k = r.FirstIllegal();
  ASSERT_NE(k, nullptr);
  ASSERT_TRUE(k->has_unplaced);
  EXPECT_EQ(k->unplaced, unplaced) << r.Summary(h);
  EXPECT_EQ(k->linearization.size(), prefix) << r.Summary(h);
  EXPECT_NE(r.Summary(h).find("history is not linearizable"), std::string::npos);
}

TEST(CheckerTest, EmptyHistoryIsLinearizable) {
  CheckReport r = Check(History{});
  EXPECT_EQ(r.result, CheckResult::kOk);
  EXPECT_TRUE(r.keys.empty());
}

TEST(CheckerTest, SequentialPutThenGet) {
  ExpectLinearizable(Of({P(0, "k", "x", 0, kOk, 0, 10), G(1, "k", "x", 1, 20, 30),
                         P(0, "k", "y", 1, kOk, 40, 50), G(1, "k", "y", 2, 60, 70)}));
}

TEST(CheckerTest, StaleReadAfterCompletedPutIsIllegal) {
  // The put returned at 10; a get called at 20 cannot miss it.
  ExpectIllegal(Of({P(0, "k", "x", 0, kOk, 0, 10), GNoKey(1, "k", 20, 30)}), 1, 1);
  // Same with an older value rather than "no key".
  ExpectIllegal(Of({P(0, "k", "x", 0, kOk, 0, 10), P(0, "k", "y", 1, kOk, 20, 30),
                    G(1, "k", "x", 1, 40, 50)}),
                2, 2);
}

TEST(CheckerTest, ReadOfAnInFlightPutIsLegal) {
  // The get runs entirely inside the put's interval and already sees it.
  ExpectLinearizable(Of({P(0, "k", "x", 0, kOk, 0, 100), G(1, "k", "x", 1, 10, 20)}));
  // ... or does not see it yet.
  ExpectLinearizable(Of({P(0, "k", "x", 0, kOk, 0, 100), GNoKey(1, "k", 10, 20)}));
}

TEST(CheckerTest, NewThenOldReadDuringAPutIsIllegal) {
  // A first read sees the in-flight put; a later read (called after the first
  // returned) goes back to "no key": no single point can explain both.
  ExpectIllegal(Of({P(0, "k", "x", 0, kOk, 0, 100), G(1, "k", "x", 1, 10, 20),
                    GNoKey(2, "k", 30, 40)}),
                2, 2);
}

TEST(CheckerTest, TouchingIntervalsAreConcurrent) {
  // The get returns exactly when the put is called: closed intervals touch,
  // so the get may be ordered after the put.
  ExpectLinearizable(Of({P(0, "k", "x", 0, kOk, 50, 60), G(1, "k", "x", 1, 10, 50)}));
  // One nanosecond earlier it may not.
  ExpectIllegal(Of({P(0, "k", "x", 0, kOk, 50, 60), G(1, "k", "x", 1, 10, 49)}), 1, 0);
}

TEST(CheckerTest, OverlappingPutsOnlyOneOrderWorks) {
  // Three fully concurrent puts, called in the reverse of the only legal
  // order (their versions chain 0 -> 1 -> 2).
  History h = Of({P(2, "k", "c", 2, kOk, 0, 100), P(1, "k", "b", 1, kOk, 1, 100),
                  P(0, "k", "a", 0, kOk, 2, 100), G(3, "k", "c", 3, 200, 210)});
  CheckReport r = Check(h);
  ASSERT_EQ(r.result, CheckResult::kOk);
  const KeyResult& k = r.keys.at(0);
  ASSERT_TRUE(ValidWitness(h, k));
  ASSERT_EQ(k.linearization.size(), 4u);
  EXPECT_EQ(k.linearization[0].op, 2u);
  EXPECT_EQ(k.linearization[1].op, 1u);
  EXPECT_EQ(k.linearization[2].op, 0u);
  // With the final get reading an intermediate value there is no order.
  h.ops[3] = G(3, "k", "b", 2, 200, 210);
  ExpectIllegal(h, 3, 3);
}

TEST(CheckerTest, ConcurrentPutsWithTheSameVersionOnlyOneWins) {
  // Both put with version 0; one must get ErrVersion. Which one wins is
  // decided by the later read.
  History h = Of({P(0, "k", "a", 0, kOk, 0, 100), P(1, "k", "b", 0, KvErr::kErrVersion, 0, 100),
                  G(2, "k", "a", 1, 150, 160)});
  ExpectLinearizable(h);
  h.ops[2] = G(2, "k", "b", 1, 150, 160);  // the loser's value: impossible
  ExpectIllegal(h, 2, 2);
  // Two OK puts at the same version cannot both have happened.
  // (a is placed first, then b cannot follow it.)
  ExpectIllegal(Of({P(0, "k", "a", 0, kOk, 0, 100), P(1, "k", "b", 0, kOk, 0, 100)}), 1, 1);
}

TEST(CheckerTest, ErrMaybeTreatedAsApplied) {
  // The only way to read "x" is that the ErrMaybe put took effect.
  History h = Of({P(0, "k", "x", 0, kMaybe, 0, 10), G(1, "k", "x", 1, 20, 30)});
  CheckReport r = Check(h);
  ASSERT_EQ(r.result, CheckResult::kOk);
  ASSERT_TRUE(ValidWitness(h, r.keys[0]));
  EXPECT_EQ(r.keys[0].linearization[0].op, 0u);
  EXPECT_EQ(r.keys[0].linearization[0].variant, 0);  // applied
}

TEST(CheckerTest, ErrMaybeTreatedAsNotApplied) {
  // The key still does not exist afterwards: the ErrMaybe put did not happen.
  History h = Of({P(0, "k", "x", 0, kMaybe, 0, 10), GNoKey(1, "k", 20, 30)});
  CheckReport r = Check(h);
  ASSERT_EQ(r.result, CheckResult::kOk);
  ASSERT_TRUE(ValidWitness(h, r.keys[0]));
  EXPECT_EQ(r.keys[0].linearization[0].variant, 1);  // not applied
  // Another put at the same version succeeded later, so this one cannot have.
  ExpectLinearizable(Of({P(0, "k", "x", 0, kMaybe, 0, 10), P(1, "k", "y", 0, kOk, 20, 30),
                         G(2, "k", "y", 1, 40, 50)}));
}

TEST(CheckerTest, ErrMaybeCannotExplainAValueNobodyWrote) {
  ExpectIllegal(Of({P(0, "k", "x", 0, kMaybe, 0, 10), G(1, "k", "z", 1, 20, 30)}), 1, 1);
  // Nor a version it could not have produced.
  ExpectIllegal(Of({P(0, "k", "x", 0, kMaybe, 0, 10), G(1, "k", "x", 2, 20, 30)}), 1, 1);
}

TEST(CheckerTest, ErrMaybePutThatNeverReturned) {
  // A put still blocked at the end of the test may take effect at any time
  // after its call, even after every other operation.
  History h = Of({P(0, "k", "x", 0, kMaybe, 0, kNeverReturned), GNoKey(1, "k", 10, 20),
                  G(1, "k", "x", 1, 30, 40)});
  ExpectLinearizable(h);
}

TEST(CheckerTest, ErrVersionOutcomes) {
  // Wrong version on an existing key: ErrVersion, state unchanged.
  ExpectLinearizable(Of({P(0, "k", "x", 0, kOk, 0, 10), P(1, "k", "y", 0, KvErr::kErrVersion, 20, 30),
                         G(2, "k", "x", 1, 40, 50)}));
  // ErrVersion although the version matched: illegal.
  ExpectIllegal(Of({P(0, "k", "x", 0, kOk, 0, 10), P(1, "k", "y", 1, KvErr::kErrVersion, 20, 30)}),
                1, 1);
  // ErrVersion on a key that does not exist (version 0 would have been
  // applied, version > 0 gives ErrNoKey): illegal either way.
  ExpectIllegal(Of({P(0, "k", "y", 0, KvErr::kErrVersion, 0, 10)}), 0, 0);
  ExpectIllegal(Of({P(0, "k", "y", 3, KvErr::kErrVersion, 0, 10)}), 0, 0);
  // ErrVersion is legal only if ordered after a concurrent put that moved
  // the version.
  ExpectLinearizable(Of({P(0, "k", "x", 0, kOk, 0, 100), P(1, "k", "y", 0, KvErr::kErrVersion, 10, 20)}));
}

TEST(CheckerTest, ErrNoKeyOutcomes) {
  ExpectLinearizable(Of({GNoKey(0, "k", 0, 10), P(1, "k", "x", 2, KvErr::kErrNoKey, 20, 30)}));
  // A put with version 0 on a missing key must succeed, not say ErrNoKey.
  ExpectIllegal(Of({P(1, "k", "x", 0, KvErr::kErrNoKey, 0, 10)}), 0, 0);
  // ErrNoKey after the key was created.
  ExpectIllegal(Of({P(0, "k", "x", 0, kOk, 0, 10), P(1, "k", "z", 5, KvErr::kErrNoKey, 20, 30)}),
                1, 1);
  ExpectIllegal(Of({P(0, "k", "x", 0, kOk, 0, 10), GNoKey(1, "k", 20, 30)}), 1, 1);
}

TEST(CheckerTest, GetMustReportTheRightVersion) {
  ExpectIllegal(Of({P(0, "k", "x", 0, kOk, 0, 10), G(1, "k", "x", 7, 20, 30)}), 1, 1);
}

TEST(CheckerTest, RejectedCandidatesAreReported) {
  // After put x (prefix of 1), two concurrent reads are outstanding; the one
  // reading a never-written value is rejected and blocks.
  History h = Of({P(0, "k", "x", 0, kOk, 0, 10), G(1, "k", "nope", 1, 20, 30),
                  G(2, "k", "x", 1, 20, 40)});
  CheckReport r = Check(h);
  ASSERT_EQ(r.result, CheckResult::kIllegal);
  const KeyResult& k = r.keys[0];
  EXPECT_EQ(k.unplaced, 1u);
  EXPECT_EQ(k.linearization.size(), 2u);  // put x, then the good read
  EXPECT_EQ(k.rejected, std::vector<size_t>{1});
}

TEST(CheckerTest, ViolationIsAttributedToItsKey) {
  // 40 keys with correct sequential traffic; key "k17" has one stale read.
  History h;
  int64_t t = 0;
  size_t bad = 0;
  for (int round = 0; round < 3; ++round) {
    for (int k = 0; k < 40; ++k) {
      const std::string key = "k" + std::to_string(k);
      const std::string v = "v" + std::to_string(round);
      h.ops.push_back(P(k % 5, key, v, round, kOk, t, t + 7));
      t += 10;
      if (k == 17 && round == 2) {
        bad = h.ops.size();
        h.ops.push_back(G(5, key, "v1", 2, t, t + 5));  // stale: v2 at version 3 is current
      } else {
        h.ops.push_back(G(5, key, v, round + 1, t, t + 5));
      }
      t += 10;
    }
  }
  CheckReport r = Check(h);
  ASSERT_EQ(r.result, CheckResult::kIllegal);
  ASSERT_EQ(r.keys.size(), 40u);
  int illegal = 0;
  for (const KeyResult& k : r.keys) {
    if (k.result == CheckResult::kIllegal) {
      ++illegal;
      EXPECT_EQ(k.key, "k17");
      EXPECT_EQ(k.unplaced, bad);
      EXPECT_EQ(k.linearization.size(), 5u);  // p0 g p1 g p2
    } else {
      EXPECT_EQ(k.result, CheckResult::kOk) << k.key;
      EXPECT_TRUE(ValidWitness(h, k)) << k.key;
    }
  }
  EXPECT_EQ(illegal, 1);
  EXPECT_NE(r.Summary(h).find("\"k17\""), std::string::npos) << r.Summary(h);
}

// n fully concurrent reads of a missing key plus one impossible read: every
// subset of the n reads is a distinct configuration, so the search space is
// about 2^n and cannot finish.
History Pathological(const std::string& key, int n) {
  History h;
  for (int i = 0; i < n; ++i) h.ops.push_back(GNoKey(i, key, i, 1000 + i));
  h.ops.push_back(G(n, key, "never-written", 1, 0, 5000));
  return h;
}

TEST(CheckerTest, TinyBudgetGivesUnknownNotAHang) {
  History h = Pathological("k", 48);
  // A fake clock that advances 1 us per reading: deterministic expiry.
  int64_t fake = 0;
  CheckOptions o;
  o.budget_ns = 200'000;
  o.now_ns = [&fake] { return fake += 1000; };
  CheckReport r = Check(h, o);
  EXPECT_EQ(r.result, CheckResult::kUnknown);
  EXPECT_GT(r.keys[0].steps, 0);
  EXPECT_NE(r.Summary(h).find("timed out, assuming history is ok"), std::string::npos);
  // The same with the real clock and 20 ms (the test would hang without it).
  CheckReport real = Check(h, testing::SteadyBudget(20'000'000));
  EXPECT_EQ(real.result, CheckResult::kUnknown);
}

TEST(CheckerTest, CacheLimitGivesUnknown) {
  CheckOptions o;
  o.max_cache_entries = 10'000;
  CheckReport r = Check(Pathological("k", 48), o);
  EXPECT_EQ(r.result, CheckResult::kUnknown);
  EXPECT_LE(r.keys[0].cache_entries, 10'001u);
}

TEST(CheckerTest, IllegalKeyWinsOverUnknownKey) {
  History h = Pathological("z", 48);
  h.ops.push_back(P(0, "a", "x", 0, kOk, 0, 10));
  h.ops.push_back(GNoKey(1, "a", 20, 30));
  int64_t fake = 0;
  CheckOptions o;
  o.budget_ns = 200'000;
  o.now_ns = [&fake] { return fake += 1000; };
  CheckReport r = Check(h, o);
  EXPECT_EQ(r.result, CheckResult::kIllegal);
  ASSERT_EQ(r.keys.size(), 2u);
  EXPECT_EQ(r.keys[0].result, CheckResult::kIllegal);
  EXPECT_EQ(r.keys[1].result, CheckResult::kUnknown);
}

TEST(CheckerTest, InvalidInputIsAnError) {
  EXPECT_FALSE(CheckHistory(Of({G(0, "k", "x", 1, 10, 5)})).ok());
  CheckOptions o;
  o.budget_ns = 1000;  // no clock
  EXPECT_FALSE(CheckHistory(Of({GNoKey(0, "k", 0, 5)}), o).ok());
}

// Brute force: tries every order that respects real time and every model
// successor. Exponential, only for a handful of operations.
bool BruteForce(const History& h, std::vector<bool>& placed, const StringState& s) {
  bool all = true;
  int64_t min_ret = INT64_MAX;
  for (size_t i = 0; i < h.ops.size(); ++i) {
    if (!placed[i]) {
      all = false;
      min_ret = std::min(min_ret, h.ops[i].return_ns);
    }
  }
  if (all) return true;
  StringState succ[kMaxSuccessors];
  for (size_t i = 0; i < h.ops.size(); ++i) {
    if (placed[i] || h.ops[i].call_ns > min_ret) continue;  // someone returned before i's call
    const int n = StepRegister(s, ToRegisterOp(h.ops[i]), succ);
    for (int v = 0; v < n; ++v) {
      placed[i] = true;
      const bool ok = BruteForce(h, placed, succ[v]);
      placed[i] = false;
      if (ok) return true;
    }
  }
  return false;
}

TEST(CheckerTest, AgreesWithBruteForceOnSmallRandomHistories) {
  Rng rng(2024);
  const KvErr errs[] = {KvErr::kOk, KvErr::kErrNoKey, KvErr::kErrVersion, KvErr::kErrMaybe};
  int legal = 0, illegal = 0;
  for (int iter = 0; iter < 3000; ++iter) {
    History h;
    const int n = static_cast<int>(rng.uniform(1, 6));
    for (int i = 0; i < n; ++i) {
      const int64_t call = rng.uniform(0, 20);
      const int64_t ret = call + rng.uniform(0, 10);
      const std::string v(1, static_cast<char>('a' + rng.below(2)));
      const uint64_t ver = static_cast<uint64_t>(rng.uniform(0, 2));
      if (rng.chance(1, 2)) {
        const bool nokey = rng.chance(1, 4);
        h.ops.push_back(Operation::Get(i, "k", nokey ? "" : v, nokey ? 0 : ver,
                                       nokey ? KvErr::kErrNoKey : KvErr::kOk, call, ret));
      } else {
        h.ops.push_back(P(i, "k", v, ver, errs[rng.below(4)], call, ret));
      }
    }
    std::vector<bool> placed(h.ops.size(), false);
    const bool expected = BruteForce(h, placed, StringState{});
    CheckReport r = Check(h);
    ASSERT_EQ(r.result, expected ? CheckResult::kOk : CheckResult::kIllegal)
        << "iteration " << iter << "\n" << r.Summary(h);
    if (expected) {
      ++legal;
      ASSERT_TRUE(ValidWitness(h, r.keys[0]));
    } else {
      ++illegal;
    }
  }
  // Both outcomes must be well represented for the comparison to mean much.
  EXPECT_GT(legal, 300);
  EXPECT_GT(illegal, 300);
}

SimOptions LargeOptions() {
  SimOptions o;
  o.seed = 42;
  o.clients = 100;  // about one operation per key in flight on average
  o.keys = 100;
  o.ops = 10'000;
  return o;
}

// 10,000 operations over 100 keys from a correct simulated register. The
// 1 s target is measured by bench/linearizability_bench; here the budget is
// generous so a loaded machine cannot turn the result into kUnknown.
TEST(CheckerTest, LargeCorrectHistoryIsLinearizable) {
  SimHistory sim = SimulateRegisterHistory(LargeOptions());
  ASSERT_EQ(sim.history.ops.size(), 10'000u);
  CheckReport r = Check(sim.history, testing::SteadyBudget(60'000'000'000));
  std::printf("large history: %zu ops, %zu keys, checked in %.1f ms\n", sim.history.ops.size(),
              r.keys.size(), static_cast<double>(r.elapsed_ns) / 1e6);
  ASSERT_EQ(r.result, CheckResult::kOk) << r.Summary(sim.history);
  ASSERT_EQ(r.keys.size(), 100u);
  for (const KeyResult& k : r.keys) ASSERT_TRUE(ValidWitness(sim.history, k)) << k.key;
}

TEST(CheckerTest, LargeHistoryWithOneStaleReadIsIllegal) {
  SimOptions o = LargeOptions();
  o.inject_stale_read = true;
  SimHistory sim = SimulateRegisterHistory(o);
  ASSERT_GE(sim.stale_read, 0);
  CheckReport r = Check(sim.history, testing::SteadyBudget(60'000'000'000));
  std::printf("large history with a stale read: checked in %.1f ms\n",
              static_cast<double>(r.elapsed_ns) / 1e6);
  ASSERT_EQ(r.result, CheckResult::kIllegal);
  const Operation& stale = sim.history.ops[sim.stale_read];
  for (const KeyResult& k : r.keys) {
    EXPECT_EQ(k.result == CheckResult::kIllegal, k.key == stale.key) << k.key;
  }
  const KeyResult* bad = r.FirstIllegal();
  ASSERT_NE(bad, nullptr);
  EXPECT_EQ(bad->unplaced, static_cast<size_t>(sim.stale_read)) << r.Summary(sim.history);
}

}  // namespace
}  // namespace raftlab::lin
