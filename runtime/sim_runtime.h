// SimRuntime: the simulated Runtime behind `labtest --sim`. Time is a
// virtual clock that starts at 0; every thread is a real OS thread, but only
// the holder of one baton runs. Each Runtime operation (lock, unlock, wait,
// notify, sleep, spawn, join, after, yield) is a scheduling point: the
// baton holder records it, the clock moves on by a small seeded step, and a
// generator seeded from SimOptions::seed picks the next runnable thread
// (possibly the same one; see SimOptions::stay_per_1024). When no thread is runnable the clock jumps to the
// earliest deadline (a sleep, a timed wait, a timer). So a run is a pure
// function of its seed: the same seed gives the same interleaving, the same
// virtual times and the same results, which is what makes a failure replay
// exactly.
//
// The run is halted (no thread gets the baton again) and OnHalt's callback is
// told why, once, on the runtime's monitor thread, when:
//   - deadlock: no thread is runnable and none waits with a deadline, yet
//     some thread is still blocked (the message names every parked thread
//     and what it waits for: a mutex and its holder, a condition, a join);
//   - time limit: the virtual clock passed SimOptions::time_limit;
//   - watchdog: one baton holder spent SimOptions::watchdog of WALL time
//     without a scheduling point and without using the CPU (blocked outside
//     the runtime: a raw mutex, a raw sleep, a blocking system call), or
//     SimOptions::spin_watchdog computing without one (spinning).
//
// Threads of the process that the runtime did not start ("outside" threads:
// the child's main thread, its timeline flusher) may call now(), spawn(),
// join(), lock/unlock a mutex and notify a condition; they never take the
// baton. A simulated thread that finds a mutex held by an outside thread
// waits for it in real time without giving up the baton, and an outside
// thread waits in real time for a mutex a simulated thread holds, so leaf
// locks shared with outside threads keep the run deterministic. Waiting on a
// condition or sleeping from an outside thread is a programming error
// (std::logic_error).
//
// Thread safety: every method from any thread. Ownership: the caller owns
// the SimRuntime; it must outlive every object it made. Its destructor drops
// pending timers and stops the monitor; every thread it started must have
// been joined (or detached and finished) before.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "runtime/runtime.h"

namespace raftlab {

struct SimOptions {
  uint64_t seed = 1;
  // Each scheduling point moves the clock on by 1 ns..max_step (seeded), so
  // that loops which only poll the clock still see time pass.
  Nanos max_step = std::chrono::microseconds(20);
  // At a scheduling point where the running thread could go on, it keeps
  // running with this probability (out of 1024) instead of a fresh draw
  // among all runnable threads: fewer OS context switches, the same kinds
  // of interleavings. 0: a fresh draw at every point.
  uint32_t stay_per_1024 = 1000;
  // Virtual time at which the run is halted; 0: never.
  Nanos time_limit{0};
  // Wall time one baton holder may wait without a scheduling point and
  // without using the CPU (blocked outside the runtime); 0: no watchdog.
  std::chrono::milliseconds watchdog{10000};
  // Wall time it may compute without a scheduling point (spinning); 0: no
  // limit. Longer: harness code computes for seconds between points.
  std::chrono::milliseconds spin_watchdog{120000};
  // Keep every scheduling point (for --check-determinism); the hash is kept
  // either way.
  bool record_trace = false;
  // Stop recording (hash still kept) after this many points.
  size_t max_trace_points = 400000;
};

enum class SimHaltKind { kDeadlock, kTimeLimit, kWatchdog };

class SimRuntime : public Runtime {
 public:
  // One recorded scheduling point (record_trace).
  struct TracePoint {
    int64_t clock_ns;
    uint32_t thread;  // index into thread_names()
    uint32_t object;  // the mutex, condition or thread it concerns; 0: none
    uint8_t op;       // a SimOp
  };

  // Called once, from the runtime's monitor thread (never a simulated one),
  // with why the run was halted and the name of the thread concerned (the
  // watchdog's baton holder; empty otherwise). Set it before the first spawn.
  virtual void OnHalt(std::function<void(SimHaltKind, const std::string& why, const std::string& thread)> fn) = 0;
  virtual bool halted() const = 0;
  // Scheduling points so far, and the hash of every one of them (thread,
  // operation, object, virtual time), in order.
  virtual uint64_t points() const = 0;
  // How many points handed the baton to another OS thread (the costly kind:
  // two futex calls and a context switch).
  virtual uint64_t switches() const = 0;
  virtual uint64_t trace_hash() const = 0;
  // The recorded points (empty unless record_trace) and thread names.
  virtual std::vector<TracePoint> trace() const = 0;
  virtual std::vector<std::string> thread_names() const = 0;
  // One line per recorded point: "12.000345678 s  peer 1 ticker  unlock mutex 12".
  static std::string Describe(const TracePoint& p, const std::vector<std::string>& names);
};

std::unique_ptr<SimRuntime> MakeSimRuntime(const SimOptions& options);

// Whether the calling thread was started by a SimRuntime (labtest's
// interposers use it to refuse raw sleeps and thread creation there).
bool OnSimulatedThread();
// The calling simulated thread's full name ("" on any other thread).
std::string SimulatedThreadName();
// True inside the runtime's own spawn (its pthread_create is allowed).
bool InsideSimRuntimeSpawn();

// What labtest's interposers (harness/labtest/sim_interpose.cc) do when a
// simulated thread calls a real sleep or starts a thread of its own: they
// call the reporter with the call's name ("nanosleep"). The test child sets
// it to fail the test; without one the call is only let through.
void SetSimEscapeReporter(std::function<void(const std::string& call)> reporter);
void ReportSimEscape(const char* call);

}  // namespace raftlab
