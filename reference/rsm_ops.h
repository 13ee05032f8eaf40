// rsm_ops.h: the pure parts of the reference rsm (rsm.h): how a submitted op
// is wrapped into a Raft log entry and a state-machine snapshot into a Raft
// snapshot, when to snapshot, and PendingTable, which decides the outcome of
// every waiting Submit from what the applier sees. No threads or clocks here.
//
// Thread safety: none; Rsm guards its PendingTable with its mutex.
// Ownership: PendingTable borrows the Pending records its callers own (each
// lives on a waiting Submit's stack until the Submit returns).
#ifndef RAFTLAB_REFERENCE_RSM_OPS_H_
#define RAFTLAB_REFERENCE_RSM_OPS_H_

#include <cstdint>
#include <map>
#include <vector>

#include <raftlab/codec.hpp>

namespace raftlab::ref {

// Names one submitted op uniquely across servers and incarnations: the
// submitting server, a random nonce drawn at make() (a restarted server
// draws a new one, so a stale entry from before a crash never matches a new
// Submit; TestRestartSubmit4A), and a per-incarnation sequence number.
struct OpId {
  int32_t server = -1;
  uint64_t nonce = 0;
  uint64_t seq = 0;
  bool operator==(const OpId& o) const { return server == o.server && nonce == o.nonce && seq == o.seq; }
  bool operator!=(const OpId& o) const { return !(*this == o); }
};

// A Raft log entry of the rsm: the id, then the op bytes.
struct RsmEntry {
  OpId id;
  Bytes op;
};
Bytes EncodeEntry(const OpId& id, ByteView op);
// False for bytes that are not an rsm entry.
bool DecodeEntry(ByteView in, RsmEntry* out);

// A Raft snapshot of the rsm: the last index it covers (a cross-check for
// restore) and the state machine's own snapshot.
struct RsmSnapshot {
  int64_t index = 0;
  Bytes state;
};
Bytes EncodeSnapshot(int64_t index, ByteView state);
bool DecodeSnapshot(ByteView in, RsmSnapshot* out);

// Snapshot once the persisted Raft state reaches 9/10 of maxraftstate, so
// that the next few entries do not push it over (MIT checks <= 2x in the rsm
// test and <= 8x in the KV tests). maxraftstate < 0: never.
bool SnapshotDue(int64_t persist_bytes, int64_t maxraftstate);

// One waiting Submit: its entry's index and term as Start returned them.
struct Pending {
  int64_t index = 0;
  int64_t term = 0;
  OpId id;
  bool done = false;
  int32_t status = 0;  // RAFTLAB_OK, RAFTLAB_ERR_WRONG_LEADER or RAFTLAB_ERR_KILLED
  Bytes result;        // the state machine's result when status is RAFTLAB_OK
  void* waker = nullptr;  // the caller's handle to wake it (a CondVar)
};

// The Submits waiting for their entries. Each On* method resolves the
// Pendings it decides (sets done, status, result), removes them, and returns
// them so the caller can wake each one.
class PendingTable {
 public:
  void Add(Pending* p) { by_index_.emplace(p->index, p); }
  // Removes p if it is still waiting (a Submit that gives up by itself).
  void Remove(Pending* p);
  bool empty() const { return by_index_.empty(); }
  size_t size() const { return by_index_.size(); }

  // The command with `id` was applied at `index` with `result`. Ours if the
  // id matches (OK + result); any other Pending at that index lost its entry
  // (WRONG_LEADER). Pendings below index are impossible (applies come in
  // order and each index resolves its own) but are resolved as lost too.
  std::vector<Pending*> OnApplied(int64_t index, const OpId& id, const Bytes& result);
  // A snapshot covering 1..index was installed: whether those entries were
  // ours can no longer be known, so they are lost.
  std::vector<Pending*> OnSnapshot(int64_t index);
  // The Raft peer is now in `term`: entries started in an earlier term may
  // have been overwritten, so they are lost (MIT's "term changed" rule).
  std::vector<Pending*> OnTerm(int64_t term);
  // Kill: every Pending ends with RAFTLAB_ERR_KILLED.
  std::vector<Pending*> OnKill();

 private:
  std::multimap<int64_t, Pending*> by_index_;
};

}  // namespace raftlab::ref

#endif  // RAFTLAB_REFERENCE_RSM_OPS_H_
