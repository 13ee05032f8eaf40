// Persister: see persister.h.
#include "labrpc/persister.h"

namespace raftlab::labrpc {
namespace {
const std::shared_ptr<const std::vector<uint8_t>>& Empty() {
  static const auto* empty = new std::shared_ptr<const std::vector<uint8_t>>(
      std::make_shared<const std::vector<uint8_t>>());
  return *empty;
}
}  // namespace

Persister::Persister(Runtime& rt)
    : rt_(rt), mu_(rt.make_mutex()), state_(Empty()), snapshot_(Empty()) {}

void Persister::Save(std::span<const uint8_t> state, std::span<const uint8_t> snapshot) {
  // Copy outside the lock; publish both in one step.
  Blob s = std::make_shared<const std::vector<uint8_t>>(state.begin(), state.end());
  Blob n = std::make_shared<const std::vector<uint8_t>>(snapshot.begin(), snapshot.end());
  MutexLock l(*mu_);
  state_.swap(s);
  snapshot_.swap(n);
}  // the old blobs are released after the lock (declared before it)

std::vector<uint8_t> Persister::ReadRaftState() const {
  Blob b;
  {
    MutexLock l(*mu_);
    b = state_;
  }
  return *b;
}

std::vector<uint8_t> Persister::ReadSnapshot() const {
  Blob b;
  {
    MutexLock l(*mu_);
    b = snapshot_;
  }
  return *b;
}

size_t Persister::RaftStateSize() const {
  MutexLock l(*mu_);
  return state_->size();
}

size_t Persister::SnapshotSize() const {
  MutexLock l(*mu_);
  return snapshot_->size();
}

std::shared_ptr<Persister> Persister::Copy() const {
  auto copy = std::make_shared<Persister>(rt_);
  MutexLock l(*mu_);
  MutexLock lc(*copy->mu_);  // unshared yet; taken for the lock annotations
  copy->state_ = state_;     // immutable blobs: sharing them is a copy
  copy->snapshot_ = snapshot_;
  return copy;
}

}  // namespace raftlab::labrpc
