// Tests of the steps interpreter (harness/steps/step_run.cc) and its verbs
// (raft_verbs.cc, kv_verbs.cc, common_verbs.cc), through the registered
// steps runner, on steps written as catalogue YAML and loaded by the real
// catalogue loader: every verb runs on the reference and passes, and every
// check a verb makes fails, with the C++ scenarios' message and the failing
// step's place, when what it checks is false. The prelude runner and
// StepRun::Adopt are tested with stand-in scenario bodies that build their
// own fixture, as a C++ scenario does.
//
// Timing-tolerant: these run real peers on real time (a few seconds per
// test); every bound is the fixture's own MIT deadline.
//
// Thread safety: the test thread is the scenario thread; the fixtures' own
// threads are joined before each Run returns. Ownership: the fixture owns the
// runtime, the plugin library and the context of its latest Run.
#include "harness/steps/step_run.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "harness/catalogue/config.h"
#include "harness/plugin/loader.h"
#include "runtime/real_runtime.h"
#include "tests/harness/testing/jumping_runtime.h"
#include "tests/harness/testing/test_util.h"

namespace raftlab {
namespace {

using testing::FakeTestContext;
using ::testing::HasSubstr;

class StepRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto lib = PluginLibrary::Open(RAFTLAB_REFERENCE_PLUGIN);
    ASSERT_TRUE(lib.ok()) << lib.status().message();
    lib_ = std::move(*lib);
  }

  // Loads `steps` (YAML lines, indented by 6) as the steps of test "t" and
  // runs it through the steps runner with seed `seed`. Returns the failure
  // message ("" when it passed).
  std::string Run(const std::string& steps, uint64_t seed = 42) {
    const std::string yaml =
        "version: 1\n"
        "parts:\n"
        "  - {part: 1, name: p, points: 1}\n"
        "tests:\n"
        "  - name: t\n"
        "    part: 1\n"
        "    points: 1\n"
        "    steps:\n" +
        steps;
    auto cat = ParseCatalogue(yaml, "steps.yml", ScenarioRegistry::Global());
    EXPECT_TRUE(cat.ok()) << cat.status().message();
    if (!cat.ok()) return "did not load";
    ctx_ = std::make_unique<FakeTestContext>(*rt_, lib_.get(), seed);
    ctx_->mutable_spec() = cat->tests[0];
    const auto& runner = ScenarioRegistry::Global().steps().runner();
    EXPECT_TRUE(static_cast<bool>(runner));
    try {
      runner(*ctx_);
    } catch (const TestFailed& e) {
      return e.what();
    }
    return "";
  }

  // Loads `steps` (YAML lines, indented by 6) as the prelude of `scenario`
  // (a registered one: it decides which verbs fit; its params are its
  // defaults) and runs `body` in its place through the prelude runner, with
  // seed `seed`. Returns the failure message ("" when it passed).
  std::string RunWithPrelude(const std::string& scenario, const std::string& steps, const ScenarioFn& body,
                             uint64_t seed = 42) {
    const std::string yaml =
        "version: 1\n"
        "parts:\n"
        "  - {part: 1, name: p, points: 1}\n"
        "tests:\n"
        "  - name: t\n"
        "    part: 1\n"
        "    points: 1\n"
        "    scenario: " +
        scenario +
        "\n"
        "    steps:\n" +
        steps;
    auto cat = ParseCatalogue(yaml, "prelude.yml", ScenarioRegistry::Global());
    EXPECT_TRUE(cat.ok()) << cat.status().message();
    if (!cat.ok()) return "did not load";
    EXPECT_TRUE(cat->tests[0].HasPrelude());
    ctx_ = std::make_unique<FakeTestContext>(*rt_, lib_.get(), seed);
    ctx_->mutable_spec() = cat->tests[0];
    const auto& runner = ScenarioRegistry::Global().steps().prelude_runner();
    EXPECT_TRUE(static_cast<bool>(runner));
    try {
      runner(*ctx_, body);
    } catch (const TestFailed& e) {
      return e.what();
    }
    return "";
  }

  bool HasEvent(const std::string& text) const {
    const std::vector<std::string> ev = ctx_->events();
    return std::any_of(ev.begin(), ev.end(), [&](const std::string& e) { return e.find(text) != std::string::npos; });
  }

  std::unique_ptr<Runtime> rt_ = MakeRealTimeRuntime();
  std::unique_ptr<PluginLibrary> lib_;
  std::unique_ptr<FakeTestContext> ctx_;
};

TEST_F(StepRunTest, RegistryHoldsEveryVerbOfTheLanguage) {
  for (const char* verb :
       {"cluster", "check_one_leader", "check_no_leader",   "check_terms", "one",       "start",      "committed",
        "wait",    "disconnect",       "connect",           "connect_all", "partition", "crash",      "restart",
        "sleep",   "random_peer",      "expect_rpcs",       "repeat",      "for",       "kv_cluster", "put",
        "get",     "clients",          "check_linearizable"}) {
    const StepVerbInfo* v = ScenarioRegistry::Global().steps().Find(verb);
    ASSERT_NE(v, nullptr) << verb;
    EXPECT_FALSE(v->help.empty()) << verb;
  }
}

TEST_F(StepRunTest, RaftVerbsPassOnTheReference) {
  const std::string failure =
      Run("      - cluster: {servers: 3}\n"
          "      - check_one_leader: {as: leader}\n"
          "      - check_terms: {as: term1, at_least: 1}\n"
          "      - sleep: {ms: 50}\n"
          "      - check_terms: {same_as: term1}\n"
          "      - check_one_leader: {same_as: leader}\n"
          "      - one: {command: 101, index: 1, as: first}\n"
          "      - committed: {index: first, at_least: 3, command: 101}\n"
          "      - start: {peer: leader, command: 102, leader: true, index: 2, as: second}\n"
          "      - wait: {index: second, servers: 3, command: 102}\n"
          "      - start: {peer: leader+1, command: 999, leader: false}\n"
          "      - disconnect: leader+1\n"
          "      - one: {command: 103, servers: n-1, index: 3}\n"
          "      - connect: leader+1\n"
          "      - partition: {groups: [[leader], [leader+1, leader+2]]}\n"
      "      - sleep: {elections: 1}\n"
          "      - check_one_leader: {not: leader, as: leader2}\n"
          "      - connect_all\n"
          "      - crash: leader2\n"
          "      - restart: leader2\n"
          "      - random_peer: {as: victim, except: [leader2]}\n"
          "      - for:\n"
          "          each: p\n"
          "          in: all\n"
          "          except: victim\n"
          "          steps:\n"
          "            - disconnect: p\n"
          "            - connect: p\n"
          "      - repeat:\n"
          "          count: 2\n"
          "          steps:\n"
          "            - one: {command: random, retry: true}\n"
          "      - expect_rpcs:\n"
          "          at_least: 1\n"
          "          bytes_at_most: 10000000\n"
          "          steps:\n"
          "            - sleep: {elections: 0.5}\n"
          "      - disconnect: all\n"
          "      - sleep: {ms: 100, up_to_ms: 300}\n"
          "      - check_no_leader\n"
          "      - connect: all\n"
          "      - check_one_leader\n");
  EXPECT_EQ(failure, "");
  EXPECT_TRUE(HasEvent("step check_one_leader (steps.yml:10:9)"));
  EXPECT_TRUE(HasEvent("first = 1"));
  EXPECT_TRUE(HasEvent("second = 2"));
  EXPECT_TRUE(HasEvent("repeat 2 of 2"));
  EXPECT_TRUE(HasEvent("expect_rpcs: "));
  ASSERT_TRUE(ctx_->figures().has_value());
  EXPECT_EQ(ctx_->figures()->peers, 3);
  EXPECT_GE(ctx_->figures()->commands, 5);
}

// A quiet-period check does not blame the code under test for a stall of
// the whole process: the clock jumps 1 s during one of the stall watch's
// sleeps, and a term check that would fail (999 is never the term) is a
// warning that says why.
TEST_F(StepRunTest, AQuietPeriodCheckExcusesAStarvedProcess) {
  auto jumping = std::make_unique<testing::JumpingRuntime>(std::chrono::seconds(1), "stall watch");
  testing::JumpingRuntime* j = jumping.get();
  rt_ = std::move(jumping);
  j->Arm();
  const std::string start = "      - cluster: 3\n      - check_one_leader: {as: leader}\n";
  EXPECT_EQ(Run(start + "      - sleep: {ms: 100}\n      - check_terms: {same_as: 999}\n"), "");
  EXPECT_TRUE(j->Jumped());
  EXPECT_TRUE(HasEvent("warning: term changed from 999 to "));
  EXPECT_TRUE(HasEvent("(an overloaded machine), so this is not held against the code under test"));
}

TEST_F(StepRunTest, ChecksFailWithTheScenarioMessagesAndTheStepsPlace) {
  const std::string start = "      - cluster: 3\n      - check_one_leader: {as: leader}\n";
  EXPECT_THAT(Run(start + "      - one: 101\n      - committed: {index: 1, at_most: 0}\n"),
              HasSubstr("3 committed but no majority (index 1, at most 0 expected) (step 'committed' at "
                        "steps.yml:12:9)"));
  EXPECT_THAT(Run(start + "      - check_terms: {same_as: 999}\n"),
              ::testing::MatchesRegex("term changed from 999 to [0-9]+ even though there were no failures.*"));
  EXPECT_THAT(Run(start + "      - check_terms: {at_least: 1000}\n"), HasSubstr("but should be at least 1000"));
  EXPECT_EQ(Run(start + "      - check_terms: {same_as: 999, warn: true}\n"), "");
  EXPECT_TRUE(HasEvent("warning: term changed from 999 to "));
  EXPECT_THAT(Run(start + "      - check_one_leader: {not: leader}\n"), HasSubstr("no re-election: server"));
  EXPECT_THAT(Run(start + "      - check_one_leader: {same_as: leader+1}\n"),
              HasSubstr("even though there were no failures"));
  EXPECT_THAT(Run(start + "      - one: {command: 101, index: 5}\n"), HasSubstr("got index 1 but expected 5"));
  EXPECT_THAT(Run(start + "      - start: {peer: leader+1, command: 1, leader: true}\n"),
              HasSubstr("leader rejected Start()"));
  EXPECT_THAT(Run(start + "      - start: {peer: leader, command: 1, leader: false}\n"),
              HasSubstr("accepted Start() as leader"));
  EXPECT_THAT(Run(start + "      - start: {peer: leader, command: 1, index: 7}\n"),
              HasSubstr("expected index 7, got 1"));
  EXPECT_THAT(Run(start + "      - start: {peer: leader, command: 1, index_at_least: 2, index_at_most: 3}\n"),
              HasSubstr("unexpected index 1 from start() (expected at least 2 and at most 3)"));
  EXPECT_THAT(Run(start + "      - start: {peer: leader, command: 1, index_at_most: 0}\n"),
              HasSubstr("unexpected index 1 from start() (expected at most 0)"));
  EXPECT_THAT(Run(start + "      - one: 5\n      - wait: {index: 1, command: 6}\n"),
              HasSubstr("wrong value 5 committed for index 1; expected 6"));
  EXPECT_THAT(Run(start + "      - check_no_leader\n"), HasSubstr("expected no leader among connected servers"));
  EXPECT_THAT(Run(start + "      - expect_rpcs: {at_most: 0, steps: [{sleep: {ms: 300}}]}\n"),
              HasSubstr("too many RPCs ("));
  EXPECT_THAT(Run(start + "      - expect_rpcs: {at_least: 100000, steps: [{sleep: {ms: 10}}]}\n"),
              HasSubstr("too few RPCs ("));
  EXPECT_THAT(Run(start + "      - expect_rpcs: {bytes_at_most: 1, steps: [{one: 1}]}\n"),
              HasSubstr("too many RPC bytes; got"));
  EXPECT_THAT(Run(start + "      - partition: [[0, 1], [4]]\n"), HasSubstr("peer 1 is in two groups"));
}

TEST_F(StepRunTest, AFailureInsideABodyNamesTheInnermostStep) {
  const std::string failure =
      Run("      - cluster: 3\n"
          "      - check_one_leader\n"
          "      - repeat:\n"
          "          count: 3\n"
          "          steps:\n"
          "            - check_no_leader\n");
  EXPECT_THAT(failure, HasSubstr("(step 'check_no_leader' at steps.yml:14:15)"));
  EXPECT_THAT(failure, ::testing::Not(HasSubstr("step 'repeat'")));
}

TEST_F(StepRunTest, RandomChoicesFollowTheSeed) {
  const std::string steps =
      "      - cluster: 5\n"
      "      - random_peer: {as: a}\n"
      "      - random_peer: {as: b}\n"
      "      - random_peer: {as: c}\n"
      "      - random_peer: {as: d, except: [0, 1, 2, 3]}\n";
  auto picks = [&](uint64_t seed) {
    EXPECT_EQ(Run(steps, seed), "");
    std::string out;
    for (const std::string& e : ctx_->events()) {
      if (e.size() > 4 && e[1] == ' ' && e[2] == '=') out += e + ";";
    }
    return out;
  };
  const std::string first = picks(7);
  EXPECT_EQ(picks(7), first);               // the same seed chooses the same peers
  EXPECT_THAT(first, HasSubstr("d = 4;"));  // the only peer not excepted
  bool differs = false;
  for (uint64_t seed = 8; seed < 16 && !differs; seed++) differs = picks(seed) != first;
  EXPECT_TRUE(differs);  // and other seeds choose others
}

TEST_F(StepRunTest, KvVerbsPassOnTheReference) {
  const std::string failure =
      Run("      - kv_cluster: {servers: 3}\n"
          "      - get: {key: a, expect: ErrNoKey}\n"
          "      - put: {key: a, value: one}\n"
          "      - get: {key: a, value: one, version: 1}\n"
          "      - put: {key: a, value: two, version: 0, expect: ErrVersion}\n"
          "      - put: {key: b, value: x, version: 1, expect: ErrNoKey}\n"
          "      - put: {key: a, value: two, version: 1, clerk: other}\n"
          "      - get: {key: a, value: two, version: 2}\n"
          "      - clients: {clients: 3, seconds: 1}\n"
          "      - check_linearizable\n"
          "      - disconnect: 0\n"
          "      - connect: 0\n"
          "      - partition: [[0, 1], [2]]\n"
          "      - connect_all\n"
          "      - crash: 1\n"
          "      - restart: 1\n"
          "      - get: {key: a, value: two, version: 2}\n");
  EXPECT_EQ(failure, "");
  ASSERT_TRUE(ctx_->figures().has_value());
  EXPECT_GT(ctx_->figures()->ops, 5);
}

TEST_F(StepRunTest, KvChecksFailWithTheScenarioMessages) {
  const std::string start = "      - kv_cluster: {servers: 3}\n      - put: {key: a, value: one}\n";
  EXPECT_THAT(Run(start + "      - get: {key: a, value: other}\n"),
              HasSubstr("get(\"a\") returned (\"one\", 1, OK); expected (\"other\", any version, OK)"));
  EXPECT_THAT(Run(start + "      - get: {key: a, expect: ErrNoKey}\n"), HasSubstr("expected ErrNoKey"));
  EXPECT_THAT(Run(start + "      - put: {key: a, value: x, version: 0}\n"),
              HasSubstr("put(\"a\", \"x\", 0) returned ErrVersion; expected OK"));
  EXPECT_THAT(Run(start + "      - partition: [[0], [1], [2]]\n"), HasSubstr("exactly 2 groups, got 3"));
}

// --- preludes: steps on the fixture a C++ scenario builds --------------------

// Stand-in scenarios: they give a prelude its fixture kind (the loader
// checks the prelude against it); the tests pass their own bodies to the
// prelude runner, so these are never called.
void NeverCalled(TestContext& ctx) { ctx.Fail("a stand-in scenario body ran"); }
RAFTLAB_REGISTER_SCENARIO({"prelude_test_raft", "builds a Raft Cluster", {}, &NeverCalled, StepFixture::kRaft});
RAFTLAB_REGISTER_SCENARIO({"prelude_test_kv", "builds a KvCluster", {}, &NeverCalled, StepFixture::kKv});

ClusterOptions ThreeServers() {
  ClusterOptions o;
  o.servers = 3;
  return o;
}

TEST_F(StepRunTest, APreludeRunsOnTheScenariosOwnFixtureBeforeItsFirstAction) {
  bool ran = false, connected = true;
  ApplyChecker::Committed first;
  const std::string failure = RunWithPrelude("prelude_test_raft",
                                             "      - disconnect: n-1\n"
                                             "      - one: {command: 7, servers: 2, as: idx}\n",
                                             [&](TestContext& ctx) {
                                               Cluster c(ctx, ThreeServers());
                                               // The scenario's first look at its fixture: the prelude has run.
                                               ran = true;
                                               connected = c.IsConnected(2);
                                               first = c.NCommitted(1);
                                               c.Connect(2);
                                               c.One(IntCommand(8), 3, true);
                                               c.End();
                                             });
  EXPECT_EQ(failure, "");
  EXPECT_TRUE(ran);
  EXPECT_FALSE(connected);  // the prelude's disconnect, on the scenario's own Cluster
  EXPECT_GE(first.count, 2);
  EXPECT_EQ(first.command, IntCommand(7));
  EXPECT_TRUE(HasEvent("prelude of scenario 'prelude_test_raft': 2 steps (prelude.yml:10:"));
  EXPECT_TRUE(HasEvent("idx = 1"));
  EXPECT_TRUE(HasEvent("prelude done; scenario 'prelude_test_raft' goes on"));
  EXPECT_FALSE(ctx_->has_fixture_hook());
}

TEST_F(StepRunTest, APreludeCheckThatFailsSaysItWasInThePrelude) {
  bool after_construction = false;
  const std::string failure = RunWithPrelude("prelude_test_raft",
                                             "      - disconnect: 0\n"
                                             "      - committed: {index: 1, at_least: 1}\n",
                                             [&](TestContext& ctx) {
                                               Cluster c(ctx, ThreeServers());
                                               after_construction = true;
                                             });
  EXPECT_THAT(failure, HasSubstr("(step 'committed' at prelude.yml:11:9, in the steps prelude, before scenario "
                                 "'prelude_test_raft' began)"));
  EXPECT_FALSE(after_construction);  // the failed prelude ends the test inside the fixture's construction
  EXPECT_FALSE(ctx_->has_fixture_hook());
}

TEST_F(StepRunTest, APreludeRunsOnTheFirstFixtureOnly) {
  bool first_cut = false, second_cut = true;
  EXPECT_EQ(RunWithPrelude("prelude_test_raft", "      - disconnect: 0\n",
                           [&](TestContext& ctx) {
                             {
                               Cluster a(ctx, ThreeServers());
                               first_cut = !a.IsConnected(0);
                             }
                             Cluster b(ctx, ThreeServers());
                             second_cut = !b.IsConnected(0);
                           }),
            "");
  EXPECT_TRUE(first_cut);
  EXPECT_FALSE(second_cut);
}

TEST_F(StepRunTest, AScenarioThatBuildsNoFixtureCannotSkipItsPrelude) {
  EXPECT_THROW(RunWithPrelude("prelude_test_raft", "      - disconnect: 0\n", [](TestContext&) {}), std::logic_error);
  EXPECT_FALSE(ctx_->has_fixture_hook());
  // Nor can one build another fixture than it is registered with.
  KvClusterOptions kv;
  kv.servers = 3;
  try {
    RunWithPrelude("prelude_test_raft", "      - disconnect: 0\n", [&](TestContext& ctx) { KvCluster c(ctx, kv); });
    ADD_FAILURE() << "no logic_error";
  } catch (const std::logic_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("scenario 'prelude_test_raft' is registered as building a raft fixture but "
                                    "built a kv one"));
  }
}

TEST_F(StepRunTest, APreludeOnAKvScenarioUsesItsClerksAndServers) {
  KvClusterOptions o;
  o.servers = 3;
  KvClerk::GetResult got;
  bool cut = false;
  EXPECT_EQ(RunWithPrelude("prelude_test_kv",
                           "      - put: {key: a, value: from-prelude}\n"
                           "      - disconnect: 0\n",
                           [&](TestContext& ctx) {
                             KvCluster c(ctx, o);
                             cut = !c.IsConnected(0);
                             got = c.MakeClerk().Get("a");
                           }),
            "");
  EXPECT_TRUE(cut);
  EXPECT_EQ(got.err, RAFTLAB_OK);
  EXPECT_EQ(got.value, "from-prelude");
  EXPECT_EQ(got.version, 1u);
}

TEST_F(StepRunTest, APreludesRandomChoicesFollowTheSeed) {
  auto pick = [&](uint64_t seed) {
    EXPECT_EQ(RunWithPrelude("prelude_test_raft", "      - random_peer: {as: v}\n      - disconnect: v\n",
                             [](TestContext& ctx) { Cluster c(ctx, ThreeServers()); }, seed),
              "");
    for (const std::string& e : ctx_->events()) {
      if (e.rfind("v = ", 0) == 0) return e;
    }
    return std::string("no pick");
  };
  const std::string first = pick(3);
  EXPECT_NE(first, "no pick");
  EXPECT_EQ(pick(3), first);
  bool differs = false;
  for (uint64_t seed = 4; seed < 12 && !differs; seed++) differs = pick(seed) != first;
  EXPECT_TRUE(differs);
}

TEST_F(StepRunTest, AnAdoptedFixtureOutlivesTheStepRun) {
  auto cat = ParseCatalogue(
      "version: 1\n"
      "parts: [{part: 1, name: p, points: 1}]\n"
      "tests:\n"
      "  - {name: t, part: 1, points: 1, scenario: prelude_test_raft, steps: [{crash: 1}, {check_one_leader: l}]}\n",
      "adopt.yml", ScenarioRegistry::Global());
  ASSERT_TRUE(cat.ok()) << cat.status().message();
  ctx_ = std::make_unique<FakeTestContext>(*rt_, lib_.get(), 5);
  ctx_->mutable_spec() = cat->tests[0];
  Cluster c(*ctx_, ThreeServers());
  {
    StepRun run(*ctx_, ScenarioRegistry::Global().steps());
    run.Adopt(c);
    EXPECT_EQ(run.n(), 3);
    EXPECT_THROW(run.Adopt(c), std::logic_error);  // one fixture per run
    run.RunPrelude(*cat->tests[0].steps, "prelude_test_raft");
  }
  // The StepRun is gone; the fixture, with what the prelude did, is not.
  EXPECT_FALSE(c.IsUp(1));
  EXPECT_GE(c.One(IntCommand(3), 2, true), 1);
  c.End();
}

TEST_F(StepRunTest, AppendIsRefusedWithWhatToWriteInstead) {
  auto cat = ParseCatalogue(
      "version: 1\n"
      "parts: [{part: 1, name: p, points: 1}]\n"
      "tests:\n"
      "  - name: t\n"
      "    part: 1\n"
      "    points: 1\n"
      "    steps:\n"
      "      - kv_cluster: 3\n"
      "      - append: {key: a, value: b}\n",
      "append.yml", ScenarioRegistry::Global());
  ASSERT_FALSE(cat.ok());
  EXPECT_EQ(cat.status().message(),
            "append.yml:9:9: there is no step verb 'append': the KV ABI (include/raftlab/raftlab.h) is MIT 2025's "
            "versioned Put/Get, which has no Append; to extend a value, read it and put the whole new value "
            "conditional on the version read ('- get: {key: k, value: ab, version: 1}' then '- put: {key: k, "
            "value: abc, version: 1}'), or write a C++ scenario (harness/kv/scenarios/) for anything more");
}

// docs/STEPS.md carries the verb reference that --list-steps prints, as
// Markdown; RAFTLAB_REWRITE_DOCS=1 rewrites it from the registry.
TEST(StepDocsTest, DocsHaveTheCurrentVerbReference) {
  const std::string path = std::string(RAFTLAB_SOURCE_DIR) + "/docs/STEPS.md";
  std::ifstream in(path);
  ASSERT_TRUE(in) << path;
  std::stringstream buf;
  buf << in.rdbuf();
  std::string doc = buf.str();
  const std::string begin = "<!-- BEGIN VERB REFERENCE -->\n", end = "<!-- END VERB REFERENCE -->";
  const size_t b = doc.find(begin), e = doc.find(end);
  ASSERT_NE(b, std::string::npos);
  ASSERT_NE(e, std::string::npos);
  const std::string want = StepReference(ScenarioRegistry::Global().steps(), /*markdown=*/true);
  const std::string have = doc.substr(b + begin.size(), e - b - begin.size());
  const char* rewrite = std::getenv("RAFTLAB_REWRITE_DOCS");
  if (rewrite && std::string(rewrite) == "1") {
    doc.replace(b + begin.size(), e - b - begin.size(), want);
    std::ofstream(path) << doc;
    return;
  }
  EXPECT_EQ(have, want) << "docs/STEPS.md's verb reference is stale: run this test with RAFTLAB_REWRITE_DOCS=1";
}

}  // namespace
}  // namespace raftlab
