// Runtime: the one interface through which the harness and labrpc get time,
// sleep, threads, mutexes, condition variables and timers.
//
// Nothing in harness/ or labrpc/ may call std::this_thread::sleep_for,
// std::chrono::steady_clock::now or create a raw std::thread: they go through
// a Runtime, so that a simulated-time implementation can be dropped in later.
// The real-time implementation (real_runtime.h) maps onto OS threads and the
// monotonic clock; the simulated one (sim_runtime.h) runs every thread on
// a virtual clock, one at a time, in an order chosen by a seed.
//
// Thread safety: a Runtime and everything it makes may be used from any
// thread. Ownership: objects returned by unique_ptr belong to the caller; a
// Thread must be joined before it is destroyed; a Runtime must outlive every
// object it made and every timer it still has pending (its destructor waits
// for running timer callbacks and drops pending ones).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "runtime/thread_annotations.h"

namespace raftlab {

using Nanos = std::chrono::nanoseconds;
using Millis = std::chrono::milliseconds;

// A non-recursive mutex; BasicLockable, so std::unique_lock<Mutex> works.
class CAPABILITY("mutex") Mutex {
 public:
  virtual ~Mutex() = default;
  virtual void lock() ACQUIRE() = 0;
  virtual void unlock() RELEASE() = 0;
  virtual bool try_lock() TRY_ACQUIRE(true) = 0;
};

// RAII lock holder with thread-safety annotations (prefer over unique_lock
// where no condition variable is involved).
class SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex& m) ACQUIRE(m) : m_(m) { m_.lock(); }
  ~MutexLock() RELEASE() { m_.unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex& m_;
};

// A condition variable used with a Mutex made by the same Runtime.
class CondVar {
 public:
  virtual ~CondVar() = default;
  // Precondition: the caller holds m. May wake spuriously.
  virtual void wait(Mutex& m) = 0;
  // Waits until notified or until Runtime::now() >= deadline.
  // Returns true if the deadline passed.
  virtual bool wait_until(Mutex& m, Nanos deadline) = 0;
  virtual void notify_one() = 0;
  virtual void notify_all() = 0;
};

// A thread started by Runtime::spawn. Must be joined (or detached) before
// destruction.
class Thread {
 public:
  virtual ~Thread() = default;
  virtual void join() = 0;
  // Lets the thread run on unjoined; its resources are freed when it ends.
  // Reserved for threads that may never end: labrpc's handler pool uses it
  // for a worker stuck in a student's handler at shutdown (handler_pool.h).
  // Everything else joins.
  virtual void detach() = 0;
};

class Runtime {
 public:
  virtual ~Runtime() = default;
  // Monotonic time since an arbitrary origin fixed at construction.
  virtual Nanos now() const = 0;
  virtual void sleep_for(Nanos d) = 0;
  // Starts fn on a new thread named `name` (shown in stack dumps).
  // stack_bytes == 0 means the runtime's default.
  virtual std::unique_ptr<Thread> spawn(const std::string& name, std::function<void()> fn,
                                        size_t stack_bytes = 0) = 0;
  virtual std::unique_ptr<Mutex> make_mutex() = 0;
  virtual std::unique_ptr<CondVar> make_cond() = 0;
  // Runs fn once, about `delay` from now, on a runtime-owned thread. Used for
  // labrpc's delayed replies and failures. Callbacks must not block for long.
  virtual void after(Nanos delay, std::function<void()> fn) = 0;

  // A scheduling point with no other effect: under simulation
  // (sim_runtime.h) another thread may run here; in real time, nothing.
  virtual void yield() {}
  // True for the simulated runtime: time is virtual and only one thread
  // runs at a time (spinning on a flag another thread sets never ends).
  virtual bool simulated() const { return false; }
};

}  // namespace raftlab
