// Rng: a small, fast, seeded pseudo-random generator (xoshiro256**) and the
// rule that derives every generator of a run from the one run seed.
//
// Thread safety: an Rng is NOT thread safe; give each thread or component its
// own (derive one per purpose with DeriveSeed) or guard it with a Mutex.
#pragma once

#include <cstdint>
#include <string_view>

namespace raftlab {

// Mixes a base seed with a label (e.g. "net", "peer/2/incarnation/3") into a
// new seed. Deterministic across platforms and runs.
uint64_t DeriveSeed(uint64_t base, std::string_view label);
uint64_t DeriveSeed(uint64_t base, std::string_view label, uint64_t n);

class Rng {
 public:
  explicit Rng(uint64_t seed);
  uint64_t next();                            // uniform 64-bit value
  int64_t uniform(int64_t lo, int64_t hi);    // uniform in [lo, hi], lo <= hi
  int64_t below(int64_t n);                   // uniform in [0, n), n > 0
  bool chance(int64_t num, int64_t den);      // true with probability num/den
  double unit();                              // uniform in [0, 1)

 private:
  uint64_t s_[4];
};

}  // namespace raftlab
