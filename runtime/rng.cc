// Rng and DeriveSeed: see rng.h.
//
// xoshiro256** (Blackman and Vigna) seeded through splitmix64; labels are
// hashed with 64-bit FNV-1a before mixing so that DeriveSeed is the same on
// every platform and in every run.
#include "runtime/rng.h"

#include <cassert>

namespace raftlab {
namespace {

uint64_t SplitMix(uint64_t& state) {
  state += 0x9e3779b97f4a7c15ULL;
  uint64_t z = state;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t Mix(uint64_t x) {
  uint64_t s = x;
  return SplitMix(s);
}

uint64_t HashLabel(std::string_view label) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : label) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

inline uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

uint64_t DeriveSeed(uint64_t base, std::string_view label) {
  return Mix(Mix(base) ^ HashLabel(label));
}

uint64_t DeriveSeed(uint64_t base, std::string_view label, uint64_t n) {
  return Mix(DeriveSeed(base, label) ^ Mix(n ^ 0x6a09e667f3bcc909ULL));
}

Rng::Rng(uint64_t seed) {
  uint64_t sm = seed;
  for (uint64_t& w : s_) w = SplitMix(sm);
  // splitmix64 never yields four zero words in a row, so the state is valid.
}

uint64_t Rng::next() {
  const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = Rotl(s_[3], 45);
  return result;
}

int64_t Rng::below(int64_t n) {
  assert(n > 0);
  const uint64_t range = static_cast<uint64_t>(n);
  // Rejection sampling: discard the top partial block so every value is
  // equally likely.
  const uint64_t limit = UINT64_MAX - (UINT64_MAX % range + 1) % range;
  uint64_t x;
  do {
    x = next();
  } while (x > limit);
  return static_cast<int64_t>(x % range);
}

int64_t Rng::uniform(int64_t lo, int64_t hi) {
  assert(lo <= hi);
  const uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
  if (span == UINT64_MAX) return static_cast<int64_t>(next());
  const uint64_t range = span + 1;
  const uint64_t limit = UINT64_MAX - (UINT64_MAX % range + 1) % range;
  uint64_t x;
  do {
    x = next();
  } while (x > limit);
  return static_cast<int64_t>(static_cast<uint64_t>(lo) + x % range);
}

bool Rng::chance(int64_t num, int64_t den) {
  assert(den > 0);
  return below(den) < num;
}

double Rng::unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

}  // namespace raftlab
