// Persister: a peer's "disk": the saved Raft state and snapshot (MIT labrpc's
// Persister).
//
// Save() replaces both blobs with copies in one atomic step; reads return
// copies; sizes are byte lengths. Copy() makes an independent Persister with
// the same contents: the fixture swaps a copy in at every crash, so writes a
// killed instance makes after the crash never reach its next incarnation.
//
// Thread safety: every method may be called from any thread (one internal
// mutex). Ownership: shared by the fixture and one peer's host services
// (std::shared_ptr).
#pragma once
// API fixed here (implementation: issue 2):
//
// class Persister {
//  public:
//   explicit Persister(Runtime& rt);
//   void Save(std::span<const uint8_t> state, std::span<const uint8_t> snapshot);
//   std::vector<uint8_t> ReadRaftState() const;
//   std::vector<uint8_t> ReadSnapshot() const;
//   size_t RaftStateSize() const;
//   size_t SnapshotSize() const;
//   std::shared_ptr<Persister> Copy() const;
// };
