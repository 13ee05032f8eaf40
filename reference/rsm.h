// rsm.h: the reference replicated state machine (MIT 6.5840 Lab 4A's rsm),
// exposed as the raftlab_rsm_ext extension and used by the reference KV
// server.
//
// The rsm makes its own Raft peer (ref::Adapter) over an ApplyRedirectHost:
// the same host services, except that apply() lands in Rsm::OnApply instead
// of the harness. OnApply is the "reader": it runs the state machine's do_op
// for every committed entry, hands the result to the Submit waiting at that
// index (waking it through its own condition variable, never by polling),
// and snapshots the state machine when the persisted Raft state nears
// maxraftstate.
//
// Submit semantics (raftlab.h, raftlab_rsm_ext.submit):
//   - not leader at Start: RAFTLAB_ERR_WRONG_LEADER at once;
//   - our entry applied at its index: RAFTLAB_OK and do_op's result;
//   - another entry applied there, a snapshot covered it, or the Raft term
//     moved on (checked every kTermCheckNs while waiting): WRONG_LEADER;
//   - an isolated ex-leader keeps waiting until it hears of a new term
//     (TestLeaderPartition4A requires that it does not give up early);
//   - Kill(): every waiting Submit returns RAFTLAB_ERR_KILLED, and Kill()
//     returns only after every Submit has left.
//
// Thread safety: every public method may be called from any thread.
// Lock order: mu_ before the Adapter's lock (Submit holds mu_ across
// Adapter::Start so that an entry cannot be applied before its waiter is
// registered); the Adapter never holds its lock while calling apply.
// Ownership: owns the Adapter and its host wrapper; borrows the host and the
// state machine (valid until destroy).
#ifndef RAFTLAB_REFERENCE_RSM_H_
#define RAFTLAB_REFERENCE_RSM_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string_view>

#include <raftlab/raftlab.hpp>

#include "reference/adapter.h"
#include "reference/rsm_ops.h"

namespace raftlab::ref {

class Rsm {
 public:
  // How often a waiting Submit asks Raft whether the term moved on. Only
  // the lost-leadership path waits this long; applies wake waiters at once.
  static constexpr int64_t kTermCheckNs = 50 * 1000 * 1000;

  // Restores sm from the saved snapshot (if any), then starts the Raft peer.
  // Throws on a corrupt snapshot or when the peer cannot start.
  Rsm(Host host, int me, int npeers, int64_t maxraftstate, StateMachine sm);
  ~Rsm();
  Rsm(const Rsm&) = delete;
  Rsm& operator=(const Rsm&) = delete;

  int32_t Submit(ByteView op, Bytes* result);
  int32_t HandleRpc(std::string_view method, ByteView req, Bytes* reply) {
    return raft_->HandleRpc(method, req, reply);
  }
  RaftState GetState() { return raft_->GetState(); }
  void Kill();

 private:
  // The Raft peer's apply(), on its applier thread.
  int32_t OnApply(const raftlab_apply_msg& msg);
  void ApplyCommand(int64_t index, ByteView data);
  void ApplySnapshot(int64_t index, ByteView data);
  // Wakes every resolved Pending. REQUIRES mu_.
  static void Wake(const std::vector<Pending*>& resolved);

  const Host host_;
  const int me_;
  const int64_t maxraftstate_;
  const StateMachine sm_;  // touched only by OnApply (and the constructor)
  const uint64_t nonce_;   // see OpId

  Mutex mu_;
  CondVar idle_cv_;              // Kill waits here for active_ == 0
  bool dead_ = false;            // GUARDED_BY(mu_)
  int active_ = 0;               // GUARDED_BY(mu_): Submits inside
  uint64_t seq_ = 0;             // GUARDED_BY(mu_)
  int64_t last_applied_ = 0;     // GUARDED_BY(mu_)
  PendingTable pending_;         // GUARDED_BY(mu_)
  std::atomic<bool> dead_fast_{false};  // dead_, readable without mu_
  int64_t last_snapshot_ = 0;    // applier thread only

  // Declared last: the Raft peer (and its threads) go first on destruction.
  ApplyRedirectHost raft_host_;
  std::unique_ptr<Adapter> raft_;
  std::atomic<Adapter*> raft_ready_{nullptr};  // set once raft_ is built
};

}  // namespace raftlab::ref

#endif  // RAFTLAB_REFERENCE_RSM_H_
