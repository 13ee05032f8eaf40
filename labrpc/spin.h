// Bounded, adaptive spin-waiting for labrpc's hand-offs (internal to labrpc).
//
// A Call hands its request to a handler thread and waits for the reply. Each
// hand-off to a sleeping thread costs a futex wake, a context switch and, in
// a VM, often an inter-processor interrupt: that dominates a reliable round
// trip. So the waiting side may first spin briefly on an atomic flag (CPU
// pause only: no syscall, no clock, no sleep) and then blocks as usual on its
// condition variable, which re-checks the condition: spinning changes speed,
// never semantics.
//
// Spinning only pays when the counterpart runs on another CPU at that moment.
// Two guards keep it from stealing CPU from real work on small or loaded
// machines: at most (CPUs - 1, at least 1) threads spin at a time, and a
// global score tracks whether recent spins succeeded quickly; after failures
// (budget exhausted, or the spinner was preempted), threads skip spinning
// except for an occasional probe. On an idle machine the hand-offs then cost
// no syscalls; on a loaded one labrpc behaves as if it never spun.
//
// Thread safety: SpinUntil may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>

namespace raftlab::labrpc {

// About 25 us with this era's pause instruction (~35 ns on AMD EPYC).
inline constexpr int kSpinIterations = 700;

inline void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield" ::: "memory");
#endif
}

// Process-wide spin policy state (spin.cc).
struct SpinPolicy {
  static int MaxSpinners();                 // CPUs - 1, at least 1
  static std::atomic<int> spinners;         // threads spinning right now
  static std::atomic<int> score;            // recent success, 0..kMaxScore
  static std::atomic<unsigned> attempts;    // for the occasional probe
  static constexpr int kMaxScore = 64;
  static constexpr int kFailurePenalty = 8;
  static constexpr unsigned kProbeEvery = 32;
  // A spin that took longer than this in wall time was preempted.
  static constexpr std::chrono::microseconds kWallLimit{100};
};

// Spins until `ready()` or the budget runs out; returns ready(). `now`
// (the Runtime's clock) only feeds the policy: a spin that took much longer
// in wall time than its budget was preempted, a sign of an oversubscribed
// machine, and counts as a failure even if it ended well.
template <typename Ready, typename Now>
bool SpinUntil(Ready ready, Now now) {
  if (ready()) return true;
  const bool probe = SpinPolicy::attempts.fetch_add(1, std::memory_order_relaxed) %
                         SpinPolicy::kProbeEvery ==
                     0;
  if (!probe && SpinPolicy::score.load(std::memory_order_relaxed) == 0) return false;
  if (SpinPolicy::spinners.fetch_add(1, std::memory_order_relaxed) >=
      SpinPolicy::MaxSpinners()) {
    SpinPolicy::spinners.fetch_sub(1, std::memory_order_relaxed);
    return false;
  }
  const auto start = now();
  bool ok = false;
  for (int i = 0; i < kSpinIterations; i++) {
    if (ready()) {
      ok = true;
      break;
    }
    CpuRelax();
  }
  const bool fast = ok && now() - start <= SpinPolicy::kWallLimit;
  SpinPolicy::spinners.fetch_sub(1, std::memory_order_relaxed);
  int s = SpinPolicy::score.load(std::memory_order_relaxed);
  const int next = fast ? (s < SpinPolicy::kMaxScore ? s + 1 : s)
                        : (s > SpinPolicy::kFailurePenalty ? s - SpinPolicy::kFailurePenalty : 0);
  SpinPolicy::score.compare_exchange_strong(s, next, std::memory_order_relaxed);
  return ok;
}

}  // namespace raftlab::labrpc
