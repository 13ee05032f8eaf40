// Part 5: MIT 6.5840 Lab 4A's rsm tests (kvraft1/rsm/rsm_test.go) and the
// 4C rsm snapshot test. The service under the student's rsm is the harness's
// counter (harness/kv/counter_sm.h): Inc returns the new value, Null does
// nothing, and a Dec is only ever submitted to an isolated leader, so an
// applied Dec fails the test at once.
#include <atomic>
#include <memory>
#include <optional>
#include <vector>

#include "harness/kv/counter_sm.h"
#include "harness/kv/kv_timing.h"
#include "harness/kv/scenarios/common.h"

namespace raftlab::scenarios::kv {
namespace {

namespace t = kv_timing;
using std::chrono::milliseconds;

KvClusterOptions RsmOptions(const Params& p) { return KvOptionsFrom(p, KvServerKind::kRsm); }

// MIT's submission helper: tries every connected live server, starting at
// the last one that answered as leader, for up to 10 s, pausing 50 ms
// between rounds. Returns the result, or nullopt after 10 s or once no
// server is up at all (MIT keeps looping until 10 s; with every server
// down nothing can change, so we stop early).
std::optional<std::string> SubmitOp(KvCluster& c, const std::string& op, std::atomic<int>* leader_hint) {
  const Nanos deadline = c.rt().now() + c.Scaled(t::kSubmitTotal);
  while (c.rt().now() < deadline) {
    c.ThrowIfFailed();
    bool any_up = false;
    const int start = leader_hint->load();
    for (int k = 0; k < c.n(); k++) {
      const int i = (start + k) % c.n();
      if (!c.IsUp(i) || !c.IsConnected(i)) continue;
      any_up = true;
      std::string result;
      const int32_t err = c.Submit(i, op, &result);
      if (err == RAFTLAB_OK) {
        leader_hint->store(i);
        return result;
      }
      if (err != RAFTLAB_ERR_WRONG_LEADER && err != RAFTLAB_ERR_KILLED) {
        c.Fail("server " + std::to_string(i) + ": submit(" + op + ") returned " + ClerkCodeName(err) +
               "; expected OK or ErrWrongLeader");
      }
    }
    if (!any_up) return std::nullopt;
    c.SleepUnscaled(t::kSubmitPause);
  }
  return std::nullopt;
}

int64_t SubmitInc(KvCluster& c, std::atomic<int>* hint) {
  std::optional<std::string> r = SubmitOp(c, kCounterInc, hint);
  if (!r) c.Fail("no server committed an Inc within 10 s");
  try {
    return std::stoll(*r);
  } catch (const std::exception&) {
    c.Fail("submit(Inc) returned \"" + *r + "\"; expected the counter's new value (the state machine's result)");
  }
}

// MIT checkCounter: at least `nsrv` servers' counters reach v.
void CheckCounter(KvCluster& c, int64_t v, int nsrv) {
  Nanos sleep = t::kCounterFirstSleep;
  int have = 0;
  for (int round = 0; round < t::kCounterPolls; round++) {
    c.ThrowIfFailed();
    have = 0;
    for (int i = 0; i < c.n(); i++) {
      if (c.IsUp(i) && c.Counter(i) == v) have++;
    }
    if (have >= nsrv) return;
    c.Sleep(sleep);
    if (sleep < t::kCounterSleepCap) sleep *= 2;
  }
  c.Fail("checkCounter: only " + std::to_string(have) + " servers have counter " + std::to_string(v) + " instead of " +
         std::to_string(nsrv));
}

void ExpectInc(KvCluster& c, std::atomic<int>* hint, int64_t want) {
  const int64_t got = SubmitInc(c, hint);
  if (got != want) c.Fail("submit(Inc) returned " + std::to_string(got) + "; expected " + std::to_string(want));
}

int FindLeader(KvCluster& c) {
  const Nanos deadline = c.rt().now() + c.Scaled(std::chrono::seconds(10));
  while (c.rt().now() < deadline) {
    const int l = c.Leader();
    if (l >= 0) return l;
    c.SleepUnscaled(milliseconds(50));
  }
  c.Fail("no rsm server says it is leader after 10 s");
}

// TestBasic4A: 10 sequential Incs, each result i+1 and applied everywhere.
void RsmBasic(TestContext& ctx) {
  KvCluster c(ctx, RsmOptions(ctx.params()));
  std::atomic<int> hint{0};
  for (int i = 0; i < 10; i++) {
    ExpectInc(c, &hint, i + 1);
    CheckCounter(c, i + 1, c.n());
  }
  c.End();
}

// TestConcurrent4A: 50 concurrent Incs, all applied everywhere.
void RsmConcurrent(TestContext& ctx) {
  KvCluster c(ctx, RsmOptions(ctx.params()));
  std::atomic<int> hint{0};
  const int n = static_cast<int>(ctx.params().Int("ops"));
  for (int i = 0; i < n; i++) c.Spawn("inc " + std::to_string(i), [&c, &hint] { (void)SubmitInc(c, &hint); });
  c.JoinClients();
  CheckCounter(c, n, c.n());
  c.End();
}

// TestLeaderFailure4A: a disconnected leader is replaced; it catches up
// after it reconnects.
void RsmLeaderFailure(TestContext& ctx) {
  KvCluster c(ctx, RsmOptions(ctx.params()));
  std::atomic<int> hint{0};
  ExpectInc(c, &hint, 1);
  CheckCounter(c, 1, c.n());
  const int leader = FindLeader(c);
  c.Disconnect(leader);
  ExpectInc(c, &hint, 2);
  CheckCounter(c, 2, c.n() - 1);
  c.Connect(leader);
  CheckCounter(c, 2, c.n());
  c.End();
}

// TestLeaderPartition4A: Decs submitted to an isolated leader must neither
// commit nor return early; once healed they must all return promptly, and
// none with OK: the new leader's entries took their indexes. `rounds` > 1
// repeats isolate-submit-heal with the leader of the moment: whether an rsm
// that matches a waiting submit by index only (not by op id) is caught
// depends on whether the healed leader applies the new entries before it
// notices the new term, so raftlab-rsm-lost-entries gives it many chances.
void RsmLeaderPartition(TestContext& ctx) {
  KvCluster c(ctx, RsmOptions(ctx.params()));
  const int ndec = static_cast<int>(ctx.params().Int("ops"));
  const int64_t rounds = ctx.params().Int("rounds");
  std::atomic<int> hint{0};
  ExpectInc(c, &hint, 1);
  CheckCounter(c, 1, c.n());
  for (int64_t round = 1; round <= rounds; round++) {
    const int leader = FindLeader(c);
    c.Event("round " + std::to_string(round) + ": isolate leader " + std::to_string(leader));
    c.Disconnect(leader);

    auto returned = std::make_shared<std::atomic<int>>(0);
    for (int i = 0; i < ndec; i++) {
      c.Spawn("dec " + std::to_string(i), [&c, leader, returned] {
        std::string result;
        const int32_t err = c.Submit(leader, kCounterDec, &result);
        if (err == RAFTLAB_OK) {
          c.Fail("submit(Dec) on the isolated leader " + std::to_string(leader) +
                 " returned OK: it cannot have been committed without a majority (is your rsm matching a "
                 "waiting submit by log index only? another leader's entry may now be at that index: compare "
                 "the op's identity)");
        }
        returned->fetch_add(1);
      });
    }
    c.SleepUnscaled(milliseconds(10));
    std::atomic<int> majority_hint{(leader + 1) % c.n()};
    const int64_t v = SubmitInc(c, &majority_hint);
    // Not scaled: the window in which the Decs must still be waiting.
    const Nanos window_end = c.rt().now() + t::kIsolatedLeaderWindow;
    while (c.rt().now() < window_end && returned->load() < ndec) c.SleepUnscaled(milliseconds(10));
    if (returned->load() == ndec) {
      c.Fail("Dec's in minority completed: all " + std::to_string(ndec) +
             " submits on the isolated leader returned within 1 s; an isolated ex-leader must keep waiting "
             "(it cannot know its entries are lost until it hears of a new term)");
    }
    c.Connect(leader);
    const Nanos heal_deadline = c.rt().now() + c.Scaled(t::kAfterHealReturn);
    while (c.rt().now() < heal_deadline && returned->load() < ndec) c.SleepUnscaled(milliseconds(10));
    if (returned->load() < ndec) {
      c.Fail("submit after healing didn't return: " + std::to_string(ndec - returned->load()) + " of " +
             std::to_string(ndec) + " submits on the old leader still waiting 1 s after it reconnected "
             "(a lost entry must return ErrWrongLeader once the term moved on)");
    }
    c.JoinClients();
    CheckCounter(c, v, c.n());
  }
  c.End();
}

// TestRestartReplay4A: 100 Incs, every server restarted; the counter comes
// back (replay or snapshot) and counting continues at 101.
void IncsThenRestart(KvCluster& c, std::atomic<int>* hint, int incs) {
  for (int i = 0; i < incs; i++) ExpectInc(c, hint, i + 1);
  c.ShutdownAll();
  c.Sleep(t::kElectionTimeout);
  c.StartAll();
  ExpectInc(c, hint, incs + 1);
  c.Sleep(t::kElectionTimeout);
  CheckCounter(c, incs + 1, c.n());
}

void RsmRestartReplay(TestContext& ctx) {
  KvCluster c(ctx, RsmOptions(ctx.params()));
  std::atomic<int> hint{0};
  IncsThenRestart(c, &hint, static_cast<int>(ctx.params().Int("ops")));
  c.End();
}

// 100 concurrent Null submits, every server shut down 20 ms later: every
// submit must return within 11 s (kill() unblocks waiting submits).
void NullsThenShutdown(KvCluster& c, std::atomic<int>* hint, int nulls) {
  auto returned = std::make_shared<std::atomic<int>>(0);
  for (int i = 0; i < nulls; i++) {
    c.Spawn("null " + std::to_string(i), [&c, hint, returned] {
      (void)SubmitOp(c, kCounterNull, hint);
      returned->fetch_add(1);
    });
  }
  c.SleepUnscaled(milliseconds(20));
  const Nanos deadline = c.rt().now() + c.Scaled(t::kShutdownReturn);
  c.ShutdownAll();
  while (c.rt().now() < deadline && returned->load() < nulls) c.SleepUnscaled(milliseconds(10));
  if (returned->load() < nulls) {
    c.Fail("submit didn't stop after shutdown: " + std::to_string(nulls - returned->load()) +
           " submits still waiting 11 s after every server was killed (kill() must unblock every submit)");
  }
  c.JoinClients();
}

void RsmShutdown(TestContext& ctx) {
  KvCluster c(ctx, RsmOptions(ctx.params()));
  std::atomic<int> hint{0};
  NullsThenShutdown(c, &hint, static_cast<int>(ctx.params().Int("ops")));
  c.End();
}

// TestRestartSubmit4A: replay, then submits cut short by a shutdown, then
// a restart: the stale submissions must not be confused with new ones.
void RsmRestartSubmit(TestContext& ctx) {
  KvCluster c(ctx, RsmOptions(ctx.params()));
  const int ops = static_cast<int>(ctx.params().Int("ops"));
  std::atomic<int> hint{0};
  IncsThenRestart(c, &hint, ops);
  c.Sleep(t::kElectionTimeout);
  NullsThenShutdown(c, &hint, ops);
  c.StartAll();
  const int64_t v = SubmitInc(c, &hint);
  if (v != ops + 2) {
    c.Fail("submit(Inc) after the restart returned " + std::to_string(v) + "; expected " + std::to_string(ops + 2));
  }
  CheckCounter(c, v, c.n());
  c.End();
}

// TestSnapshot4C (rsm): with maxraftstate 1000 the persisted Raft state
// stays under 2 x 1000 bytes, and a full restart resumes from the snapshot.
void RsmSnapshot(TestContext& ctx) {
  KvCluster c(ctx, RsmOptions(ctx.params()));
  const int ops = static_cast<int>(ctx.params().Int("ops"));
  const int64_t maxraftstate = c.options().maxraftstate;
  std::atomic<int> hint{0};
  for (int i = 0; i < ops; i++) ExpectInc(c, &hint, i + 1);
  CheckCounter(c, ops, c.n());
  const int64_t limit = t::kRsmLogFactor * maxraftstate;
  if (maxraftstate > 0 && c.LogSize() > limit) {
    c.Fail("logs were not trimmed: the largest persisted Raft state is " + std::to_string(c.LogSize()) +
           " bytes > 2 x maxraftstate = " + std::to_string(limit) +
           " (snapshot when the persisted state nears maxraftstate)");
  }
  c.ShutdownAll();
  c.StartAll();
  ExpectInc(c, &hint, ops + 1);
  CheckCounter(c, ops + 1, c.n());
  c.End();
}

std::vector<ParamSpec> RsmParams(int64_t ops, int64_t maxraftstate = -1) {
  return {Int("servers", 3, "rsm servers"), Bool("reliable", true, "reliable network"),
          Int("maxraftstate", maxraftstate, "snapshot threshold in bytes (-1: no snapshots)"),
          Int("ops", ops, "operations submitted")};
}

RAFTLAB_REGISTER_SCENARIO({"rsm_basic", "MIT TestBasic4A: sequential Incs through the rsm", RsmParams(10), &RsmBasic,
                           StepFixture::kRsm});
RAFTLAB_REGISTER_SCENARIO({"rsm_concurrent", "MIT TestConcurrent4A: concurrent Incs", RsmParams(50), &RsmConcurrent,
                           StepFixture::kRsm});
RAFTLAB_REGISTER_SCENARIO({"rsm_leader_failure", "MIT TestLeaderFailure4A: a disconnected leader is replaced",
                           RsmParams(1), &RsmLeaderFailure, StepFixture::kRsm});
std::vector<ParamSpec> RsmPartitionParams() {
  std::vector<ParamSpec> ps = RsmParams(100);
  ps.push_back(Int("rounds", 1, "isolate-submit-heal rounds (MIT: 1)"));
  return ps;
}

RAFTLAB_REGISTER_SCENARIO({"rsm_leader_partition",
                           "MIT TestLeaderPartition4A: submits on an isolated leader wait, never commit, return after heal",
                           RsmPartitionParams(), &RsmLeaderPartition, StepFixture::kRsm});
RAFTLAB_REGISTER_SCENARIO({"rsm_restart_replay", "MIT TestRestartReplay4A: the state comes back after a full restart",
                           RsmParams(100), &RsmRestartReplay, StepFixture::kRsm});
RAFTLAB_REGISTER_SCENARIO({"rsm_shutdown", "MIT TestShutdown4A: kill() unblocks waiting submits", RsmParams(100),
                           &RsmShutdown, StepFixture::kRsm});
RAFTLAB_REGISTER_SCENARIO({"rsm_restart_submit",
                           "MIT TestRestartSubmit4A: submits cut by a shutdown are not confused with new ones",
                           RsmParams(100), &RsmRestartSubmit, StepFixture::kRsm});
RAFTLAB_REGISTER_SCENARIO({"rsm_snapshot", "MIT TestSnapshot4C (rsm): logs trimmed, restart from the snapshot",
                           RsmParams(100, 1000), &RsmSnapshot, StepFixture::kRsm});

}  // namespace
}  // namespace raftlab::scenarios::kv
