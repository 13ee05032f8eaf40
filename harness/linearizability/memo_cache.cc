#include "harness/linearizability/memo_cache.h"

#include <algorithm>
#include <cstring>

namespace raftlab::lin {

namespace {
constexpr size_t kInitialSlots = 1024;  // power of two
constexpr size_t kChunkWords = size_t{1} << 17;  // 1 MiB of entries per chunk

uint64_t FullHash(uint64_t bits_hash, uint32_t value, uint64_t version) {
  uint64_t h = Mix64(bits_hash ^ Mix64((uint64_t{value} << 40) ^ version));
  return h == 0 ? 1 : h;  // 0 marks an empty slot
}
}  // namespace

MemoCache::MemoCache(size_t words)
    : words_(words), per_chunk_(std::max<size_t>(1, kChunkWords / (words + 2))), slots_(kInitialSlots) {}

bool MemoCache::Equal(uint32_t idx, const uint64_t* bits, uint32_t value, uint64_t version) const {
  const uint64_t* e = Entry(idx);
  return e[0] == version && e[1] == value && std::memcmp(e + 2, bits, words_ * sizeof(uint64_t)) == 0;
}

bool MemoCache::Insert(const uint64_t* bits, uint64_t bits_hash, uint32_t value, uint64_t version) {
  const uint64_t h = FullHash(bits_hash, value, version);
  size_t mask = slots_.size() - 1;
  size_t i = h & mask;
  while (slots_[i].hash != 0) {
    if (slots_[i].hash == h && Equal(slots_[i].idx, bits, value, version)) return false;
    i = (i + 1) & mask;
  }
  const auto idx = static_cast<uint32_t>(count_);
  if (count_ % per_chunk_ == 0) {
    // Uninitialised: every word is written before it is read.
    chunks_.push_back(std::unique_ptr<uint64_t[]>(new uint64_t[per_chunk_ * (words_ + 2)]));
  }
  uint64_t* e = Entry(idx);
  e[0] = version;
  e[1] = value;
  std::memcpy(e + 2, bits, words_ * sizeof(uint64_t));
  count_++;
  slots_[i] = {h, idx};
  if (count_ * 2 > slots_.size()) Grow();  // keep the load under 1/2
  return true;
}

void MemoCache::Grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.size() * 2, Slot{});
  const size_t mask = slots_.size() - 1;
  for (const Slot& s : old) {
    if (s.hash == 0) continue;
    size_t i = s.hash & mask;
    while (slots_[i].hash != 0) i = (i + 1) & mask;
    slots_[i] = s;
  }
}

}  // namespace raftlab::lin
