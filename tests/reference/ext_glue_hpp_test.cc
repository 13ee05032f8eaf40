// Unit tests of include/raftlab/ext_glue.hpp (C++17): the part-5 tables
// forward to the C++ classes, exceptions become safe defaults plus an ERROR
// log, NotImplemented parts are absent, and ApplyRedirectHost sends apply()
// to the rsm while every other service reaches the outer host.
#include <raftlab/raftlab.hpp>

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace {

// A host with only what these tests touch; each service records its use.
struct RecordingHost {
  raftlab_host host{};
  std::vector<std::pair<int32_t, std::string>> logs;
  int applies = 0, saves = 0;
  RecordingHost() {
    host.struct_size = sizeof host;
    host.abi_major = RAFTLAB_ABI_MAJOR;
    host.host_ctx = this;
    host.log = [](const raftlab_host* h, int32_t level, const char* text) {
      static_cast<RecordingHost*>(h->host_ctx)->logs.emplace_back(level, text);
    };
    host.apply = [](const raftlab_host* h, const raftlab_apply_msg*) -> int32_t {
      static_cast<RecordingHost*>(h->host_ctx)->applies++;
      return RAFTLAB_OK;
    };
    host.persist_save = [](const raftlab_host* h, const uint8_t*, size_t, const uint8_t*, size_t) {
      static_cast<RecordingHost*>(h->host_ctx)->saves++;
    };
    host.persist_state_size = [](const raftlab_host*) -> size_t { return 1234; };
    host.killed = [](const raftlab_host*) -> int32_t { return 1; };
    host.random_u64 = [](const raftlab_host*) -> uint64_t { return 99; };
  }
  bool Logged(const std::string& needle) const {
    for (auto& [level, text] : logs) {
      if (level == RAFTLAB_LOG_ERROR && text.find(needle) != std::string::npos) return true;
    }
    return false;
  }
};

bool g_throw = false;  // one test binary, no plugin copies: a global is fine

class TestRsm {
 public:
  TestRsm(raftlab::Host, int me, int, int64_t maxraftstate, raftlab::StateMachine sm) : sm_(sm) {
    if (me < 0) throw std::runtime_error("bad me");
    (void)maxraftstate;
  }
  int32_t Submit(raftlab::ByteView op, raftlab::Bytes* result) {
    if (g_throw) throw std::runtime_error("submit exploded");
    *result = sm_.DoOp(op);  // run the state machine directly: a 1-peer toy
    return RAFTLAB_OK;
  }
  int32_t HandleRpc(std::string_view, raftlab::ByteView, raftlab::Bytes*) { return RAFTLAB_ERR_UNKNOWN_METHOD; }
  raftlab::RaftState GetState() {
    if (g_throw) throw 3;
    return raftlab::RaftState{4, true};
  }
  void Kill() {}

 private:
  raftlab::StateMachine sm_;
};

class TestClerk {
 public:
  TestClerk(raftlab::Host, int) {}
  int32_t Get(const std::string& key, std::string* value, uint64_t* version) {
    if (g_throw) throw std::runtime_error("get exploded");
    *value = "v-" + key;
    *version = 7;
    return RAFTLAB_OK;
  }
  int32_t Put(const std::string& key, const std::string& value, uint64_t version) {
    return key == value && version == 1 ? RAFTLAB_OK : RAFTLAB_ERR_VERSION;
  }
};

struct TestRaft {
  static const void* GetExtension(const char* id);
};

}  // namespace

RAFTLAB_DEFINE_EXTENSIONS(TestRaft, TestRsm, raftlab::NotImplemented, TestClerk)

namespace {

class ExtGlueTest : public ::testing::Test {
 protected:
  void SetUp() override { g_throw = false; }
  RecordingHost fake;
};

// An echo state machine: result = "r:" + op.
raftlab_state_machine EchoSm() {
  raftlab_state_machine sm{};
  sm.struct_size = sizeof sm;
  sm.do_op = [](void*, const uint8_t* op, size_t len, raftlab_sink* out) {
    const std::string r = "r:" + std::string(reinterpret_cast<const char*>(op), len);
    out->write(out, reinterpret_cast<const uint8_t*>(r.data()), r.size());
  };
  return sm;
}

TEST_F(ExtGlueTest, ExtensionsAreFoundByIdAndNotImplementedIsAbsent) {
  EXPECT_NE(TestRaft::GetExtension(RAFTLAB_EXT_RSM), nullptr);
  EXPECT_NE(TestRaft::GetExtension(RAFTLAB_EXT_CLERK), nullptr);
  EXPECT_EQ(TestRaft::GetExtension(RAFTLAB_EXT_KVSERVER), nullptr);
  EXPECT_EQ(TestRaft::GetExtension("raftlab.rsm/2"), nullptr);
  EXPECT_EQ(TestRaft::GetExtension(nullptr), nullptr);
  auto* rsm = static_cast<const raftlab_rsm_ext*>(TestRaft::GetExtension(RAFTLAB_EXT_RSM));
  EXPECT_EQ(rsm->struct_size, sizeof(raftlab_rsm_ext));
  EXPECT_EQ(rsm, TestRaft::GetExtension(RAFTLAB_EXT_RSM));  // static: same pointer every time
}

TEST_F(ExtGlueTest, RsmCallsAreForwardedAndExceptionsContained) {
  auto* ext = static_cast<const raftlab_rsm_ext*>(TestRaft::GetExtension(RAFTLAB_EXT_RSM));
  raftlab_state_machine sm = EchoSm();
  EXPECT_EQ(ext->make(&fake.host, -1, 3, -1, &sm), nullptr);
  EXPECT_TRUE(fake.Logged("rsm make: uncaught exception: bad me"));
  raftlab_rsm* r = ext->make(&fake.host, 0, 3, -1, &sm);
  ASSERT_NE(r, nullptr);
  raftlab::VectorSink out;
  const uint8_t op[] = {'x'};
  EXPECT_EQ(ext->submit(r, op, 1, out.get()), RAFTLAB_OK);
  EXPECT_EQ(std::string(out.bytes().begin(), out.bytes().end()), "r:x");
  int64_t term = 0;
  int32_t leader = 0;
  ext->get_state(r, &term, &leader);
  EXPECT_EQ(term, 4);
  EXPECT_EQ(leader, 1);
  g_throw = true;
  raftlab::VectorSink out2;
  EXPECT_EQ(ext->submit(r, op, 1, out2.get()), RAFTLAB_ERR_INTERNAL);
  EXPECT_TRUE(out2.bytes().empty());
  EXPECT_TRUE(fake.Logged("rsm submit: uncaught exception: submit exploded"));
  ext->get_state(r, &term, &leader);
  EXPECT_EQ(leader, 0);
  EXPECT_TRUE(fake.Logged("rsm get_state: uncaught non-standard exception"));
  g_throw = false;
  ext->kill(r);
  ext->destroy(r);
}

TEST_F(ExtGlueTest, ClerkCallsAreForwardedAndExceptionsContained) {
  auto* ext = static_cast<const raftlab_clerk_ext*>(TestRaft::GetExtension(RAFTLAB_EXT_CLERK));
  raftlab_clerk* c = ext->make(&fake.host, 3);
  ASSERT_NE(c, nullptr);
  raftlab::VectorSink value;
  uint64_t version = 0;
  const uint8_t key[] = {'k'};
  EXPECT_EQ(ext->get(c, key, 1, value.get(), &version), RAFTLAB_OK);
  EXPECT_EQ(std::string(value.bytes().begin(), value.bytes().end()), "v-k");
  EXPECT_EQ(version, 7u);
  EXPECT_EQ(ext->put(c, key, 1, key, 1, 1), RAFTLAB_OK);
  EXPECT_EQ(ext->put(c, key, 1, key, 1, 2), RAFTLAB_ERR_VERSION);
  g_throw = true;
  raftlab::VectorSink v2;
  EXPECT_EQ(ext->get(c, key, 1, v2.get(), &version), RAFTLAB_ERR_INTERNAL);
  EXPECT_TRUE(fake.Logged("clerk get: uncaught exception: get exploded"));
  g_throw = false;
  ext->destroy(c);
}

TEST_F(ExtGlueTest, ApplyRedirectHostSendsApplyToTheRsmAndForwardsTheRest) {
  std::vector<int64_t> seen;
  raftlab::ApplyRedirectHost inner(&fake.host, [&](const raftlab_apply_msg& m) {
    if (m.index < 0) throw std::runtime_error("negative index");
    seen.push_back(m.index);
    return RAFTLAB_OK;
  });
  raftlab::Host h = inner.host();
  EXPECT_TRUE(h.ApplyCommand(5, 1, raftlab::ByteView()));
  EXPECT_EQ(seen, std::vector<int64_t>{5});
  EXPECT_EQ(fake.applies, 0);  // the outer host's apply was never used
  h.Save(raftlab::ByteView(), raftlab::ByteView());
  EXPECT_EQ(fake.saves, 1);
  EXPECT_EQ(h.StateSize(), 1234u);
  EXPECT_TRUE(h.Killed());
  EXPECT_EQ(h.Random(), 99u);
  h.Log(RAFTLAB_LOG_ERROR, "through the wrapper");
  EXPECT_TRUE(fake.Logged("through the wrapper"));
  // An exception in the rsm's apply is logged, and the Raft sees a failure.
  EXPECT_FALSE(h.ApplyCommand(-1, 1, raftlab::ByteView()));
  EXPECT_TRUE(fake.Logged("rsm apply: uncaught exception: negative index"));
}

}  // namespace
