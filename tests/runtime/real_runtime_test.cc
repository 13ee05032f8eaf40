// Tests of runtime/real_runtime.{h,cc}: clock, sleep, threads (names, stack
// size), mutex and condition variable, timers.
//
// Time bounds are lower bounds (sleeping never ends early) or upper bounds
// with generous slack for a loaded 2-core machine, said at each use.
#include "runtime/real_runtime.h"

#include <gtest/gtest.h>
#include <pthread.h>

#include <atomic>
#include <mutex>
#include <string>
#include <vector>

namespace raftlab {
namespace {

constexpr Millis kSlack{500};  // scheduling delay tolerated on a loaded machine

class RealRuntimeTest : public ::testing::Test {
 protected:
  std::unique_ptr<Runtime> rt_ = MakeRealTimeRuntime();
};

TEST_F(RealRuntimeTest, ClockIsMonotonicAndSleepWaitsAtLeastItsDuration) {
  const Nanos t0 = rt_->now();
  EXPECT_GE(t0.count(), 0);
  rt_->sleep_for(Millis(20));
  const Nanos t1 = rt_->now();
  EXPECT_GE(t1 - t0, Millis(20));
  EXPECT_LT(t1 - t0, Millis(20) + kSlack);
  rt_->sleep_for(Nanos(0));
  rt_->sleep_for(Nanos(-5));  // no-ops
  EXPECT_GE(rt_->now(), t1);
}

TEST_F(RealRuntimeTest, SpawnRunsNamedThreadWithRequestedStack) {
  std::string name;
  size_t stack = 0;
  auto t = rt_->spawn("a-very-long-thread-name", [&] {
    char buf[32] = {};
    pthread_getname_np(pthread_self(), buf, sizeof buf);
    name = buf;
    pthread_attr_t attr;
    pthread_getattr_np(pthread_self(), &attr);
    pthread_attr_getstacksize(&attr, &stack);
    pthread_attr_destroy(&attr);
  }, 1 << 20);
  t->join();
  t->join();  // idempotent
  EXPECT_EQ(name, "a-very-long-thr");  // truncated to Linux's 15 characters
  EXPECT_GE(stack, static_cast<size_t>(1 << 20));
  EXPECT_LT(stack, static_cast<size_t>(4 << 20));  // not the 8 MiB default
}

TEST_F(RealRuntimeTest, MutexSerializesThreads) {
  auto mu = rt_->make_mutex();
  int64_t counter = 0;  // deliberately non-atomic: the mutex protects it
  std::vector<std::unique_ptr<Thread>> ts;
  for (int i = 0; i < 4; i++) {
    ts.push_back(rt_->spawn("inc", [&] {
      for (int k = 0; k < 20000; k++) {
        MutexLock l(*mu);
        counter++;
      }
    }));
  }
  for (auto& t : ts) t->join();
  EXPECT_EQ(counter, 80000);
  if (mu->try_lock()) {
    mu->unlock();
  } else {
    ADD_FAILURE() << "mutex still held after every thread joined";
  }
}

TEST_F(RealRuntimeTest, CondVarWaitUntilTimesOutOrIsNotified) {
  auto mu = rt_->make_mutex();
  auto cv = rt_->make_cond();
  {
    std::unique_lock<Mutex> lk(*mu);
    const Nanos t0 = rt_->now();
    bool timed_out = false;
    while (!timed_out) timed_out = cv->wait_until(*mu, t0 + Millis(30));
    EXPECT_GE(rt_->now() - t0, Millis(30));
  }
  bool flag = false;
  auto t = rt_->spawn("notifier", [&] {
    rt_->sleep_for(Millis(10));
    {
      MutexLock l(*mu);
      flag = true;
    }
    cv->notify_all();
  });
  {
    std::unique_lock<Mutex> lk(*mu);
    const Nanos deadline = rt_->now() + Millis(10000);
    while (!flag) {
      // 10 s is far beyond the 10 ms the notifier needs, even when loaded.
      ASSERT_FALSE(cv->wait_until(*mu, deadline) && !flag) << "never notified";
    }
  }
  t->join();
  EXPECT_TRUE(flag);
}

TEST_F(RealRuntimeTest, AfterRunsCallbacksInDeadlineOrderNotEarly) {
  std::mutex mu;
  std::vector<int> order;
  std::vector<Nanos> when(3);
  std::atomic<int> done{0};
  const Nanos t0 = rt_->now();
  auto add = [&](int id, Millis d) {
    rt_->after(d, [&, id] {
      std::lock_guard<std::mutex> l(mu);
      order.push_back(id);
      when[id] = rt_->now() - t0;
      done++;
    });
  };
  add(0, Millis(60));
  add(1, Millis(20));
  add(2, Millis(40));
  while (done.load() < 3) rt_->sleep_for(Millis(1));
  std::lock_guard<std::mutex> l(mu);
  EXPECT_EQ(order, (std::vector<int>{1, 2, 0}));
  EXPECT_GE(when[1], Millis(20));
  EXPECT_GE(when[2], Millis(40));
  EXPECT_GE(when[0], Millis(60));
  EXPECT_LT(when[0], Millis(60) + kSlack);
}

TEST_F(RealRuntimeTest, DestructorDropsPendingTimersAndDestroysTheirCaptures) {
  auto rt = MakeRealTimeRuntime();
  std::atomic<bool> ran{false};
  auto token = std::make_shared<int>(1);
  rt->after(Millis(60000), [&ran, token] { ran = true; });
  EXPECT_EQ(token.use_count(), 2);
  rt.reset();  // must not wait a minute
  EXPECT_FALSE(ran.load());
  EXPECT_EQ(token.use_count(), 1);
}

}  // namespace
}  // namespace raftlab
