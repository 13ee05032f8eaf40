// Part 5: MIT 6.5840 Lab 4's custom KV tests: TestOnePartition4B (progress
// in the majority, none in the minority, completion after heal),
// TestSnapshotRPC4C and TestSnapshotSize4C; and dslabs-cpp's "kv operations
// through re-election".
#include <atomic>
#include <memory>
#include <vector>

#include "harness/kv/kv_timing.h"
#include "harness/kv/scenarios/common.h"

namespace raftlab::scenarios::kv {
namespace {

namespace t = kv_timing;

// Waits up to `bound` for *flag; true if it became set.
bool WaitFlag(KvCluster& c, const std::atomic<bool>& flag, Nanos bound) {
  const Nanos deadline = c.rt().now() + bound;
  while (!flag.load(std::memory_order_acquire)) {
    if (c.rt().now() >= deadline) return false;
    c.SleepUnscaled(std::chrono::milliseconds(10));
  }
  return true;
}

// A leader, polling for up to ~10 s (scaled) while elections settle.
int FindLeader(KvCluster& c) {
  const Nanos deadline = c.rt().now() + c.Scaled(std::chrono::seconds(10));
  while (c.rt().now() < deadline) {
    c.ThrowIfFailed();
    const int l = c.Leader();
    if (l >= 0) return l;
    c.SleepUnscaled(std::chrono::milliseconds(50));
  }
  c.Fail("no server says it is leader after 10 s");
}

// TestOnePartition4B. With the leader in a minority of 2, clerks restricted
// to the majority make progress; a put and a get through clerks restricted
// to the minority must not complete within 1 s; after the heal the blocked
// put completes within 3 s and its value is the one read back.
void OnePartition(TestContext& ctx) {
  KvCluster c(ctx, KvOptionsFrom(ctx.params()));
  KvClerk& ck = c.MakeClerk();
  uint64_t ver0 = PutAtLeastOnce(c, ck, "1", "13", 0);

  const int leader = FindLeader(c);
  auto [p1, p2] = c.MakePartition(leader);
  c.Partition(p1, p2);
  KvClerk& ckp1 = c.MakeClerkTo(p1);
  KvClerk& ckp2a = c.MakeClerkTo(p2);
  KvClerk& ckp2b = c.MakeClerkTo(p2);

  // Progress in the majority.
  const uint64_t ver1 = PutAtLeastOnce(c, ckp1, "1", "14", ver0);
  CheckGet(c, ckp1, "1", "14", ver1);
  c.Event("progress in majority: ok");

  // No progress in the minority.
  auto put_done = std::make_shared<std::atomic<bool>>(false);
  auto get_done = std::make_shared<std::atomic<bool>>(false);
  auto put_version = std::make_shared<std::atomic<uint64_t>>(0);
  c.Spawn("minority put", [&c, &ckp2a, ver1, put_done, put_version] {
    put_version->store(PutAtLeastOnce(c, ckp2a, "1", "15", ver1));
    put_done->store(true, std::memory_order_release);
  });
  c.Spawn("minority get", [&ckp2b, get_done] {
    (void)ckp2b.Get("1");
    get_done->store(true, std::memory_order_release);
  });
  c.SleepUnscaled(t::kMinorityWindow);  // a window that must stay quiet: not scaled
  if (put_done->load()) {
    c.Fail("put in minority completed (version " + std::to_string(put_version->load()) +
           "): a leader cut off with a minority must not commit anything");
  }
  if (get_done->load()) {
    c.Fail("get in minority completed: a leader cut off with a minority must not answer reads "
           "(it may be stale; reads go through the log too)");
  }
  CheckGet(c, ckp1, "1", "14", ver1);
  const uint64_t ver2 = PutAtLeastOnce(c, ckp1, "1", "16", ver1);
  CheckGet(c, ckp1, "1", "16", ver2);
  c.Event("no progress in minority: ok");

  // Completion after heal.
  c.ConnectAll();
  c.Sleep(t::kElectionTimeout);
  if (!WaitFlag(c, *put_done, c.Scaled(t::kHealCompletion))) {
    c.Fail("put did not complete within 3 s after the partition healed (a clerk must retry other servers)");
  }
  if (!WaitFlag(c, *get_done, c.Scaled(t::kHealCompletion))) {
    c.Fail("get did not complete within 3 s after the partition healed (a clerk must retry other servers)");
  }
  c.JoinClients();
  CheckGet(c, ck, "1", "15", put_version->load());
  c.Event("completion after heal: ok");
  c.End();
}

RAFTLAB_REGISTER_SCENARIO({"kv_one_partition",
                           "MIT TestOnePartition4B: progress in the majority, none in the minority, completion after heal",
                           {Int("servers", 5, "KV servers"), Bool("reliable", false, "reliable network")},
                           &OnePartition, StepFixture::kKv});

void CheckLog(KvCluster& c, int64_t maxraftstate) {
  const int64_t limit = t::kKvLogFactor * maxraftstate;
  if (c.LogSize() > limit) {
    c.Fail("logs were not trimmed: the largest persisted Raft state is " + std::to_string(c.LogSize()) +
           " bytes > 8 x maxraftstate = " + std::to_string(limit));
  }
}

// TestSnapshotRPC4C: server 2 misses 51 puts while cut off, then must serve
// as part of a new majority, which needs InstallSnapshot once the others
// have trimmed their logs.
void SnapshotRpc(TestContext& ctx) {
  KvCluster c(ctx, KvOptionsFrom(ctx.params()));
  if (c.n() != 3) c.Fail("kv_snapshot_rpc needs servers: 3");
  const int64_t maxraftstate = c.options().maxraftstate;
  // Puts go through PutAtLeastOnce (as in MIT): a leader change can make a
  // resent put come back ErrMaybe; the gets then expect the version the put
  // reached.
  KvClerk& ck = c.MakeClerk();
  const uint64_t va = PutAtLeastOnce(c, ck, "a", "A", 0);
  CheckGet(c, ck, "a", "A", va);

  // A bunch of puts into the majority partition.
  c.Partition({0, 1}, {2});
  std::vector<uint64_t> v(50);
  uint64_t vb;
  {
    KvClerk& ck1 = c.MakeClerkTo({0, 1});
    for (int i = 0; i < 50; i++) v[i] = PutAtLeastOnce(c, ck1, std::to_string(i), std::to_string(i), 0);
    c.Sleep(t::kElectionTimeout);
    vb = PutAtLeastOnce(c, ck1, "b", "B", 0);
  }
  // Check that the majority partition has thrown away most of its log.
  if (maxraftstate > 0) CheckLog(c, maxraftstate);

  // Now make a group that requires server 2 to catch up.
  c.Partition({0, 2}, {1});
  uint64_t vc;
  {
    KvClerk& ck1 = c.MakeClerkTo({0, 2});
    vc = PutAtLeastOnce(c, ck1, "c", "C", 0);
    (void)PutAtLeastOnce(c, ck1, "d", "D", 0);
    CheckGet(c, ck1, "a", "A", va);
    CheckGet(c, ck1, "b", "B", vb);
    CheckGet(c, ck1, "1", "1", v[1]);
    CheckGet(c, ck1, "49", "49", v[49]);
  }
  // Now everybody.
  c.ConnectAll();
  const uint64_t ve = PutAtLeastOnce(c, ck, "e", "E", 0);
  CheckGet(c, ck, "c", "C", vc);
  CheckGet(c, ck, "e", "E", ve);
  CheckGet(c, ck, "1", "1", v[1]);
  c.CheckLinearizable("end");
  c.End();
}

RAFTLAB_REGISTER_SCENARIO({"kv_snapshot_rpc", "MIT TestSnapshotRPC4C: a lagging server catches up by InstallSnapshot",
                           {Int("servers", 3, "KV servers (3)"), Bool("reliable", true, "reliable network"),
                            Int("maxraftstate", 1000, "snapshot threshold in bytes")},
                           &SnapshotRpc, StepFixture::kKv});

// TestSnapshotSize4C: 200 rounds of put/get on one key; the log must stay
// trimmed and the snapshot small (it holds the state, not the history).
void SnapshotSize(TestContext& ctx) {
  KvCluster c(ctx, KvOptionsFrom(ctx.params()));
  const int64_t maxraftstate = c.options().maxraftstate;
  const int rounds = static_cast<int>(ctx.params().Int("rounds"));
  KvClerk& ck = c.MakeClerk();
  uint64_t ver = 0;
  for (int i = 0; i < rounds; i++) {
    ver = PutAtLeastOnce(c, ck, "x", "0", ver);
    CheckGet(c, ck, "x", "0", ver);
    ver = PutAtLeastOnce(c, ck, "x", "1", ver);
    CheckGet(c, ck, "x", "1", ver);
  }
  if (maxraftstate > 0) CheckLog(c, maxraftstate);
  if (c.SnapshotSize() > t::kMaxSnapshotBytes) {
    c.Fail("snapshot too large (" + std::to_string(c.SnapshotSize()) + " > " +
           std::to_string(t::kMaxSnapshotBytes) + " bytes): a snapshot holds the state, not the operations");
  }
  c.Event("largest snapshot " + std::to_string(c.SnapshotSize()) + " bytes, largest Raft state " +
          std::to_string(c.LogSize()) + " bytes");
  c.End();
}

RAFTLAB_REGISTER_SCENARIO({"kv_snapshot_size", "MIT TestSnapshotSize4C: logs trimmed, snapshots small",
                           {Int("servers", 3, "KV servers"), Bool("reliable", true, "reliable network"),
                            Int("maxraftstate", 1000, "snapshot threshold in bytes"),
                            Int("rounds", 200, "rounds of put 0 / get / put 1 / get")},
                           &SnapshotSize, StepFixture::kKv});

// dslabs-cpp "kv operations through re-election": the leader is cut off
// round after round while a clerk keeps writing and reading; every value
// must survive each change of leader.
void ReElection(TestContext& ctx) {
  KvCluster c(ctx, KvOptionsFrom(ctx.params()));
  const int rounds = static_cast<int>(ctx.params().Int("rounds"));
  KvClerk& ck = c.MakeClerk();
  uint64_t ver = 0;
  for (int r = 0; r < rounds; r++) {
    const std::string value = "round" + std::to_string(r);
    ver = PutAtLeastOnce(c, ck, "k", value, ver);
    CheckGet(c, ck, "k", value, ver);
    const int leader = FindLeader(c);
    c.Disconnect(leader);
    const std::string during = "away" + std::to_string(r);
    ver = PutAtLeastOnce(c, ck, "k", during, ver);
    CheckGet(c, ck, "k", during, ver);
    c.Connect(leader);
    c.Sleep(t::kElectionTimeout);
    CheckGet(c, ck, "k", during, ver);
  }
  c.CheckLinearizable("end");
  c.End();
}

RAFTLAB_REGISTER_SCENARIO({"kv_reelection", "dslabs-cpp: kv operations through re-election",
                           {Int("servers", 5, "KV servers"), Bool("reliable", true, "reliable network"),
                            Int("rounds", 3, "leader changes")},
                           &ReElection, StepFixture::kKv});

}  // namespace
}  // namespace raftlab::scenarios::kv
