#include "harness/raft/bounded_call.h"

#include <cstdio>

namespace raftlab {
namespace {

struct BoundedState {
  std::unique_ptr<Mutex> mu;
  std::unique_ptr<CondVar> cv;
  bool done GUARDED_BY(*mu) = false;
};

}  // namespace

std::string FormatSeconds(Nanos d) {
  char buf[32];
  snprintf(buf, sizeof buf, "%.3g s", std::chrono::duration<double>(d).count());
  return buf;
}

bool RunBounded(Runtime& rt, const std::string& name, std::function<void()> fn, Nanos bound) {
  auto st = std::make_shared<BoundedState>();
  st->mu = rt.make_mutex();
  st->cv = rt.make_cond();
  std::unique_ptr<Thread> t = rt.spawn(name, [st, fn = std::move(fn)] {
    fn();
    MutexLock l(*st->mu);
    st->done = true;
    st->cv->notify_all();
  });
  const Nanos deadline = rt.now() + bound;
  bool finished;
  {
    MutexLock l(*st->mu);
    while (!st->done) {
      if (st->cv->wait_until(*st->mu, deadline) && !st->done) break;
    }
    finished = st->done;
  }
  if (finished) {
    t->join();
  } else {
    (void)t.release();  // still running student code: joining would hang; see header
  }
  return finished;
}

CallWatch::CallWatch(Runtime& rt, Nanos bound, std::function<void()> on_late)
    : done_(std::make_shared<std::atomic<bool>>(false)) {
  rt.after(bound, [done = done_, on_late = std::move(on_late)] {
    if (!done->load()) on_late();
  });
}

CallWatch::~CallWatch() { Done(); }

void CallWatch::Done() { done_->store(true); }

}  // namespace raftlab
