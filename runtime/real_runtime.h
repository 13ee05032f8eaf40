// RealTimeRuntime: the Runtime backed by OS threads (pthreads) and the
// monotonic clock. This is the only place in the harness and labrpc that may
// touch std::thread, std::chrono::steady_clock or sleep_for.
//
// Thread safety: as Runtime (every method from any thread). Ownership: the
// caller owns the returned Runtime; it must outlive every object it made. Its
// destructor stops the timer thread: a running timer callback is waited for,
// pending ones are dropped (their captures are destroyed, never run).
//
// Mutexes and condition variables it makes are thin wrappers over std::mutex
// and std::condition_variable; a CondVar must only be used with a Mutex made
// by the same kind of Runtime (checked in debug builds).
#pragma once

#include <memory>

#include "runtime/runtime.h"

namespace raftlab {

std::unique_ptr<Runtime> MakeRealTimeRuntime();

}  // namespace raftlab
