// fake_cluster.h: an in-process, real-time cluster for the reference part-5
// tests: n servers made through the plugin's OWN extension tables
// (raftlab_entry()->get_extension, so the glue is exercised too), each with a
// fake host over std threads and locks, a persister that survives crashes,
// and a network of direct calls that a test can cut (Disconnect) and mend.
// Clerks get hosts whose call() reaches the servers.
//
// The network in miniature: a call over a cut link, or to a crashed server,
// fails after kFailDelayMs; a reply is dropped if the link was cut while the
// handler ran. Disconnect cuts a server from its PEERS only: clerks (and
// RawCall) still reach every live server, as in MIT's GenericTest. There is no
// random loss or delay (the harness's labrpc tests those); that keeps these
// tests quick and steady on a loaded machine.
//
// For the rsm kind every server runs a counter state machine (MIT's rsm
// tests): op "inc" adds one and returns the new value as text, "null"
// returns nothing, anything else is recorded as a violation.
//
// Thread safety: the public methods are for the test's main thread, except
// Submit/ClerkGet/ClerkPut, which any thread may call. Ownership: owns every
// instance, host and persister; the destructor kills everything.
#ifndef RAFTLAB_TESTS_REFERENCE_FAKE_CLUSTER_H_
#define RAFTLAB_TESTS_REFERENCE_FAKE_CLUSTER_H_

#include <raftlab/raftlab.hpp>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace raftlab::ref::testing {

class FakeCluster {
 public:
  enum class Kind { kRsm, kKv };
  static constexpr int kFailDelayMs = 5;

  // Starts n servers of `kind`.
  FakeCluster(int n, Kind kind, int64_t maxraftstate);
  ~FakeCluster();
  FakeCluster(const FakeCluster&) = delete;
  FakeCluster& operator=(const FakeCluster&) = delete;

  void Start(int i);  // (re)start server i from its persister
  void Crash(int i);  // kill and destroy it; its persister survives (copied)
  void Disconnect(int i);
  void Connect(int i);

  // The server that says it is leader with the highest term among the
  // connected live ones, waiting up to timeout_ms for one; -1 if none.
  int WaitLeader(int timeout_ms = 10000);
  // True if server i is live and says it is leader.
  bool IsLeader(int i);

  // rsm kind: submit op on server i (directly, as MIT's rsm tests do).
  int32_t Submit(int i, const std::string& op, std::string* result);
  // rsm kind: server i's counter (-1 while crashed).
  int64_t Counter(int i);
  // rsm kind: number of applied ops that were neither inc nor null.
  int violations() const { return violations_.load(); }

  // kv kind: a clerk over every server; returns its index for ClerkGet/Put.
  int MakeClerk();
  int32_t ClerkGet(int clerk, const std::string& key, std::string* value, uint64_t* version);
  int32_t ClerkPut(int clerk, const std::string& key, const std::string& value, uint64_t version);
  // kv kind: sends one raw RPC to server i (nullopt: call failed).
  std::optional<Bytes> RawCall(int i, const char* method, const Bytes& req);

  size_t StateSize(int i);     // persisted Raft state of server i
  size_t SnapshotSize(int i);
  // Host misuse seen so far (apply on an rsm/kv host, unknown methods...).
  std::vector<std::string> errors();

  const raftlab_rsm_ext* rsm_ext() const { return rsm_; }

 private:
  struct Persister;
  struct InstHost;
  struct CounterSm;
  struct Live;

  friend struct InstHost;
  int CallFrom(InstHost* from, int to, const char* method, const uint8_t* req, size_t len,
               raftlab_sink* reply);
  bool Linked(int from, int to);
  void AddError(const std::string& e);
  std::shared_ptr<Live> LiveOf(int i);

  const int n_;
  const Kind kind_;
  const int64_t maxraftstate_;
  const raftlab_plugin* plugin_;
  const raftlab_rsm_ext* rsm_ = nullptr;
  const raftlab_kvserver_ext* kv_ = nullptr;
  const raftlab_clerk_ext* clerk_ = nullptr;

  std::mutex mu_;
  std::vector<std::shared_ptr<Live>> live_;        // GUARDED_BY(mu_); null while crashed
  std::vector<std::shared_ptr<Persister>> pers_;   // GUARDED_BY(mu_)
  std::vector<bool> connected_;                    // GUARDED_BY(mu_)
  std::vector<std::string> errors_;                // GUARDED_BY(mu_)
  std::vector<std::unique_ptr<InstHost>> clerk_hosts_;
  std::vector<raftlab_clerk*> clerks_;
  uint64_t next_seed_ = 1;                         // GUARDED_BY(mu_)
  std::atomic<int> violations_{0};
};

}  // namespace raftlab::ref::testing

#endif  // RAFTLAB_TESTS_REFERENCE_FAKE_CLUSTER_H_
