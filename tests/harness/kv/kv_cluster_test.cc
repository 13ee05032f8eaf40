// Tests of the KV fixture (harness/kv/) against the reference plugin: a
// put/get round trip through clerks, restricted clerks across a partition,
// crash/restart of every server, the rsm counter; and the linearizability
// verdict of the generic KV scenario on the two KV mutants
// (tests/mutants/MUTANTS.md), which must fail with "history is not
// linearizable" and an HTML picture naming the offending operation, while
// the reference passes the same scenario.
//
// Timing-tolerant: these run real servers on real time (elections take
// ~0.5-1 s). The assertions rely only on outcomes, never on durations; the
// fixture's own bounds (5-10 s) are far above what a loaded 2-core machine
// needs.
#include "harness/kv/kv_cluster.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "harness/kv/counter_sm.h"
#include "harness/plugin/loader.h"
#include "runtime/real_runtime.h"
#include "tests/harness/testing/test_util.h"

namespace raftlab {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using testing::FakeTestContext;

class KvClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Pictures go to a private folder (kv_check.h: RAFTLAB_OUTPUT_DIR).
    out_dir_ = fs::temp_directory_path() / ("kv_cluster_test-" + std::to_string(::getpid()));
    fs::create_directories(out_dir_);
    ::setenv("RAFTLAB_OUTPUT_DIR", out_dir_.c_str(), 1);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(out_dir_, ec);
  }
  void Load(const std::string& path, uint64_t seed = 7) {
    StatusOr<std::unique_ptr<PluginLibrary>> lib = PluginLibrary::Open(path);
    ASSERT_TRUE(lib.ok()) << lib.status().message();
    lib_ = std::move(*lib);
    ctx_ = std::make_unique<FakeTestContext>(*rt_, lib_.get(), seed);
  }
  static KvClusterOptions Options(int servers, KvServerKind kind = KvServerKind::kKvServer) {
    KvClusterOptions o;
    o.servers = servers;
    o.kind = kind;
    return o;
  }
  // Runs a registered scenario with its defaults and `overrides`.
  void RunScenario(const std::string& name, const std::map<std::string, ParamValue>& overrides) {
    const ScenarioInfo* info = ScenarioRegistry::Global().Find(name);
    ASSERT_NE(info, nullptr) << name;
    std::map<std::string, ParamValue> values;
    for (const ParamSpec& p : info->params) values[p.name] = p.default_value;
    for (const auto& [k, v] : overrides) values[k] = v;
    ctx_->mutable_spec().name = "kv-test-" + name;
    ctx_->mutable_spec().params = Params(values);
    try {
      info->fn(*ctx_);
    } catch (const TestFailed&) {
    }
  }

  fs::path out_dir_;
  std::unique_ptr<Runtime> rt_ = MakeRealTimeRuntime();
  std::unique_ptr<PluginLibrary> lib_;
  std::unique_ptr<FakeTestContext> ctx_;
};

#ifdef RAFTLAB_REFERENCE_PLUGIN
TEST_F(KvClusterTest, PutGetRoundTripIsRecorded) {
  Load(RAFTLAB_REFERENCE_PLUGIN);
  {
    KvCluster c(*ctx_, Options(3));
    KvClerk& ck = c.MakeClerk();
    EXPECT_EQ(ck.Get("a").err, RAFTLAB_ERR_NO_KEY);
    EXPECT_EQ(ck.Put("a", "1", 0), RAFTLAB_OK);
    KvClerk::GetResult g = ck.Get("a");
    EXPECT_EQ(g.err, RAFTLAB_OK);
    EXPECT_EQ(g.value, "1");
    EXPECT_EQ(g.version, 1u);
    EXPECT_EQ(ck.Put("a", "2", 0), RAFTLAB_ERR_VERSION);
    EXPECT_EQ(ck.Put("b", "x", 3), RAFTLAB_ERR_NO_KEY);
    const lin::History h = c.history().Snapshot();
    ASSERT_EQ(h.ops.size(), 5u);
    EXPECT_EQ(h.ops[1].kind, lin::OpKind::kPut);
    EXPECT_EQ(h.ops[3].err, lin::KvErr::kErrVersion);
    for (const lin::Operation& op : h.ops) EXPECT_LE(op.call_ns, op.return_ns);
    EXPECT_EQ(c.CheckLinearizable("round trip"), lin::CheckResult::kOk);
    EXPECT_GT(c.LogSize(), 0);
    EXPECT_EQ(c.SnapshotSize(), 0);
    c.End();
  }
  EXPECT_FALSE(ctx_->failed()) << ctx_->failure();
  ASSERT_TRUE(ctx_->figures().has_value());
  EXPECT_EQ(ctx_->figures()->ops, 5);
  EXPECT_EQ(ctx_->figures()->peers, 3);
}

TEST_F(KvClusterTest, MajorityProgressesMinorityClerkBlocksUntilHeal) {
  Load(RAFTLAB_REFERENCE_PLUGIN);
  {
    KvCluster c(*ctx_, Options(5));
    KvClerk& ck = c.MakeClerk();
    ASSERT_EQ(ck.Put("k", "0", 0), RAFTLAB_OK);
    c.Partition({0, 1, 2}, {3, 4});
    KvClerk& major = c.MakeClerkTo({0, 1, 2});
    KvClerk& minor = c.MakeClerkTo({3, 4});
    EXPECT_EQ(major.Put("k", "1", 1), RAFTLAB_OK);
    std::atomic<bool> done{false};
    c.Spawn("minority get", [&] {
      KvClerk::GetResult g = minor.Get("k");
      EXPECT_EQ(g.value, "1");  // after the heal it must see the majority's write
      done = true;
    });
    c.SleepUnscaled(std::chrono::milliseconds(500));
    EXPECT_FALSE(done.load()) << "a clerk restricted to a minority got an answer";
    c.ConnectAll();
    c.JoinClients();
    EXPECT_TRUE(done.load());
    EXPECT_EQ(c.CheckLinearizable("partition"), lin::CheckResult::kOk);
    const lin::History h = c.history().Snapshot();
    ASSERT_FALSE(h.annotations.empty());
    EXPECT_EQ(h.annotations.front().kind, lin::AnnotationKind::kPartition);
    EXPECT_LT(h.annotations.front().start_ns, h.annotations.front().end_ns);
  }
  EXPECT_FALSE(ctx_->failed()) << ctx_->failure();
}

TEST_F(KvClusterTest, ValuesSurviveRestartingEveryServer) {
  Load(RAFTLAB_REFERENCE_PLUGIN);
  {
    KvCluster c(*ctx_, Options(3));
    KvClerk& ck = c.MakeClerk();
    ASSERT_EQ(ck.Put("p", "kept", 0), RAFTLAB_OK);
    c.ShutdownAll();
    EXPECT_FALSE(c.IsUp(0));
    c.StartAll();
    EXPECT_TRUE(c.IsUp(0));
    KvClerk::GetResult g = ck.Get("p");
    EXPECT_EQ(g.err, RAFTLAB_OK);
    EXPECT_EQ(g.value, "kept");
    const lin::History h = c.history().Snapshot();
    ASSERT_EQ(h.annotations.size(), 1u);
    EXPECT_EQ(h.annotations[0].kind, lin::AnnotationKind::kCrash);
  }
  EXPECT_FALSE(ctx_->failed()) << ctx_->failure();
}

TEST_F(KvClusterTest, RsmCountsIncsOnEveryServer) {
  Load(RAFTLAB_REFERENCE_PLUGIN);
  {
    KvCluster c(*ctx_, Options(3, KvServerKind::kRsm));
    std::string result;
    int32_t err = RAFTLAB_ERR_WRONG_LEADER;
    for (int tries = 0; tries < 200 && err != RAFTLAB_OK; tries++) {
      for (int i = 0; i < 3 && err != RAFTLAB_OK; i++) {
        result.clear();
        err = c.Submit(i, kCounterInc, &result);
      }
      if (err != RAFTLAB_OK) c.SleepUnscaled(std::chrono::milliseconds(50));
    }
    ASSERT_EQ(err, RAFTLAB_OK);
    EXPECT_EQ(result, "1");
    for (int tries = 0; tries < 100 && (c.Counter(0) != 1 || c.Counter(1) != 1 || c.Counter(2) != 1); tries++) {
      c.SleepUnscaled(std::chrono::milliseconds(20));
    }
    EXPECT_EQ(c.Counter(0), 1);
    EXPECT_EQ(c.Counter(1), 1);
    EXPECT_EQ(c.Counter(2), 1);
  }
  EXPECT_FALSE(ctx_->failed()) << ctx_->failure();
}

// The scenario the mutant tests use, on the reference: it must pass.
// Many clients on one key with partitions from the start: the stale read
// needs a lagging server to read from, the double put two puts racing at
// one version (see the mutant tests below).
const std::map<std::string, ParamValue> kCatchingParams = {
    {"clients", int64_t{5}},           {"servers", int64_t{5}}, {"partitions", true},
    {"partition_delay_ms", int64_t{0}}, {"iterations", int64_t{3}}, {"client_ms", int64_t{1500}},
};

TEST_F(KvClusterTest, ReferencePassesTheGenericScenario) {
  Load(RAFTLAB_REFERENCE_PLUGIN);
  RunScenario("kv_generic", kCatchingParams);
  EXPECT_FALSE(ctx_->failed()) << ctx_->failure();
}
#endif

// HTML-escapes like the visualisation does.
std::string Esc(const std::string& s) {
  std::string out;
  for (char ch : s) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += ch;
    }
  }
  return out;
}

// Each mutant: "history is not linearizable", the picture exists, and the
// operation the message names as not placeable ("client N's <op> [call")
// appears in it. Returns that operation's text.
std::string ExpectNotLinearizable(FakeTestContext& ctx) {
  EXPECT_TRUE(ctx.failed());
  const std::string msg = ctx.failure();
  EXPECT_THAT(msg, HasSubstr("history is not linearizable: key "));
  std::smatch m;
  const std::regex unplaced("client -?[0-9]+'s (.*?) \\[call");
  if (!std::regex_search(msg, m, unplaced)) {
    ADD_FAILURE() << "no unplaced operation named in: " << msg;
    return "";
  }
  const std::string op = m[1].str();
  const size_t at = msg.rfind("; see ");
  if (at == std::string::npos) {
    ADD_FAILURE() << "no picture path in: " << msg;
    return op;
  }
  const std::string path = msg.substr(at + 6);
  EXPECT_TRUE(fs::exists(path)) << path;
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string html = ss.str();
  EXPECT_THAT(html, HasSubstr("<html"));
  EXPECT_THAT(html, HasSubstr(Esc(op))) << "the picture does not show " << op;
  return op;
}

#ifdef RAFTLAB_MUTANT_KV_STALE_READ
TEST_F(KvClusterTest, StaleReadMutantIsNotLinearizable) {
  Load(RAFTLAB_MUTANT_KV_STALE_READ);
  RunScenario("kv_generic", kCatchingParams);
  const std::string op = ExpectNotLinearizable(*ctx_);
  EXPECT_THAT(op, HasSubstr("get(")) << "the operation that cannot be placed is a stale read";
}
#endif

#ifdef RAFTLAB_MUTANT_KV_DOUBLE_PUT
TEST_F(KvClusterTest, DoublePutMutantIsNotLinearizable) {
  Load(RAFTLAB_MUTANT_KV_DOUBLE_PUT);
  RunScenario("kv_generic", kCatchingParams);
  (void)ExpectNotLinearizable(*ctx_);
}
#endif

}  // namespace
}  // namespace raftlab
