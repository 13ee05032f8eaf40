// MemoCache: the set of (linearized-operation bitset, register state) pairs a
// per-key search has already explored (Lowe's memoisation). Private to the
// checker.
//
// Open addressing with linear probing (a slot holds the full hash and the
// entry's index side by side: one cache line per probe). The entries (state
// and bitset) live in fixed-size chunks that are never moved, so a cache
// that grows to hundreds of megabytes (a long history under --sim, whose
// check has no time budget) writes each byte once instead of copying the
// whole pool at every doubling. The caller supplies the bitset hash (the
// checker keeps it incrementally as an XOR of per-operation keys).
//
// Thread safety: none; one cache per search. Ownership: copies the bitsets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace raftlab::lin {

class MemoCache {
 public:
  // `words`: 64-bit words per bitset (ceil(ops / 64)).
  explicit MemoCache(size_t words);

  // Adds (bits, value, version) if absent. Returns true if it was added.
  bool Insert(const uint64_t* bits, uint64_t bits_hash, uint32_t value, uint64_t version);
  size_t size() const { return count_; }

 private:
  struct Slot {
    uint64_t hash = 0;  // 0 = empty slot
    uint32_t idx = 0;
  };
  // A zeroed array of slots. From 4 MiB on it is mapped with transparent
  // huge pages asked for (madvise): the probes land at random in a table
  // that reaches 128 MB, and with 4 KiB pages nearly every one missed the
  // TLB, and every page was a fault of its own.
  class Slots {
   public:
    explicit Slots(size_t n);
    ~Slots();
    Slots(Slots&& o) noexcept : p_(o.p_), n_(o.n_), mapped_(o.mapped_) { o.p_ = nullptr, o.n_ = 0; }
    Slots& operator=(Slots&& o) noexcept;
    Slots(const Slots&) = delete;
    Slots& operator=(const Slots&) = delete;
    Slot& operator[](size_t i) { return p_[i]; }
    size_t size() const { return n_; }
    const Slot* begin() const { return p_; }
    const Slot* end() const { return p_ + n_; }

   private:
    Slot* p_ = nullptr;
    size_t n_ = 0;
    bool mapped_ = false;
  };
  // Entry `idx`: its version, its value, then words_ words of bitset.
  uint64_t* Entry(uint32_t idx) const {
    return chunks_[idx / per_chunk_].get() + size_t{idx % per_chunk_} * (words_ + 2);
  }
  bool Equal(uint32_t idx, const uint64_t* bits, uint32_t value, uint64_t version) const;
  void Grow();

  size_t words_;
  size_t per_chunk_;  // entries per chunk
  size_t count_ = 0;
  Slots slots_;
  std::vector<std::unique_ptr<uint64_t[]>> chunks_;
};

// splitmix64 finaliser; also used for the per-operation hash keys.
inline uint64_t Mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace raftlab::lin
