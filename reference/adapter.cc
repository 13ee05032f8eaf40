// adapter.cc: see adapter.h.
#include "reference/adapter.h"

#include <mutex>
#include <stdexcept>
#include <string>
#include <utility>

namespace raftlab::ref {
namespace {

const char* RoleName(Role r) {
  switch (r) {
    case Role::kLeader:
      return "leader";
    case Role::kCandidate:
      return "candidate";
    default:
      return "follower";
  }
}


}  // namespace

Adapter::Adapter(Host host, int me, int npeers)
    : host_(host), me_(me), npeers_(npeers), mu_(host), tick_cv_(host), apply_cv_(host) {
  for (int p = 0; p < npeers; p++) peer_cv_.push_back(std::make_unique<CondVar>(host));

  PersistentState state;
  const Bytes saved = host_.ReadState();
  if (!saved.empty() && !Decode(saved, &state)) {
    throw std::runtime_error("persisted Raft state is corrupt (" + std::to_string(saved.size()) +
                             " bytes)");
  }
  Config config;
  config.me = me;
  config.npeers = npeers;
  config.random = [h = host_] { return h.Random(); };
  core_ = std::make_unique<Core>(std::move(config), state, host_.ReadSnapshot(), host_.Now());
  logged_term_ = core_->term();
  if (!saved.empty()) {
    host_.Logf(RAFTLAB_LOG_DEBUG, "restarted: term %lld, snapshot at %lld, log up to %lld",
               static_cast<long long>(state.term), static_cast<long long>(state.snapshot_index),
               static_cast<long long>(core_->log().LastIndex()));
  }
  StartThreads();
}

void Adapter::StartThreads() {
  try {
    // Hold mu_ so that no sender can grow threads_ while we fill it.
    std::lock_guard<Mutex> lock(mu_);
    senders_.assign(static_cast<size_t>(npeers_), 0);
    busy_.assign(static_cast<size_t>(npeers_), 0);
    threads_.emplace_back(host_, "raft-ticker", [this] { TickerLoop(); });
    threads_.emplace_back(host_, "raft-applier", [this] { ApplierLoop(); });
    for (int p = 0; p < npeers_; p++) {
      if (p == me_) continue;
      threads_.emplace_back(host_, "raft-send", [this, p] { SenderLoop(p); });
      senders_[p]++;
    }
  } catch (...) {
    Kill();  // join what did start, then let the glue report the failure
    throw;
  }
}

void Adapter::SpawnSender(int peer) {
  if (Dead()) return;
  try {
    threads_.emplace_back(host_, "raft-send", [this, peer] { SenderLoop(peer); });
    senders_[peer]++;
  } catch (const std::exception& e) {
    host_.Logf(RAFTLAB_LOG_WARN, "could not add a sender for peer %d: %s", peer, e.what());
  }
}

Adapter::~Adapter() {
  if (!threads_.empty()) Kill();
}

void Adapter::Kill() {
  {
    std::lock_guard<Mutex> lock(mu_);
    dead_.store(true, std::memory_order_release);
    tick_cv_.notify_all();
    apply_cv_.notify_all();
    for (auto& cv : peer_cv_) cv->notify_all();
  }
  for (Thread& t : threads_) t.join();
  threads_.clear();
}

StartResult Adapter::Start(ByteView command) {
  std::lock_guard<Mutex> lock(mu_);
  if (Dead()) return StartResult{};
  const ProposeResult r = core_->Propose(command.ToBytes(), host_.Now());
  AfterChange();  // the entry is persisted before any sender can ship it
  return StartResult{r.index, r.term, r.is_leader};
}

RaftState Adapter::GetState() {
  std::lock_guard<Mutex> lock(mu_);
  return RaftState{core_->term(), core_->is_leader()};
}

int64_t Adapter::PersistBytes() { return static_cast<int64_t>(host_.StateSize()); }

void Adapter::Snapshot(int64_t index, ByteView snapshot) {
  std::lock_guard<Mutex> lock(mu_);
  if (Dead()) return;
  if (!core_->Snapshot(index, snapshot.ToBytes())) {
    host_.Logf(RAFTLAB_LOG_WARN, "snapshot(%lld) ignored: only %lld entries were applied",
               static_cast<long long>(index), static_cast<long long>(core_->last_applied()));
  }
  AfterChange();
}

namespace {

// Decodes req as Args, runs handle under the lock, persists, encodes the
// reply. Returns RAFTLAB_ERR_INTERNAL for a malformed request.
template <class Args, class Handle>
int32_t Serve(const Host& host, std::string_view method, ByteView req, Bytes* reply, Handle handle) {
  Args args;
  if (!Decode(req, &args)) {
    host.Logf(RAFTLAB_LOG_ERROR, "malformed %.*s request (%zu bytes)", static_cast<int>(method.size()),
              method.data(), req.size());
    return RAFTLAB_ERR_INTERNAL;
  }
  *reply = Encode(handle(args));
  return RAFTLAB_OK;
}

}  // namespace

int32_t Adapter::HandleRpc(std::string_view method, ByteView req, Bytes* reply) {
  // No early return once killed: handle_rpc must answer every request it
  // knows, and a request may still arrive while the harness is killing us.
  // AfterChange() then skips the save, and the harness drops the reply of a
  // dead server, so nothing escapes unpersisted.
  // Each handler persists (AfterChange) before its reply is encoded and
  // returned: Figure 2's "respond only after updating stable storage".
  if (method == kAppendEntries) {
    return Serve<AppendEntriesArgs>(host_, method, req, reply, [this](const AppendEntriesArgs& a) {
      std::lock_guard<Mutex> lock(mu_);
      AppendEntriesReply r = core_->HandleAppendEntries(a, host_.Now());
      AfterChange();
      return r;
    });
  }
  if (method == kRequestVote) {
    return Serve<RequestVoteArgs>(host_, method, req, reply, [this](const RequestVoteArgs& a) {
      std::lock_guard<Mutex> lock(mu_);
      RequestVoteReply r = core_->HandleRequestVote(a, host_.Now());
      AfterChange();
      return r;
    });
  }
  if (method == kInstallSnapshot) {
    return Serve<InstallSnapshotArgs>(host_, method, req, reply, [this](const InstallSnapshotArgs& a) {
      std::lock_guard<Mutex> lock(mu_);
      InstallSnapshotReply r = core_->HandleInstallSnapshot(a, host_.Now());
      AfterChange();
      return r;
    });
  }
  return RAFTLAB_ERR_UNKNOWN_METHOD;
}

void Adapter::AfterChange() {
  // PERSIST BEFORE SEND. This runs under mu_ after every Core input, so no
  // reply or request built from the new state can leave before it is saved.
  // The Killed() test only narrows the window in which a handler that was
  // already running when the harness killed us would still save.
  if (core_->TakePersist() && !Dead()) host_.Save(core_->EncodeState(), core_->snapshot());
  const Wakeups w = core_->TakeWakeups();
  if (w.peers) {
    for (auto& cv : peer_cv_) cv->notify_all();
  }
  if (w.applier) apply_cv_.notify_one();
  if (w.ticker) tick_cv_.notify_one();
  if (core_->role() != logged_role_ || core_->term() != logged_term_) {
    logged_role_ = core_->role();
    logged_term_ = core_->term();
    host_.Logf(RAFTLAB_LOG_DEBUG, "%s in term %lld (log up to %lld, commit %lld)",
               RoleName(logged_role_), static_cast<long long>(logged_term_),
               static_cast<long long>(core_->log().LastIndex()),
               static_cast<long long>(core_->commit_index()));
  }
}

void Adapter::TickerLoop() {
  std::unique_lock<Mutex> lock(mu_);
  while (!Dead()) {
    core_->Tick(host_.Now());
    AfterChange();
    const int64_t at = core_->NextTickAt();
    if (at == kNever) {
      tick_cv_.wait(lock);  // leader: woken when it steps down
    } else {
      tick_cv_.wait_until(lock, at);
    }
  }
}

void Adapter::ApplierLoop() {
  std::unique_lock<Mutex> lock(mu_);
  while (!Dead()) {
    if (!core_->HasApply()) {
      apply_cv_.wait(lock);
      continue;
    }
    const std::vector<ApplyItem> items = core_->TakeApply(kApplyBatch);
    // Never hold mu_ across apply: the harness's applier may call
    // Snapshot() (which takes mu_) before apply returns.
    lock.unlock();
    for (const ApplyItem& item : items) {
      const bool ok = item.is_snapshot ? host_.ApplySnapshot(item.index, item.term, item.data)
                                       : host_.ApplyCommand(item.index, item.term, item.data);
      if (!ok) break;  // killed
    }
    lock.lock();
  }
}

void Adapter::SenderLoop(int peer) {
  CondVar& cv = *peer_cv_[peer];
  std::unique_lock<Mutex> lock(mu_);
  while (!Dead()) {
    int64_t wake_at = kNever;
    std::optional<Outgoing> out = core_->NextMessage(peer, host_.Now(), &wake_at);
    if (!out) {
      if (wake_at == kNever) {
        cv.wait(lock);
      } else {
        cv.wait_until(lock, wake_at);
      }
      continue;
    }
    // Keep one thread of this peer free for whatever falls due while this
    // call is out (it may hang for seconds).
    if (++busy_[peer] >= senders_[peer] && senders_[peer] < kMaxSendersPerPeer) SpawnSender(peer);
    // The state this message was built from was persisted by the
    // AfterChange() that followed the input which created it.
    lock.unlock();
    const Bytes req = std::visit([](const auto& args) { return Encode(args); }, out->args);
    std::optional<Bytes> reply = host_.Call(peer, out->method(), req);
    lock.lock();
    busy_[peer]--;
    if (Dead()) break;
    if (reply) {
      DeliverReply(*out, *reply);
    } else {
      core_->OnSendFailed(*out, host_.Now());
    }
    AfterChange();
  }
}

void Adapter::DeliverReply(const Outgoing& out, const Bytes& reply) {
  bool ok = false;
  const int64_t now = host_.Now();
  switch (out.args.index()) {
    case 0: {
      RequestVoteReply r;
      if ((ok = Decode(reply, &r))) core_->OnRequestVoteReply(out, r, now);
      break;
    }
    case 1: {
      AppendEntriesReply r;
      if ((ok = Decode(reply, &r))) core_->OnAppendEntriesReply(out, r, now);
      break;
    }
    default: {
      InstallSnapshotReply r;
      if ((ok = Decode(reply, &r))) core_->OnInstallSnapshotReply(out, r, now);
      break;
    }
  }
  if (!ok) {
    host_.Logf(RAFTLAB_LOG_ERROR, "malformed %s reply from peer %d (%zu bytes)", out.method(), out.peer,
               reply.size());
    core_->OnSendFailed(out, now);
  }
}

}  // namespace raftlab::ref
