// MemoCache: the set of (linearized-operation bitset, register state) pairs a
// per-key search has already explored (Lowe's memoisation). Private to the
// checker.
//
// Open addressing with linear probing over a flat pool of bitsets, so an
// insert allocates only when the table grows. The caller supplies the bitset
// hash (the checker keeps it incrementally as an XOR of per-operation keys).
//
// Thread safety: none; one cache per search. Ownership: copies the bitsets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace raftlab::lin {

class MemoCache {
 public:
  // `words`: 64-bit words per bitset (ceil(ops / 64)).
  explicit MemoCache(size_t words);

  // Adds (bits, value, version) if absent. Returns true if it was added.
  bool Insert(const uint64_t* bits, uint64_t bits_hash, uint32_t value, uint64_t version);
  size_t size() const { return values_.size(); }

 private:
  bool Equal(uint32_t idx, const uint64_t* bits, uint32_t value, uint64_t version) const;
  void Grow();

  size_t words_;
  std::vector<uint64_t> slot_hash_;  // 0 = empty slot
  std::vector<uint32_t> slot_idx_;
  std::vector<uint64_t> pool_;       // words_ per entry
  std::vector<uint32_t> values_;
  std::vector<uint64_t> versions_;
};

// splitmix64 finaliser; also used for the per-operation hash keys.
inline uint64_t Mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace raftlab::lin
