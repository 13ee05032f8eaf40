// rsm.cc: your rsm. As shipped, Submit always answers "wrong leader", so the
// part-5 rsm tests fail with a clear message (no server ever accepts a
// submit) after their 10 s retry window; nothing hangs or crashes.
//
// Traps, each explained where it bites below:
//   - a LOST entry: Start gave you index i in term t, but a new leader put
//     another entry at i, or the term moved on and i may never be applied
//     here. Submit must notice both and return RAFTLAB_ERR_WRONG_LEADER.
//   - an isolated leader must NOT give up quickly: it keeps waiting until
//     it learns of a new term (TestLeaderPartition4A fails a Submit that
//     returns within 1 s while isolated).
//   - Kill() must unblock EVERY waiting Submit (RAFTLAB_ERR_KILLED), and
//     OnApply must return RAFTLAB_ERR_KILLED once killed, or your Raft's
//     applier (and so its Kill) never returns.
//   - wake a waiting Submit from OnApply directly (a CondVar); polling
//     every few ms makes the KV speed tests (33 ms per op) fail.
//   - op ids must stay unique across restarts: a restarted server must not
//     mistake an entry submitted by its previous life for a new Submit.
#include "rsm.h"

#include <mutex>
#include <utility>

Rsm::Rsm(raftlab::Host host, int me, int npeers, int64_t maxraftstate, raftlab::StateMachine sm)
    : host_(host),
      me_(me),
      maxraftstate_(maxraftstate),
      sm_(sm),
      mu_(host),
      raft_host_(host.raw(), [this](const raftlab_apply_msg& msg) { return OnApply(msg); }) {
  // TODO(part5): if host_.ReadSnapshot() is not empty, restore sm_ from it
  // (sm_.Restore) BEFORE making the Raft peer, which resumes applying after
  // the snapshot. Store in your snapshots whatever the rsm itself needs
  // besides sm_'s bytes.
  raft_ = std::make_unique<Raft>(raft_host_.host(), me, npeers);
}

Rsm::~Rsm() { Kill(); }

int32_t Rsm::Submit(raftlab::ByteView op, raftlab::Bytes* result) {
  (void)op;
  (void)result;
  // TODO(part5): wrap op with a unique id (me_, a per-incarnation random
  // nonce from host_.Random(), a counter), encode it with raftlab::Encoder,
  // and raft_->Start() it. Not leader: return RAFTLAB_ERR_WRONG_LEADER.
  // Otherwise register a waiter for the returned index and wait on its
  // CondVar until OnApply resolves it (ours: RAFTLAB_OK and the result;
  // another entry at that index: WRONG_LEADER), the term changes
  // (raft_->GetState(), checked every ~50 ms with CondVar::wait_until), or
  // Kill() runs.
  //
  // Trap: do not hold mu_ while waiting without a CondVar (it would block
  // OnApply), and register the waiter before OnApply can apply the index.
  return RAFTLAB_ERR_WRONG_LEADER;
}

void Rsm::Kill() {
  {
    std::lock_guard<raftlab::Mutex> lock(mu_);
    if (dead_) return;
    dead_ = true;
    // TODO(part5): resolve every waiting Submit with RAFTLAB_ERR_KILLED and
    // wake it.
  }
  raft_->Kill();  // joins your Raft's threads; OnApply must not block them
}

int32_t Rsm::OnApply(const raftlab_apply_msg& msg) {
  {
    std::lock_guard<raftlab::Mutex> lock(mu_);
    if (dead_) return RAFTLAB_ERR_KILLED;
  }
  (void)msg;
  // TODO(part5): msg.kind == RAFTLAB_APPLY_COMMAND: decode your wrapper,
  // run sm_.DoOp(op) (every server applies every entry, leader or not),
  // then hand the result to the waiter at msg.index, if any.
  // msg.kind == RAFTLAB_APPLY_SNAPSHOT: sm_.Restore(...) from your
  // snapshot; waiters at or below msg.index lost their entries.
  //
  // TODO(part5): snapshots. When maxraftstate_ >= 0 and
  // raft_->PersistBytes() nears it (say >= 90%), call
  // raft_->Snapshot(msg.index, your snapshot of sm_.Snapshot()). Calling
  // your Raft's Snapshot from here is allowed (its applier must not hold
  // its lock while it calls apply).
  (void)maxraftstate_;
  (void)me_;
  return RAFTLAB_OK;
}
