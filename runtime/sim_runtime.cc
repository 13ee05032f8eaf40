// The simulated runtime (see sim_runtime.h).
//
// One std::mutex (mu_) guards the whole simulation: the thread records, the
// clock, the generator, the mutexes' and conditions' state and the timers.
// Each simulated thread parks on its own futex word (SimThreadRec::go) until
// it is handed the baton; handing over is "set current_, release mu_, set
// the next thread's word and wake it, sleep on one's own".
#include "runtime/sim_runtime.h"

#include <linux/futex.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <climits>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <utility>

#include "runtime/rng.h"

namespace raftlab {

// The operations recorded at scheduling points.
enum SimOp : uint8_t {
  kOpLock,
  kOpUnlock,
  kOpTryLock,
  kOpWait,
  kOpNotifyOne,
  kOpNotifyAll,
  kOpSleep,
  kOpSpawn,
  kOpJoin,
  kOpAfter,
  kOpYield,
  kOpTimer,
  kOpExit,
};

namespace {

const char* OpName(uint8_t op) {
  switch (op) {
    case kOpLock: return "lock mutex";
    case kOpUnlock: return "unlock mutex";
    case kOpTryLock: return "try_lock mutex";
    case kOpWait: return "wait on condition";
    case kOpNotifyOne: return "notify_one condition";
    case kOpNotifyAll: return "notify_all condition";
    case kOpSleep: return "sleep";
    case kOpSpawn: return "spawn thread";
    case kOpJoin: return "join thread";
    case kOpAfter: return "set timer";
    case kOpYield: return "yield";
    case kOpTimer: return "run timer";
    case kOpExit: return "exit thread";
  }
  return "?";
}

uint64_t Mix(uint64_t h, uint64_t x) {
  h ^= x + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  h ^= h >> 31;
  h *= 0xbf58476d1ce4e5b9ULL;
  return h ^ (h >> 29);
}

class SimImpl;

struct SimThreadRec {
  enum class State { kRunnable, kMutex, kCond, kSleep, kJoin, kFinished };

  SimImpl* sim = nullptr;
  uint32_t id = 0;
  std::string name;
  State state = State::kRunnable;
  const void* waits_on = nullptr;   // the SimMutexImpl, SimCondImpl or SimThreadRec
  uint32_t waits_on_id = 0;
  std::optional<int64_t> deadline;  // virtual ns, for kSleep and timed kCond
  bool timed_out = false;
  bool daemon = false;
  bool joined = false;
  // 1 while this thread holds the baton (or has been handed it); a futex
  // word the thread sleeps on (std::atomic::wait) when it has not.
  std::atomic<uint32_t> go{0};
  pthread_t os{};
  std::function<void()> fn;
};

// The baton's hand-over uses the futex directly: std::atomic::wait spins
// and calls sched_yield a dozen times first, which costs more than the
// wait itself when every hand-over wakes exactly one sleeping thread.
void FutexWaitWhileZero(std::atomic<uint32_t>& word) {
  while (word.load(std::memory_order_acquire) == 0) {
    ::syscall(SYS_futex, reinterpret_cast<uint32_t*>(&word), FUTEX_WAIT_PRIVATE, 0, nullptr, nullptr, 0);
  }
}

void FutexSetAndWake(std::atomic<uint32_t>& word) {
  word.store(1, std::memory_order_release);
  ::syscall(SYS_futex, reinterpret_cast<uint32_t*>(&word), FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
}

static_assert(sizeof(std::atomic<uint32_t>) == sizeof(uint32_t), "a futex word is 32 bits");

thread_local SimThreadRec* tl_self = nullptr;
thread_local bool tl_in_spawn = false;

struct SimMutexState {
  uint32_t id = 0;
  SimThreadRec* owner = nullptr;  // a simulated holder
  bool outside_owned = false;     // held by a thread outside the simulation
};

class SimImpl {
 public:
  explicit SimImpl(const SimOptions& o) : opt_(o), rng_(DeriveSeed(o.seed, "sim/schedule")) {
    max_step_ = std::max<int64_t>(1, o.max_step.count());
    monitor_ = std::thread([this] { MonitorLoop(); });
  }

  // Stops the monitor and the timer thread. Returns false when simulated
  // threads are still alive (they may touch this object: it is then leaked).
  bool Shutdown() {
    std::unique_lock<std::mutex> lk(mu_);
    stopping_ = true;
    timers_.clear();
    SimThreadRec* timer = timer_thread_;
    bool others_alive = false;
    for (SimThreadRec* t : live_) others_alive |= t != timer;
    if (timer && timer->state != SimThreadRec::State::kFinished && !halted_ && !others_alive) {
      MakeRunnable(timer);
      if (!current_) Handoff();
      while (timer->state != SimThreadRec::State::kFinished) outside_cv_.wait(lk);
      lk.unlock();
      pthread_join(timer->os, nullptr);
      lk.lock();
    }
    monitor_stop_ = true;
    monitor_cv_.notify_all();
    const bool clean = live_.empty();
    lk.unlock();
    monitor_.join();
    return clean;
  }

  bool Mine() const { return tl_self != nullptr && tl_self->sim == this; }

  // --- Runtime -----------------------------------------------------------

  Nanos Now() const { return Nanos(clock_ns_.load(std::memory_order_acquire)); }

  void SleepFor(Nanos d) {
    if (!Mine()) {
      // An outside thread (not part of the run) sleeps in real time.
      if (d.count() > 0) std::this_thread::sleep_for(d);
      return;
    }
    std::unique_lock<std::mutex> lk(mu_);
    SimThreadRec* me = tl_self;
    Point(me, kOpSleep, 0);
    if (d.count() > 0) {
      me->state = SimThreadRec::State::kSleep;
      me->deadline = clock_ns_.load() + d.count();
    }
    Reschedule(lk, me);
  }

  void Yield() {
    if (!Mine()) return;
    std::unique_lock<std::mutex> lk(mu_);
    Point(tl_self, kOpYield, 0);
    Reschedule(lk, tl_self);
  }

  SimThreadRec* Spawn(const std::string& name, std::function<void()> fn, size_t stack_bytes) {
    std::unique_lock<std::mutex> lk(mu_);
    SimThreadRec* r = SpawnLocked(name, std::move(fn), stack_bytes, /*daemon=*/false);
    if (Mine()) {
      Point(tl_self, kOpSpawn, r->id);
      Reschedule(lk, tl_self);
    } else if (!current_) {
      Handoff();
    }
    return r;
  }

  // With mu_ held: the new thread is runnable; nobody yields.
  SimThreadRec* SpawnLocked(const std::string& name, std::function<void()> fn, size_t stack_bytes, bool daemon) {
    auto rec = std::make_unique<SimThreadRec>();
    rec->sim = this;
    rec->id = static_cast<uint32_t>(threads_.size() + 1);
    rec->name = name;
    rec->daemon = daemon;
    rec->fn = std::move(fn);
    SimThreadRec* r = rec.get();
    threads_.push_back(std::move(rec));
    live_.push_back(r);

    pthread_attr_t attr;
    pthread_attr_init(&attr);
    if (stack_bytes > 0) {
      const size_t min_bytes = static_cast<size_t>(PTHREAD_STACK_MIN);
      pthread_attr_setstacksize(&attr, std::max(stack_bytes, min_bytes));
    }
    tl_in_spawn = true;
    const int rc = pthread_create(&r->os, &attr, &ThreadMain, r);
    tl_in_spawn = false;
    pthread_attr_destroy(&attr);
    if (rc != 0) {
      live_.erase(std::find(live_.begin(), live_.end(), r));
      r->state = SimThreadRec::State::kFinished;
      r->joined = true;
      throw std::system_error(rc, std::generic_category(), "cannot start thread '" + name + "'");
    }
    return r;
  }

  void Join(SimThreadRec* t) {
    std::unique_lock<std::mutex> lk(mu_);
    if (t->joined) return;
    if (Mine()) {
      SimThreadRec* me = tl_self;
      if (t == me) throw std::logic_error("a simulated thread tried to join itself");
      Point(me, kOpJoin, t->id);
      if (t->state != SimThreadRec::State::kFinished) {
        me->state = SimThreadRec::State::kJoin;
        me->waits_on = t;
        me->waits_on_id = t->id;
      }
      Reschedule(lk, me);
    } else {
      while (t->state != SimThreadRec::State::kFinished) outside_cv_.wait(lk);
    }
    t->joined = true;
    lk.unlock();
    pthread_join(t->os, nullptr);
  }

  void Detach(SimThreadRec* t) {
    std::unique_lock<std::mutex> lk(mu_);
    if (t->joined) return;
    t->joined = true;
    pthread_detach(t->os);
  }

  uint32_t NewObjectId() {
    std::lock_guard<std::mutex> lk(mu_);
    return next_object_id_++;
  }

  void Lock(SimMutexState& m) {
    std::unique_lock<std::mutex> lk(mu_);
    if (!Mine()) {
      while (m.owner || m.outside_owned) outside_cv_.wait(lk);
      m.outside_owned = true;
      return;
    }
    SimThreadRec* me = tl_self;
    Point(me, kOpLock, m.id);
    Reschedule(lk, me);
    Acquire(lk, me, m);
  }

  bool TryLock(SimMutexState& m) {
    std::unique_lock<std::mutex> lk(mu_);
    if (Mine()) {
      Point(tl_self, kOpTryLock, m.id);
      Reschedule(lk, tl_self);
    }
    if (m.owner || m.outside_owned) return false;
    if (Mine()) {
      m.owner = tl_self;
    } else {
      m.outside_owned = true;
    }
    return true;
  }

  void Unlock(SimMutexState& m) {
    std::unique_lock<std::mutex> lk(mu_);
    Release(m);
    if (Mine()) {
      Point(tl_self, kOpUnlock, m.id);
      Reschedule(lk, tl_self);
    }
  }

  // Returns true when the deadline passed (or, without one, never).
  bool Wait(SimMutexState& m, const void* cond, uint32_t cond_id, std::optional<int64_t> deadline) {
    std::unique_lock<std::mutex> lk(mu_);
    if (!Mine()) {
      throw std::logic_error(
          "a thread outside the simulation waited on a simulated condition variable: give it a real-time "
          "Runtime");
    }
    SimThreadRec* me = tl_self;
    Point(me, kOpWait, cond_id);
    Release(m);
    bool timed_out = false;
    if (deadline && *deadline <= clock_ns_.load()) {
      timed_out = true;
    } else {
      me->state = SimThreadRec::State::kCond;
      me->waits_on = cond;
      me->waits_on_id = cond_id;
      me->deadline = deadline;
      me->timed_out = false;
    }
    Reschedule(lk, me);
    if (!timed_out) timed_out = me->timed_out;
    me->timed_out = false;
    Acquire(lk, me, m);
    return timed_out;
  }

  void Notify(const void* cond, uint32_t cond_id, bool all) {
    std::unique_lock<std::mutex> lk(mu_);
    std::vector<SimThreadRec*> waiters;
    for (SimThreadRec* t : live_) {
      if (t->state == SimThreadRec::State::kCond && t->waits_on == cond) waiters.push_back(t);
    }
    if (!waiters.empty()) {
      if (all) {
        for (SimThreadRec* t : waiters) MakeRunnable(t);
      } else {
        MakeRunnable(waiters[rng_.next() % waiters.size()]);
      }
    }
    if (Mine()) {
      Point(tl_self, all ? kOpNotifyAll : kOpNotifyOne, cond_id);
      Reschedule(lk, tl_self);
    } else if (!current_) {
      Handoff();
    }
  }

  void After(Nanos delay, std::function<void()> fn) {
    std::unique_lock<std::mutex> lk(mu_);
    if (stopping_) return;
    const int64_t at = clock_ns_.load() + std::max<int64_t>(0, delay.count());
    timers_.emplace(std::make_pair(at, timer_seq_++), std::move(fn));
    if (!timer_thread_) {
      timer_thread_ = SpawnLocked("raftlab-timer", [this] { TimerLoop(); }, 0, /*daemon=*/true);
    } else if (timer_thread_->state == SimThreadRec::State::kSleep ||
               timer_thread_->state == SimThreadRec::State::kCond) {
      MakeRunnable(timer_thread_);
    }
    if (Mine()) {
      Point(tl_self, kOpAfter, 0);
      Reschedule(lk, tl_self);
    } else if (!current_) {
      Handoff();
    }
  }

  // --- Inspection --------------------------------------------------------

  void SetOnHalt(std::function<void(SimHaltKind, const std::string&, const std::string&)> fn) {
    std::lock_guard<std::mutex> lk(mu_);
    on_halt_ = std::move(fn);
  }
  bool Halted() const { return halted_.load(std::memory_order_acquire); }
  uint64_t Points() const { return points_.load(std::memory_order_acquire); }
  uint64_t Switches() const { return switches_.load(std::memory_order_relaxed); }
  uint64_t Hash() const {
    std::lock_guard<std::mutex> lk(mu_);
    return hash_;
  }
  std::vector<SimRuntime::TracePoint> Trace() const {
    std::lock_guard<std::mutex> lk(mu_);
    return trace_;
  }
  std::vector<std::string> Names() const {
    std::lock_guard<std::mutex> lk(mu_);
    std::vector<std::string> out{"(none)"};
    for (const auto& t : threads_) out.push_back(t->name);
    return out;
  }

 private:
  static void* ThreadMain(void* arg) {
    SimThreadRec* r = static_cast<SimThreadRec*>(arg);
    SimImpl* sim = r->sim;
    tl_self = r;
    pthread_setname_np(pthread_self(), r->name.substr(0, 15).c_str());
    FutexWaitWhileZero(r->go);
    r->fn();
    r->fn = nullptr;  // the captures die while this thread still holds the baton
    std::unique_lock<std::mutex> lk(sim->mu_);
    sim->Point(r, kOpExit, r->id);
    r->state = SimThreadRec::State::kFinished;
    sim->live_.erase(std::find(sim->live_.begin(), sim->live_.end(), r));
    for (SimThreadRec* t : sim->live_) {
      if (t->state == SimThreadRec::State::kJoin && t->waits_on == r) sim->MakeRunnable(t);
    }
    sim->outside_cv_.notify_all();
    SimThreadRec* next = sim->Handoff(/*wake=*/false);
    lk.unlock();
    if (next) Wake(next);
    return nullptr;
  }

  void TimerLoop() {
    SimThreadRec* me = tl_self;
    std::unique_lock<std::mutex> lk(mu_);
    while (!stopping_) {
      if (timers_.empty()) {
        me->state = SimThreadRec::State::kCond;
        me->waits_on = &timers_;
        me->waits_on_id = 0;
        Reschedule(lk, me);
        continue;
      }
      auto it = timers_.begin();
      if (it->first.first > clock_ns_.load()) {
        me->state = SimThreadRec::State::kSleep;
        me->deadline = it->first.first;
        Reschedule(lk, me);
        continue;
      }
      std::function<void()> fn = std::move(it->second);
      timers_.erase(it);
      Point(me, kOpTimer, 0);
      lk.unlock();
      fn();
      fn = nullptr;
      lk.lock();
      Point(me, kOpYield, 0);
      Reschedule(lk, me);
    }
  }

  // With mu_ held, by the baton holder: records one scheduling point.
  void Point(SimThreadRec* me, uint8_t op, uint32_t object) {
    const int64_t step = 1 + static_cast<int64_t>(rng_.next() % static_cast<uint64_t>(max_step_));
    const int64_t clock = clock_ns_.load() + step;
    clock_ns_.store(clock, std::memory_order_release);
    points_.fetch_add(1, std::memory_order_acq_rel);
    hash_ = Mix(Mix(Mix(Mix(hash_, me->id), op), object), static_cast<uint64_t>(clock));
    if (opt_.record_trace && trace_.size() < opt_.max_trace_points) {
      trace_.push_back(SimRuntime::TracePoint{clock, me->id, object, op});
    }
    if (opt_.time_limit.count() > 0 && clock > opt_.time_limit.count()) TimeLimitReached();
  }

  void MakeRunnable(SimThreadRec* t) {
    t->state = SimThreadRec::State::kRunnable;
    t->waits_on = nullptr;
    t->waits_on_id = 0;
    t->deadline.reset();
  }

  void Acquire(std::unique_lock<std::mutex>& lk, SimThreadRec* me, SimMutexState& m) {
    for (;;) {
      if (!m.owner && !m.outside_owned) {
        m.owner = me;
        return;
      }
      if (m.outside_owned) {
        // Held briefly by a thread outside the run: wait for it in real time,
        // keeping the baton, so that the run's choices do not depend on it.
        outside_cv_.wait(lk);
        continue;
      }
      me->state = SimThreadRec::State::kMutex;
      me->waits_on = &m;
      me->waits_on_id = m.id;
      Reschedule(lk, me);
    }
  }

  void Release(SimMutexState& m) {
    m.owner = nullptr;
    m.outside_owned = false;
    for (SimThreadRec* t : live_) {
      if (t->state == SimThreadRec::State::kMutex && t->waits_on == &m) MakeRunnable(t);
    }
    outside_cv_.notify_all();
  }

  // Hands the baton on and, unless `me` finished, waits until it comes back.
  // A thread that can go on (it did not block) keeps the baton with
  // probability opt_.stay_per_1024 / 1024: a switch costs two futex calls
  // and a context switch, and a thread preempted at one point in ten still
  // meets every other thread at its blocking points.
  void Reschedule(std::unique_lock<std::mutex>& lk, SimThreadRec* me) {
    if (me->state == SimThreadRec::State::kRunnable && !halted_.load() &&
        (rng_.next() & 1023) < opt_.stay_per_1024) {
      return;
    }
    me->go.store(0, std::memory_order_relaxed);
    SimThreadRec* next = Handoff(/*wake=*/false);
    if (next == me) {
      me->go.store(1, std::memory_order_relaxed);
      return;
    }
    switches_.fetch_add(1, std::memory_order_relaxed);
    lk.unlock();
    if (next) Wake(next);
    FutexWaitWhileZero(me->go);
    lk.lock();
  }

  static void Wake(SimThreadRec* t) { FutexSetAndWake(t->go); }

  // With mu_ held: picks the next thread (seeded), jumping the clock when
  // none is runnable; halts on a deadlock. Returns the new baton holder
  // (nullptr: none), woken here when `wake`, else the caller wakes it after
  // releasing mu_ (so that it does not wake only to wait for mu_).
  SimThreadRec* Handoff(bool wake = true) {
    if (halted_.load()) {
      current_ = nullptr;
      return nullptr;
    }
    for (;;) {
      const int64_t clock = clock_ns_.load();
      std::optional<int64_t> earliest;
      runnable_.clear();
      for (SimThreadRec* t : live_) {
        if (t->deadline && (t->state == SimThreadRec::State::kSleep || t->state == SimThreadRec::State::kCond)) {
          if (*t->deadline <= clock) {
            const bool was_cond = t->state == SimThreadRec::State::kCond;
            MakeRunnable(t);
            t->timed_out = was_cond;
          } else if (!earliest || *t->deadline < *earliest) {
            earliest = *t->deadline;
          }
        }
        if (t->state == SimThreadRec::State::kRunnable) runnable_.push_back(t);
      }
      if (!runnable_.empty()) {
        SimThreadRec* next = runnable_[rng_.next() % runnable_.size()];
        current_ = next;
        if (wake) Wake(next);
        return next;
      }
      current_ = nullptr;
      if (earliest) {
        if (opt_.time_limit.count() > 0 && *earliest > opt_.time_limit.count()) {
          clock_ns_.store(opt_.time_limit.count() + 1, std::memory_order_release);
          TimeLimitReached();
          return nullptr;
        }
        clock_ns_.store(*earliest, std::memory_order_release);
        continue;
      }
      bool stuck = false;
      for (SimThreadRec* t : live_) stuck |= !t->daemon;
      if (stuck) Halt(SimHaltKind::kDeadlock, DescribeDeadlock(), "");
      return nullptr;
    }
  }

  void TimeLimitReached() {
    Halt(SimHaltKind::kTimeLimit,
         "the virtual clock reached the test's time limit (" +
             std::to_string(static_cast<double>(opt_.time_limit.count()) / 1e9) + " s of simulated time)",
         "");
  }

  std::string DescribeDeadlock() const {
    std::string out =
        "deadlock: every thread of the run is blocked and none waits with a deadline, so nothing can ever run "
        "again:";
    for (SimThreadRec* t : live_) {
      if (t->daemon) continue;
      out += "\n  - '" + t->name + "' ";
      switch (t->state) {
        case SimThreadRec::State::kMutex: {
          const auto* m = static_cast<const SimMutexState*>(t->waits_on);
          out += "waits for mutex " + std::to_string(m->id) + ", held by " +
                 (m->owner ? "'" + m->owner->name + "'" : std::string("a thread outside the run"));
          if (m->owner == t) out += " itself (it locked it twice)";
          break;
        }
        case SimThreadRec::State::kCond:
          out += "waits on condition " + std::to_string(t->waits_on_id) + " that nobody will notify";
          break;
        case SimThreadRec::State::kJoin:
          out += "joins '" + static_cast<const SimThreadRec*>(t->waits_on)->name + "'";
          break;
        default:
          out += "is parked";
          break;
      }
    }
    return out;
  }

  // With mu_ held.
  void Halt(SimHaltKind kind, const std::string& why, const std::string& thread) {
    if (halted_.exchange(true)) return;
    current_ = nullptr;
    halt_kind_ = kind;
    halt_why_ = why;
    halt_thread_ = thread;
    halt_pending_ = true;
    monitor_cv_.notify_all();
  }

  // The baton holder's CPU time (with mu_ held, so it cannot hand over and
  // end meanwhile); 0 when it cannot be read.
  int64_t HolderCpuNs() const {
    if (current_ == nullptr) return 0;
    clockid_t cid;
    timespec ts{};
    if (pthread_getcpuclockid(current_->os, &cid) != 0 || clock_gettime(cid, &ts) != 0) return 0;
    return int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec;
  }

  // The monitor: delivers the halt callback off the simulated threads and
  // watches the baton holder. A holder that neither reaches a scheduling
  // point nor uses CPU for opt_.watchdog is blocked outside the runtime; one
  // that computes without a point for opt_.spin_watchdog is spinning (a
  // long harness computation, such as a linearizability check on a loaded
  // machine, uses CPU and is given the longer bound).
  void MonitorLoop() {
    std::unique_lock<std::mutex> lk(mu_);
    uint64_t last_points = ~uint64_t{0};
    const void* last_holder = nullptr;
    int64_t last_cpu = 0;
    auto since_point = std::chrono::steady_clock::now();
    auto since_cpu = since_point;
    while (!monitor_stop_) {
      monitor_cv_.wait_for(lk, std::chrono::milliseconds(20));
      if (halt_pending_ && on_halt_) {
        halt_pending_ = false;
        auto fn = on_halt_;
        const SimHaltKind kind = halt_kind_;
        const std::string why = halt_why_, thread = halt_thread_;
        lk.unlock();
        fn(kind, why, thread);
        lk.lock();
        continue;
      }
      if (opt_.watchdog.count() <= 0 || halted_.load()) continue;
      const uint64_t p = points_.load();
      const auto now = std::chrono::steady_clock::now();
      const int64_t cpu = HolderCpuNs();
      if (p != last_points || current_ != last_holder || current_ == nullptr) {
        last_points = p;
        last_holder = current_;
        last_cpu = cpu;
        since_point = since_cpu = now;
        continue;
      }
      if (cpu - last_cpu >= 1000000) {  // at least 1 ms of CPU since the last look: working
        last_cpu = cpu;
        since_cpu = now;
      }
      const std::string name = current_->name;
      if (now - std::max(since_point, since_cpu) >= opt_.watchdog) {
        Halt(SimHaltKind::kWatchdog,
             "thread '" + name + "' waited " + std::to_string(opt_.watchdog.count() / 1000.0).substr(0, 4) +
                 " s of wall time without reaching a scheduling point or using the CPU: it is blocked outside "
                 "the host services (a raw mutex, a raw sleep, a blocking system call)",
             name);
      } else if (opt_.spin_watchdog.count() > 0 && now - since_point >= opt_.spin_watchdog) {
        Halt(SimHaltKind::kWatchdog,
             "thread '" + name + "' ran " + std::to_string(opt_.spin_watchdog.count() / 1000.0).substr(0, 5) +
                 " s of wall time on the CPU without reaching a scheduling point: it spins in a loop that never "
                 "calls the host (under --sim a flag another thread would set never changes while this one "
                 "runs: wait on a condition variable instead)",
             name);
      }
    }
  }

  const SimOptions opt_;
  int64_t max_step_ = 1;
  mutable std::mutex mu_;
  std::condition_variable outside_cv_;  // mutexes released, threads finished
  std::condition_variable monitor_cv_;
  Rng rng_;
  std::atomic<int64_t> clock_ns_{0};
  std::atomic<uint64_t> points_{0};
  std::atomic<uint64_t> switches_{0};  // hand-overs to another thread
  uint64_t hash_ = 0;
  std::vector<SimRuntime::TracePoint> trace_;
  std::deque<std::unique_ptr<SimThreadRec>> threads_;
  std::vector<SimThreadRec*> live_;      // not finished, in id order
  std::vector<SimThreadRec*> runnable_;  // scratch for Handoff
  SimThreadRec* current_ = nullptr;      // the baton holder
  uint32_t next_object_id_ = 1;
  std::multimap<std::pair<int64_t, uint64_t>, std::function<void()>> timers_;
  uint64_t timer_seq_ = 0;
  SimThreadRec* timer_thread_ = nullptr;
  bool stopping_ = false;
  std::atomic<bool> halted_{false};
  SimHaltKind halt_kind_ = SimHaltKind::kDeadlock;
  std::string halt_why_, halt_thread_;
  bool halt_pending_ = false;
  std::function<void(SimHaltKind, const std::string&, const std::string&)> on_halt_;
  bool monitor_stop_ = false;
  std::thread monitor_;
};

class SimMutex final : public Mutex {
 public:
  explicit SimMutex(SimImpl& sim) : sim_(sim) { m_.id = sim.NewObjectId(); }
  void lock() override { sim_.Lock(m_); }
  void unlock() override { sim_.Unlock(m_); }
  bool try_lock() override { return sim_.TryLock(m_); }
  SimMutexState& state() { return m_; }

 private:
  SimImpl& sim_;
  SimMutexState m_;
};

class SimCond final : public CondVar {
 public:
  explicit SimCond(SimImpl& sim) : sim_(sim), id_(sim.NewObjectId()) {}
  void wait(Mutex& m) override { sim_.Wait(Of(m), this, id_, std::nullopt); }
  bool wait_until(Mutex& m, Nanos deadline) override { return sim_.Wait(Of(m), this, id_, deadline.count()); }
  void notify_one() override { sim_.Notify(this, id_, false); }
  void notify_all() override { sim_.Notify(this, id_, true); }

 private:
  static SimMutexState& Of(Mutex& m) {
    auto* sm = dynamic_cast<SimMutex*>(&m);
    if (!sm) throw std::logic_error("a simulated condition variable was used with a mutex of another Runtime");
    return sm->state();
  }
  SimImpl& sim_;
  const uint32_t id_;
};

class SimThread final : public Thread {
 public:
  SimThread(SimImpl& sim, SimThreadRec* rec) : sim_(sim), rec_(rec) {}
  ~SimThread() override {
    if (!done_) {
      std::fprintf(stderr, "raftlab: a Thread was destroyed without join() or detach()\n");
      std::abort();
    }
  }
  void join() override {
    if (done_) return;
    sim_.Join(rec_);
    done_ = true;
  }
  void detach() override {
    if (done_) return;
    sim_.Detach(rec_);
    done_ = true;
  }

 private:
  SimImpl& sim_;
  SimThreadRec* rec_;
  bool done_ = false;
};

// The owner: forwards to the impl, and leaks it when simulated threads are
// still alive at destruction (they may still touch it).
class SimRuntimeOwner final : public SimRuntime {
 public:
  explicit SimRuntimeOwner(const SimOptions& o) : impl_(new SimImpl(o)) {}
  ~SimRuntimeOwner() override {
    if (impl_->Shutdown()) delete impl_;
  }

  Nanos now() const override { return impl_->Now(); }
  void sleep_for(Nanos d) override { impl_->SleepFor(d); }
  std::unique_ptr<Thread> spawn(const std::string& name, std::function<void()> fn, size_t stack_bytes) override {
    return std::make_unique<SimThread>(*impl_, impl_->Spawn(name, std::move(fn), stack_bytes));
  }
  std::unique_ptr<Mutex> make_mutex() override { return std::make_unique<SimMutex>(*impl_); }
  std::unique_ptr<CondVar> make_cond() override { return std::make_unique<SimCond>(*impl_); }
  void after(Nanos delay, std::function<void()> fn) override { impl_->After(delay, std::move(fn)); }
  void yield() override { impl_->Yield(); }
  bool simulated() const override { return true; }

  void OnHalt(std::function<void(SimHaltKind, const std::string&, const std::string&)> fn) override {
    impl_->SetOnHalt(std::move(fn));
  }
  bool halted() const override { return impl_->Halted(); }
  uint64_t points() const override { return impl_->Points(); }
  uint64_t switches() const override { return impl_->Switches(); }
  uint64_t trace_hash() const override { return impl_->Hash(); }
  std::vector<TracePoint> trace() const override { return impl_->Trace(); }
  std::vector<std::string> thread_names() const override { return impl_->Names(); }

 private:
  SimImpl* impl_;
};

}  // namespace

std::string SimRuntime::Describe(const TracePoint& p, const std::vector<std::string>& names) {
  char clock[32];
  std::snprintf(clock, sizeof clock, "%.9f s", static_cast<double>(p.clock_ns) / 1e9);
  const std::string who = p.thread < names.size() ? names[p.thread] : "thread " + std::to_string(p.thread);
  std::string out = std::string(clock) + "  '" + who + "'  " + OpName(p.op);
  if (p.object != 0) {
    if (p.op == kOpSpawn || p.op == kOpJoin || p.op == kOpExit) {
      out += " '" + (p.object < names.size() ? names[p.object] : std::to_string(p.object)) + "'";
    } else {
      out += " " + std::to_string(p.object);
    }
  }
  return out;
}

std::unique_ptr<SimRuntime> MakeSimRuntime(const SimOptions& options) {
  return std::make_unique<SimRuntimeOwner>(options);
}

namespace {
std::mutex g_escape_mu;
std::function<void(const std::string&)>* g_escape_reporter = nullptr;  // leaked: set once per process
thread_local bool tl_reporting = false;
}  // namespace

void SetSimEscapeReporter(std::function<void(const std::string& call)> reporter) {
  std::lock_guard<std::mutex> l(g_escape_mu);
  g_escape_reporter = new std::function<void(const std::string&)>(std::move(reporter));
}

void ReportSimEscape(const char* call) {
  if (tl_reporting) return;  // the reporter itself slept or started a thread
  std::function<void(const std::string&)> fn;
  {
    std::lock_guard<std::mutex> l(g_escape_mu);
    if (g_escape_reporter) fn = *g_escape_reporter;
  }
  if (!fn) return;
  tl_reporting = true;
  fn(call);
  tl_reporting = false;
}

bool OnSimulatedThread() { return tl_self != nullptr; }
std::string SimulatedThreadName() { return tl_self != nullptr ? tl_self->name : std::string(); }
bool InsideSimRuntimeSpawn() { return tl_in_spawn; }

}  // namespace raftlab
