// Tests of harness/host_services.{h,cc} over a real-time Runtime and a real
// labrpc Network, plus an end-to-end check with tests/plugins/ok_plugin.
//
// Timing: the few time-dependent checks only assert lower bounds (a sleep
// lasted at least its length) or very generous upper bounds (a killed sleep
// of 60 s ended within 10 s), so a loaded 2-core machine cannot fail them.
#include "harness/plugin/host_services.h"

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/plugin/loader.h"
#include "labrpc/network.h"
#include "labrpc/persister.h"
#include "labrpc/server.h"
#include "runtime/real_runtime.h"

namespace raftlab {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A raftlab_sink collecting into a vector.
struct VecSink {
  raftlab_sink sink{this, &VecSink::Write};
  std::vector<uint8_t> bytes;
  static void Write(raftlab_sink* self, const uint8_t* data, size_t len) {
    auto* v = static_cast<VecSink*>(self->ctx);
    v->bytes.insert(v->bytes.end(), data, data + len);
  }
  std::string str() const { return std::string(bytes.begin(), bytes.end()); }
};

std::vector<uint8_t> B(const std::string& s) { return std::vector<uint8_t>(s.begin(), s.end()); }

class HostServicesTest : public ::testing::Test {
 protected:
  HostServicesTest() : rt_(MakeRealTimeRuntime()), net_(*rt_, 42) {
    // Two servers: "Raft.Echo" answers "echo:" + request; other methods are unknown.
    for (int i = 0; i < 2; ++i) {
      auto server = std::make_shared<labrpc::Server>();
      server->AddService("Raft", [i](std::string_view method, const labrpc::Bytes& req, labrpc::Bytes* reply) {
        if (method != "Raft.Echo") return false;
        const std::string prefix = "echo" + std::to_string(i) + ":";
        reply->assign(prefix.begin(), prefix.end());
        reply->insert(reply->end(), req.begin(), req.end());
        return true;
      });
      const std::string end_name = "end-" + std::to_string(i);
      ends_.push_back(net_.MakeEnd(end_name));
      net_.AddServer("server-" + std::to_string(i), server);
      net_.Connect(end_name, "server-" + std::to_string(i));
      net_.Enable(end_name, true);
    }
    persister_ = std::make_shared<labrpc::Persister>(*rt_);
  }

  PeerContext Context(uint64_t seed = 7) {
    return PeerContext{
        *rt_,
        ends_,
        persister_,
        [this](const raftlab_apply_msg& m) {
          std::lock_guard<std::mutex> lock(mu_);
          applied_.push_back({m.kind, m.index, m.term, std::string(m.data, m.data + m.len)});
          return int32_t{RAFTLAB_OK};
        },
        [this](int level, std::string_view text) {
          std::lock_guard<std::mutex> lock(mu_);
          logs_.push_back(std::to_string(level) + " " + std::string(text));
        },
        seed,
        "peer 2 (incarnation 3)",
        [this](const std::string& e) {
          std::lock_guard<std::mutex> lock(mu_);
          errors_.push_back(e);
        },
    };
  }

  std::vector<std::string> errors() {
    std::lock_guard<std::mutex> lock(mu_);
    return errors_;
  }

  struct Applied {
    int32_t kind;
    int64_t index, term;
    std::string data;
  };

  std::unique_ptr<Runtime> rt_;
  labrpc::Network net_;
  std::vector<std::shared_ptr<labrpc::ClientEnd>> ends_;
  std::shared_ptr<labrpc::Persister> persister_;
  std::mutex mu_;
  std::vector<Applied> applied_;
  std::vector<std::string> logs_;
  std::vector<std::string> errors_;
};

TEST_F(HostServicesTest, TableIsCompleteAndVersioned) {
  HostServices hs(Context());
  const raftlab_host* h = hs.host();
  EXPECT_EQ(h->struct_size, sizeof(raftlab_host));
  EXPECT_EQ(h->abi_major, uint32_t{RAFTLAB_ABI_MAJOR});
  EXPECT_EQ(h->abi_minor, uint32_t{RAFTLAB_ABI_MINOR});
  // Every field after host_ctx is a function pointer, and each must be set.
  const auto* fns = reinterpret_cast<void* const*>(reinterpret_cast<const char*>(h) + offsetof(raftlab_host, call));
  const size_t n = (sizeof(raftlab_host) - offsetof(raftlab_host, call)) / sizeof(void*);
  EXPECT_EQ(n, 24u);
  for (size_t i = 0; i < n; ++i) EXPECT_NE(fns[i], nullptr) << "function pointer " << i;
  EXPECT_EQ(h->killed(h), 0);
}

TEST_F(HostServicesTest, CallDeliversRequestAndReply) {
  HostServices hs(Context());
  const raftlab_host* h = hs.host();
  const std::vector<uint8_t> req = B("ping");
  VecSink reply;
  ASSERT_EQ(h->call(h, 1, "Raft.Echo", req.data(), req.size(), &reply.sink), 1);
  EXPECT_EQ(reply.str(), "echo1:ping");
  VecSink empty_req;
  ASSERT_EQ(h->call(h, 0, "Raft.Echo", nullptr, 0, &empty_req.sink), 1);
  EXPECT_EQ(empty_req.str(), "echo0:");
  EXPECT_TRUE(errors().empty());
}

TEST_F(HostServicesTest, CallFailsWithoutWritingWhenTheEndIsDisabled) {
  HostServices hs(Context());
  const raftlab_host* h = hs.host();
  net_.Enable("end-1", false);
  VecSink reply;
  EXPECT_EQ(h->call(h, 1, "Raft.Echo", nullptr, 0, &reply.sink), 0);
  EXPECT_TRUE(reply.bytes.empty());
  EXPECT_TRUE(errors().empty()) << "a lost RPC is not the student's fault";
}

TEST_F(HostServicesTest, CallMisuseIsReportedNotFatal) {
  HostServices hs(Context());
  const raftlab_host* h = hs.host();
  VecSink reply;
  EXPECT_EQ(h->call(h, 7, "Raft.Echo", nullptr, 0, &reply.sink), 0);
  EXPECT_EQ(h->call(h, -1, "Raft.Echo", nullptr, 0, &reply.sink), 0);
  EXPECT_EQ(h->call(h, 0, nullptr, nullptr, 0, &reply.sink), 0);
  EXPECT_EQ(h->call(h, 0, "Raft.Echo", nullptr, 5, &reply.sink), 0);
  EXPECT_EQ(h->call(h, 0, "Raft.Echo", nullptr, 0, nullptr), 0);
  const std::vector<std::string> e = errors();
  ASSERT_EQ(e.size(), 5u);
  EXPECT_EQ(e[0], "peer 2 (incarnation 3) called call(\"Raft.Echo\") to peer 7, but valid peers are 0..1");
  EXPECT_THAT(e[1], HasSubstr("to peer -1"));
  EXPECT_THAT(e[2], HasSubstr("NULL method"));
  EXPECT_THAT(e[3], HasSubstr("NULL request of 5 bytes"));
  EXPECT_THAT(e[4], HasSubstr("without a reply sink"));
  EXPECT_TRUE(reply.bytes.empty());
}

TEST_F(HostServicesTest, PersisterRoundTrip) {
  HostServices hs(Context());
  const raftlab_host* h = hs.host();
  const std::vector<uint8_t> state = B("state-bytes"), snap = B("snap");
  h->persist_save(h, state.data(), state.size(), snap.data(), snap.size());
  EXPECT_EQ(persister_->ReadRaftState(), state);
  EXPECT_EQ(persister_->ReadSnapshot(), snap);
  EXPECT_EQ(h->persist_state_size(h), state.size());
  EXPECT_EQ(h->persist_snapshot_size(h), snap.size());
  VecSink s1, s2;
  h->persist_read_state(h, &s1.sink);
  h->persist_read_snapshot(h, &s2.sink);
  EXPECT_EQ(s1.bytes, state);
  EXPECT_EQ(s2.bytes, snap);
  // A NULL snapshot stores an empty one, erasing the earlier snapshot.
  h->persist_save(h, state.data(), state.size(), nullptr, 0);
  EXPECT_EQ(h->persist_snapshot_size(h), 0u);
  // NULL with a length is rejected and saves nothing.
  h->persist_save(h, nullptr, 3, nullptr, 0);
  EXPECT_EQ(persister_->ReadRaftState(), state);
  EXPECT_THAT(errors(), ElementsAre(HasSubstr("persist_save with a NULL pointer and a nonzero length")));
}

TEST_F(HostServicesTest, ApplyForwardsTheMessage) {
  HostServices hs(Context());
  const raftlab_host* h = hs.host();
  const std::vector<uint8_t> cmd = B("x=1");
  raftlab_apply_msg m{sizeof(raftlab_apply_msg), RAFTLAB_APPLY_COMMAND, 5, 2, cmd.data(), cmd.size()};
  EXPECT_EQ(h->apply(h, &m), RAFTLAB_OK);
  raftlab_apply_msg bad_kind = m;
  bad_kind.kind = 9;
  EXPECT_EQ(h->apply(h, &bad_kind), RAFTLAB_ERR_INTERNAL);
  EXPECT_EQ(h->apply(h, nullptr), RAFTLAB_ERR_INTERNAL);
  ASSERT_EQ(applied_.size(), 1u);
  EXPECT_EQ(applied_[0].kind, RAFTLAB_APPLY_COMMAND);
  EXPECT_EQ(applied_[0].index, 5);
  EXPECT_EQ(applied_[0].term, 2);
  EXPECT_EQ(applied_[0].data, "x=1");
  EXPECT_EQ(errors().size(), 2u);
}

TEST_F(HostServicesTest, LogForwardsAndClampsLevel) {
  HostServices hs(Context());
  const raftlab_host* h = hs.host();
  h->log(h, RAFTLAB_LOG_WARN, "became leader");
  h->log(h, 99, "too loud");
  h->log(h, RAFTLAB_LOG_INFO, nullptr);
  EXPECT_THAT(logs_, ElementsAre("2 became leader", "3 too loud"));
  EXPECT_THAT(errors(), ElementsAre(HasSubstr("log with NULL text")));
}

TEST_F(HostServicesTest, RandomIsReproducibleFromTheSeed) {
  HostServices a(Context(99)), b(Context(99)), c(Context(100));
  std::vector<uint64_t> va, vb, vc;
  for (int i = 0; i < 8; ++i) {
    va.push_back(a.host()->random_u64(a.host()));
    vb.push_back(b.host()->random_u64(b.host()));
    vc.push_back(c.host()->random_u64(c.host()));
  }
  EXPECT_EQ(va, vb);
  EXPECT_NE(va, vc);
}

TEST_F(HostServicesTest, ClockAndSleep) {
  HostServices hs(Context());
  const raftlab_host* h = hs.host();
  const int64_t t0 = h->now_ns(h);
  h->sleep_ns(h, 20'000'000);
  const int64_t t1 = h->now_ns(h);
  EXPECT_GE(t1 - t0, 20'000'000);  // lower bound only (see the file comment)
  h->sleep_ns(h, 0);
  h->sleep_ns(h, -5);
  EXPECT_GE(h->now_ns(h), t1);
}

struct SleepArgs {
  const raftlab_host* host;
  std::atomic<bool> done{false};
};

TEST_F(HostServicesTest, KillCutsSleepsShort) {
  HostServices hs(Context());
  const raftlab_host* h = hs.host();
  SleepArgs args{h};
  const int64_t t0 = h->now_ns(h);
  raftlab_thread* t = h->thread_start(h, "sleeper", [](void* a) {
    auto* s = static_cast<SleepArgs*>(a);
    s->host->sleep_ns(s->host, 60'000'000'000);  // 60 s
    s->done = true;
  }, &args);
  ASSERT_NE(t, nullptr);
  rt_->sleep_for(Millis(20));
  hs.MarkKilled();
  h->thread_join(h, t);
  EXPECT_TRUE(args.done);
  EXPECT_LT(h->now_ns(h) - t0, 10'000'000'000) << "sleep did not end at kill";
  EXPECT_EQ(h->killed(h), 1);
  h->sleep_ns(h, 60'000'000'000);  // returns at once once killed
  EXPECT_LT(h->now_ns(h) - t0, 20'000'000'000);
}

struct Gate {
  const raftlab_host* host;
  raftlab_mutex* mu;
  raftlab_cond* cv;
  bool open = false;  // guarded by mu
  int passed = 0;     // guarded by mu
};

void WaitAtGate(void* arg) {
  auto* g = static_cast<Gate*>(arg);
  const raftlab_host* h = g->host;
  h->mutex_lock(h, g->mu);
  while (!g->open) h->cond_wait(h, g->cv, g->mu);
  ++g->passed;
  h->mutex_unlock(h, g->mu);
}

TEST_F(HostServicesTest, ThreadsAreTrackedUntilJoined) {
  HostServices hs(Context());
  const raftlab_host* h = hs.host();
  Gate g{h, h->mutex_new(h), h->cond_new(h)};
  EXPECT_TRUE(hs.JoinedAll());
  std::vector<raftlab_thread*> threads;
  for (int i = 0; i < 3; ++i) threads.push_back(h->thread_start(h, "waiter", &WaitAtGate, &g));
  EXPECT_EQ(hs.LiveThreads(), 3u);
  EXPECT_EQ(hs.ThreadsStarted(), 3u);
  EXPECT_FALSE(hs.JoinedAll());
  h->mutex_lock(h, g.mu);
  g.open = true;
  h->cond_notify_all(h, g.cv);
  h->mutex_unlock(h, g.mu);
  for (raftlab_thread* t : threads) h->thread_join(h, t);
  EXPECT_EQ(g.passed, 3);
  EXPECT_EQ(hs.LiveThreads(), 0u);
  EXPECT_TRUE(hs.JoinedAll());
  h->cond_free(h, g.cv);
  h->mutex_free(h, g.mu);
  EXPECT_TRUE(errors().empty());
}

TEST_F(HostServicesTest, AThreadLeftRunningAfterKillIsVisible) {
  HostServices hs(Context());
  const raftlab_host* h = hs.host();
  Gate g{h, h->mutex_new(h), h->cond_new(h)};
  raftlab_thread* t = h->thread_start(h, "ignores-kill", &WaitAtGate, &g);
  hs.MarkKilled();  // the "plugin" does not stop its thread: a zombie
  EXPECT_EQ(hs.LiveThreads(), 1u);
  EXPECT_FALSE(hs.JoinedAll());
  h->mutex_lock(h, g.mu);
  g.open = true;
  h->cond_notify_all(h, g.cv);
  h->mutex_unlock(h, g.mu);
  h->thread_join(h, t);
  EXPECT_EQ(hs.LiveThreads(), 0u);
  EXPECT_TRUE(hs.JoinedAll());
}

struct Counter {
  const raftlab_host* host;
  raftlab_mutex* mu;
  int64_t value = 0;
};

TEST_F(HostServicesTest, MutexGivesMutualExclusion) {
  HostServices hs(Context());
  const raftlab_host* h = hs.host();
  Counter c{h, h->mutex_new(h)};
  std::vector<raftlab_thread*> threads;
  for (int i = 0; i < 4; ++i) {
    threads.push_back(h->thread_start(h, "adder", [](void* a) {
      auto* c = static_cast<Counter*>(a);
      for (int k = 0; k < 20000; ++k) {
        c->host->mutex_lock(c->host, c->mu);
        ++c->value;
        c->host->mutex_unlock(c->host, c->mu);
      }
    }, &c));
  }
  for (raftlab_thread* t : threads) h->thread_join(h, t);
  EXPECT_EQ(c.value, 80000);
  EXPECT_TRUE(errors().empty());
}

TEST_F(HostServicesTest, CondWaitUntilTimesOut) {
  HostServices hs(Context());
  const raftlab_host* h = hs.host();
  raftlab_mutex* m = h->mutex_new(h);
  raftlab_cond* c = h->cond_new(h);
  h->mutex_lock(h, m);
  const int64_t deadline = h->now_ns(h) + 10'000'000;
  int32_t timed_out = 0;
  while (!timed_out) timed_out = h->cond_wait_until(h, c, m, deadline);  // spurious wakeups allowed
  EXPECT_GE(h->now_ns(h), deadline);
  h->mutex_unlock(h, m);  // the mutex is held again after the wait
  EXPECT_TRUE(errors().empty());
}

TEST_F(HostServicesTest, SyncMisuseIsReportedNotFatal) {
  HostServices hs(Context());
  const raftlab_host* h = hs.host();
  raftlab_mutex* m = h->mutex_new(h);
  raftlab_cond* c = h->cond_new(h);
  h->mutex_unlock(h, m);                 // not locked
  h->cond_wait(h, c, m);                 // without its mutex: returns at once
  h->mutex_lock(h, m);
  h->mutex_lock(h, m);                   // relock: would deadlock; refused
  h->mutex_free(h, m);                   // locked: refused
  h->mutex_unlock(h, m);
  h->mutex_free(h, m);
  h->mutex_lock(h, m);                   // after free
  h->mutex_free(h, m);                   // double free
  h->mutex_lock(h, nullptr);
  h->cond_free(h, c);
  h->cond_notify_one(h, c);              // after free
  const std::vector<std::string> e = errors();
  ASSERT_EQ(e.size(), 8u);
  EXPECT_THAT(e[0], HasSubstr("mutex_unlock on a mutex that is not locked"));
  EXPECT_THAT(e[1], HasSubstr("cond_wait without holding the mutex"));
  EXPECT_THAT(e[2], HasSubstr("already holds"));
  EXPECT_THAT(e[3], HasSubstr("mutex_free on a locked mutex"));
  EXPECT_THAT(e[4], HasSubstr("mutex_lock on a mutex that was freed"));
  EXPECT_THAT(e[5], HasSubstr("mutex_free on a mutex that was freed"));
  EXPECT_THAT(e[6], HasSubstr("mutex_lock with a NULL mutex"));
  EXPECT_THAT(e[7], HasSubstr("cond_notify_one on a condition variable that was freed"));
  // A freed handle is recycled, so the table stays bounded.
  EXPECT_EQ(h->mutex_new(h), m);
}

struct JoinSelf {
  const raftlab_host* host;
  raftlab_thread* self = nullptr;
  raftlab_mutex* mu;
  std::atomic<bool> tried{false};
};

TEST_F(HostServicesTest, JoinMisuseIsReportedNotFatal) {
  HostServices hs(Context());
  const raftlab_host* h = hs.host();
  raftlab_thread* t = h->thread_start(h, "quick", [](void*) {}, nullptr);
  h->thread_join(h, t);
  h->thread_join(h, t);  // twice
  h->thread_join(h, nullptr);
  EXPECT_EQ(h->thread_start(h, "no-fn", nullptr, nullptr), nullptr);

  JoinSelf js{h, nullptr, h->mutex_new(h)};
  h->mutex_lock(h, js.mu);  // hold the thread until it knows its handle
  raftlab_thread* self = h->thread_start(h, "joins-itself", [](void* a) {
    auto* j = static_cast<JoinSelf*>(a);
    j->host->mutex_lock(j->host, j->mu);
    j->host->thread_join(j->host, j->self);
    j->host->mutex_unlock(j->host, j->mu);
    j->tried = true;
  }, &js);
  js.self = self;
  h->mutex_unlock(h, js.mu);
  while (!js.tried) rt_->sleep_for(Millis(1));  // join only after its self-join attempt
  h->thread_join(h, self);
  const std::vector<std::string> e = errors();
  ASSERT_EQ(e.size(), 4u);
  EXPECT_THAT(e[0], HasSubstr("already joined"));
  EXPECT_THAT(e[1], HasSubstr("thread_join with a NULL thread"));
  EXPECT_THAT(e[2], HasSubstr("thread_start with a NULL function"));
  EXPECT_EQ(e[3], "peer 2 (incarnation 3) thread 'joins-itself' called thread_join on itself (it would never return)");
  EXPECT_TRUE(hs.JoinedAll());
}

TEST_F(HostServicesTest, AfterKillServicesAreRejectedAndReportedOncePerFunction) {
  HostServices hs(Context());
  const raftlab_host* h = hs.host();
  const std::vector<uint8_t> before = B("before");
  h->persist_save(h, before.data(), before.size(), nullptr, 0);
  hs.MarkKilled();
  EXPECT_EQ(h->killed(h), 1);
  const std::vector<uint8_t> after = B("after");
  const std::vector<uint8_t> cmd = B("c");
  raftlab_apply_msg m{sizeof(raftlab_apply_msg), RAFTLAB_APPLY_COMMAND, 1, 1, cmd.data(), cmd.size()};
  for (int i = 0; i < 3; ++i) {
    VecSink reply;
    const int64_t t0 = h->now_ns(h);
    EXPECT_EQ(h->call(h, 0, "Raft.Echo", nullptr, 0, &reply.sink), 0);
    EXPECT_LT(h->now_ns(h) - t0, 1'000'000'000) << "call after kill must return at once";
    EXPECT_TRUE(reply.bytes.empty());
    EXPECT_EQ(h->apply(h, &m), RAFTLAB_ERR_KILLED);
    h->persist_save(h, after.data(), after.size(), nullptr, 0);
    EXPECT_EQ(h->thread_start(h, "late", [](void*) {}, nullptr), nullptr);
  }
  EXPECT_EQ(persister_->ReadRaftState(), before);
  EXPECT_TRUE(applied_.empty());
  EXPECT_THAT(errors(), ElementsAre("peer 2 (incarnation 3) called call after kill",
                                    "peer 2 (incarnation 3) called apply after kill",
                                    "peer 2 (incarnation 3) called persist_save after kill",
                                    "peer 2 (incarnation 3) called thread_start after kill"));
  // Reading is still allowed (kill() may read state while shutting down).
  EXPECT_EQ(h->persist_state_size(h), before.size());
}

TEST_F(HostServicesTest, ClerkHasNoPersisterOrApply) {
  PeerContext ctx = Context();
  ctx.persister = nullptr;
  ctx.apply = nullptr;
  ctx.role = "clerk 5";
  HostServices hs(std::move(ctx));
  const raftlab_host* h = hs.host();
  h->persist_save(h, nullptr, 0, nullptr, 0);
  EXPECT_EQ(h->persist_state_size(h), 0u);
  raftlab_apply_msg m{sizeof(raftlab_apply_msg), RAFTLAB_APPLY_COMMAND, 1, 1, nullptr, 0};
  EXPECT_EQ(h->apply(h, &m), RAFTLAB_ERR_INTERNAL);
  EXPECT_THAT(errors(), ElementsAre(HasSubstr("clerk 5 called persist_save, but this instance has no Persister"),
                                    HasSubstr("clerk 5 called persist_state_size"),
                                    HasSubstr("clerk 5 called apply, which this instance may not use")));
}

TEST_F(HostServicesTest, StudentErrorsAreBounded) {
  HostServices hs(Context());
  const raftlab_host* h = hs.host();
  VecSink reply;
  for (int i = 0; i < 200; ++i) h->call(h, 100 + i, "Raft.Echo", nullptr, 0, &reply.sink);  // 200 distinct texts
  const std::vector<std::string> e = errors();
  ASSERT_EQ(e.size(), 65u);
  EXPECT_THAT(e.back(), HasSubstr("further student errors suppressed"));
}

// End to end: ok_plugin peers made with HostServices, an RPC from one peer's
// host reaching the other plugin's handle_rpc through labrpc, and a clean kill.
TEST_F(HostServicesTest, OkPluginRunsOnTheseServices) {
  StatusOr<std::unique_ptr<PluginLibrary>> lib = PluginLibrary::Open(RAFTLAB_TEST_PLUGIN_DIR "/ok_plugin.so");
  ASSERT_TRUE(lib.ok()) << lib.status().ToString();
  StatusOr<std::unique_ptr<LoadedPlugin>> copy = (*lib)->Instantiate();
  ASSERT_TRUE(copy.ok());
  const raftlab_plugin* api = (*copy)->api();

  HostServices target(Context());
  raftlab_raft* peer = api->make(target.host(), 1, 2);
  ASSERT_NE(peer, nullptr);
  EXPECT_EQ(target.LiveThreads(), 1u);  // ok_plugin's ticker

  auto server = std::make_shared<labrpc::Server>();
  server->AddService("Raft", [api, peer](std::string_view method, const labrpc::Bytes& req, labrpc::Bytes* reply) {
    VecSink sink;
    const int32_t rc = api->handle_rpc(peer, std::string(method).c_str(), req.data(), req.size(), &sink.sink);
    *reply = sink.bytes;
    return rc == RAFTLAB_OK;
  });
  net_.AddServer("server-1", server);  // replaces the echo server
  HostServices caller(Context());
  const std::vector<uint8_t> req = B("hello");
  VecSink reply;
  ASSERT_EQ(caller.host()->call(caller.host(), 1, "Raft.Echo", req.data(), req.size(), &reply.sink), 1);
  EXPECT_EQ(reply.str(), "hello");

  target.MarkKilled();
  api->kill(peer);
  EXPECT_EQ(target.LiveThreads(), 0u);
  EXPECT_TRUE(target.JoinedAll());
  api->destroy(peer);
  EXPECT_TRUE(errors().empty());
}

}  // namespace
}  // namespace raftlab
