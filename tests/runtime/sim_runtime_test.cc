// Tests of runtime/sim_runtime.{h,cc}, the scheduler behind labtest --sim:
// virtual time and its jumps, timer order, the same choices for the same
// seed, deadlock and time-limit halts, the wall-clock watchdog, mutexes
// shared with threads outside the run.
//
// No test asserts on wall time. A halt is reported on the runtime's monitor
// thread, so tests wait for it with a generous real-time guard (kHang) that
// only turns a broken scheduler into a failure instead of a hung test.
#include "runtime/sim_runtime.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace raftlab {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr seconds kHang{30};  // a guard against a hung test, not a bound under test

SimOptions Opts(uint64_t seed) {
  SimOptions o;
  o.seed = seed;
  return o;
}

// Records the halt the monitor reports.
struct HaltCatcher {
  std::promise<std::pair<SimHaltKind, std::string>> p;
  std::future<std::pair<SimHaltKind, std::string>> f = p.get_future();
  std::string thread;
  void Attach(SimRuntime& rt) {
    rt.OnHalt([this](SimHaltKind k, const std::string& why, const std::string& t) {
      thread = t;
      p.set_value({k, why});
    });
  }
  std::pair<SimHaltKind, std::string> Get() {
    EXPECT_EQ(f.wait_for(kHang), std::future_status::ready) << "the runtime never reported the halt";
    return f.get();
  }
};

TEST(SimRuntimeTest, SleepJumpsTheVirtualClockAndTimersRunInDeadlineOrder) {
  auto rt = MakeSimRuntime(Opts(1));
  std::vector<int> order;
  std::vector<Nanos> at;
  Nanos slept_until{0};
  auto t = rt->spawn("main", [&] {
    auto mu = rt->make_mutex();
    auto cv = rt->make_cond();
    int fired = 0;
    for (int ms : {30, 10, 20}) {
      rt->after(milliseconds(ms), [&, ms] {
        MutexLock l(*mu);
        order.push_back(ms);
        at.push_back(rt->now());
        fired++;
        cv->notify_all();
      });
    }
    rt->sleep_for(seconds(100));  // virtual: costs no wall time
    slept_until = rt->now();
    std::unique_lock<Mutex> l(*mu);
    while (fired < 3) cv->wait(*mu);
  });
  t->join();
  EXPECT_EQ(order, (std::vector<int>{10, 20, 30}));
  ASSERT_EQ(at.size(), 3u);
  EXPECT_GE(at[0], milliseconds(10));
  EXPECT_GE(at[1], milliseconds(20));
  EXPECT_GE(at[2], milliseconds(30));
  EXPECT_GE(slept_until, seconds(100));
  // Each scheduling point moves the clock by at most max_step; 100 s of
  // sleep is one jump, not thousands of steps.
  EXPECT_LT(slept_until, seconds(100) + milliseconds(10));
  EXPECT_FALSE(rt->halted());
}

TEST(SimRuntimeTest, WaitUntilTimesOutInVirtualTimeOrIsNotified) {
  auto rt = MakeSimRuntime(Opts(2));
  bool timed_out_first = false, timed_out_second = true;
  auto t = rt->spawn("waiter", [&] {
    auto mu = rt->make_mutex();
    auto cv = rt->make_cond();
    bool ready = false;
    {
      std::unique_lock<Mutex> l(*mu);
      timed_out_first = cv->wait_until(*mu, rt->now() + milliseconds(50));
    }
    auto notifier = rt->spawn("notifier", [&] {
      rt->sleep_for(milliseconds(5));
      MutexLock l(*mu);
      ready = true;
      cv->notify_one();
    });
    {
      std::unique_lock<Mutex> l(*mu);
      while (!ready) timed_out_second = cv->wait_until(*mu, rt->now() + seconds(10));
    }
    notifier->join();
  });
  t->join();
  EXPECT_TRUE(timed_out_first);
  EXPECT_FALSE(timed_out_second);
  EXPECT_LT(rt->now(), seconds(1));  // woken by the notify at ~55 ms, not the 10 s deadline
}

// A small concurrent program whose outcome depends on the interleaving: four
// threads append their id under a lock, yielding in between.
std::pair<std::vector<int>, uint64_t> RunWorkers(uint64_t seed) {
  auto rt = MakeSimRuntime(Opts(seed));
  std::vector<int> order;
  auto main = rt->spawn("main", [&] {
    auto mu = rt->make_mutex();
    std::vector<std::unique_ptr<Thread>> ts;
    for (int id = 0; id < 4; id++) {
      ts.push_back(rt->spawn("worker " + std::to_string(id), [&, id] {
        for (int i = 0; i < 5; i++) {
          MutexLock l(*mu);
          order.push_back(id);
        }
        rt->sleep_for(milliseconds(1));
      }));
    }
    for (auto& t : ts) t->join();
  });
  main->join();
  return {order, rt->trace_hash()};
}

TEST(SimRuntimeTest, TheSameSeedGivesTheSameChoicesAndOtherSeedsOtherOnes) {
  const auto a = RunWorkers(7);
  const auto b = RunWorkers(7);
  EXPECT_EQ(a.first, b.first);
  EXPECT_EQ(a.second, b.second);
  ASSERT_EQ(a.first.size(), 20u);
  std::set<std::vector<int>> orders{a.first};
  std::set<uint64_t> hashes{a.second};
  for (uint64_t seed = 100; seed < 110; seed++) {
    auto r = RunWorkers(seed);
    orders.insert(r.first);
    hashes.insert(r.second);
  }
  // Ten other seeds: the scheduler really explores interleavings.
  EXPECT_GT(orders.size(), 3u);
  EXPECT_GT(hashes.size(), 5u);
}

TEST(SimRuntimeTest, TraceRecordsEveryPointInOrderWithNames) {
  SimOptions o = Opts(3);
  o.record_trace = true;
  auto rt = MakeSimRuntime(o);
  auto t = rt->spawn("solo", [&] {
    auto mu = rt->make_mutex();
    MutexLock l(*mu);
  });
  t->join();
  const auto trace = rt->trace();
  const auto names = rt->thread_names();
  ASSERT_EQ(trace.size(), rt->points());
  ASSERT_GE(trace.size(), 3u);  // lock, unlock, exit
  EXPECT_NE(SimRuntime::Describe(trace[0], names).find("'solo'  lock mutex"), std::string::npos)
      << SimRuntime::Describe(trace[0], names);
  for (size_t i = 1; i < trace.size(); i++) EXPECT_GT(trace[i].clock_ns, trace[i - 1].clock_ns);
}

TEST(SimRuntimeTest, ACircularWaitIsADeadlockNamingEveryThreadAndHolder) {
  auto rt = MakeSimRuntime(Opts(4));
  HaltCatcher halt;
  halt.Attach(*rt);
  auto a = rt->make_mutex();
  auto b = rt->make_mutex();
  auto cv = rt->make_cond();
  // t1 holds a and waits for b; t2 holds b and waits for a. Each takes its
  // first lock, then both meet at the sleep, so the cycle is certain.
  auto main = rt->spawn("main", [&] {
    auto t1 = rt->spawn("first", [&] {
      a->lock();
      rt->sleep_for(milliseconds(10));
      b->lock();
    });
    auto t2 = rt->spawn("second", [&] {
      b->lock();
      rt->sleep_for(milliseconds(10));
      a->lock();
    });
    auto t3 = rt->spawn("third", [&] {
      auto m = rt->make_mutex();
      std::unique_lock<Mutex> l(*m);
      cv->wait(*m);
    });
    t1->join();
    t2->join();
    t3->join();
  });
  auto [kind, why] = halt.Get();
  EXPECT_EQ(kind, SimHaltKind::kDeadlock);
  EXPECT_NE(why.find("'first' waits for mutex"), std::string::npos) << why;
  EXPECT_NE(why.find("held by 'second'"), std::string::npos) << why;
  EXPECT_NE(why.find("held by 'first'"), std::string::npos) << why;
  EXPECT_NE(why.find("'third' waits on condition"), std::string::npos) << why;
  EXPECT_NE(why.find("'main' joins 'first'"), std::string::npos) << why;
  EXPECT_TRUE(rt->halted());
  main->detach();
  (void)rt.release();  // its threads stay parked: leak the runtime with them
}

TEST(SimRuntimeTest, TheVirtualTimeLimitHaltsARunThatNeverEnds) {
  SimOptions o = Opts(5);
  o.time_limit = seconds(3);
  auto rt = MakeSimRuntime(o);
  HaltCatcher halt;
  halt.Attach(*rt);
  auto t = rt->spawn("ticker", [&] {
    for (;;) rt->sleep_for(milliseconds(100));
  });
  auto [kind, why] = halt.Get();
  EXPECT_EQ(kind, SimHaltKind::kTimeLimit);
  EXPECT_NE(why.find("3.0"), std::string::npos) << why;
  EXPECT_GE(rt->now(), seconds(3));
  EXPECT_LT(rt->now(), seconds(3) + milliseconds(200));
  t->detach();
  (void)rt.release();
}

TEST(SimRuntimeTest, TheWatchdogNamesABatonHolderBlockedOutsideTheRuntime) {
  SimOptions o = Opts(6);
  o.watchdog = milliseconds(300);
  auto rt = MakeSimRuntime(o);
  HaltCatcher halt;
  halt.Attach(*rt);
  // A lock the runtime cannot see. Leaked: the thread takes it after the
  // test has ended.
  auto* raw = new std::mutex;
  raw->lock();
  SimRuntime* sim = rt.get();
  auto t = rt->spawn("raw locker", [sim, raw] {
    sim->yield();
    std::lock_guard<std::mutex> l(*raw);  // blocks in the kernel, holding the baton
  });
  auto [kind, why] = halt.Get();
  raw->unlock();
  EXPECT_EQ(kind, SimHaltKind::kWatchdog);
  EXPECT_EQ(halt.thread, "raw locker");
  EXPECT_NE(why.find("without reaching a scheduling point or using the CPU"), std::string::npos) << why;
  EXPECT_NE(why.find("blocked outside the host services"), std::string::npos) << why;
  t->detach();
  (void)rt.release();
}

TEST(SimRuntimeTest, TheWatchdogTellsASpinningHolderFromABusyOne) {
  SimOptions o = Opts(10);
  o.watchdog = milliseconds(200);       // blocked: never, this thread works
  o.spin_watchdog = milliseconds(600);  // spinning: after 0.6 s without a point
  auto rt = MakeSimRuntime(o);
  HaltCatcher halt;
  halt.Attach(*rt);
  auto* stop = new std::atomic<bool>(false);  // leaked: the thread outlives the test
  SimRuntime* sim = rt.get();
  auto t = rt->spawn("spinner", [sim, stop] {
    sim->yield();
    while (!stop->load()) {  // a flag no other thread can set while this one runs
    }
  });
  auto [kind, why] = halt.Get();
  stop->store(true);
  EXPECT_EQ(kind, SimHaltKind::kWatchdog);
  EXPECT_EQ(halt.thread, "spinner");
  // It used the CPU the whole time: not taken for blocked at 0.2 s.
  EXPECT_NE(why.find("spins in a loop that never calls the host"), std::string::npos) << why;
  t->detach();
  (void)rt.release();
}

TEST(SimRuntimeTest, AMutexSharedWithAnOutsideThreadKeepsTheRunDeterministic) {
  auto run = [](uint64_t seed) {
    auto rt = MakeSimRuntime(Opts(seed));
    auto shared = rt->make_mutex();
    std::vector<int> order;
    std::atomic<bool> stop{false};
    // An outside thread (like the child's timeline flusher) takes the lock
    // at moments of its own.
    std::thread outside([&] {
      while (!stop.load()) {
        shared->lock();
        shared->unlock();
        std::this_thread::yield();
      }
    });
    auto main = rt->spawn("main", [&] {
      std::vector<std::unique_ptr<Thread>> ts;
      for (int id = 0; id < 3; id++) {
        ts.push_back(rt->spawn("w" + std::to_string(id), [&, id] {
          for (int i = 0; i < 30; i++) {
            MutexLock l(*shared);
            order.push_back(id);
          }
        }));
      }
      for (auto& t : ts) t->join();
    });
    main->join();
    stop = true;
    outside.join();
    return std::make_pair(order, rt->trace_hash());
  };
  const auto a = run(11);
  const auto b = run(11);
  EXPECT_EQ(a.first, b.first);
  EXPECT_EQ(a.second, b.second);
}

TEST(SimRuntimeTest, OutsideThreadsCannotWaitOnASimulatedCondition) {
  auto rt = MakeSimRuntime(Opts(8));
  auto mu = rt->make_mutex();
  auto cv = rt->make_cond();
  std::unique_lock<Mutex> l(*mu);
  EXPECT_THROW(cv->wait(*mu), std::logic_error);
}

TEST(SimRuntimeTest, OnlyTheBatonHolderRuns) {
  auto rt = MakeSimRuntime(Opts(9));
  std::atomic<int> running{0};
  std::atomic<int> max_running{0};
  auto main = rt->spawn("main", [&] {
    std::vector<std::unique_ptr<Thread>> ts;
    for (int id = 0; id < 4; id++) {
      ts.push_back(rt->spawn("w" + std::to_string(id), [&] {
        for (int i = 0; i < 200; i++) {
          const int now = running.fetch_add(1) + 1;
          int prev = max_running.load();
          while (now > prev && !max_running.compare_exchange_weak(prev, now)) {
          }
          for (int spin = 0; spin < 200; spin++) asm volatile("" ::: "memory");  // a little work
          running.fetch_sub(1);
          rt->yield();
        }
      }));
    }
    for (auto& t : ts) t->join();
  });
  main->join();
  EXPECT_EQ(max_running.load(), 1);
}

}  // namespace
}  // namespace raftlab
