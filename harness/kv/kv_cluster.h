// KvCluster: the part-5 test fixture (MIT 6.5840 Lab 4's tester1 group plus
// kvtest): n servers and any number of clerks on one labrpc Network.
//
// Servers (harness/kv/kv_server_node.h) are raftlab_kvserver_ext instances
// (kind kKvServer) or, for the rsm tests, raftlab_rsm_ext instances over the
// harness's counter state machine (kind kRsm). Clerks (harness/kv/kv_clerk.h)
// are raftlab_clerk_ext instances. Every server incarnation and every clerk
// is made from its own fresh copy of the plugin, with its own HostServices,
// as in the Raft fixture. A plugin without the needed extension makes the
// constructor Skip the test ("skipped: not implemented: raftlab.kvserver/1").
//
// Network: reliable per the options, long delays OFF (MIT's KV tests: a
// clerk must be able to try servers quickly; a dead link fails within
// 100 ms). Servers follow the Mesh's groups; clerks may be restricted to a
// subset of servers (MakeClerkTo / ConnectClerk), and ConnectAll lifts every
// restriction and heals every partition (MIT ConnectAll). Partition() cuts
// servers from servers only (clerks reach the servers they may reach, as in
// MIT); Disconnect(i) cuts server i from everyone, clerks included (MIT
// DisconnectAll, dslabs Disconnect), until Connect(i) or ConnectAll.
//
// Crash/restart (MIT ShutdownServer/StartServer): disconnect, delete the
// labrpc server, swap in a Persister copy, kill (bounded; a zombie fails the
// test), destroy; a restart gets new ends, another Persister copy and a new
// plugin copy, and is connected again.
//
// History: every clerk call is recorded (KvHistory, on the Runtime's
// monotonic clock) with bands for partitions and crashes; CheckLinearizable
// runs the checker (harness/kv/kv_check.h).
//
// Client threads: Spawn() runs scenario client loops on Runtime threads; a
// TestFailed inside one ends that client (the failure is recorded). The
// destructor stops the partitioner, stops every clerk (host killed), waits a
// bounded time for client threads and clerk calls (a clerk that never
// returns is leaked), then shuts the servers down.
//
// Thread safety: state queries, Submit, clerk creation, Spawn, history and
// the network verbs may be called from the scenario thread and client
// threads; ShutdownServer/StartServer and JoinClients from the scenario
// thread only. Never calls plugin code while holding its own lock.
// Ownership: owns the network, servers, clerks, threads and history;
// borrows the TestContext, which must outlive it.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "harness/fixture/fixture_base.h"
#include "harness/fixture/live_peers.h"
#include "harness/kv/kv_clerk.h"
#include "harness/kv/kv_history.h"
#include "harness/kv/kv_server_node.h"
#include "harness/linearizability/checker.h"
#include "harness/scenario/scenario.h"
#include "runtime/rng.h"
#include "runtime/runtime.h"

namespace raftlab {

struct KvClusterOptions {
  KvServerKind kind = KvServerKind::kKvServer;
  int servers = 5;
  bool reliable = true;
  int64_t maxraftstate = -1;  // -1: no snapshots
};

// Network, persister slots, time, randomness, events and failures come from
// FixtureBase (harness/fixture/fixture_base.h).
class KvCluster : public FixtureBase {
 public:
  KvCluster(TestContext& ctx, const KvClusterOptions& opts);
  ~KvCluster();
  KvCluster(const KvCluster&) = delete;
  KvCluster& operator=(const KvCluster&) = delete;

  KvHistory& history() { return *history_; }
  const KvClusterOptions& options() const { return opts_; }

  // --- servers ---------------------------------------------------------------
  void ShutdownServer(int i);  // no-op when down
  void StartServer(int i);     // shuts it down first when up; connects it
  // Every server down / up, drawn as one "crash" band in the history.
  void ShutdownAll();
  void StartAll();
  bool IsUp(int i) const;

  // --- network ---------------------------------------------------------------
  void ConnectAll();  // heal the servers, and every clerk reaches every server
  void Partition(const std::vector<int>& p1, const std::vector<int>& p2);
  void Disconnect(int i);
  void Connect(int i);
  // MIT MakePartition(leader): p1 = n/2+1 servers without the leader, p2 =
  // the rest with the leader (the leader is in the minority).
  std::pair<std::vector<int>, std::vector<int>> MakePartition(int leader) const;
  // The partitioner: random halves every 1 s + U(0..199) ms until stopped.
  void StartPartitioner();
  void StopPartitioner();  // joins it; no-op when not running

  // --- Raft state, rsm -------------------------------------------------------
  std::optional<KvServerNode::State> GetState(int i);  // nullopt: down
  // A server that says it is leader (highest term), or -1.
  int Leader();
  // rsm submit() on server i (in process); RAFTLAB_ERR_KILLED when down.
  int32_t Submit(int i, const std::string& op, std::string* result);
  int64_t Counter(int i) const;  // the counter of server i's live incarnation (0 when down)

  // --- clerks ----------------------------------------------------------------
  KvClerk& MakeClerk();
  KvClerk& MakeClerkTo(const std::vector<int>& servers);
  void ConnectClerk(KvClerk& clerk, const std::vector<int>& servers);

  // --- client threads --------------------------------------------------------
  void Spawn(const std::string& name, std::function<void()> fn);
  // Joins every spawned thread, then throws the recorded failure if any.
  void JoinClients();

  // --- checks, time, narrative ---------------------------------------------
  // Runs the linearizability check on the history so far (see kv_check.h).
  lin::CheckResult CheckLinearizable(const std::string& when);
  // Clerk operations not recorded in the history (MIT counts only recorded).
  void CountOps(int64_t n) { extra_ops_.fetch_add(n, std::memory_order_relaxed); }
  void End();  // records the figures (the destructor does too)

 private:
  struct ClientThread {
    std::string name;
    std::unique_ptr<Thread> thread;
    std::shared_ptr<std::atomic<bool>> done = std::make_shared<std::atomic<bool>>(false);
  };

  std::shared_ptr<KvServerNode> Live(int i) const { return servers_.Get(i); }
  // Enables clerk `id`'s ends to its allowed servers that are not cut.
  void ApplyClerkLinks(int id);
  void ApplyAllClerkLinks();
  void SetCut(int i, bool cut);
  void PartitionerLoop();
  void Teardown();
  void RecordFigures();
  static std::string GroupText(const std::vector<int>& g);

  const KvClusterOptions opts_;
  std::shared_ptr<KvHistory> history_;
  KvNodeEnv env_;

  std::unique_ptr<Mutex> mu_;
  std::unique_ptr<CondVar> cv_;
  std::vector<std::unique_ptr<KvClerk>> clerks_ GUARDED_BY(*mu_);
  std::vector<std::unique_ptr<ClientThread>> clients_ GUARDED_BY(*mu_);
  std::vector<std::vector<int>> clerk_allowed_ GUARDED_BY(*mu_);  // by clerk id
  std::vector<bool> cut_ GUARDED_BY(*mu_);                         // Disconnect()ed servers
  bool partitioner_stop_ GUARDED_BY(*mu_) = false;
  std::unique_ptr<Thread> partitioner_;  // scenario thread only
  std::optional<size_t> crash_band_;      // scenario thread only
  int checks_ = 0;                        // scenario thread only

  LivePeers<KvServerNode> servers_;
  std::atomic<int64_t> extra_ops_{0};
  bool ended_ = false;
  bool torn_down_ = false;
};

}  // namespace raftlab
