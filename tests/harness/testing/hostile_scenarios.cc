// Test-only scenario for the hostile-plugin tests (hostile_test.cc): a real
// cluster fixture (harness/raft/cluster.h) taken through the life cycle every
// plugin meets, so that behaviours needing a running cluster (RPCs between
// peers, applies, kill and restart) happen without a working Raft. Linked
// into labtest_testing with the other test scenarios.
#include "harness/raft/cluster.h"
#include "harness/raft/commands.h"
#include "harness/scenario/scenario.h"

namespace raftlab {
namespace {

// Make `servers` peers, let them run, crash peer 0 (kill + destroy), let the
// rest run, restart peer 0, let everyone run, and shut down. It checks
// nothing itself: the fixture's own checks (apply checker, zombie detection,
// student errors from HostServices) give the verdict.
void ClusterLife(TestContext& ctx) {
  ClusterOptions o;
  o.servers = static_cast<int>(ctx.params().Int("servers"));
  const Nanos settle = Millis(ctx.params().Int("settle_ms"));
  Cluster c(ctx, o);
  c.Sleep(settle);
  c.Crash(0);
  c.Sleep(settle);
  c.Restart(0);
  c.Sleep(settle);
  c.End();
}

RAFTLAB_REGISTER_SCENARIO({"test_cluster_life",
                           "make a cluster, crash and restart peer 0, shut down",
                           {{"servers", ParamType::kInt, int64_t{3}, "peers"},
                            {"settle_ms", ParamType::kInt, int64_t{300}, "time between the steps"}},
                           &ClusterLife});

// Make `servers` peers and start one command on peer 0: with a start() that
// never returns, the fixture's watch fails the test from another thread
// while this thread stays stuck in the plugin (test_child.cc abandons it).
void ClusterStart(TestContext& ctx) {
  ClusterOptions o;
  o.servers = static_cast<int>(ctx.params().Int("servers"));
  Cluster c(ctx, o);
  c.Start(0, IntCommand(42));
  c.End();
}

RAFTLAB_REGISTER_SCENARIO({"test_cluster_start",
                           "make a cluster, start one command on peer 0, shut down",
                           {{"servers", ParamType::kInt, int64_t{1}, "peers"}},
                           &ClusterStart});

// Make `servers` peers, crash and restart peer 0 (so the timeline has
// something to show), then block far past any test timeout: the parent
// kills the child at its time limit, and the timeline it draws comes from
// the child's periodic flushes (test_child.cc).
void ClusterOverrun(TestContext& ctx) {
  ClusterOptions o;
  o.servers = static_cast<int>(ctx.params().Int("servers"));
  Cluster c(ctx, o);
  c.Crash(0);
  c.Restart(0);
  c.SleepUnscaled(std::chrono::seconds(1000));
  c.End();
}

RAFTLAB_REGISTER_SCENARIO({"test_cluster_overrun",
                           "make a cluster, crash and restart peer 0, then block past the time limit",
                           {{"servers", ParamType::kInt, int64_t{3}, "peers"}},
                           &ClusterOverrun});

}  // namespace
}  // namespace raftlab
