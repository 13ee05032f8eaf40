#include "harness/linearizability/memo_cache.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>
#include <utility>

namespace raftlab::lin {

namespace {
constexpr size_t kInitialSlots = 1024;  // power of two
constexpr size_t kChunkWords = size_t{1} << 17;  // 1 MiB of entries per chunk
constexpr size_t kHugeFrom = size_t{4} << 20;    // slot tables mapped with huge pages

uint64_t FullHash(uint64_t bits_hash, uint32_t value, uint64_t version) {
  uint64_t h = Mix64(bits_hash ^ Mix64((uint64_t{value} << 40) ^ version));
  return h == 0 ? 1 : h;  // 0 marks an empty slot
}
}  // namespace

MemoCache::Slots::Slots(size_t n) : n_(n) {
  const size_t bytes = n * sizeof(Slot);
  if (bytes >= kHugeFrom) {
    void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p != MAP_FAILED) {
      (void)::madvise(p, bytes, MADV_HUGEPAGE);  // a hint: without it, 4 KiB pages
      p_ = static_cast<Slot*>(p);                // zeroed by the kernel
      mapped_ = true;
      return;
    }
  }
  p_ = static_cast<Slot*>(std::calloc(n, sizeof(Slot)));
  if (p_ == nullptr) throw std::bad_alloc();
}

MemoCache::Slots::~Slots() {
  if (p_ == nullptr) return;
  if (mapped_) {
    ::munmap(p_, n_ * sizeof(Slot));
  } else {
    std::free(p_);
  }
}

MemoCache::Slots& MemoCache::Slots::operator=(Slots&& o) noexcept {
  if (this != &o) {
    Slots gone(std::move(*this));
    p_ = std::exchange(o.p_, nullptr);
    n_ = std::exchange(o.n_, 0);
    mapped_ = o.mapped_;
  }
  return *this;
}

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
  Slots old = std::move(slots_);
  slots_ = Slots(old.size() * 2);
  const size_t mask = slots_.size() - 1;
  for (const Slot& s : old) {
    if (s.hash == 0) continue;
    size_t i = s.hash & mask;
    while (slots_[i].hash != 0) i = (i + 1) & mask;
    slots_[i] = s;
  }
}

}  // namespace raftlab::lin
