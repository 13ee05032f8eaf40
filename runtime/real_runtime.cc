// RealTimeRuntime: see real_runtime.h.
//
// Threads are pthreads so that the stack size can be chosen and the thread
// named (pthread_setname_np, at most 15 characters on Linux). after() is
// served by one lazily started timer thread that keeps a min-heap of
// deadlines.
#include "runtime/real_runtime.h"

#include <pthread.h>

#include <cassert>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <queue>
#include <thread>
#include <vector>

namespace raftlab {
namespace {

using Clock = std::chrono::steady_clock;

class RealMutex final : public Mutex {
 public:
  void lock() ACQUIRE() override { m_.lock(); }
  void unlock() RELEASE() override { m_.unlock(); }
  bool try_lock() TRY_ACQUIRE(true) override { return m_.try_lock(); }
  std::mutex& native() { return m_; }

 private:
  std::mutex m_;
};

std::mutex& NativeOf(Mutex& m) {
  assert(dynamic_cast<RealMutex*>(&m) != nullptr && "CondVar used with a foreign Mutex");
  return static_cast<RealMutex&>(m).native();
}

class RealCondVar final : public CondVar {
 public:
  explicit RealCondVar(Clock::time_point origin) : origin_(origin) {}

  void wait(Mutex& m) override {
    std::unique_lock<std::mutex> lk(NativeOf(m), std::adopt_lock);
    cv_.wait(lk);
    lk.release();  // the caller still holds m
  }

  bool wait_until(Mutex& m, Nanos deadline) override {
    const Clock::time_point tp = origin_ + std::chrono::duration_cast<Clock::duration>(deadline);
    std::unique_lock<std::mutex> lk(NativeOf(m), std::adopt_lock);
    const bool timed_out = cv_.wait_until(lk, tp) == std::cv_status::timeout;
    lk.release();
    return timed_out;
  }

  void notify_one() override { cv_.notify_one(); }
  void notify_all() override { cv_.notify_all(); }

 private:
  const Clock::time_point origin_;
  std::condition_variable cv_;
};

// Start block handed to a new pthread; freed by the thread itself.
struct ThreadStart {
  std::string name;
  std::function<void()> fn;
};

void* ThreadMain(void* arg) {
  std::unique_ptr<ThreadStart> start(static_cast<ThreadStart*>(arg));
  if (!start->name.empty()) {
    // Linux limits names to 15 characters plus the terminating NUL.
    std::string shortname = start->name.substr(0, 15);
    pthread_setname_np(pthread_self(), shortname.c_str());
  }
  std::function<void()> fn = std::move(start->fn);
  start.reset();
  fn();
  return nullptr;
}

class RealThread final : public Thread {
 public:
  explicit RealThread(pthread_t t) : t_(t) {}
  ~RealThread() override {
    if (!joined_) {
      // Same contract as std::thread: destroying an unjoined thread is a bug.
      std::fprintf(stderr, "raftlab: a Thread was destroyed without join() or detach()\n");
      std::abort();
    }
  }
  void join() override {
    if (joined_) return;
    pthread_join(t_, nullptr);
    joined_ = true;
  }
  void detach() override {
    if (joined_) return;
    pthread_detach(t_);
    joined_ = true;  // nothing left to join
  }

 private:
  pthread_t t_;
  bool joined_ = false;
};

class RealTimeRuntime final : public Runtime {
 public:
  RealTimeRuntime() : origin_(Clock::now()) {}

  ~RealTimeRuntime() override {
    std::vector<Timer> dropped;
    {
      std::lock_guard<std::mutex> lk(timer_mu_);
      timer_stop_ = true;
      while (!timers_.empty()) {
        dropped.push_back(std::move(const_cast<Timer&>(timers_.top())));
        timers_.pop();
      }
    }
    timer_cv_.notify_all();
    if (timer_thread_.joinable()) timer_thread_.join();
    // `dropped` is destroyed here, outside the lock: callbacks never run.
  }

  Nanos now() const override {
    return std::chrono::duration_cast<Nanos>(Clock::now() - origin_);
  }

  void sleep_for(Nanos d) override {
    if (d.count() > 0) std::this_thread::sleep_for(d);
  }

  std::unique_ptr<Thread> spawn(const std::string& name, std::function<void()> fn,
                                size_t stack_bytes) override {
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    if (stack_bytes > 0) {
      const size_t min_bytes = static_cast<size_t>(PTHREAD_STACK_MIN);
      const size_t bytes = stack_bytes < min_bytes ? min_bytes : stack_bytes;
      pthread_attr_setstacksize(&attr, bytes);
    }
    auto* start = new ThreadStart{name, std::move(fn)};
    pthread_t t;
    int rc = pthread_create(&t, &attr, &ThreadMain, start);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
      delete start;
      // Running out of threads leaves the harness unable to continue.
      std::fprintf(stderr, "raftlab: cannot start thread '%s': %s\n", name.c_str(),
                   std::strerror(rc));
      std::abort();
    }
    return std::make_unique<RealThread>(t);
  }

  std::unique_ptr<Mutex> make_mutex() override { return std::make_unique<RealMutex>(); }

  std::unique_ptr<CondVar> make_cond() override {
    return std::make_unique<RealCondVar>(origin_);
  }

  void after(Nanos delay, std::function<void()> fn) override {
    const Clock::time_point when =
        Clock::now() + std::chrono::duration_cast<Clock::duration>(delay);
    bool wake = false;
    {
      std::lock_guard<std::mutex> lk(timer_mu_);
      if (timer_stop_) return;
      if (!timer_thread_.joinable()) {
        timer_thread_ = std::thread([this] {
          pthread_setname_np(pthread_self(), "raftlab-timer");
          TimerLoop();
        });
      }
      wake = timers_.empty() || when < timers_.top().when;
      timers_.push(Timer{when, next_seq_++, std::move(fn)});
    }
    if (wake) timer_cv_.notify_one();
  }

 private:
  struct Timer {
    Clock::time_point when;
    uint64_t seq;  // FIFO among equal deadlines
    std::function<void()> fn;
  };
  struct Later {
    bool operator()(const Timer& a, const Timer& b) const {
      return a.when != b.when ? a.when > b.when : a.seq > b.seq;
    }
  };

  void TimerLoop() {
    std::unique_lock<std::mutex> lk(timer_mu_);
    while (!timer_stop_) {
      if (timers_.empty()) {
        timer_cv_.wait(lk);
        continue;
      }
      const Clock::time_point when = timers_.top().when;
      if (Clock::now() < when) {
        timer_cv_.wait_until(lk, when);
        continue;
      }
      // priority_queue::top is const; moving out right before pop is safe.
      std::function<void()> fn = std::move(const_cast<Timer&>(timers_.top()).fn);
      timers_.pop();
      lk.unlock();
      fn();
      fn = nullptr;  // destroy captures outside the lock
      lk.lock();
    }
  }

  const Clock::time_point origin_;
  std::mutex timer_mu_;
  std::condition_variable timer_cv_;
  std::priority_queue<Timer, std::vector<Timer>, Later> timers_;
  uint64_t next_seq_ = 0;
  bool timer_stop_ = false;
  std::thread timer_thread_;
};

}  // namespace

std::unique_ptr<Runtime> MakeRealTimeRuntime() { return std::make_unique<RealTimeRuntime>(); }

}  // namespace raftlab
