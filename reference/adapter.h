// adapter.h: maps the pure Raft Core (core.h) onto the plugin ABI, using only
// the host's runtime services (threads, mutex, condition variables, clock,
// randomness), so the reference also runs under a simulated runtime.
//
// Threads of one peer, all started in the constructor and joined in Kill():
//   ticker      sleeps until Core::NextTickAt(), then Tick()s (elections)
//   applier     takes committed entries from the Core and calls host->apply
//               WITHOUT holding the lock: the harness may call Snapshot()
//               from inside apply
//   senders     per other peer, a pool of threads; each asks the Core for
//               the next RPC due to its peer, sends it with the lock
//               released (a call may block for seconds), and feeds the reply
//               back. The pool starts with one thread and grows (up to
//               kMaxSendersPerPeer) whenever every thread of that peer is
//               inside a call, so a heartbeat or vote is never stuck behind
//               calls hanging on a partitioned peer, while a healthy peer
//               costs two threads.
// No thread busy-waits: each waits on a condition variable until the Core
// reports work (Core::TakeWakeups) or its next deadline passes.
//
// Persist before send: every input to the Core is followed, under the same
// lock, by AfterChange(), which saves the state if it changed. A reply leaves
// HandleRpc and a request leaves a sender only after that.
//
// Thread safety: every public method may be called from any thread; one
// mutex (mu_) guards the Core. Ownership: owns the Core and its threads;
// borrows the host (valid until the glue deletes this object).
#ifndef RAFTLAB_REFERENCE_ADAPTER_H_
#define RAFTLAB_REFERENCE_ADAPTER_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include <raftlab/raftlab.hpp>

#include "reference/core.h"

namespace raftlab::ref {

class Adapter {
 public:
  // Threads, locks, clock and sleep all come from the host (labtest --sim
  // can run the reference); KvStore's std::mutex is a leaf lock.
  static constexpr uint64_t kPluginFlags = RAFTLAB_PLUGIN_HOST_THREADS_ONLY;
  static constexpr int kMaxSendersPerPeer = 16;
  static constexpr size_t kApplyBatch = 64;

  // make(): restores persisted state and snapshot, starts the threads.
  // Throws (caught by the glue: make() returns NULL) if the persisted state
  // is corrupt or a thread cannot start.
  Adapter(Host host, int me, int npeers);
  ~Adapter();
  Adapter(const Adapter&) = delete;
  Adapter& operator=(const Adapter&) = delete;

  StartResult Start(ByteView command);
  RaftState GetState();
  int32_t HandleRpc(std::string_view method, ByteView req, Bytes* reply);
  void Snapshot(int64_t index, ByteView snapshot);
  int64_t PersistBytes();
  // Sets the dead flag, wakes and joins every thread. Assumes, as raftlab.h
  // promises, that once the instance is killed host->call returns 0 at
  // once, host->apply returns RAFTLAB_ERR_KILLED at once and sleeps end
  // early; so kill() returns promptly even if a call to a partitioned peer
  // was in progress.
  void Kill();

  // The part-5 extensions (rsm, KV server, clerk); defined in plugin.cc by
  // RAFTLAB_DEFINE_EXTENSIONS.
  static const void* GetExtension(const char* id);

 private:
  bool Dead() const { return dead_.load(std::memory_order_acquire) || host_.Killed(); }
  // REQUIRES mu_. Persists if the Core changed durable state (before any
  // reply or request can leave), wakes the threads that have new work, and
  // logs role changes.
  void AfterChange();
  void TickerLoop();
  void ApplierLoop();
  void SenderLoop(int peer);
  // Decodes a reply and hands it to the Core. REQUIRES mu_.
  void DeliverReply(const Outgoing& out, const Bytes& reply);
  void StartThreads();
  // Starts one more sender for peer; logs and carries on if the host
  // cannot start it. REQUIRES mu_.
  void SpawnSender(int peer);

  const Host host_;
  const int me_;
  const int npeers_;
  std::atomic<bool> dead_{false};

  Mutex mu_;
  CondVar tick_cv_;                                // ticker waits here
  CondVar apply_cv_;                               // applier waits here
  std::vector<std::unique_ptr<CondVar>> peer_cv_;  // senders of peer p wait on [p]
  std::unique_ptr<Core> core_;                     // GUARDED_BY(mu_)
  Role logged_role_ = Role::kFollower;             // GUARDED_BY(mu_)
  int64_t logged_term_ = 0;                        // GUARDED_BY(mu_)

  std::vector<int> senders_;  // GUARDED_BY(mu_): sender threads per peer
  std::vector<int> busy_;     // GUARDED_BY(mu_): of those, inside a call
  // Joined by Kill(). Appended only under mu_ and only while !dead_, so
  // once Kill() has set dead_ (under mu_) it can join without the lock.
  std::vector<Thread> threads_;
};

}  // namespace raftlab::ref

#endif  // RAFTLAB_REFERENCE_ADAPTER_H_
