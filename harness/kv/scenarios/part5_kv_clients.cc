// Part 5: MIT 6.5840 Lab 4's GenericTest (every 4B/4C test of the generic
// kind, as parameters) and GenericTestSpeed (TestSpeed4B, TestSpeed4C).
#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <vector>

#include "harness/kv/kv_timing.h"
#include "harness/kv/scenarios/common.h"

namespace raftlab::scenarios::kv {
namespace {

using namespace std::chrono_literals;
namespace t = kv_timing;

constexpr int kRandomKeys = 100;  // MIT NKEYS: "k0".."k99"

// GenericTest: `clients` clerks run OnePut loops for `seconds` per iteration
// (on one key "k", or random keys), while the servers are optionally
// partitioned at random, crashed and restarted between iterations, on a
// reliable or unreliable network, with or without snapshots. After every
// iteration: the version count on "k" (single key), the linearizability of
// the whole history so far, and the log and snapshot size limits.
void Generic(TestContext& ctx) {
  const Params& p = ctx.params();
  const int nclients = static_cast<int>(p.Int("clients"));
  const bool crash = p.Bool("crash");
  const bool partitions = p.Bool("partitions");
  const bool random_keys = p.Bool("random_keys");
  const int iterations = static_cast<int>(p.Int("iterations"));
  const Nanos run_time = std::chrono::milliseconds(p.Int("client_ms"));
  const Nanos partition_delay = std::chrono::milliseconds(p.Int("partition_delay_ms"));
  const int cut = static_cast<int>(p.Int("disconnected"));
  KvCluster c(ctx, KvOptionsFrom(p));
  const int n = c.n();
  const int64_t maxraftstate = c.options().maxraftstate;
  const bool exact_count = c.options().reliable && !crash && !partitions && cut == 0;

  KvClerk& tester = c.MakeClerk();  // CheckPutConcurrent's reader
  std::vector<KvClerk*> clerks;
  for (int i = 0; i < nclients; i++) clerks.push_back(&c.MakeClerk());
  // Each client's idea of each key's version survives across iterations.
  std::vector<std::map<std::string, uint64_t>> versions(nclients);
  PutCounts total;

  for (int it = 0; it < iterations; it++) {
    c.Event("iteration " + std::to_string(it + 1) + " of " + std::to_string(iterations));
    std::vector<int> cut_servers;
    if (cut > 0) {
      // dslabs "progress with a majority and concurrent requests": a
      // minority stays cut off while the clients run.
      std::vector<int> order = AllServers(n);
      for (int k = n - 1; k > 0; k--) std::swap(order[k], order[c.Random(0, k)]);
      cut_servers.assign(order.begin(), order.begin() + cut);
      for (int s : cut_servers) c.Disconnect(s);
    }
    auto stop = std::make_shared<std::atomic<bool>>(false);
    std::vector<PutCounts> counts(nclients);
    std::vector<std::string> anomalies(nclients);
    const Nanos start = c.rt().now();
    for (int k = 0; k < nclients; k++) {
      c.Spawn("client " + std::to_string(k), [&, k, stop] {
        KvClerk& ck = *clerks[k];
        while (!stop->load(std::memory_order_acquire)) {
          const std::string key = random_keys ? "k" + std::to_string(c.Random(0, kRandomKeys - 1)) : "k";
          if (!OnePut(c, ck, key, &versions[k][key], &counts[k], &anomalies[k])) return;
        }
      });
    }
    if (partitions) {
      c.SleepUnscaled(partition_delay);  // fault-pattern timing: not scaled
      c.StartPartitioner();
    }
    const Nanos left = run_time - (c.rt().now() - start);
    if (left > Nanos(0)) c.SleepUnscaled(left);  // the clients' run time: not scaled
    stop->store(true, std::memory_order_release);
    c.JoinClients();
    for (const PutCounts& pc : counts) {
      total.ok += pc.ok;
      total.maybe += pc.maybe;
    }
    c.Event("clients done: " + std::to_string(total.ok) + " OK and " + std::to_string(total.maybe) +
            " ErrMaybe puts so far");

    // MIT checks the version count first; the linearizability check goes
    // first here because every anomaly below also breaks linearizability,
    // and the check explains it with a picture.
    c.CheckLinearizable("after iteration " + std::to_string(it + 1));
    for (const std::string& a : anomalies) {
      if (!a.empty()) c.Fail(a);
    }
    if (!random_keys) {
      // MIT CheckPutConcurrent on "k".
      KvClerk::GetResult g = tester.Get("k");
      if (g.err != RAFTLAB_OK && !(g.err == RAFTLAB_ERR_NO_KEY && total.ok + total.maybe == 0)) {
        c.Fail("get(\"k\") by the tester returned " + ClerkCodeName(g.err) + "; expected OK");
      }
      const auto v = static_cast<int64_t>(g.version);
      if (exact_count && v != total.ok) {
        c.Fail("reliable: wrong number of puts: the server's version of \"k\" is " + std::to_string(v) +
               " but clients saw " + std::to_string(total.ok) + " puts return OK (each OK put bumps the version once)");
      }
      if (!exact_count && v > total.ok + total.maybe) {
        c.Fail("unreliable: wrong number of puts: the server's version of \"k\" is " + std::to_string(v) +
               " but clients saw only " + std::to_string(total.ok) + " OK and " + std::to_string(total.maybe) +
               " ErrMaybe puts (a put was applied twice?)");
      }
    }

    if (partitions) {
      c.StopPartitioner();
      c.ConnectAll();
      c.Sleep(t::kElectionTimeout);
    }
    if (!cut_servers.empty()) c.ConnectAll();
    if (crash) {
      c.ShutdownAll();
      c.Sleep(t::kElectionTimeout);
      c.StartAll();
      c.ConnectAll();
    }
    if (maxraftstate > 0) {
      const int64_t limit = t::kKvLogFactor * maxraftstate;
      if (c.LogSize() > limit) {
        c.Fail("logs were not trimmed: the largest persisted Raft state is " + std::to_string(c.LogSize()) +
               " bytes > 8 x maxraftstate = " + std::to_string(limit) +
               " (snapshot when the persisted state nears maxraftstate)");
      }
    }
    if (maxraftstate < 0 && c.SnapshotSize() > 0) {
      c.Fail("snapshot too large (" + std::to_string(c.SnapshotSize()) +
             " bytes): with maxraftstate -1 no snapshot should be made");
    }
  }
  c.End();
}

RAFTLAB_REGISTER_SCENARIO(
    {"kv_generic",
     "MIT GenericTest: clerks put/get concurrently under partitions, crashes, an unreliable network; every "
     "iteration checks linearizability",
     {Int("servers", 5, "KV servers"), Bool("reliable", true, "reliable network (false: MIT unreliable)"),
      Int("clients", 1, "clerks running OnePut loops"), Bool("crash", false, "crash and restart all servers after every iteration"),
      Bool("partitions", false, "partition the servers into random halves every 1-1.2 s"),
      Int("maxraftstate", -1, "snapshot threshold in bytes (-1: no snapshots)"),
      Bool("random_keys", false, "keys k0..k99 (false: every client writes key \"k\")"),
      Int("iterations", 3, "iterations (MIT NITER)"), Int("client_ms", 1000, "how long clients run per iteration"),
      Int("partition_delay_ms", 1000, "when the partitioner starts after the clients (MIT: 1 s)"),
      Int("disconnected", 0, "servers cut off while the clients run (a minority)")},
     &Generic, StepFixture::kKv});

// GenericTestSpeed: 1000 sequential puts on one key must average under
// 33.3 ms each (a new entry must not wait for a heartbeat).
void Speed(TestContext& ctx) {
  KvCluster c(ctx, KvOptionsFrom(ctx.params()));
  KvClerk& ck = c.MakeClerk();
  // Make sure there is a leader before timing.
  (void)ck.Get("x");
  const int ops = static_cast<int>(ctx.params().Int("ops"));
  const Nanos start = c.rt().now();
  for (int i = 0; i < ops; i++) PutOk(c, ck, "k", ClientValue(ck.id(), static_cast<uint64_t>(i)), static_cast<uint64_t>(i));
  const double per_op_ms = std::chrono::duration<double, std::milli>(c.rt().now() - start).count() / ops;
  KvClerk::GetResult g = ck.Get("k");
  if (g.err != RAFTLAB_OK || g.version != static_cast<uint64_t>(ops)) {
    c.Fail("get too few ops: get(\"k\") returned version " + std::to_string(g.version) + " (" +
           ClerkCodeName(g.err) + ") after " + std::to_string(ops) + " OK puts");
  }
  char buf[160];
  std::snprintf(buf, sizeof buf, "%d sequential puts: %.2f ms per op (limit %.1f ms)", ops, per_op_ms,
                t::kSpeedLimitMsPerOp);
  c.Event(buf);
  if (per_op_ms > t::kSpeedLimitMsPerOp) {  // a performance threshold: not scaled
    std::snprintf(buf, sizeof buf, "operations completed too slowly: %.2f ms/op > %.3f ms/op", per_op_ms,
                  t::kSpeedLimitMsPerOp);
    c.Fail(std::string(buf) + " (start replicating a new entry at once instead of waiting for the next heartbeat)");
  }
  c.End();
}

RAFTLAB_REGISTER_SCENARIO({"kv_speed", "MIT GenericTestSpeed: sequential puts must average under 33.3 ms",
                           {Int("servers", 3, "KV servers"), Bool("reliable", true, "reliable network"),
                            Int("maxraftstate", -1, "snapshot threshold in bytes (-1: no snapshots)"),
                            Int("ops", t::kSpeedOps, "sequential puts timed")},
                           &Speed, StepFixture::kKv});

}  // namespace
}  // namespace raftlab::scenarios::kv
