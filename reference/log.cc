// log.cc: see log.h.
#include "reference/log.h"

#include <algorithm>
#include <utility>

#include "reference/check.h"

namespace raftlab::ref {

Log::Log(int64_t snapshot_index, int64_t snapshot_term, std::vector<Entry> entries)
    : snapshot_index_(snapshot_index), snapshot_term_(snapshot_term) {
  for (Entry& e : entries) entries_.push_back(std::move(e));
  REF_DCHECK((CheckInvariants(), true));
}

std::optional<int64_t> Log::Term(int64_t i) const {
  if (i == snapshot_index_) return snapshot_term_;
  if (i < snapshot_index_ || i > LastIndex()) return std::nullopt;
  return entries_[static_cast<size_t>(i - snapshot_index_ - 1)].term;
}

const Entry& Log::At(int64_t i) const {
  REF_CHECK(i > snapshot_index_ && i <= LastIndex());
  return entries_[static_cast<size_t>(i - snapshot_index_ - 1)];
}

std::vector<Entry> Log::Slice(int64_t from, size_t max_entries, size_t max_bytes) const {
  REF_CHECK(from > snapshot_index_);
  std::vector<Entry> out;
  size_t bytes = 0;
  for (int64_t i = from; i <= LastIndex() && out.size() < max_entries; i++) {
    const Entry& e = At(i);
    if (!out.empty() && bytes + e.command.size() > max_bytes) break;
    bytes += e.command.size();
    out.push_back(e);
  }
  return out;
}

void Log::Append(Entry e) {
  REF_CHECK(e.term >= LastTerm());
  entries_.push_back(std::move(e));
}

void Log::TruncateFrom(int64_t i) {
  REF_CHECK(i > snapshot_index_);
  if (i > LastIndex()) return;
  entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(i - snapshot_index_ - 1),
                 entries_.end());
}

int64_t Log::FirstIndexOfTermAt(int64_t i) const {
  REF_CHECK(i > snapshot_index_ && i <= LastIndex());
  const int64_t t = At(i).term;
  // Terms never decrease, so the run of t ends at i and starts at the first
  // entry whose term is >= t.
  auto it = std::lower_bound(entries_.begin(), entries_.end(), t,
                             [](const Entry& e, int64_t term) { return e.term < term; });
  return snapshot_index_ + 1 + (it - entries_.begin());
}

std::optional<int64_t> Log::LastIndexOfTerm(int64_t t) const {
  auto it = std::upper_bound(entries_.begin(), entries_.end(), t,
                             [](int64_t term, const Entry& e) { return term < e.term; });
  if (it == entries_.begin() || std::prev(it)->term != t) return std::nullopt;
  return snapshot_index_ + (it - entries_.begin());
}

void Log::CompactTo(int64_t index) {
  REF_CHECK(index > snapshot_index_ && index <= LastIndex());
  const int64_t term = At(index).term;
  entries_.erase(entries_.begin(), entries_.begin() + static_cast<std::ptrdiff_t>(index - snapshot_index_));
  snapshot_index_ = index;
  snapshot_term_ = term;
}

void Log::ResetToSnapshot(int64_t index, int64_t term) {
  REF_CHECK(index >= 0 && term >= 0);
  entries_.clear();
  snapshot_index_ = index;
  snapshot_term_ = term;
}

void Log::CheckInvariants() const {
  REF_CHECK(snapshot_index_ >= 0 && snapshot_term_ >= 0);
  REF_CHECK((snapshot_index_ == 0) == (snapshot_term_ == 0));
  int64_t prev = snapshot_term_;
  for (const Entry& e : entries_) {
    REF_CHECK(e.term >= prev && e.term >= 1);
    prev = e.term;
  }
}

}  // namespace raftlab::ref
