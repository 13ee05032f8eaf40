// Unit tests of include/raftlab/glue.hpp and host.hpp (the C++ layer students
// use): the exception-catching glue returns safe defaults and logs at ERROR,
// replies reach the sink, the extension hook works, and the Mutex, CondVar
// and Thread wrappers behave like their std counterparts. Built as C++17.
//
// The fake host below maps the runtime services onto std threads and locks;
// it is test scaffolding, not harness code.
#include <raftlab/raftlab.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

struct FakeHost {
  raftlab_host host{};
  std::mutex log_mu;
  std::vector<std::pair<int32_t, std::string>> logs;
  FakeHost();
  bool Logged(int32_t level, const std::string& needle) {
    std::lock_guard<std::mutex> l(log_mu);
    for (auto& [lv, text] : logs) {
      if (lv == level && text.find(needle) != std::string::npos) return true;
    }
    return false;
  }
};

FakeHost* Self(const raftlab_host* h) { return static_cast<FakeHost*>(h->host_ctx); }

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

struct FakeThread {
  std::thread t;
};

FakeHost::FakeHost() {
  host.struct_size = sizeof host;
  host.abi_major = RAFTLAB_ABI_MAJOR;
  host.abi_minor = RAFTLAB_ABI_MINOR;
  host.host_ctx = this;
  host.log = [](const raftlab_host* h, int32_t level, const char* text) {
    std::lock_guard<std::mutex> l(Self(h)->log_mu);
    Self(h)->logs.emplace_back(level, text);
  };
  host.now_ns = [](const raftlab_host*) { return NowNs(); };
  host.random_u64 = [](const raftlab_host*) -> uint64_t { return 42; };
  host.killed = [](const raftlab_host*) -> int32_t { return 0; };
  host.thread_start = [](const raftlab_host*, const char*, void (*fn)(void*), void* arg) {
    return reinterpret_cast<raftlab_thread*>(new FakeThread{std::thread(fn, arg)});
  };
  host.thread_join = [](const raftlab_host*, raftlab_thread* t) {
    auto* ft = reinterpret_cast<FakeThread*>(t);
    ft->t.join();
    delete ft;
  };
  host.mutex_new = [](const raftlab_host*) { return reinterpret_cast<raftlab_mutex*>(new std::mutex); };
  host.mutex_free = [](const raftlab_host*, raftlab_mutex* m) { delete reinterpret_cast<std::mutex*>(m); };
  host.mutex_lock = [](const raftlab_host*, raftlab_mutex* m) { reinterpret_cast<std::mutex*>(m)->lock(); };
  host.mutex_unlock = [](const raftlab_host*, raftlab_mutex* m) {
    reinterpret_cast<std::mutex*>(m)->unlock();
  };
  host.cond_new = [](const raftlab_host*) {
    return reinterpret_cast<raftlab_cond*>(new std::condition_variable_any);
  };
  host.cond_free = [](const raftlab_host*, raftlab_cond* c) {
    delete reinterpret_cast<std::condition_variable_any*>(c);
  };
  host.cond_wait = [](const raftlab_host*, raftlab_cond* c, raftlab_mutex* m) {
    reinterpret_cast<std::condition_variable_any*>(c)->wait(*reinterpret_cast<std::mutex*>(m));
  };
  host.cond_wait_until = [](const raftlab_host*, raftlab_cond* c, raftlab_mutex* m, int64_t deadline) {
    auto tp = std::chrono::steady_clock::time_point(std::chrono::nanoseconds(deadline));
    return reinterpret_cast<std::condition_variable_any*>(c)->wait_until(*reinterpret_cast<std::mutex*>(m),
                                                                         tp) == std::cv_status::timeout
               ? 1
               : 0;
  };
  host.cond_notify_one = [](const raftlab_host*, raftlab_cond* c) {
    reinterpret_cast<std::condition_variable_any*>(c)->notify_one();
  };
  host.cond_notify_all = [](const raftlab_host*, raftlab_cond* c) {
    reinterpret_cast<std::condition_variable_any*>(c)->notify_all();
  };
}

// A Raft whose behaviour each test chooses through a global flag (this test
// binary loads no plugin copies, so a global is harmless here).
bool g_throw = false;
int g_killed = 0;

class TestRaft {
 public:
  TestRaft(raftlab::Host, int me, int) : me_(me) {
    if (me < 0) throw std::runtime_error("bad peer id");
  }
  raftlab::StartResult Start(raftlab::ByteView cmd) {
    if (g_throw) throw std::runtime_error("start exploded");
    return raftlab::StartResult{static_cast<int64_t>(cmd.size()), 3, true};
  }
  raftlab::RaftState GetState() {
    if (g_throw) throw 17;  // not a std::exception
    return raftlab::RaftState{5, me_ == 0};
  }
  int32_t HandleRpc(std::string_view method, raftlab::ByteView req, raftlab::Bytes* reply) {
    if (g_throw) throw std::runtime_error("handler exploded");
    if (method != "Test.Echo") return RAFTLAB_ERR_UNKNOWN_METHOD;
    *reply = req.ToBytes();
    return RAFTLAB_OK;
  }
  void Snapshot(int64_t, raftlab::ByteView) {
    if (g_throw) throw std::runtime_error("snapshot exploded");
  }
  int64_t PersistBytes() {
    if (g_throw) throw std::runtime_error("persist_bytes exploded");
    return 99;
  }
  void Kill() { g_killed++; }

 private:
  int me_;
};

struct WithExtension : TestRaft {
  using TestRaft::TestRaft;
  static const void* GetExtension(const char* id) {
    static const int kTable = 1;
    return std::string(id) == RAFTLAB_EXT_RSM ? &kTable : nullptr;
  }
};

}  // namespace

RAFTLAB_DEFINE_PLUGIN(TestRaft, "test-raft", "9.9")

namespace {

class GlueTest : public ::testing::Test {
 protected:
  void SetUp() override { g_throw = false; }
  FakeHost fake;
  const raftlab_plugin* p = raftlab_entry(RAFTLAB_ABI_MAJOR, RAFTLAB_ABI_MINOR);
};

TEST_F(GlueTest, TableIsFilledAndVersioned) {
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->struct_size, sizeof(raftlab_plugin));
  EXPECT_EQ(p->abi_major, static_cast<uint32_t>(RAFTLAB_ABI_MAJOR));
  EXPECT_STREQ(p->name, "test-raft");
  EXPECT_STREQ(p->version, "9.9");
  EXPECT_NE(p->make, nullptr);
  EXPECT_NE(p->kill, nullptr);
  EXPECT_EQ(p->get_extension(RAFTLAB_EXT_RSM), nullptr);  // no hook: not implemented
}

TEST_F(GlueTest, CallsAreForwarded) {
  raftlab_raft* r = p->make(&fake.host, 0, 3);
  ASSERT_NE(r, nullptr);
  int64_t index = 0, term = 0;
  int32_t leader = 0;
  const uint8_t cmd[] = {1, 2, 3, 4};
  p->start(r, cmd, sizeof cmd, &index, &term, &leader);
  EXPECT_EQ(index, 4);
  EXPECT_EQ(term, 3);
  EXPECT_EQ(leader, 1);
  raftlab::VectorSink sink;
  EXPECT_EQ(p->handle_rpc(r, "Test.Echo", cmd, sizeof cmd, sink.get()), RAFTLAB_OK);
  EXPECT_EQ(sink.bytes(), raftlab::Bytes(cmd, cmd + 4));
  EXPECT_EQ(p->handle_rpc(r, "Test.Nope", cmd, sizeof cmd, sink.get()), RAFTLAB_ERR_UNKNOWN_METHOD);
  EXPECT_EQ(p->persist_bytes(r), 99);
  const int before = g_killed;
  p->kill(r);
  EXPECT_EQ(g_killed, before + 1);
  p->destroy(r);
}

TEST_F(GlueTest, ExceptionsBecomeSafeDefaultsAndErrorLogs) {
  // A throwing constructor: make returns NULL.
  EXPECT_EQ(p->make(&fake.host, -1, 3), nullptr);
  EXPECT_TRUE(fake.Logged(RAFTLAB_LOG_ERROR, "make: uncaught exception: bad peer id"));

  raftlab_raft* r = p->make(&fake.host, 0, 3);
  ASSERT_NE(r, nullptr);
  g_throw = true;
  int64_t index = 7, term = 7;
  int32_t leader = 1;
  p->start(r, nullptr, 0, &index, &term, &leader);
  EXPECT_EQ(leader, 0);
  EXPECT_TRUE(fake.Logged(RAFTLAB_LOG_ERROR, "start exploded"));
  p->get_state(r, &term, &leader);
  EXPECT_EQ(leader, 0);
  EXPECT_TRUE(fake.Logged(RAFTLAB_LOG_ERROR, "get_state: uncaught non-standard exception"));
  raftlab::VectorSink sink;
  EXPECT_EQ(p->handle_rpc(r, "Test.Echo", nullptr, 0, sink.get()), RAFTLAB_ERR_INTERNAL);
  EXPECT_TRUE(sink.bytes().empty());
  EXPECT_TRUE(fake.Logged(RAFTLAB_LOG_ERROR, "Test.Echo: uncaught exception: handler exploded"));
  p->snapshot(r, 1, nullptr, 0);
  EXPECT_TRUE(fake.Logged(RAFTLAB_LOG_ERROR, "snapshot exploded"));
  EXPECT_EQ(p->persist_bytes(r), 0);
  g_throw = false;
  p->kill(r);
  p->destroy(r);
}

TEST_F(GlueTest, ExtensionHookIsUsedWhenTheClassHasOne) {
  raftlab_plugin t = raftlab::PluginGlue<WithExtension>::MakeTable("x", "1");
  EXPECT_NE(t.get_extension(RAFTLAB_EXT_RSM), nullptr);
  EXPECT_EQ(t.get_extension(RAFTLAB_EXT_CLERK), nullptr);
}

TEST_F(GlueTest, ThreadRunsJoinsAndLogsEscapingExceptions) {
  raftlab::Host host(&fake.host);
  int ran = 0;
  {
    raftlab::Thread t(host, "worker", [&] { ran = 1; });
    EXPECT_TRUE(t.joinable());
    t.join();
    EXPECT_FALSE(t.joinable());
  }
  EXPECT_EQ(ran, 1);
  {
    // Joined by the destructor; the exception is logged, not propagated.
    raftlab::Thread t(host, "thrower", [] { throw std::runtime_error("thread exploded"); });
    raftlab::Thread moved = std::move(t);
    EXPECT_FALSE(t.joinable());
    EXPECT_TRUE(moved.joinable());
  }
  EXPECT_TRUE(fake.Logged(RAFTLAB_LOG_ERROR, "thread exploded"));
}

TEST_F(GlueTest, MutexAndCondVarWorkWithStdLocks) {
  raftlab::Host host(&fake.host);
  raftlab::Mutex mu(host);
  raftlab::CondVar cv(host);
  bool ready = false;
  raftlab::Thread t(host, "signaller", [&] {
    std::lock_guard<raftlab::Mutex> l(mu);
    ready = true;
    cv.notify_all();
  });
  {
    std::unique_lock<raftlab::Mutex> l(mu);
    cv.wait(l, [&] { return ready; });
    EXPECT_TRUE(ready);
    // A deadline in the past times out at once and reports the predicate.
    EXPECT_EQ(cv.wait_until(l, host.Now() - 1), std::cv_status::timeout);
    EXPECT_TRUE(cv.wait_until(l, host.Now() - 1, [&] { return ready; }));
    EXPECT_FALSE(cv.wait_until(l, host.Now() + 1000000, [] { return false; }));
  }
  t.join();
}

TEST_F(GlueTest, HostHelpers) {
  raftlab::Host host(&fake.host);
  EXPECT_EQ(host.RandomRange(10, 19), 10 + 42 % 10);
  EXPECT_EQ(host.RandomRange(5, 5), 5);
  host.Logf(RAFTLAB_LOG_INFO, "value %d", 12);
  EXPECT_TRUE(fake.Logged(RAFTLAB_LOG_INFO, "value 12"));
}

}  // namespace
