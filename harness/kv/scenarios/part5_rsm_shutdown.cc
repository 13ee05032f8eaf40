// Part-5 scenarios added because a mutant of the reference survived every
// MIT, SJTU and dslabs test (tests/mutants/MUTANTS.md, scripts/mutants.sh).
// Each checks only rules every correct rsm keeps.
//
//   rsm_shutdown_waiting  MIT TestShutdown4A's rule (kill() unblocks every
//                         waiting submit) with submits that are sure to be
//                         waiting when the servers die. In MIT's schedule a
//                         fast Raft has committed all of them 20 ms after
//                         they started, so an rsm that never wakes its
//                         waiters on kill passes there.
#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "harness/kv/counter_sm.h"
#include "harness/kv/kv_timing.h"
#include "harness/kv/scenarios/common.h"

namespace raftlab::scenarios::kv {
namespace {

namespace t = kv_timing;
using std::chrono::milliseconds;

// The leader is isolated, `ops` Null submits go to it (it can commit none
// of them, so each one waits, as TestLeaderPartition4A requires), then
// every server is shut down: every submit must return within MIT's 11 s.
void RsmShutdownWaiting(TestContext& ctx) {
  KvCluster c(ctx, KvOptionsFrom(ctx.params(), KvServerKind::kRsm));
  const int nsub = static_cast<int>(ctx.params().Int("ops"));
  int leader = -1;
  const Nanos elect_deadline = c.rt().now() + c.Scaled(std::chrono::seconds(10));
  while ((leader = c.Leader()) < 0) {
    if (c.rt().now() > elect_deadline) c.Fail("no rsm server says it is leader after 10 s");
    c.SleepUnscaled(milliseconds(50));
  }
  c.Event("isolate leader " + std::to_string(leader));
  c.Disconnect(leader);

  auto returned = std::make_shared<std::atomic<int>>(0);
  for (int i = 0; i < nsub; i++) {
    c.Spawn("null " + std::to_string(i), [&c, leader, returned] {
      std::string result;
      (void)c.Submit(leader, kCounterNull, &result);
      returned->fetch_add(1);
    });
  }
  // Not scaled: only lets the submits reach the leader and start waiting.
  c.SleepUnscaled(milliseconds(100));
  const Nanos deadline = c.rt().now() + c.Scaled(t::kShutdownReturn);
  c.ShutdownAll();
  while (c.rt().now() < deadline && returned->load() < nsub) c.SleepUnscaled(milliseconds(10));
  if (returned->load() < nsub) {
    c.Fail("submit didn't stop after shutdown: " + std::to_string(nsub - returned->load()) + " of " +
           std::to_string(nsub) + " submits waiting on an isolated leader still blocked 11 s after every "
           "server was killed (kill() must unblock every submit)");
  }
  c.JoinClients();
  c.End();
}

RAFTLAB_REGISTER_SCENARIO({"rsm_shutdown_waiting",
                           "kill() unblocks submits that are waiting on an isolated leader",
                           {Int("servers", 3, "rsm servers"), Bool("reliable", true, "reliable network"),
                            Int("maxraftstate", -1, "snapshot threshold in bytes (-1: no snapshots)"),
                            Int("ops", 20, "submits waiting on the isolated leader")},
                           &RsmShutdownWaiting, StepFixture::kRsm});

}  // namespace
}  // namespace raftlab::scenarios::kv
