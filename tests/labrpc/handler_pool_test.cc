// Tests of labrpc/handler_pool.{h,cc}: growth on demand, reuse of idle
// threads, shutdown with a stuck task.
#include "labrpc/handler_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>

#include "tests/labrpc/test_util.h"
#include "runtime/real_runtime.h"

namespace raftlab::labrpc {
namespace {

using testing::Gate;

class HandlerPoolTest : public ::testing::Test {
 protected:
  // Waits until `pred` holds; fails the test after 10 s (a generous bound
  // for thread start-up on a loaded machine).
  template <typename Pred>
  void WaitFor(Pred pred) {
    const Nanos deadline = rt_->now() + Millis(10000);
    while (!pred()) {
      ASSERT_LT(rt_->now(), deadline) << "condition not reached";
      rt_->sleep_for(Millis(1));
    }
  }

  std::unique_ptr<Runtime> rt_ = MakeRealTimeRuntime();
};

TEST_F(HandlerPoolTest, SequentialTasksReuseOneThread) {
  HandlerPool pool(*rt_, "test-h");
  std::atomic<int> ran{0};
  for (int i = 0; i < 200; i++) {
    ASSERT_TRUE(pool.Submit([&] { ran++; }));
    WaitFor([&] { return ran.load() == i + 1 && pool.idle_count() == 1; });
  }
  EXPECT_EQ(pool.thread_count(), 1u);
}

TEST_F(HandlerPoolTest, GrowsToConcurrentBlockedTasksThenReuses) {
  HandlerPool pool(*rt_, "test-h");
  Gate release;
  std::atomic<int> started{0}, finished{0};
  for (int i = 0; i < 8; i++) {
    ASSERT_TRUE(pool.Submit([&] {
      started++;
      release.Wait();
      finished++;
    }));
  }
  WaitFor([&] { return started.load() == 8; });  // all 8 block at once
  EXPECT_EQ(pool.thread_count(), 8u);
  EXPECT_EQ(pool.idle_count(), 0u);
  release.Open();
  WaitFor([&] { return finished.load() == 8 && pool.idle_count() == 8; });
  for (int i = 0; i < 8; i++) ASSERT_TRUE(pool.Submit([&] { finished++; }));
  WaitFor([&] { return finished.load() == 16; });
  EXPECT_EQ(pool.thread_count(), 8u);  // no new threads in steady state
}

TEST_F(HandlerPoolTest, WorkerThreadsAreNamed) {
  HandlerPool pool(*rt_, "labrpc-handler-");
  std::mutex mu;
  std::string name;
  std::atomic<bool> done{false};
  ASSERT_TRUE(pool.Submit([&] {
    char buf[32] = {};
    pthread_getname_np(pthread_self(), buf, sizeof buf);
    std::lock_guard<std::mutex> l(mu);
    name = buf;
    done = true;
  }));
  WaitFor([&] { return done.load(); });
  std::lock_guard<std::mutex> l(mu);
  EXPECT_EQ(name, "labrpc-handler-");  // "labrpc-handler-1" cut to 15 chars
}

TEST_F(HandlerPoolTest, ShutdownDoesNotWaitForAStuckTask) {
  Gate release;
  std::atomic<bool> started{false}, finished{false};
  {
    HandlerPool pool(*rt_, "test-h");
    ASSERT_TRUE(pool.Submit([&] {
      started = true;
      release.Wait();
      finished = true;
    }));
    ASSERT_TRUE(pool.Submit([] {}));  // a second worker that goes idle
    WaitFor([&] { return started.load() && pool.idle_count() >= 1; });
    pool.Shutdown();
    EXPECT_FALSE(pool.Submit([] {}));
    pool.Shutdown();  // idempotent
  }  // destructor: must not hang on the stuck task
  EXPECT_FALSE(finished.load());
  release.Open();
  WaitFor([&] { return finished.load(); });  // the leaked worker still completes
}

}  // namespace
}  // namespace raftlab::labrpc
