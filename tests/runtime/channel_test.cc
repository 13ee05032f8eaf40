// Tests of runtime/channel.h: rendezvous, buffering, close, recv_until.
//
// "Still blocked" checks wait a little and observe that a thread has not
// returned; they can only pass wrongly, never fail wrongly, on a slow machine.
#include "runtime/channel.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <vector>

#include "runtime/real_runtime.h"

namespace raftlab {
namespace {

constexpr Millis kSettle{50};    // time given to a thread to block
constexpr Millis kSlack{500};    // scheduling delay tolerated on a loaded machine

class ChannelTest : public ::testing::Test {
 protected:
  std::unique_ptr<Runtime> rt_ = MakeRealTimeRuntime();
};

TEST_F(ChannelTest, UnbufferedSendWaitsForReceiver) {
  Channel<int> ch(*rt_);
  std::atomic<bool> sent{false};
  auto t = rt_->spawn("sender", [&] {
    EXPECT_TRUE(ch.send(7));
    sent = true;
  });
  rt_->sleep_for(kSettle);
  EXPECT_FALSE(sent.load());  // no receiver yet: still blocked
  auto v = ch.recv();
  t->join();
  EXPECT_TRUE(sent.load());
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(*v, 7);
}

TEST_F(ChannelTest, UnbufferedTryRecvTakesOnlyFromABlockedSender) {
  Channel<std::string> ch(*rt_);
  EXPECT_FALSE(ch.try_recv().has_value());
  auto t = rt_->spawn("sender", [&] { EXPECT_TRUE(ch.send("x")); });
  std::optional<std::string> v;
  const Nanos deadline = rt_->now() + Millis(10000);
  while (!(v = ch.try_recv()) && rt_->now() < deadline) rt_->sleep_for(Millis(1));
  t->join();
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(*v, "x");
}

TEST_F(ChannelTest, BufferedSendBlocksOnlyWhenFull) {
  Channel<int> ch(*rt_, 2);
  EXPECT_TRUE(ch.send(1));
  EXPECT_TRUE(ch.send(2));
  std::atomic<bool> third{false};
  auto t = rt_->spawn("sender", [&] {
    EXPECT_TRUE(ch.send(3));
    third = true;
  });
  rt_->sleep_for(kSettle);
  EXPECT_FALSE(third.load());
  EXPECT_EQ(ch.recv(), 1);
  t->join();
  EXPECT_TRUE(third.load());
  EXPECT_EQ(ch.recv(), 2);
  EXPECT_EQ(ch.try_recv(), 3);
  EXPECT_EQ(ch.try_recv(), std::nullopt);
}

TEST_F(ChannelTest, CloseWakesBlockedReceiverAndSender) {
  Channel<int> in(*rt_);       // a receiver waits here
  Channel<int> lone(*rt_);     // an unbuffered sender waits here
  Channel<int> out(*rt_, 1);   // a buffered sender waits here
  ASSERT_TRUE(out.send(0));  // full
  std::atomic<int> woke{0};
  auto r = rt_->spawn("receiver", [&] {
    EXPECT_EQ(in.recv(), std::nullopt);
    woke++;
  });
  auto s = rt_->spawn("sender", [&] {
    EXPECT_FALSE(out.send(1));
    woke++;
  });
  auto u = rt_->spawn("unbuffered-sender", [&] {
    EXPECT_FALSE(lone.send(5));  // withdrawn by close: nobody ever gets 5
    woke++;
  });
  rt_->sleep_for(kSettle);
  in.close();
  out.close();
  lone.close();
  in.close();  // idempotent
  r->join();
  s->join();
  u->join();
  EXPECT_EQ(woke.load(), 3);
  EXPECT_TRUE(in.closed());
  EXPECT_FALSE(in.send(6));
  EXPECT_EQ(lone.recv(), std::nullopt);
  EXPECT_EQ(out.recv(), 0);  // buffered before close: still delivered
  EXPECT_EQ(out.recv(), std::nullopt);
}

TEST_F(ChannelTest, ReceiversDrainBufferAfterClose) {
  Channel<int> ch(*rt_, 3);
  ch.send(1);
  ch.send(2);
  ch.close();
  EXPECT_EQ(ch.recv(), 1);
  int v = 0;
  EXPECT_EQ(ch.recv_until(rt_->now() + Millis(1000), &v), Channel<int>::RecvStatus::kOk);
  EXPECT_EQ(v, 2);
  EXPECT_EQ(ch.recv(), std::nullopt);
  EXPECT_EQ(ch.recv_until(rt_->now() + Millis(1000), &v), Channel<int>::RecvStatus::kClosed);
}

TEST_F(ChannelTest, RecvUntilTimesOut) {
  Channel<int> ch(*rt_, 1);
  int v = -1;
  const Nanos t0 = rt_->now();
  EXPECT_EQ(ch.recv_until(t0 + Millis(30), &v), Channel<int>::RecvStatus::kTimeout);
  EXPECT_GE(rt_->now() - t0, Millis(30));
  EXPECT_LT(rt_->now() - t0, Millis(30) + kSlack);
  EXPECT_EQ(v, -1);
  // A past deadline with a value ready still returns the value.
  ch.send(4);
  EXPECT_EQ(ch.recv_until(t0, &v), Channel<int>::RecvStatus::kOk);
  EXPECT_EQ(v, 4);
}

TEST_F(ChannelTest, ManyProducersAndConsumersLoseNothing) {
  for (size_t cap : {size_t{0}, size_t{4}}) {
    Channel<int> ch(*rt_, cap);
    const int producers = 4, per = 2000;
    std::atomic<int64_t> sum{0};
    std::atomic<int> got{0};
    std::vector<std::unique_ptr<Thread>> ts;
    for (int p = 0; p < producers; p++) {
      ts.push_back(rt_->spawn("p", [&, p] {
        for (int i = 1; i <= per; i++) EXPECT_TRUE(ch.send(p * per + i));
      }));
    }
    std::vector<std::unique_ptr<Thread>> cs;
    for (int c = 0; c < 3; c++) {
      cs.push_back(rt_->spawn("c", [&] {
        while (auto v = ch.recv()) {
          sum += *v;
          got++;
        }
      }));
    }
    for (auto& t : ts) t->join();
    ch.close();
    for (auto& t : cs) t->join();
    const int64_t n = producers * per;
    EXPECT_EQ(got.load(), n) << "capacity " << cap;
    EXPECT_EQ(sum.load(), n * (n + 1) / 2) << "capacity " << cap;
  }
}

TEST_F(ChannelTest, MoveOnlyValues) {
  Channel<std::unique_ptr<int>> ch(*rt_, 1);
  EXPECT_TRUE(ch.send(std::make_unique<int>(9)));
  auto v = ch.recv();
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(**v, 9);
}

}  // namespace
}  // namespace raftlab
