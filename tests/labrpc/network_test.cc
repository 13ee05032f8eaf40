// Tests of labrpc/network.{h,cc} and the Call path (net_core.cc): MIT labrpc's
// semantics and numbers (the values of MIT's labrpc.go).
//
// Timing: this suite runs on loaded 2-core machines, so time bounds are upper
// bounds with generous slack (stated at each use). Delay distributions are
// checked exactly through RecordingRuntime instead of by waiting for them.
#include "labrpc/network.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/labrpc/test_util.h"
#include "runtime/real_runtime.h"

namespace raftlab::labrpc {
namespace {

using testing::B;
using testing::Gate;
using testing::MakeEchoServer;
using testing::RecordingRuntime;
using testing::S;

// Scheduling slack for a loaded 2-core machine: a wake-up or a handler
// thread start can be late by tens of milliseconds there.
constexpr Millis kSlack{250};

Millis Since(Runtime& rt, Nanos t0) {
  return std::chrono::duration_cast<Millis>(rt.now() - t0);
}

// Runs `n` calls of `fn(i)` on `threads` threads and waits for all.
void RunConcurrently(int n, int threads, const std::function<void(int)>& fn) {
  std::atomic<int> next{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; t++) {
    ts.emplace_back([&] {
      for (int i = next++; i < n; i = next++) fn(i);
    });
  }
  for (auto& t : ts) t.join();
}

class NetworkTest : public ::testing::Test {
 protected:
  // Wires a fresh enabled end to `server`.
  std::shared_ptr<ClientEnd> Wire(Network& net, const std::string& end, const std::string& server,
                                  bool enabled = true) {
    auto e = net.MakeEnd(end);
    EXPECT_NE(e, nullptr);
    net.Connect(end, server);
    net.Enable(end, enabled);
    return e;
  }

  std::unique_ptr<Runtime> rt_ = MakeRealTimeRuntime();
};

TEST_F(NetworkTest, ReliableCallRunsHandlerAndReturnsReply) {
  Network net(*rt_, 1);
  std::atomic<int> runs{0};
  net.AddServer("s", MakeEchoServer(&runs));
  auto end = Wire(net, "e", "s");
  Bytes reply;
  ASSERT_TRUE(end->Call("Echo.Echo", B("hello"), &reply));
  EXPECT_EQ(S(reply), "hello");
  EXPECT_EQ(runs.load(), 1);
  EXPECT_EQ(end->name(), "e");
}

TEST_F(NetworkTest, DuplicateEndNameIsRejectedWithoutAbort) {
  Network net(*rt_, 1);
  ASSERT_NE(net.MakeEnd("e"), nullptr);
  EXPECT_EQ(net.MakeEnd("e"), nullptr);
  auto dup = net.TryMakeEnd("e");
  EXPECT_FALSE(dup.ok());
  EXPECT_NE(dup.status().message().find("duplicate end name 'e'"), std::string::npos);
}

TEST_F(NetworkTest, CountsAndBytesMatchTheirDefinitions) {
  Network net(*rt_, 1);
  net.AddServer("a", MakeEchoServer(nullptr, 7));
  net.AddServer("b", MakeEchoServer(nullptr, 7));
  auto ea = Wire(net, "ea", "a");
  auto eb = Wire(net, "eb", "b");
  auto off = Wire(net, "off", "a", /*enabled=*/false);
  Bytes reply;
  for (int i = 0; i < 3; i++) ASSERT_TRUE(ea->Call("Echo.Big", B("1234"), &reply));
  ASSERT_TRUE(eb->Call("Echo.Echo", B("xy"), &reply));
  EXPECT_FALSE(off->Call("Echo.Echo", B("abcdefghij"), &reply));  // never delivered

  EXPECT_EQ(net.GetCount("a"), 3);  // delivered to a's dispatcher only
  EXPECT_EQ(net.GetCount("b"), 1);
  EXPECT_EQ(net.GetCount("nobody"), 0);
  EXPECT_EQ(net.GetTotalCount(), 5);  // every send, including the failed one
  // Requests at send (3*4 + 2 + 10) + replies delivered (3*7 + 2).
  EXPECT_EQ(net.GetTotalBytes(), 3 * 4 + 2 + 10 + 3 * 7 + 2);

  auto stats = net.GetMethodStats();
  ASSERT_EQ(stats.size(), 2u);
  EXPECT_EQ(stats["Echo.Big"].sent, 3);
  EXPECT_EQ(stats["Echo.Big"].delivered, 3);
  EXPECT_EQ(stats["Echo.Big"].bytes, 3 * 4 + 3 * 7);
  EXPECT_EQ(stats["Echo.Echo"].sent, 2);
  EXPECT_EQ(stats["Echo.Echo"].delivered, 1);
  EXPECT_EQ(stats["Echo.Echo"].bytes, 2 + 10 + 2);
}

TEST_F(NetworkTest, RequestTapSeesDeliveredRequestsOnly) {
  Network net(*rt_, 1);
  net.AddServer("a", MakeEchoServer());
  auto ea = Wire(net, "ea", "a");
  auto off = Wire(net, "off", "a", /*enabled=*/false);
  std::vector<TappedRequest> seen;
  std::mutex mu;
  net.SetRequestTap([&](const TappedRequest& t) {
    std::lock_guard<std::mutex> l(mu);
    seen.push_back(t);
  });
  Bytes reply;
  ASSERT_TRUE(ea->Call("Echo.Echo", B("one"), &reply));
  EXPECT_FALSE(off->Call("Echo.Echo", B("never"), &reply));  // no server reached: not tapped
  net.SetRequestTap(nullptr);
  ASSERT_TRUE(ea->Call("Echo.Echo", B("untapped"), &reply));
  std::lock_guard<std::mutex> l(mu);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].end, "ea");
  EXPECT_EQ(seen[0].server, "a");
  EXPECT_EQ(seen[0].method, "Echo.Echo");
  EXPECT_EQ(S(seen[0].request), "one");
}

TEST_F(NetworkTest, DeliverRunsTheHandlerWithoutCountingACall) {
  Network net(*rt_, 1);
  std::atomic<int> runs{0};
  net.AddServer("a", MakeEchoServer(&runs));
  EXPECT_TRUE(net.Deliver("a", "Echo.Echo", B("late")));
  EXPECT_FALSE(net.Deliver("nobody", "Echo.Echo", B("late")));
  // The handler runs on a pool thread; the loaded-machine slack bounds the wait.
  const Nanos t0 = rt_->now();
  while (runs.load() < 1 && Since(*rt_, t0) < 20 * kSlack) rt_->sleep_for(Millis(5));
  EXPECT_EQ(runs.load(), 1);
  EXPECT_EQ(net.GetCount("a"), 1);    // it reached a's dispatcher
  EXPECT_EQ(net.GetTotalCount(), 0);  // but it is not the plugin's traffic
  EXPECT_EQ(net.GetTotalBytes(), 0);
  net.DeleteServer("a");
  EXPECT_FALSE(net.Deliver("a", "Echo.Echo", B("late")));
  net.Cleanup();
}

TEST_F(NetworkTest, UnknownMethodFailsCallAndReportsStudentError) {
  Network net(*rt_, 1);
  std::vector<std::string> errors;
  std::mutex mu;
  net.SetErrorSink([&](const std::string& e) {
    std::lock_guard<std::mutex> l(mu);
    errors.push_back(e);
  });
  net.AddServer("server-3", MakeEchoServer());
  auto end = Wire(net, "e", "server-3");
  Bytes reply = B("untouched");
  EXPECT_FALSE(end->Call("Echo.Nope", B("x"), &reply));
  EXPECT_FALSE(end->Call("Raft.AppendEntries", B("x"), &reply));
  EXPECT_EQ(S(reply), "untouched");
  // MIT counts the request before the method lookup.
  EXPECT_EQ(net.GetCount("server-3"), 2);
  std::lock_guard<std::mutex> l(mu);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0], "unknown RPC method 'Echo.Nope' on server server-3");
  EXPECT_EQ(errors[1], "unknown RPC service 'Raft.AppendEntries' on server server-3");
  // The network still works afterwards.
  EXPECT_TRUE(end->Call("Echo.Echo", B("x"), &reply));
}

TEST_F(NetworkTest, DisabledUnconnectedDeletedFailWithoutRunningHandler) {
  Network net(*rt_, 1);
  std::atomic<int> runs{0};
  net.AddServer("s", MakeEchoServer(&runs));
  auto disabled = Wire(net, "disabled", "s", false);
  auto unconnected = net.MakeEnd("unconnected");
  net.Enable("unconnected", true);
  auto to_missing = Wire(net, "to_missing", "missing");
  auto deleted_end = Wire(net, "deleted_end", "s");
  net.DeleteEnd("deleted_end");
  Bytes reply;
  for (auto* e : {&disabled, &unconnected, &to_missing, &deleted_end}) {
    const Nanos t0 = rt_->now();
    EXPECT_FALSE((*e)->Call("Echo.Echo", B("x"), &reply)) << (*e)->name();
    // U(0..99) ms, plus slack for a loaded machine.
    EXPECT_LT(Since(*rt_, t0), Millis(100) + kSlack) << (*e)->name();
  }
  net.DeleteServer("s");
  auto to_deleted = Wire(net, "to_deleted", "s");
  EXPECT_FALSE(to_deleted->Call("Echo.Echo", B("x"), &reply));
  EXPECT_EQ(runs.load(), 0);
  EXPECT_EQ(net.GetTotalCount(), 5);
}

// MIT regression: a handler stuck forever must make Call return false within
// 100 ms of DeleteServer.
TEST_F(NetworkTest, StuckHandlerCallFailsSoonAfterDeleteServer) {
  Network net(*rt_, 1);
  Gate started;
  auto release = std::make_shared<Gate>();  // shared: handlers may outlive the test body
  auto s = std::make_shared<Server>();
  s->AddService("Stuck", [&, release](std::string_view, const Bytes&, Bytes*) {
    started.Open();
    release->Wait();
    return true;
  });
  net.AddServer("s", s);
  auto end = Wire(net, "e", "s");
  std::atomic<bool> result{true};
  Nanos deleted_at{0}, returned_at{0};
  std::thread caller([&] {
    Bytes reply;
    result = end->Call("Stuck.Forever", B("x"), &reply);
    returned_at = rt_->now();
  });
  started.Wait();
  rt_->sleep_for(Millis(30));  // let the caller settle into its wait
  deleted_at = rt_->now();
  net.DeleteServer("s");
  caller.join();
  EXPECT_FALSE(result.load());
  // The 100 ms poll, plus slack for a loaded machine.
  EXPECT_LT(returned_at - deleted_at, Millis(100) + kSlack);
  EXPECT_EQ(net.GetCount("s"), 0);  // deleted: no current server
  EXPECT_EQ(s->rpc_count(), 1);
  release->Open();
}

TEST_F(NetworkTest, StuckHandlerCallFailsWhenEndDisabledOrServerReplaced) {
  Network net(*rt_, 1);
  auto release = std::make_shared<Gate>();  // shared: handlers may outlive the test body
  std::atomic<int> started{0};
  auto make = [&, release] {
    auto s = std::make_shared<Server>();
    s->AddService("Stuck", [&, release](std::string_view, const Bytes&, Bytes*) {
      started++;
      release->Wait();
      return true;
    });
    return s;
  };
  net.AddServer("s", make());
  auto e1 = Wire(net, "e1", "s");
  auto e2 = Wire(net, "e2", "s");
  std::atomic<int> failed{0};
  std::thread c1([&] { Bytes r; if (!e1->Call("Stuck.X", {}, &r)) failed++; });
  std::thread c2([&] { Bytes r; if (!e2->Call("Stuck.X", {}, &r)) failed++; });
  while (started.load() < 2) rt_->sleep_for(Millis(1));
  net.Enable("e1", false);         // c1: its end is disabled
  net.AddServer("s", make());      // c2: a restart put a new Server there
  c1.join();
  c2.join();
  EXPECT_EQ(failed.load(), 2);
  release->Open();
}

// MIT: the death check runs once more after the handler returns, so a server
// deleted while its handler ran cannot acknowledge.
TEST_F(NetworkTest, HandlerFinishingAfterDeletionStillFails) {
  Network net(*rt_, 1);
  Gate started;
  auto release = std::make_shared<Gate>();  // shared: handlers may outlive the test body
  std::atomic<bool> finished{false};
  auto s = std::make_shared<Server>();
  s->AddService("Slow", [&, release](std::string_view, const Bytes&, Bytes* reply) {
    started.Open();
    release->Wait();
    reply->push_back(1);
    finished = true;
    return true;
  });
  net.AddServer("s", s);
  auto end = Wire(net, "e", "s");
  std::atomic<bool> result{true};
  std::thread caller([&] { Bytes r; result = end->Call("Slow.X", {}, &r); });
  started.Wait();
  net.DeleteServer("s");
  release->Open();  // almost surely before the first 100 ms poll
  caller.join();
  EXPECT_FALSE(result.load());
  while (!finished.load()) rt_->sleep_for(Millis(1));  // the handler did complete
  EXPECT_EQ(net.GetTotalBytes(), 0);  // no reply delivered: no reply bytes
}

// MIT regression: after Enable(true) an RPC must finish within 30 ms.
TEST_F(NetworkTest, CallCompletesQuicklyAfterEnable) {
  Network net(*rt_, 1);
  net.AddServer("s", MakeEchoServer());
  auto end = Wire(net, "e", "s", false);
  Bytes reply;
  EXPECT_FALSE(end->Call("Echo.Echo", B("x"), &reply));
  net.Enable("e", true);
  const Nanos t0 = rt_->now();
  EXPECT_TRUE(end->Call("Echo.Echo", B("x"), &reply));
  // MIT's own bound; a reliable call takes microseconds, so 30 ms is already
  // three orders of magnitude of slack.
  EXPECT_LT(Since(*rt_, t0), Millis(30));
}

// MIT regression: an RPC issued while disabled is never delivered later
// (exactly one delivery expected).
TEST_F(NetworkTest, StrictlyDisabledCallDeliversExactlyOnce) {
  Network net(*rt_, 1);
  std::atomic<int> runs{0};
  net.AddServer("s", MakeEchoServer(&runs));
  auto end = Wire(net, "e", "s", false);
  Bytes reply;
  EXPECT_FALSE(end->Call("Echo.Echo", B("a"), &reply));
  net.Enable("e", true);
  EXPECT_TRUE(end->Call("Echo.Echo", B("b"), &reply));
  rt_->sleep_for(Millis(150));  // a late delivery would have happened by now
  EXPECT_EQ(runs.load(), 1);
  EXPECT_EQ(net.GetCount("s"), 1);
}

TEST_F(NetworkTest, DisabledEndShortFailureDelaysAreUniformBelow100Ms) {
  RecordingRuntime rec(*rt_, /*speedup=*/0);
  Network net(rec, 7);
  auto end = Wire(net, "e", "nobody");
  Bytes reply;
  const int n = 2000;
  for (int i = 0; i < n; i++) ASSERT_FALSE(end->Call("Echo.Echo", {}, &reply));
  auto d = rec.afters();
  ASSERT_EQ(d.size(), static_cast<size_t>(n));
  int64_t sum = 0, mx = 0;
  for (Nanos x : d) {
    const int64_t ms = std::chrono::duration_cast<Millis>(x).count();
    ASSERT_GE(ms, 0);
    ASSERT_LE(ms, 99);
    EXPECT_EQ(Millis(ms), x);  // whole milliseconds, as MIT
    sum += ms;
    mx = std::max(mx, ms);
  }
  EXPECT_EQ(mx, 99);  // P(no 99 in 2000 draws) = 0.99^2000 ~ 2e-9
  // Mean of U(0..99) is 49.5; sd of the mean 28.9/sqrt(2000) = 0.65: 5 sigma.
  EXPECT_NEAR(static_cast<double>(sum) / n, 49.5, 3.3);
}

TEST_F(NetworkTest, DisabledEndLongFailureDelaysAreUniformBelow7000Ms) {
  RecordingRuntime rec(*rt_, 0);
  Network net(rec, 8);
  net.SetLongDelays(true);
  net.AddServer("s", MakeEchoServer());
  auto end = Wire(net, "e", "s", false);
  Bytes reply;
  const int n = 2000;
  for (int i = 0; i < n; i++) ASSERT_FALSE(end->Call("Echo.Echo", {}, &reply));
  auto d = rec.afters();
  ASSERT_EQ(d.size(), static_cast<size_t>(n));
  int64_t sum = 0, mx = 0;
  for (Nanos x : d) {
    const int64_t ms = std::chrono::duration_cast<Millis>(x).count();
    ASSERT_GE(ms, 0);
    ASSERT_LE(ms, 6999);
    sum += ms;
    mx = std::max(mx, ms);
  }
  EXPECT_GT(mx, 6900);  // P(all 2000 below 6900) ~ (69/70)^2000 ~ 3e-13
  // Mean 3499.5, sd of the mean 2020.7/sqrt(2000) = 45.2: 5 sigma.
  EXPECT_NEAR(static_cast<double>(sum) / n, 3499.5, 226);
}

// End to end with real timers: a long-delay failure really waits, and
// Cleanup releases every waiting call within the 100 ms poll.
TEST_F(NetworkTest, LongFailureWaitsAndCleanupReleasesWaiters) {
  Network net(*rt_, 9);
  net.SetLongDelays(true);
  auto end = Wire(net, "e", "nobody");
  const int n = 40;
  std::atomic<int> before_cleanup{0};
  std::atomic<bool> cleaned{false};
  std::vector<Nanos> done(n);
  std::vector<std::thread> ts;
  for (int i = 0; i < n; i++) {
    ts.emplace_back([&, i] {
      Bytes r;
      EXPECT_FALSE(end->Call("Echo.Echo", {}, &r));
      if (!cleaned.load()) before_cleanup++;
      done[i] = rt_->now();
    });
  }
  rt_->sleep_for(Millis(300));
  cleaned = true;
  const Nanos cleanup_at = rt_->now();
  net.Cleanup();
  for (auto& t : ts) t.join();
  // Each call returns before 300 ms with probability 3/70; all 40 doing so
  // has probability ~1e-55.
  EXPECT_LT(before_cleanup.load(), n);
  for (Nanos t : done) EXPECT_LT(t - cleanup_at, Millis(100) + kSlack);
  Bytes r;
  const int64_t count = net.GetTotalCount();
  EXPECT_FALSE(end->Call("Echo.Echo", {}, &r));  // later calls: false at once
  EXPECT_EQ(net.GetTotalCount(), count);        // and not even counted
}

// Added with the fixture's kill path (harness/raft/cluster_peer.cc): deleting an
// end releases its calls that are waiting out a long failure delay, so a
// killed peer's RPC threads can be joined within the kill bound.
TEST_F(NetworkTest, DeleteEndReleasesItsLongFailureWaiters) {
  Network net(*rt_, 10);
  net.SetLongDelays(true);
  auto doomed = Wire(net, "doomed", "nobody");
  auto other = Wire(net, "other", "nobody");
  const int n = 40;
  std::vector<Nanos> doomed_done(n), other_done(n);
  std::vector<std::thread> ts;
  for (int i = 0; i < n; i++) {
    ts.emplace_back([&, i] {
      Bytes r;
      EXPECT_FALSE(doomed->Call("Echo.Echo", {}, &r));
      doomed_done[i] = rt_->now();
    });
    ts.emplace_back([&, i] {
      Bytes r;
      EXPECT_FALSE(other->Call("Echo.Echo", {}, &r));
      other_done[i] = rt_->now();
    });
  }
  rt_->sleep_for(Millis(300));
  const Nanos delete_at = rt_->now();
  net.DeleteEnd("doomed");
  rt_->sleep_for(Millis(100) + kSlack);
  net.Cleanup();  // releases the calls on "other"
  for (auto& t : ts) t.join();
  // Every call on the deleted end returned within one death poll.
  for (Nanos t : doomed_done) EXPECT_LT(t - delete_at, Millis(100) + kSlack);
  // Calls on another end were not released by it: each returns on its own
  // within 550 ms of starting with probability 11/140, so all 40 doing so
  // before the Cleanup has probability ~1e-44.
  const Nanos cleanup_at = delete_at + Millis(100) + kSlack;
  const auto early = std::count_if(other_done.begin(), other_done.end(), [&](Nanos t) { return t < cleanup_at; });
  EXPECT_LT(early, n);
}

// A reply held back by long reordering (200..2199 ms) belongs to a call the
// killed peer is still blocked in: deleting the end must release that call
// within one death poll too, not after the whole delay (the kill path of
// harness/raft/cluster_peer.cc; the ABI promises that a blocked call returns
// promptly once the instance is killed).
TEST_F(NetworkTest, DeleteEndReleasesACallWhoseReplyIsHeldBack) {
  // Each try draws the reply's fate; wait for one held back at least
  // kLongHold, so that a wait that ignores the deletion is plainly late.
  constexpr Millis kLongHold{600};
  std::mutex mu;
  std::condition_variable cv;
  int64_t held_ms = -1;  // guarded by mu: the delay drawn by the current try
  Network net(*rt_, 21);
  net.SetLongReordering(true);
  net.AddServer("s", MakeEchoServer());
  net.SetDecisionObserver([&](const NetDecision& d) {
    if (d.kind != NetDecision::Kind::kReorderDelay) return;
    {
      std::lock_guard<std::mutex> l(mu);
      held_ms = d.value;
    }
    cv.notify_all();
  });
  for (int i = 0; i < 40; i++) {  // P(no hold >= 600 ms in 40 tries) < 1e-6; a fixed seed decides anyway
    const std::string name = "e" + std::to_string(i);
    auto end = Wire(net, name, "s");
    {
      std::lock_guard<std::mutex> l(mu);
      held_ms = -1;
    }
    std::atomic<bool> ok{true};
    std::atomic<int64_t> returned_at{0};
    bool returned = false;  // guarded by mu
    std::thread caller([&] {
      Bytes r;
      ok = end->Call("Echo.Echo", B("x"), &r);
      returned_at = rt_->now().count();
      {
        std::lock_guard<std::mutex> l(mu);
        returned = true;
      }
      cv.notify_all();
    });
    int64_t held = -1;
    {
      std::unique_lock<std::mutex> l(mu);
      cv.wait(l, [&] { return held_ms >= 0 || returned; });
      held = held_ms;
    }
    if (held < kLongHold.count()) {  // not held back, or not long enough: next try
      caller.join();
      net.DeleteEnd(name);
      continue;
    }
    rt_->sleep_for(Millis(50));  // the caller is now waiting out the delay
    const Nanos delete_at = rt_->now();
    net.DeleteEnd(name);
    caller.join();
    EXPECT_FALSE(ok.load()) << "a deleted end's held-back reply must not be delivered";
    EXPECT_LT(Nanos(returned_at.load()) - delete_at, Millis(100) + kSlack)
        << "the reply was held back " << held << " ms; the call waited it out";
    return;
  }
  FAIL() << "no reply was held back " << kLongHold.count() << " ms or more in 40 tries";
}

TEST_F(NetworkTest, UnreliableRatesWithinBinomialBounds) {
  RecordingRuntime rec(*rt_, 0);  // the 0-26 ms delays are recorded, not slept
  Network net(rec, 12345);
  net.SetReliable(false);
  std::atomic<int> runs{0};
  const size_t kReply = 5;
  net.AddServer("s", MakeEchoServer(&runs, kReply));
  auto end = Wire(net, "e", "s");
  const int n = 2000;
  std::atomic<int> ok{0};
  RunConcurrently(n, 8, [&](int) {
    Bytes r;
    if (end->Call("Echo.Big", B("abc"), &r)) {
      EXPECT_EQ(r.size(), kReply);
      ok++;
    }
  });
  const int delivered = runs.load();
  const int request_drops = n - delivered;
  const int reply_drops = delivered - ok.load();
  // Binomial(n, 0.1): mean 200, sd 13.4; 5 sigma = 67.
  EXPECT_NEAR(request_drops, 200, 67);
  // Binomial(delivered ~1800, 0.1): mean ~180, sd ~12.7; 5 sigma = 64.
  EXPECT_NEAR(reply_drops, 0.1 * delivered, 64);
  EXPECT_EQ(net.GetCount("s"), delivered);
  EXPECT_EQ(net.GetTotalCount(), n);
  // Dropped replies add no bytes.
  EXPECT_EQ(net.GetTotalBytes(), 3 * n + static_cast<int64_t>(kReply) * ok.load());
  // Every Case-A call first waits U(0..26) ms.
  auto sleeps = rec.sleeps();
  ASSERT_EQ(sleeps.size(), static_cast<size_t>(n));
  int64_t mx = 0;
  for (Nanos x : sleeps) {
    ASSERT_GE(x.count(), 0);
    ASSERT_LE(x, Millis(26));
    mx = std::max<int64_t>(mx, std::chrono::duration_cast<Millis>(x).count());
  }
  EXPECT_EQ(mx, 26);
  EXPECT_TRUE(rec.afters().empty());  // no timers without long reordering
}

TEST_F(NetworkTest, LongReorderingDelaysTwoThirdsOfReplies) {
  RecordingRuntime rec(*rt_, 0);
  Network net(rec, 99);
  net.SetLongReordering(true);
  std::atomic<int> runs{0};
  net.AddServer("s", MakeEchoServer(&runs));
  auto end = Wire(net, "e", "s");
  const int n = 1800;
  RunConcurrently(n, 8, [&](int) {
    Bytes r;
    EXPECT_TRUE(end->Call("Echo.Echo", B("z"), &r));  // reliable: all delivered
  });
  auto d = rec.afters();
  // Binomial(1800, 2/3): mean 1200, sd 20; 5 sigma = 100.
  EXPECT_NEAR(static_cast<double>(d.size()), 1200, 100);
  int64_t mn = 1 << 30, mx = 0, sum = 0;
  for (Nanos x : d) {
    const int64_t ms = std::chrono::duration_cast<Millis>(x).count();
    ASSERT_GE(ms, 200);
    ASSERT_LE(ms, 2199);
    mn = std::min(mn, ms);
    mx = std::max(mx, ms);
    sum += ms;
  }
  // 200 + U(0..U(0..1999)) is skewed toward the short end: mean ~ 200 + 999.5/2.
  const double mean = static_cast<double>(sum) / static_cast<double>(d.size());
  EXPECT_NEAR(mean, 699.75, 60);  // sd of the mean ~ 480/sqrt(1200) = 14: 4+ sigma
  EXPECT_LT(mn, 210);
  EXPECT_GT(mx, 1900);
  EXPECT_EQ(runs.load(), n);
  EXPECT_EQ(net.GetTotalBytes(), 2 * n);  // delayed replies count when delivered
}

// Real timers: a reordered reply really arrives 200+ ms late and still counts.
TEST_F(NetworkTest, LongReorderedReplyArrivesLate) {
  Network net(*rt_, 3);
  net.SetLongReordering(true);
  net.AddServer("s", MakeEchoServer());
  auto end = Wire(net, "e", "s");
  int late = 0;
  for (int i = 0; i < 6 && late == 0; i++) {  // P(no delayed reply in 6) = 1/729
    const Nanos t0 = rt_->now();
    Bytes r;
    ASSERT_TRUE(end->Call("Echo.Echo", B("q"), &r));
    EXPECT_EQ(S(r), "q");
    const Millis took = Since(*rt_, t0);
    if (took >= Millis(200)) {
      late++;
      EXPECT_LT(took, Millis(2200) + kSlack);
    }
  }
  EXPECT_EQ(late, 1);
}

TEST_F(NetworkTest, CleanupFailsStuckCallsAndDestructorDoesNotHang) {
  Gate started;
  auto release = std::make_shared<Gate>();  // shared: handlers may outlive the test body
  std::atomic<bool> result{true};
  std::thread caller;
  {
    Network net(*rt_, 1);
    auto s = std::make_shared<Server>();
    s->AddService("Stuck", [&, release](std::string_view, const Bytes&, Bytes*) {
      started.Open();
      release->Wait();
      return true;
    });
    net.AddServer("s", s);
    auto end = Wire(net, "e", "s");
    caller = std::thread([&, end] { Bytes r; result = end->Call("Stuck.X", {}, &r); });
    started.Wait();
  }  // ~Network with a handler that has not returned
  caller.join();
  EXPECT_FALSE(result.load());
  release->Open();  // the leaked worker finishes and exits by itself
}

TEST_F(NetworkTest, EndOutlivingNetworkFailsAtOnce) {
  std::shared_ptr<ClientEnd> end;
  {
    Network net(*rt_, 1);
    net.AddServer("s", MakeEchoServer());
    end = Wire(net, "e", "s");
  }
  Bytes r;
  const Nanos t0 = rt_->now();
  EXPECT_FALSE(end->Call("Echo.Echo", B("x"), &r));
  EXPECT_LT(Since(*rt_, t0), Millis(50));  // "at once"; slack for scheduling only
}

TEST_F(NetworkTest, ConcurrentCallsAreAllCounted) {
  Network net(*rt_, 1);
  std::atomic<int> runs{0};
  net.AddServer("s", MakeEchoServer(&runs));
  auto end = Wire(net, "e", "s");
  const int n = 4000;
  RunConcurrently(n, 16, [&](int i) {
    Bytes r;
    const std::string msg = std::to_string(i);
    ASSERT_TRUE(end->Call("Echo.Echo", B(msg), &r));
    ASSERT_EQ(S(r), msg);
  });
  EXPECT_EQ(runs.load(), n);
  EXPECT_EQ(net.GetCount("s"), n);
  EXPECT_EQ(net.GetTotalCount(), n);
}

TEST_F(NetworkTest, SameSeedSameDecisionsSequentially) {
  auto run = [&](uint64_t seed) {
    RecordingRuntime rec(*rt_, 0);
    Network net(rec, seed);
    net.SetReliable(false);
    net.AddServer("s", MakeEchoServer());
    auto end = Wire(net, "e", "s");
    std::string outcome;
    for (int i = 0; i < 200; i++) {
      Bytes r;
      outcome += end->Call("Echo.Echo", {}, &r) ? '1' : '0';
    }
    return outcome;
  };
  EXPECT_EQ(run(42), run(42));
  EXPECT_NE(run(42), run(43));
}

}  // namespace
}  // namespace raftlab::labrpc
