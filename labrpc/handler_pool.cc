// HandlerPool: see handler_pool.h.
#include "labrpc/handler_pool.h"

#include <atomic>

#include <algorithm>
#include <utility>
#include <vector>

#include "labrpc/spin.h"

namespace raftlab::labrpc {

// One worker thread with its own condition variable, so that Submit wakes
// exactly the worker it picked.
struct HandlerPool::Worker {
  std::unique_ptr<CondVar> cv;
  Task task;                        // guarded by State::mu
  bool has_task = false;            // guarded by State::mu
  std::atomic<bool> ready{false};   // mirrors has_task for the idle spin
  bool exited = false;              // guarded by State::mu
  std::unique_ptr<Thread> thread;   // set once at start, under State::mu
};

struct HandlerPool::State {
  std::unique_ptr<Mutex> mu;
  std::vector<Worker*> idle GUARDED_BY(*mu);                  // LIFO
  std::vector<std::unique_ptr<Worker>> all GUARDED_BY(*mu);   // owns workers
  bool stop GUARDED_BY(*mu) = false;
  std::atomic<bool> stopping{false};  // mirrors stop for the idle spin
};

HandlerPool::HandlerPool(Runtime& rt, std::string name_prefix)
    : rt_(rt), prefix_(std::move(name_prefix)), st_(std::make_shared<State>()) {
  st_->mu = rt_.make_mutex();
}

HandlerPool::~HandlerPool() { Shutdown(); }

// Lock/unlock by hand (not std::unique_lock) so that clang's thread-safety
// analysis can follow the mutex.
void HandlerPool::WorkerLoop(Runtime& rt, std::shared_ptr<State> st, Worker* w) {
  st->mu->lock();
  for (;;) {
    if (!w->has_task && !st->stop) {
      // Spin briefly before sleeping: under a steady stream of calls the
      // next task usually arrives within microseconds (see spin.h).
      st->mu->unlock();
      // Never under simulation: only one thread runs there, so the flag
      // cannot change while this one spins.
      if (!rt.simulated()) SpinUntil(
          [&] {
            return w->ready.load(std::memory_order_acquire) ||
                   st->stopping.load(std::memory_order_relaxed);
          },
          [&] { return rt.now(); });
      st->mu->lock();
    }
    while (!w->has_task && !st->stop) w->cv->wait(*st->mu);
    if (!w->has_task) break;  // stopped while idle
    Task task = std::move(w->task);
    w->task = nullptr;
    w->has_task = false;
    w->ready.store(false, std::memory_order_relaxed);
    st->mu->unlock();
    task();
    task = nullptr;  // destroy captures before becoming idle
    st->mu->lock();
    if (st->stop) break;
    st->idle.push_back(w);
  }
  w->exited = true;
  st->mu->unlock();
}

bool HandlerPool::Submit(Task task) {
  State& st = *st_;
  st.mu->lock();
  if (st.stop) {
    st.mu->unlock();
    return false;
  }
  if (!st.idle.empty()) {
    Worker* w = st.idle.back();
    st.idle.pop_back();
    w->task = std::move(task);
    w->has_task = true;
    w->ready.store(true, std::memory_order_release);
    st.mu->unlock();
    w->cv->notify_one();
    return true;
  }
  // Grow. Starting the thread under the lock keeps Shutdown simple; it only
  // happens when every existing worker is busy.
  auto owned = std::make_unique<Worker>();
  Worker* w = owned.get();
  w->cv = rt_.make_cond();
  w->task = std::move(task);
  w->has_task = true;
  st.all.push_back(std::move(owned));
  const std::string name = prefix_ + std::to_string(st.all.size());
  w->thread = rt_.spawn(name, [&rt = rt_, s = st_, w] { WorkerLoop(rt, s, w); });
  st.mu->unlock();
  return true;
}

void HandlerPool::Shutdown() {
  std::vector<Thread*> to_join;
  {
    MutexLock lk(*st_->mu);
    if (st_->stop) return;
    st_->stop = true;
    st_->stopping.store(true, std::memory_order_relaxed);
    for (Worker* w : st_->idle) {
      to_join.push_back(w->thread.get());
      w->cv->notify_one();
    }
    for (auto& w : st_->all) {
      if (std::find(st_->idle.begin(), st_->idle.end(), w.get()) == st_->idle.end()) {
        // Busy: running (or about to run) a handler that may never return.
        // Detached on purpose (see handler_pool.h); the worker exits by
        // itself after its task.
        w->thread->detach();
      }
    }
    st_->idle.clear();
  }
  // Idle workers see `stop` with no task and exit promptly. Worker objects
  // stay owned by the shared state, freed with the last worker reference.
  for (Thread* t : to_join) t->join();
}

size_t HandlerPool::thread_count() const {
  MutexLock lk(*st_->mu);
  return st_->all.size();
}

size_t HandlerPool::idle_count() const {
  MutexLock lk(*st_->mu);
  return st_->idle.size();
}

}  // namespace raftlab::labrpc
