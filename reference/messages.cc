// messages.cc: see messages.h.
#include "reference/messages.h"

#include <utility>

namespace raftlab::ref {
namespace {

// Format byte of the persisted state; bump it when the layout changes.
constexpr uint8_t kStateFormat = 1;

void PutIndex(Encoder& e, int64_t v) { e.PutVarint(static_cast<uint64_t>(v)); }

// Reads a non-negative int64 written by PutIndex.
int64_t GetIndex(Decoder& d) {
  const uint64_t v = d.GetVarint();
  if (v > static_cast<uint64_t>(INT64_MAX)) {
    d.SetFailed();
    return 0;
  }
  return static_cast<int64_t>(v);
}

int32_t GetPeer(Decoder& d) {
  const int64_t v = d.GetSignedVarint();
  if (v < kNone || v > INT32_MAX) {
    d.SetFailed();
    return 0;
  }
  return static_cast<int32_t>(v);
}

void PutEntry(Encoder& e, const Entry& entry) {
  PutIndex(e, entry.term);
  e.PutBytes(entry.command);
}

void GetEntries(Decoder& d, std::vector<Entry>* out) {
  // Each entry takes at least 2 bytes (term, length).
  const uint64_t n = d.GetCount(2);
  out->clear();
  out->reserve(static_cast<size_t>(n));
  for (uint64_t i = 0; i < n && !d.failed(); i++) {
    Entry entry;
    entry.term = GetIndex(d);
    entry.command = d.GetBytes();
    out->push_back(std::move(entry));
  }
}

}  // namespace

Bytes Encode(const RequestVoteArgs& m) {
  Encoder e;
  PutIndex(e, m.term);
  e.PutSignedVarint(m.candidate);
  PutIndex(e, m.last_log_index);
  PutIndex(e, m.last_log_term);
  return e.Take();
}

bool Decode(ByteView in, RequestVoteArgs* m) {
  Decoder d(in);
  m->term = GetIndex(d);
  m->candidate = GetPeer(d);
  m->last_log_index = GetIndex(d);
  m->last_log_term = GetIndex(d);
  return d.Finish();
}

Bytes Encode(const RequestVoteReply& m) {
  Encoder e;
  PutIndex(e, m.term);
  e.PutBool(m.vote_granted);
  return e.Take();
}

bool Decode(ByteView in, RequestVoteReply* m) {
  Decoder d(in);
  m->term = GetIndex(d);
  m->vote_granted = d.GetBool();
  return d.Finish();
}

Bytes Encode(const AppendEntriesArgs& m) {
  Encoder e;
  PutIndex(e, m.term);
  e.PutSignedVarint(m.leader);
  PutIndex(e, m.prev_log_index);
  PutIndex(e, m.prev_log_term);
  PutIndex(e, m.leader_commit);
  e.PutVarint(m.entries.size());
  for (const Entry& entry : m.entries) PutEntry(e, entry);
  return e.Take();
}

bool Decode(ByteView in, AppendEntriesArgs* m) {
  Decoder d(in);
  m->term = GetIndex(d);
  m->leader = GetPeer(d);
  m->prev_log_index = GetIndex(d);
  m->prev_log_term = GetIndex(d);
  m->leader_commit = GetIndex(d);
  GetEntries(d, &m->entries);
  return d.Finish();
}

Bytes Encode(const AppendEntriesReply& m) {
  Encoder e;
  PutIndex(e, m.term);
  e.PutBool(m.success);
  if (!m.success) {  // the fast-backup hints matter only on failure
    PutIndex(e, m.x_term);
    PutIndex(e, m.x_index);
    PutIndex(e, m.x_len);
  }
  return e.Take();
}

bool Decode(ByteView in, AppendEntriesReply* m) {
  Decoder d(in);
  m->term = GetIndex(d);
  m->success = d.GetBool();
  m->x_term = m->x_index = m->x_len = 0;
  if (!d.failed() && !m->success) {
    m->x_term = GetIndex(d);
    m->x_index = GetIndex(d);
    m->x_len = GetIndex(d);
  }
  return d.Finish();
}

Bytes Encode(const InstallSnapshotArgs& m) {
  Encoder e;
  PutIndex(e, m.term);
  e.PutSignedVarint(m.leader);
  PutIndex(e, m.last_included_index);
  PutIndex(e, m.last_included_term);
  e.PutBytes(m.data ? ByteView(*m.data) : ByteView());
  return e.Take();
}

bool Decode(ByteView in, InstallSnapshotArgs* m) {
  Decoder d(in);
  m->term = GetIndex(d);
  m->leader = GetPeer(d);
  m->last_included_index = GetIndex(d);
  m->last_included_term = GetIndex(d);
  m->data = std::make_shared<const Bytes>(d.GetBytes());
  return d.Finish();
}

Bytes Encode(const InstallSnapshotReply& m) {
  Encoder e;
  PutIndex(e, m.term);
  return e.Take();
}

bool Decode(ByteView in, InstallSnapshotReply* m) {
  Decoder d(in);
  m->term = GetIndex(d);
  return d.Finish();
}

Bytes EncodeState(int64_t term, int32_t voted_for, const Log& log) {
  Encoder e;
  e.PutU8(kStateFormat);
  PutIndex(e, term);
  e.PutSignedVarint(voted_for);
  PutIndex(e, log.snapshot_index());
  PutIndex(e, log.snapshot_term());
  e.PutVarint(log.size());
  for (const Entry& entry : log.entries()) PutEntry(e, entry);
  return e.Take();
}

Bytes Encode(const PersistentState& m) {
  Log log(m.snapshot_index, m.snapshot_term, m.entries);
  return EncodeState(m.term, m.voted_for, log);
}

bool Decode(ByteView in, PersistentState* m) {
  Decoder d(in);
  if (d.GetU8() != kStateFormat) return false;
  m->term = GetIndex(d);
  m->voted_for = GetPeer(d);
  m->snapshot_index = GetIndex(d);
  m->snapshot_term = GetIndex(d);
  GetEntries(d, &m->entries);
  if (!d.Finish()) return false;
  // The Log invariants (log.h), so that a corrupt file is an error, not an abort.
  if ((m->snapshot_index == 0) != (m->snapshot_term == 0)) return false;
  int64_t prev = m->snapshot_term;
  for (const Entry& entry : m->entries) {
    if (entry.term < prev || entry.term < 1) return false;
    prev = entry.term;
  }
  return true;
}

}  // namespace raftlab::ref
