// test_util.h: shared helpers for the reference Raft's unit tests: a
// deterministic random source, Core construction, and message shortcuts.
#ifndef RAFTLAB_TESTS_REFERENCE_TEST_UTIL_H_
#define RAFTLAB_TESTS_REFERENCE_TEST_UTIL_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "reference/core.h"

namespace raftlab::ref::testing {

// splitmix64: a tiny deterministic generator for election timeouts.
class SplitMix {
 public:
  explicit SplitMix(uint64_t seed) : s_(seed) {}
  uint64_t operator()() {
    uint64_t z = (s_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

 private:
  uint64_t s_;
};

inline constexpr int64_t kMs = kMillisecond;

inline Config MakeConfig(int me, int npeers, uint64_t seed = 1) {
  Config c;
  c.me = me;
  c.npeers = npeers;
  auto rng = std::make_shared<SplitMix>(seed * 1000003 + static_cast<uint64_t>(me));
  c.random = [rng] { return (*rng)(); };
  return c;
}

inline std::unique_ptr<Core> MakeCore(int me, int npeers, const PersistentState& st = {},
                                      Bytes snapshot = {}, int64_t now = 0) {
  return std::make_unique<Core>(MakeConfig(me, npeers), st, std::move(snapshot), now);
}

inline Bytes B(const std::string& s) { return Bytes(s.begin(), s.end()); }

inline Entry E(int64_t term, const std::string& cmd) { return Entry{term, B(cmd)}; }

// Collects every message due from `core` to `peer` at `now`.
inline std::vector<Outgoing> Drain(Core& core, int peer, int64_t now) {
  std::vector<Outgoing> out;
  int64_t wake = 0;
  while (auto m = core.NextMessage(peer, now, &wake)) out.push_back(std::move(*m));
  return out;
}

// Makes `core` (peer 0 of n) leader at time `now` by timing out and
// collecting votes from peers 1..majority-1. Returns the time after.
inline int64_t ElectLeader(Core& core, int npeers, int64_t now) {
  now += 2000 * kMs;  // past any election timeout
  core.Tick(now);
  for (int p = 1; p < npeers && !core.is_leader(); p++) {
    for (Outgoing& m : Drain(core, p, now)) {
      if (m.args.index() != 0) continue;
      core.OnRequestVoteReply(m, RequestVoteReply{core.term(), true}, now);
    }
  }
  return now;
}

}  // namespace raftlab::ref::testing

#endif  // RAFTLAB_TESTS_REFERENCE_TEST_UTIL_H_
