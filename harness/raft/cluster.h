// Cluster: the Raft test fixture (MIT's config.go / raft1 test.go). Its verbs
// are the vocabulary scenarios are written in: start, crash, restart,
// connect, disconnect, partition, check one leader, check terms, check no
// leader, committed count, one agreement, wait, log size, RPC counters.
//
// Construction makes a labrpc Network (long delays ON, as in every MIT Raft
// test; reliable per the options) and n peers, each started and connected.
// Every peer incarnation gets: new ends (Mesh::MakeEndsFor), a Persister copy,
// a fresh private copy of the plugin (so its globals start from zero), new
// HostServices, a new unbuffered apply channel read by its own applier thread,
// and a new labrpc Server whose "Raft" service calls api()->handle_rpc.
//
// Restart semantics: Restart(i) reconnects ONLY peer i (MIT 2020-2024 start1 +
// connect(i), and 2026 ConnectOne), never the whole group as MIT 2025's
// ConnectAll does: a scenario that disconnected a peer on purpose keeps it
// disconnected until it says otherwise.
//
// Safety is checked continuously: every apply runs through an ApplyChecker on
// the applier thread, every get_state() answer through ElectionSafety; the
// first violation fails the test at once (TestContext::Fail from that thread)
// and every verb starts with TestContext::ThrowIfFailed().
// Snapshot mode (options.snapshot_interval = 10, MIT 3D): after applying a
// command at index I with (I + 1) % 10 == 0 the applier calls snapshot(I,
// payload) synchronously, like MIT's snapshot applier; on restart the
// persisted snapshot is loaded into the peer's record before make().
//
// Time: every deadline and wait is multiplied by TestContext::timeout_scale()
// (see harness/raft/timing.h for the exceptions and the reason for each constant).
//
// Thread safety: the Raft API, checks, counters and time verbs may be called
// from the scenario thread and from client threads the scenario starts (MIT's
// concurrent one() and churn clients); the lifecycle and network verbs
// (Crash, Restart, Connect, Disconnect, Partition, Set*) from one thread at a
// time (the scenario thread). The fixture never calls into plugin code
// while holding its own lock. Ownership: the Cluster owns the network, the
// peers and their threads; it borrows the TestContext, which must outlive it.
// Client threads a scenario starts must be joined before the Cluster dies.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/fixture/fixture_base.h"
#include "harness/fixture/live_peers.h"
#include "harness/raft/apply_checker.h"
#include "harness/raft/commands.h"
#include "harness/raft/election_safety.h"
#include "harness/scenario/scenario.h"
#include "runtime/rng.h"
#include "runtime/runtime.h"

namespace raftlab {

struct ClusterOptions {
  int servers = 3;
  bool reliable = true;
  bool long_delays = true;       // every MIT Raft test: disabled ends fail after 0-7 s
  bool long_reordering = false;  // Figure 8 (unreliable) turns it on part-way
  // 0: the fixture never calls snapshot() by itself (parts 1-3, SJTU part 4);
  // 10: MIT 3D's snapshot applier.
  int snapshot_interval = 0;
};

class ClusterPeer;  // cluster_peer.h: one incarnation of one peer
struct ReplayRecorder;  // cluster_replay.cc

// A request one peer sent another, as recorded for a later replay.
struct RecordedRequest {
  int from = -1;
  int to = -1;
  std::string method;  // "Raft.<whatever the plugin named it>"
  std::vector<uint8_t> request;
};

// Network, persister slots, time, randomness, events and failures come from
// FixtureBase (harness/fixture/fixture_base.h).
class Cluster : public FixtureBase {
 public:
  // Starts and connects every peer. Fails the test if a peer cannot be made.
  Cluster(TestContext& ctx, const ClusterOptions& opts);
  // Shuts every live peer down (kill with its bound), then the network, and
  // records the figures. Never throws; a zombie found here is still reported.
  ~Cluster();
  Cluster(const Cluster&) = delete;
  Cluster& operator=(const Cluster&) = delete;

  // --- peers -------------------------------------------------------------
  // MIT crash1 / ShutdownServer: disconnect, delete its labrpc server, swap in
  // a copy of its Persister, kill it (bounded: a zombie fails the test), then
  // destroy it. No-op for a peer that is already down.
  void Crash(int i);
  // MIT start1 + connect(i): crash it first if it is up, then start a new
  // incarnation from its saved Persister and connect it (only it).
  void Restart(int i);
  bool IsUp(int i) const;

  // --- network -------------------------------------------------------------
  void Connect(int i);
  void Disconnect(int i);
  // Connected within each group only; peers in no group are cut off.
  void Partition(const std::vector<std::vector<int>>& groups);
  void SetLongReordering(bool on);

  // --- late duplicates (cluster_replay.cc) ---------------------------------------
  // Real networks deliver old messages late, and twice; a correct Raft
  // ignores a stale term and an outdated snapshot. StartRecording(i) keeps a
  // copy of every request peer i's current incarnation gets through to a
  // server (at most kMaxRecordedBytes in all), until StopRecording(), which
  // returns them in the order they were sent. One recording at a time.
  static constexpr size_t kMaxRecordedBytes = size_t{64} << 20;
  void StartRecording(int from);
  std::vector<RecordedRequest> StopRecording();
  // Delivers r again to peer r.to when it is up and connected (false
  // otherwise), as a duplicate the network held back: the plugin's handler
  // runs and its reply is thrown away.
  bool Replay(const RecordedRequest& r);

  // --- the Raft API ----------------------------------------------------------
  struct StartResult {
    int64_t index = -1;
    int64_t term = 0;
    bool is_leader = false;
  };
  // start(cmd) on peer i; a down peer answers is_leader = false.
  StartResult Start(int i, const Command& cmd);
  struct State {
    int64_t term = 0;
    bool is_leader = false;
  };
  // get_state() on peer i (checked for election safety); down: {0, false}.
  State GetState(int i);
  // SJTU's save_snapshot(): the fixture calls snapshot(I, payload) on peer i
  // for its current applied index I. Returns false if the peer is down or
  // has applied nothing.
  bool TakeSnapshot(int i);

  // --- checks (MIT helpers; each fails the test with MIT's message) -------
  int CheckOneLeader();
  int64_t CheckTerms();
  void CheckNoLeader();
  ApplyChecker::Committed NCommitted(int64_t index);
  // Gets cmd committed on at least `expected` servers; returns its index.
  int64_t One(const Command& cmd, int expected, bool retry);
  // Waits for `n` servers to commit `index`; nullopt when some server's term
  // passed start_term (> -1): "term moved on, try again".
  std::optional<Command> Wait(int64_t index, int n, int64_t start_term);
  // Whether some live peer reports a term other than `term` (MIT: retry).
  bool TermMovedOn(int64_t term);

  // --- counters ----------------------------------------------------------------
  int64_t CommandsApplied(int i) const;  // this incarnation (SJTU num_append_logs)
  int64_t MaxIndex() const;              // highest applied index of any server
  int64_t LastApplied(int i) const;      // highest index server i applied (command or snapshot)

  // --- time and randomness ---------------------------------------------------
  Command RandomCommand();  // decimal text of a random 31-bit int

  // Records MIT's figures (peers, RPCs, bytes, commands) in the context.
  // Scenarios call it at their end; the destructor calls it too.
  void End();

 private:
  friend class ClusterPeer;

  std::shared_ptr<ClusterPeer> Live(int i) const { return peers_.Get(i); }  // nullptr when down
  void StartPeer(int i);
  // Shuts `peer` down; a problem (zombie) fails the test: thrown when
  // throw_on_error, else recorded.
  void ShutdownPeer(int i, const std::shared_ptr<ClusterPeer>& peer, bool throw_on_error);
  void Teardown();  // idempotent; never throws
  void RecordFigures();

  const ClusterOptions opts_;
  std::shared_ptr<ReplayRecorder> recorder_;  // scenario thread only; null when not recording
  ApplyChecker checker_;
  ElectionSafety safety_;
  LivePeers<ClusterPeer> peers_;

  bool ended_ = false;      // End() recorded the figures
  bool torn_down_ = false;  // scenario thread only
};

}  // namespace raftlab
