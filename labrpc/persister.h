// Persister: a peer's "disk": the saved Raft state and snapshot (MIT labrpc's
// Persister).
//
// Save() replaces both blobs with copies in one atomic step; reads return
// copies; sizes are byte lengths. Copy() makes an independent Persister with
// the same contents: the fixture swaps a copy in at every crash, so writes a
// killed instance makes after the crash never reach its next incarnation.
// An empty snapshot passed to Save erases the earlier one (as in MIT).
//
// Thread safety: every method may be called from any thread (one internal
// mutex). Ownership: shared by the fixture and one peer's host services
// (std::shared_ptr). The blobs are immutable once saved, so a Copy() shares
// them until either side saves again. The Runtime must outlive the Persister.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "runtime/runtime.h"

namespace raftlab::labrpc {

class Persister {
 public:
  explicit Persister(Runtime& rt);
  Persister(const Persister&) = delete;
  Persister& operator=(const Persister&) = delete;

  void Save(std::span<const uint8_t> state, std::span<const uint8_t> snapshot);
  std::vector<uint8_t> ReadRaftState() const;   // empty when nothing was saved
  std::vector<uint8_t> ReadSnapshot() const;
  size_t RaftStateSize() const;
  size_t SnapshotSize() const;
  std::shared_ptr<Persister> Copy() const;

 private:
  using Blob = std::shared_ptr<const std::vector<uint8_t>>;

  Runtime& rt_;
  const std::unique_ptr<Mutex> mu_;
  Blob state_ GUARDED_BY(*mu_);
  Blob snapshot_ GUARDED_BY(*mu_);
};

}  // namespace raftlab::labrpc
