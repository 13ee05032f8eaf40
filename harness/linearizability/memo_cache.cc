#include "harness/linearizability/memo_cache.h"

#include <cstring>

namespace raftlab::lin {

namespace {
constexpr size_t kInitialSlots = 1024;  // power of two

uint64_t FullHash(uint64_t bits_hash, uint32_t value, uint64_t version) {
  uint64_t h = Mix64(bits_hash ^ Mix64((uint64_t{value} << 40) ^ version));
  return h == 0 ? 1 : h;  // 0 marks an empty slot
}
}  // namespace

MemoCache::MemoCache(size_t words)
    : words_(words), slot_hash_(kInitialSlots, 0), slot_idx_(kInitialSlots, 0) {}

bool MemoCache::Equal(uint32_t idx, const uint64_t* bits, uint32_t value, uint64_t version) const {
  return values_[idx] == value && versions_[idx] == version &&
         std::memcmp(&pool_[size_t{idx} * words_], bits, words_ * sizeof(uint64_t)) == 0;
}

bool MemoCache::Insert(const uint64_t* bits, uint64_t bits_hash, uint32_t value, uint64_t version) {
  const uint64_t h = FullHash(bits_hash, value, version);
  size_t mask = slot_hash_.size() - 1;
  size_t i = h & mask;
  while (slot_hash_[i] != 0) {
    if (slot_hash_[i] == h && Equal(slot_idx_[i], bits, value, version)) return false;
    i = (i + 1) & mask;
  }
  const auto idx = static_cast<uint32_t>(values_.size());
  pool_.insert(pool_.end(), bits, bits + words_);
  values_.push_back(value);
  versions_.push_back(version);
  slot_hash_[i] = h;
  slot_idx_[i] = idx;
  if (values_.size() * 2 > slot_hash_.size()) Grow();  // keep the load under 1/2
  return true;
}

void MemoCache::Grow() {
  std::vector<uint64_t> old_hash = std::move(slot_hash_);
  std::vector<uint32_t> old_idx = std::move(slot_idx_);
  slot_hash_.assign(old_hash.size() * 2, 0);
  slot_idx_.assign(old_hash.size() * 2, 0);
  const size_t mask = slot_hash_.size() - 1;
  for (size_t j = 0; j < old_hash.size(); ++j) {
    if (old_hash[j] == 0) continue;
    size_t i = old_hash[j] & mask;
    while (slot_hash_[i] != 0) i = (i + 1) & mask;
    slot_hash_[i] = old_hash[j];
    slot_idx_[i] = old_idx[j];
  }
}

}  // namespace raftlab::lin
