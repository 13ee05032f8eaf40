// rsm_ops.cc: see rsm_ops.h.
#include "reference/rsm_ops.h"

#include <raftlab/raftlab.h>

#include <utility>

namespace raftlab::ref {
namespace {

constexpr uint8_t kEntryTag = 0xE5;     // first byte of every rsm log entry
constexpr uint8_t kSnapshotTag = 0x5A;  // first byte of every rsm snapshot

void Resolve(Pending* p, int32_t status, std::vector<Pending*>* out) {
  p->done = true;
  p->status = status;
  out->push_back(p);
}

}  // namespace

Bytes EncodeEntry(const OpId& id, ByteView op) {
  Encoder e;
  e.PutU8(kEntryTag);
  e.PutSignedVarint(id.server);
  e.PutU64(id.nonce);
  e.PutVarint(id.seq);
  e.PutRaw(op);
  return e.Take();
}

bool DecodeEntry(ByteView in, RsmEntry* out) {
  Decoder d(in);
  if (d.GetU8() != kEntryTag) return false;
  const int64_t server = d.GetSignedVarint();
  out->id.server = static_cast<int32_t>(server);
  out->id.nonce = d.GetU64();
  out->id.seq = d.GetVarint();
  out->op = d.GetRest().ToBytes();
  return !d.failed() && server >= INT32_MIN && server <= INT32_MAX;
}

Bytes EncodeSnapshot(int64_t index, ByteView state) {
  Encoder e;
  e.PutU8(kSnapshotTag);
  e.PutSignedVarint(index);
  e.PutRaw(state);
  return e.Take();
}

bool DecodeSnapshot(ByteView in, RsmSnapshot* out) {
  Decoder d(in);
  if (d.GetU8() != kSnapshotTag) return false;
  out->index = d.GetSignedVarint();
  out->state = d.GetRest().ToBytes();
  return !d.failed() && out->index >= 0;
}

bool SnapshotDue(int64_t persist_bytes, int64_t maxraftstate) {
  if (maxraftstate < 0) return false;
  return persist_bytes * 10 >= maxraftstate * 9;
}

void PendingTable::Remove(Pending* p) {
  auto [lo, hi] = by_index_.equal_range(p->index);
  for (auto it = lo; it != hi; ++it) {
    if (it->second == p) {
      by_index_.erase(it);
      return;
    }
  }
}

std::vector<Pending*> PendingTable::OnApplied(int64_t index, const OpId& id, const Bytes& result) {
  std::vector<Pending*> out;
  while (!by_index_.empty() && by_index_.begin()->first <= index) {
    Pending* p = by_index_.begin()->second;
    by_index_.erase(by_index_.begin());
    if (p->index == index && p->id == id) {
      p->result = result;
      Resolve(p, RAFTLAB_OK, &out);
    } else {
      Resolve(p, RAFTLAB_ERR_WRONG_LEADER, &out);
    }
  }
  return out;
}

std::vector<Pending*> PendingTable::OnSnapshot(int64_t index) {
  std::vector<Pending*> out;
  while (!by_index_.empty() && by_index_.begin()->first <= index) {
    Pending* p = by_index_.begin()->second;
    by_index_.erase(by_index_.begin());
    Resolve(p, RAFTLAB_ERR_WRONG_LEADER, &out);
  }
  return out;
}

std::vector<Pending*> PendingTable::OnTerm(int64_t term) {
  std::vector<Pending*> out;
  for (auto it = by_index_.begin(); it != by_index_.end();) {
    if (it->second->term != term) {
      Resolve(it->second, RAFTLAB_ERR_WRONG_LEADER, &out);
      it = by_index_.erase(it);
    } else {
      ++it;
    }
  }
  return out;
}

std::vector<Pending*> PendingTable::OnKill() {
  std::vector<Pending*> out;
  for (auto& [index, p] : by_index_) Resolve(p, RAFTLAB_ERR_KILLED, &out);
  by_index_.clear();
  return out;
}

}  // namespace raftlab::ref
