// log.h: the reference Raft's log: the entries after a snapshot offset.
//
// Indices start at 1 (index 0 is the empty prefix, term 0). The entries up to
// and including snapshot_index() have been folded into a snapshot and are
// gone; only their last index and term are kept, because AppendEntries'
// consistency check and the election restriction still need them
// (Figure 13, "lastIncludedIndex / lastIncludedTerm").
//
// Thread safety: none (a plain value owned by the Core).
// Ownership: the log owns its entries; accessors return references that are
// valid until the next mutation.
#ifndef RAFTLAB_REFERENCE_LOG_H_
#define RAFTLAB_REFERENCE_LOG_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include <raftlab/codec.hpp>

namespace raftlab::ref {

// One log entry. The command is opaque bytes.
struct Entry {
  int64_t term = 0;
  Bytes command;
  bool operator==(const Entry& o) const { return term == o.term && command == o.command; }
};

class Log {
 public:
  Log() = default;
  // A log that starts after a snapshot ending at (snapshot_index,
  // snapshot_term) and holds `entries` at snapshot_index + 1 onwards.
  Log(int64_t snapshot_index, int64_t snapshot_term, std::vector<Entry> entries);

  int64_t snapshot_index() const { return snapshot_index_; }
  int64_t snapshot_term() const { return snapshot_term_; }
  int64_t LastIndex() const { return snapshot_index_ + static_cast<int64_t>(entries_.size()); }
  int64_t LastTerm() const { return entries_.empty() ? snapshot_term_ : entries_.back().term; }
  size_t size() const { return entries_.size(); }

  // The term of the entry at i, for snapshot_index() <= i <= LastIndex();
  // nullopt outside that range (compacted away, or not there yet).
  std::optional<int64_t> Term(int64_t i) const;
  // The entry at i. Requires snapshot_index() < i <= LastIndex().
  const Entry& At(int64_t i) const;

  // Copies of the entries from `from` (snapshot_index() < from) up to the
  // end, at most max_entries of them and stopping before max_bytes of
  // commands would be exceeded, but always at least one if any exist.
  std::vector<Entry> Slice(int64_t from, size_t max_entries, size_t max_bytes) const;

  // Appends one entry at LastIndex() + 1. Its term must be >= LastTerm().
  void Append(Entry e);
  // Removes every entry at index >= i. Requires snapshot_index() < i.
  void TruncateFrom(int64_t i);

  // The first index of the run of entries that share Term(i), walking back
  // from i; at most snapshot_index() + 1. Requires snapshot_index() < i <=
  // LastIndex(). (The follower's XIndex in fast backup.)
  int64_t FirstIndexOfTermAt(int64_t i) const;
  // The last index holding an entry of term t, if any entry after the
  // snapshot has it. (The leader's side of fast backup.)
  std::optional<int64_t> LastIndexOfTerm(int64_t t) const;

  // Drops every entry up to and including index, keeping the ones after it:
  // the snapshot now ends at index with that entry's term. Requires
  // snapshot_index() < index <= LastIndex().
  void CompactTo(int64_t index);
  // Drops every entry; the log now starts after a snapshot ending at
  // (index, term). Used when an installed snapshot does not match the log.
  void ResetToSnapshot(int64_t index, int64_t term);

  const std::deque<Entry>& entries() const { return entries_; }

  // Checks the invariants below (O(n)). Aborts on violation.
  void CheckInvariants() const;

 private:
  // Invariant: snapshot_index_ >= 0, snapshot_term_ >= 0, and
  // snapshot_term_ == 0 iff snapshot_index_ == 0.
  int64_t snapshot_index_ = 0;
  int64_t snapshot_term_ = 0;
  // entries_[k] holds index snapshot_index_ + 1 + k.
  // Invariant: terms are >= snapshot_term_ and never decrease along the log
  // (a leader only appends entries of its own, newest, term).
  std::deque<Entry> entries_;
};

}  // namespace raftlab::ref

#endif  // RAFTLAB_REFERENCE_LOG_H_
