// rsm.cc: see rsm.h.
#include "reference/rsm.h"

#include <mutex>
#include <stdexcept>
#include <string>
#include <utility>

namespace raftlab::ref {

Rsm::Rsm(Host host, int me, int npeers, int64_t maxraftstate, StateMachine sm)
    : host_(host),
      me_(me),
      maxraftstate_(maxraftstate),
      sm_(sm),
      nonce_(host.Random()),
      mu_(host),
      idle_cv_(host),
      raft_host_(host.raw(), [this](const raftlab_apply_msg& msg) { return OnApply(msg); }) {
  // MIT: "on restart, if ReadSnapshot() is non-empty, rsm calls
  // sm.Restore() before applying later entries". The Raft peer below starts
  // applying after the same snapshot.
  const Bytes saved = host_.ReadSnapshot();
  if (!saved.empty()) {
    RsmSnapshot snap;
    if (!DecodeSnapshot(saved, &snap)) {
      throw std::runtime_error("saved snapshot is not an rsm snapshot (" + std::to_string(saved.size()) +
                               " bytes)");
    }
    sm_.Restore(snap.state);
    last_applied_ = last_snapshot_ = snap.index;
  }
  raft_ = std::make_unique<Adapter>(raft_host_.host(), me, npeers);
  raft_ready_.store(raft_.get(), std::memory_order_release);
}

Rsm::~Rsm() {
  bool killed;
  {
    std::lock_guard<Mutex> lock(mu_);
    killed = dead_;
  }
  if (!killed) Kill();
}

void Rsm::Wake(const std::vector<Pending*>& resolved) {
  for (Pending* p : resolved) static_cast<CondVar*>(p->waker)->notify_one();
}

int32_t Rsm::Submit(ByteView op, Bytes* result) {
  std::unique_lock<Mutex> lock(mu_);
  if (dead_) return RAFTLAB_ERR_KILLED;
  CondVar cv(host_);
  Pending p;
  p.id = OpId{me_, nonce_, ++seq_};
  p.waker = &cv;
  // mu_ is held across Start: the applier needs mu_ to resolve index
  // p.index, so it cannot get there before p is registered.
  const StartResult started = raft_->Start(EncodeEntry(p.id, op));
  if (!started.is_leader) return RAFTLAB_ERR_WRONG_LEADER;
  p.index = started.index;
  p.term = started.term;
  if (p.index <= last_applied_) return RAFTLAB_ERR_WRONG_LEADER;  // cannot happen; stay safe
  pending_.Add(&p);
  active_++;
  while (!p.done) {
    if (cv.wait_until(lock, host_.Now() + kTermCheckNs) == std::cv_status::timeout && !p.done) {
      // Lost leadership: a new term means our entry may be overwritten and
      // never applied here. An isolated leader stays in its term and keeps
      // waiting, as MIT allows.
      const RaftState st = raft_->GetState();
      if (st.term != p.term) Wake(pending_.OnTerm(st.term));
    }
  }
  if (--active_ == 0 && dead_) idle_cv_.notify_all();
  if (p.status == RAFTLAB_OK) *result = std::move(p.result);
  return p.status;
}

void Rsm::Kill() {
  {
    std::lock_guard<Mutex> lock(mu_);
    if (dead_) return;
    dead_ = true;
    dead_fast_.store(true, std::memory_order_release);
    Wake(pending_.OnKill());
  }
  // Stops and joins the Raft peer's threads; its applier is either outside
  // OnApply or leaves it at once (dead_fast_), so this cannot deadlock.
  raft_->Kill();
  std::unique_lock<Mutex> lock(mu_);
  idle_cv_.wait(lock, [this] { return active_ == 0; });
}

int32_t Rsm::OnApply(const raftlab_apply_msg& msg) {
  if (dead_fast_.load(std::memory_order_acquire)) return RAFTLAB_ERR_KILLED;
  const ByteView data(msg.data, msg.len);
  if (msg.kind == RAFTLAB_APPLY_SNAPSHOT) {
    ApplySnapshot(msg.index, data);
  } else {
    ApplyCommand(msg.index, data);
  }
  return RAFTLAB_OK;
}

void Rsm::ApplyCommand(int64_t index, ByteView data) {
  RsmEntry entry;
  Bytes result;
  if (DecodeEntry(data, &entry)) {
    result = sm_.DoOp(entry.op);
  } else {
    // Not ours (nothing else writes to this Raft): the log is corrupt.
    host_.Logf(RAFTLAB_LOG_ERROR, "rsm: entry %lld is not an rsm entry (%zu bytes); skipped",
               static_cast<long long>(index), data.size());
  }
  {
    std::lock_guard<Mutex> lock(mu_);
    if (index <= last_applied_) return;  // already covered by a snapshot
    last_applied_ = index;
    Wake(pending_.OnApplied(index, entry.id, result));
  }
  // Snapshot policy: persisted Raft state (the log) nears maxraftstate.
  Adapter* raft = raft_ready_.load(std::memory_order_acquire);
  if (raft != nullptr && index > last_snapshot_ && SnapshotDue(raft->PersistBytes(), maxraftstate_)) {
    last_snapshot_ = index;
    raft->Snapshot(index, EncodeSnapshot(index, sm_.Snapshot()));
  }
}

void Rsm::ApplySnapshot(int64_t index, ByteView data) {
  RsmSnapshot snap;
  if (!DecodeSnapshot(data, &snap)) {
    host_.Logf(RAFTLAB_LOG_ERROR, "rsm: installed snapshot at %lld is not an rsm snapshot (%zu bytes)",
               static_cast<long long>(index), data.size());
    return;
  }
  {
    std::lock_guard<Mutex> lock(mu_);
    if (index <= last_applied_) return;  // older than what we have
  }
  sm_.Restore(snap.state);
  std::lock_guard<Mutex> lock(mu_);
  last_applied_ = index;
  if (index > last_snapshot_) last_snapshot_ = index;
  Wake(pending_.OnSnapshot(index));
}

}  // namespace raftlab::ref
