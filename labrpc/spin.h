// Bounded spin-waiting for labrpc's hand-offs (internal to labrpc).
//
// A Call hands its request to a handler thread and waits for the reply; each
// hand-off that goes through a sleeping thread costs a futex wake and a
// context switch, which dominates a reliable round trip. So the waiting side
// first spins for a few tens of microseconds on an atomic flag (with a CPU
// pause, never a syscall, clock read or sleep) and only then blocks on its
// condition variable. To keep spinning from starving real work on small
// machines, at most (CPUs - 1, at least 1) threads spin at a time; the others
// block at once. This changes only speed, never semantics: every spin is
// followed by the ordinary blocking wait, which re-checks the condition.
//
// Thread safety: SpinUntil may be called from any thread.
#pragma once

#include <atomic>

namespace raftlab::labrpc {

// Roughly 20-60 us on current x86 CPUs (the pause instruction's length varies).
inline constexpr int kSpinIterations = 2000;

inline void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield" ::: "memory");
#endif
}

int MaxSpinners();                        // CPUs - 1, at least 1
std::atomic<int>& SpinnerCount();         // threads spinning right now

// Spins until `ready()` or the budget runs out; returns ready(). Does not
// spin at all when enough other threads are already spinning.
template <typename Ready>
bool SpinUntil(Ready ready, int iterations = kSpinIterations) {
  if (ready()) return true;
  std::atomic<int>& spinners = SpinnerCount();
  if (spinners.fetch_add(1, std::memory_order_relaxed) >= MaxSpinners()) {
    spinners.fetch_sub(1, std::memory_order_relaxed);
    return false;
  }
  bool ok = false;
  for (int i = 0; i < iterations; i++) {
    if (ready()) {
      ok = true;
      break;
    }
    CpuRelax();
  }
  spinners.fetch_sub(1, std::memory_order_relaxed);
  return ok;
}

}  // namespace raftlab::labrpc
