// Tests of the YAML catalogue loader (harness/catalogue/config.cc): every kind of error
// names file:line:column and says how to fix it.
#include "harness/catalogue/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include <yaml-cpp/yaml.h>

namespace raftlab {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class ConfigTest : public ::testing::Test {
 protected:
  ConfigTest() {
    registry_.Register({"initial_election",
                        "elect a leader",
                        {{"servers", ParamType::kInt, int64_t{3}, "peers"},
                         {"reliable", ParamType::kBool, true, "network"},
                         {"ratio", ParamType::kDouble, 0.5, "a number"},
                         {"label", ParamType::kString, std::string("x"), "a string"}},
                        [](TestContext&) {}});
    registry_.Register({"basic_agree", "agree", {}, [](TestContext&) {}, StepFixture::kRaft});
    registry_.Register({"kv_basic",
                        "kv",
                        {{"servers", ParamType::kInt, int64_t{5}, "servers"}},
                        [](TestContext&) {},
                        StepFixture::kKv});
    // Stand-in step verbs (the real ones are in harness/steps/).
    StepArgSpec servers{"servers", StepArgType::kInt, false, "3", 1.0, 9.0, {}, "peers"};
    StepArgSpec as{"as", StepArgType::kBind, false, "", std::nullopt, std::nullopt, {}, "name"};
    StepArgSpec peer{"peer", StepArgType::kPeers, true, "", std::nullopt, std::nullopt, {}, "peer"};
    StepArgSpec key{"key", StepArgType::kString, true, "", std::nullopt, std::nullopt, {}, "key"};
    auto noop = [](StepRun&, const Step&) {};
    registry_.steps().Register({"cluster", StepFixture::kRaft, true, "servers", {servers}, "", "", nullptr, noop});
    registry_.steps().Register({"check_one_leader", StepFixture::kRaft, false, "as", {as}, "", "", nullptr, noop});
    registry_.steps().Register({"disconnect", StepFixture::kAny, false, "peer", {peer}, "", "", nullptr, noop});
    registry_.steps().Register({"get", StepFixture::kKv, false, "key", {key}, "", "", nullptr, noop});
  }

  StatusOr<Catalogue> Parse(const std::string& text) { return ParseCatalogue(text, "cfg.yml", registry_); }

  // The error message of parsing text (fails the test when it parses).
  std::string Error(const std::string& text) {
    auto c = Parse(text);
    EXPECT_FALSE(c.ok()) << "parsed unexpectedly";
    if (c.ok()) return "";
    EXPECT_EQ(c.status().code(), Status::Code::kConfig);
    return c.status().message();
  }

  ScenarioRegistry registry_;
};

const char* kHeader =
    "version: 1\n"
    "parts:\n"
    "  - {part: 1, name: leader election, points: 20}\n"
    "tests:\n";

TEST_F(ConfigTest, ValidCatalogueFillsDefaults) {
  auto c = Parse(std::string(kHeader) +
                 "  - name: 3A-initial-election\n"
                 "    part: 1\n"
                 "    points: 20\n"
                 "    scenario: initial_election\n"
                 "    params: {servers: 5, ratio: 2}\n");
  ASSERT_TRUE(c.ok()) << c.status().message();
  ASSERT_EQ(c->tests.size(), 1u);
  const TestSpec& t = c->tests[0];
  EXPECT_EQ(t.name, "3A-initial-election");
  EXPECT_EQ(t.part, 1);
  EXPECT_EQ(t.description, "3A-initial-election");  // defaults to the name
  EXPECT_EQ(t.timeout_s, 120);
  EXPECT_EQ(t.repeat, 1);
  EXPECT_EQ(t.source, "cfg.yml:5");
  EXPECT_EQ(t.params.Int("servers"), 5);
  EXPECT_TRUE(t.params.Bool("reliable"));          // default
  EXPECT_DOUBLE_EQ(t.params.Double("ratio"), 2.0); // an integer is a valid number
  EXPECT_EQ(t.params.String("label"), "x");        // default
  EXPECT_TRUE(c->warnings.empty());
  ASSERT_EQ(c->parts.size(), 1u);
  EXPECT_EQ(c->parts[0].name, "leader election");
  EXPECT_EQ(c->FindTest("3A-initial-election"), &c->tests[0]);
  EXPECT_EQ(c->FindTest("nope"), nullptr);
  EXPECT_EQ(NetworkLabel(t), "reliable network");
}

TEST_F(ConfigTest, UnknownKeySuggestsTheClosestOne) {
  std::string e = Error(std::string(kHeader) +
                        "  - name: 3A-initial-election\n"
                        "    part: 1\n"
                        "    points: 20\n"
                        "    timout: 30\n"
                        "    scenario: initial_election\n");
  EXPECT_EQ(e, "cfg.yml:8:5: unknown key 'timout' in test '3A-initial-election' (did you mean 'timeout'?)");
}

TEST_F(ConfigTest, UnknownKeyWithoutCloseMatchListsTheKnownOnes) {
  std::string e = Error(std::string(kHeader) + "  - {name: a, part: 1, points: 20, scenario: basic_agree, zzzzzz: 1}\n");
  EXPECT_THAT(e, HasSubstr("cfg.yml:5:59: unknown key 'zzzzzz' in test 'a' (known keys: name, part,"));
}

TEST_F(ConfigTest, WrongTypeNamesTheValue) {
  std::string e = Error(std::string(kHeader) + "  - {name: a, part: 1, points: many, scenario: basic_agree}\n");
  EXPECT_EQ(e, "cfg.yml:5:32: 'points' in test 'a' must be a number, got 'many'");
  e = Error(std::string(kHeader) + "  - {name: a, part: one, points: 20, scenario: basic_agree}\n");
  EXPECT_EQ(e, "cfg.yml:5:21: 'part' in test 'a' must be an integer, got 'one'");
  e = Error(std::string(kHeader) + "  - {name: a, part: 1, points: 20, scenario: [x]}\n");
  EXPECT_EQ(e, "cfg.yml:5:46: 'scenario' must be a string, got a list");
}

TEST_F(ConfigTest, MissingRequiredKeyPointsAtTheEntry) {
  std::string e = Error(std::string(kHeader) +
                        "  - name: a\n"
                        "    part: 1\n"
                        "    scenario: basic_agree\n");
  EXPECT_EQ(e, "cfg.yml:5:5: missing required key 'points' in test 'a'");
}

TEST_F(ConfigTest, DuplicateTestNamesNameTheFirstLine) {
  std::string e = Error(std::string(kHeader) +
                        "  - {name: a, part: 1, points: 10, scenario: basic_agree}\n"
                        "  - {name: a, part: 1, points: 10, scenario: basic_agree}\n");
  EXPECT_EQ(e, "cfg.yml:6:12: duplicate test name 'a' (first defined at line 5); rename one");
}

TEST_F(ConfigTest, DuplicateKeyInOneEntry) {
  std::string e = Error(std::string(kHeader) +
                        "  - name: a\n"
                        "    part: 1\n"
                        "    points: 20\n"
                        "    points: 20\n"
                        "    scenario: basic_agree\n");
  EXPECT_EQ(e, "cfg.yml:8:5: key 'points' appears twice in test 'a' (keep one)");
}

TEST_F(ConfigTest, UnknownScenarioSuggestsARegisteredOne) {
  std::string e = Error(std::string(kHeader) + "  - {name: a, part: 1, points: 20, scenario: initial_elction}\n");
  EXPECT_EQ(e, "cfg.yml:5:46: unknown scenario 'initial_elction' in test 'a' (did you mean 'initial_election'?)");
  e = Error(std::string(kHeader) + "  - {name: a, part: 1, points: 20, scenario: qqq}\n");
  EXPECT_EQ(e, "cfg.yml:5:46: unknown scenario 'qqq' in test 'a' (`labtest --list -v` shows the scenarios)");
}

TEST_F(ConfigTest, UnknownParameter) {
  std::string e = Error(std::string(kHeader) +
                        "  - name: a\n"
                        "    part: 1\n"
                        "    points: 20\n"
                        "    scenario: initial_election\n"
                        "    params: {servres: 3}\n");
  EXPECT_EQ(e, "cfg.yml:9:14: unknown parameter 'servres' for scenario 'initial_election' in test 'a' (did you "
               "mean 'servers'?)");
  e = Error(std::string(kHeader) + "  - {name: a, part: 1, points: 20, scenario: basic_agree, params: {x: 1}}\n");
  EXPECT_THAT(e, HasSubstr("unknown parameter 'x' for scenario 'basic_agree' in test 'a' (it takes no parameters)"));
}

TEST_F(ConfigTest, WrongParameterTypes) {
  auto with_params = [&](const std::string& params) {
    return Error(std::string(kHeader) + "  - {name: a, part: 1, points: 20, scenario: initial_election, params: " +
                 params + "}\n");
  };
  EXPECT_EQ(with_params("{servers: three}"),
            "cfg.yml:5:82: parameter 'servers' in test 'a' must be an integer, got 'three'");
  // A quoted "3" is a string, not an integer.
  EXPECT_EQ(with_params("{servers: \"3\"}"),
            "cfg.yml:5:82: parameter 'servers' in test 'a' must be an integer, got '3'");
  EXPECT_EQ(with_params("{servers: 2.5}"),
            "cfg.yml:5:82: parameter 'servers' in test 'a' must be an integer, got '2.5'");
  EXPECT_EQ(with_params("{reliable: maybe}"),
            "cfg.yml:5:83: parameter 'reliable' in test 'a' must be true or false, got 'maybe'");
  EXPECT_EQ(with_params("{ratio: [1]}"), "cfg.yml:5:80: parameter 'ratio' in test 'a' must be a number, got 'a list'");
  EXPECT_EQ(with_params("{label: {x: 1}}"),
            "cfg.yml:5:80: parameter 'label' in test 'a' must be a string, got 'a mapping'");
  EXPECT_EQ(with_params("[1, 2]"),
            "cfg.yml:5:72: 'params' in test 'a' must be a mapping like '{servers: 3, reliable: true}'");
}

TEST_F(ConfigTest, PartMustBeDeclared) {
  std::string e = Error(std::string(kHeader) + "  - {name: a, part: 2, points: 20, scenario: basic_agree}\n");
  EXPECT_EQ(e, "cfg.yml:5:21: part 2 in test 'a' is not declared under 'parts:' (add it there)");
}

TEST_F(ConfigTest, NumbersMustBePositive) {
  EXPECT_EQ(Error(std::string(kHeader) + "  - {name: a, part: 1, points: 0, scenario: basic_agree}\n"),
            "cfg.yml:5:32: 'points' in test 'a' must be positive, got 0");
  EXPECT_EQ(Error(std::string(kHeader) + "  - {name: a, part: 1, points: 20, timeout: -1, scenario: basic_agree}\n"),
            "cfg.yml:5:45: 'timeout' in test 'a' must be a positive number of seconds, got -1");
  EXPECT_EQ(Error(std::string(kHeader) + "  - {name: a, part: 1, points: 20, repeat: 0, scenario: basic_agree}\n"),
            "cfg.yml:5:44: 'repeat' in test 'a' must be at least 1, got 0");
  EXPECT_EQ(Error("version: 1\nparts:\n  - {part: 1, name: x, points: -5}\ntests: []\n"),
            "cfg.yml:3:32: 'points' must be positive, got -5");
}

TEST_F(ConfigTest, BadTestNames) {
  EXPECT_EQ(Error(std::string(kHeader) + "  - {name: 'a b', part: 1, points: 20, scenario: basic_agree}\n"),
            "cfg.yml:5:12: test name 'a b' may only use letters, digits, '-', '_' and '.'");
}

TEST_F(ConfigTest, TopLevelProblems) {
  EXPECT_EQ(Error(""), "cfg.yml: the file is empty; it needs 'version: 1', 'parts:' and 'tests:'");
  EXPECT_EQ(Error("- 1\n"), "cfg.yml:1:1: the top level must be a mapping with 'version', 'parts' and 'tests'");
  EXPECT_EQ(Error("version: 2\nparts: []\ntests: []\n"),
            "cfg.yml:1:10: unsupported version 2 (this labtest reads version 1)");
  EXPECT_EQ(Error("parts: []\ntests: []\n"), "cfg.yml:1:1: missing 'version: 1' at the top level");
  EXPECT_EQ(Error("version: 1\nparts: []\ntests: []\nsuites: []\n"),
            "cfg.yml:4:1: unknown key 'suites' at the top level (known keys: version, parts, tests, grading, defaults)");
  EXPECT_EQ(Error("version: 1\nparts: []\ntests: {a: 1}\n"),
            "cfg.yml:3:8: 'tests' must be a list of test entries ('- name: ...')");
}

TEST_F(ConfigTest, PartDeclaredTwice) {
  EXPECT_EQ(Error("version: 1\nparts:\n  - {part: 1, name: a, points: 1}\n  - {part: 1, name: b, points: 1}\n"
                  "tests: []\n"),
            "cfg.yml:4:12: part 1 is declared twice (first as 'a')");
}

TEST_F(ConfigTest, YamlSyntaxErrorHasPosition) {
  std::string e = Error("version: 1\nparts: [\n  - {part: 1\n");
  EXPECT_THAT(e, ::testing::StartsWith("cfg.yml:"));
  EXPECT_THAT(e, HasSubstr("YAML syntax error"));
  EXPECT_THAT(e, ::testing::MatchesRegex("cfg\\.yml:[0-9]+:[0-9]+: YAML syntax error: .*"));
}

TEST_F(ConfigTest, ReportsEveryProblemAtOnce) {
  std::string e = Error(std::string(kHeader) +
                        "  - {name: a, part: 1, points: 20, scenario: nope}\n"
                        "  - {name: b, part: 1, points: 20, scenario: basic_agree, extra: 1}\n");
  EXPECT_THAT(e, HasSubstr("cfg.yml:5:46: unknown scenario 'nope'"));
  EXPECT_THAT(e, HasSubstr("cfg.yml:6:59: unknown key 'extra' in test 'b'"));
}

TEST_F(ConfigTest, WarnsWhenPartPointsDoNotAddUp) {
  auto c = Parse(std::string(kHeader) + "  - {name: a, part: 1, points: 15, scenario: basic_agree}\n");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_THAT(c->warnings,
              ElementsAre("cfg.yml: part 1 (leader election) declares 20 points but its tests sum to 15"));
}

TEST_F(ConfigTest, LoadCatalogueFromFile) {
  const std::string path = ::testing::TempDir() + "/config_test.yml";
  {
    std::ofstream out(path);
    out << kHeader << "  - {name: a, part: 1, points: 20, scenario: basic_agree, timeout: 7.5, repeat: 3}\n";
  }
  auto c = LoadCatalogue(path, registry_);
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->tests[0].timeout_s, 7.5);
  EXPECT_EQ(c->tests[0].repeat, 3);
  EXPECT_EQ(c->tests[0].source, path + ":5");
  std::remove(path.c_str());

  auto missing = LoadCatalogue(path + ".missing", registry_);
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
  EXPECT_THAT(missing.status().message(), HasSubstr("cannot open the test catalogue"));
}

TEST_F(ConfigTest, GradingPolicyIsOptionalAndValidated) {
  const std::string test = "  - {name: a, part: 1, points: 20, scenario: basic_agree}\n";
  auto none = Parse(std::string(kHeader) + test);
  ASSERT_TRUE(none.ok()) << none.status().message();
  EXPECT_EQ(none->grading_policy, "");  // grade.sh then defaults to all-or-nothing

  auto rate = Parse(std::string(kHeader) + test + "grading: {policy: pass-rate}\n");
  ASSERT_TRUE(rate.ok()) << rate.status().message();
  EXPECT_EQ(rate->grading_policy, "pass-rate");

  auto strict = Parse(std::string(kHeader) + test + "grading:\n  policy: all-or-nothing\n");
  ASSERT_TRUE(strict.ok()) << strict.status().message();
  EXPECT_EQ(strict->grading_policy, "all-or-nothing");

  EXPECT_THAT(Error(std::string(kHeader) + test + "grading: {policy: pass-rat}\n"),
              HasSubstr("cfg.yml:6:19: unknown grading policy 'pass-rat' (did you mean 'pass-rate'?)"));
  EXPECT_THAT(Error(std::string(kHeader) + test + "grading: {polcy: pass-rate}\n"),
              HasSubstr("unknown key 'polcy' under 'grading' (did you mean 'policy'?)"));
  EXPECT_THAT(Error(std::string(kHeader) + test + "grading: pass-rate\n"),
              HasSubstr("'grading' must be a mapping"));
}

// --- steps: tests (issue 15) ---------------------------------------------------

TEST_F(ConfigTest, StepsTestIsCompiledWithPositions) {
  auto c = Parse(std::string(kHeader) +
                 "  - name: s\n"
                 "    part: 1\n"
                 "    points: 20\n"
                 "    steps:\n"
                 "      - cluster: {servers: 5}\n"
                 "      - check_one_leader: {as: leader}\n");
  ASSERT_TRUE(c.ok()) << c.status().message();
  const TestSpec& t = c->tests[0];
  ASSERT_TRUE(t.IsSteps());
  EXPECT_EQ(t.scenario, "");
  ASSERT_EQ(t.steps->steps.size(), 2u);
  EXPECT_EQ(t.steps->steps[0].where, "cfg.yml:9:9");
  EXPECT_EQ(t.steps->steps[0].args.at("servers").scalar, "5");
  EXPECT_EQ(t.steps->steps[0].args.at("servers").where, "cfg.yml:9:28");
  EXPECT_EQ(t.steps->steps[1].args.at("as").scalar, "leader");
  EXPECT_FALSE(c->FindTest("s")->steps == nullptr);
}

TEST_F(ConfigTest, StepErrorsNameTheirLineAndColumn) {
  std::string e = Error(std::string(kHeader) +
                        "  - name: s\n"
                        "    part: 1\n"
                        "    points: 20\n"
                        "    steps:\n"
                        "      - cluster: {servers: 50}\n"
                        "      - check_one_ledaer: {as: leader}\n");
  EXPECT_EQ(e,
            "cfg.yml:9:28: 'servers' of 'cluster' must be between 1 and 9, got 50\n"
            "cfg.yml:10:9: unknown step verb 'check_one_ledaer' (did you mean 'check_one_leader'?)");
}

TEST_F(ConfigTest, ScenarioOrStepsOrBoth) {
  EXPECT_EQ(Error(std::string(kHeader) + "  - {name: a, part: 1, points: 20}\n"),
            "cfg.yml:5:5: missing 'scenario:' or 'steps:' in test 'a' (a test runs 'scenario:' a C++ scenario, "
            "'steps:' a list of steps, or both: steps as the scenario's prelude; see docs/STEPS.md)");
  EXPECT_THAT(Error(std::string(kHeader) + "  - {name: a, part: 1, points: 20, steps: [cluster], params: {x: 1}}\n"),
              HasSubstr("'params' in test 'a' belongs to a 'scenario:' test"));
}

// --- a prelude: steps beside a scenario ----------------------------------------

TEST_F(ConfigTest, StepsBesideAScenarioAreItsPrelude) {
  auto c = Parse(std::string(kHeader) +
                 "  - name: p\n"
                 "    part: 1\n"
                 "    points: 20\n"
                 "    scenario: kv_basic\n"
                 "    params: {servers: 3}\n"
                 "    steps:\n"
                 "      - disconnect: n-1\n"
                 "      - get: {key: a}\n");
  ASSERT_TRUE(c.ok()) << c.status().message();
  const TestSpec& t = c->tests[0];
  EXPECT_TRUE(t.HasPrelude());
  EXPECT_FALSE(t.IsSteps());
  EXPECT_STREQ(t.KindLabel(), "C++ + steps prelude");
  EXPECT_EQ(t.scenario, "kv_basic");
  EXPECT_EQ(t.params.Int("servers"), 3);
  ASSERT_NE(t.steps, nullptr);
  EXPECT_TRUE(t.steps->prelude);
  EXPECT_EQ(t.steps->fixture, StepFixture::kKv);
  ASSERT_EQ(t.steps->steps.size(), 2u);
  EXPECT_EQ(t.steps->steps[0].where, "cfg.yml:11:9");
  // A plain scenario test and a steps test say what they are too.
  c = Parse(std::string(kHeader) + "  - {name: a, part: 1, points: 20, scenario: basic_agree}\n" +
            "  - {name: s, part: 1, points: 20, steps: [cluster]}\n");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_STREQ(c->tests[0].KindLabel(), "C++");
  EXPECT_FALSE(c->tests[0].HasPrelude());
  EXPECT_STREQ(c->tests[1].KindLabel(), "steps");
}

TEST_F(ConfigTest, APreludeMayNotStartAFixtureOrUseTheOtherFixturesVerbs) {
  const std::string head = std::string(kHeader) +
                           "  - name: p\n"
                           "    part: 1\n"
                           "    points: 20\n"
                           "    scenario: basic_agree\n"
                           "    steps:\n";
  EXPECT_EQ(Error(head +
                  "      - disconnect: 0\n"
                  "      - cluster: {servers: 3}\n"),
            "cfg.yml:11:9: 'cluster' starts a fixture, but these steps are the prelude of scenario 'basic_agree', "
            "which builds its own (a Raft cluster, sized by its params) and runs the prelude on it; remove this "
            "step (a test that starts its own fixture is a steps test, without 'scenario:')");
  EXPECT_EQ(Error(head + "      - get: {key: a}\n"),
            "cfg.yml:10:9: 'get' is a KV verb, but scenario 'basic_agree' builds a Raft cluster, so its prelude is "
            "a Raft prelude; use Raft verbs, or the verbs of both fixtures (disconnect, crash, sleep...)");
  EXPECT_THAT(Error(std::string(kHeader) +
                    "  - {name: q, part: 1, points: 20, scenario: kv_basic, steps: [check_one_leader]}\n"),
              HasSubstr("'check_one_leader' is a Raft verb, but scenario 'kv_basic' builds a KV cluster"));
  // A scenario that does not say which fixture it builds takes no prelude.
  EXPECT_THAT(Error(std::string(kHeader) +
                    "  - {name: r, part: 1, points: 20, scenario: initial_election, steps: [{disconnect: 0}]}\n"),
              HasSubstr("cfg.yml:5:71: scenario 'initial_election' in test 'r' does not say which fixture it "
                        "builds, so it cannot have a steps prelude"));
  // An unknown scenario is reported once; its prelude is not checked.
  EXPECT_EQ(Error(std::string(kHeader) +
                  "  - {name: u, part: 1, points: 20, scenario: nope, steps: [{cluster: 3}]}\n"),
            "cfg.yml:5:46: unknown scenario 'nope' in test 'u' (`labtest --list -v` shows the scenarios)");
}

TEST_F(ConfigTest, DefaultsFillWhatAnEntryLeavesOut) {
  auto c = Parse(
      "version: 1\n"
      "defaults: {part: 1, points: 5, timeout: 60, repeat: 3, params: {servers: 7, reliable: false}}\n"
      "parts:\n"
      "  - {part: 1, name: leader election, points: 20}\n"
      "  - {part: 2, name: agreement, points: 5}\n"
      "tests:\n"
      "  - {name: a, scenario: initial_election}\n"
      "  - {name: b, scenario: initial_election, timeout: 30, params: {servers: 3}}\n"
      "  - {name: c, part: 2, scenario: basic_agree}\n"
      "  - {name: d, points: 10, steps: [cluster]}\n");
  ASSERT_TRUE(c.ok()) << c.status().message();
  const TestSpec& a = c->tests[0];
  EXPECT_EQ(a.part, 1);
  EXPECT_EQ(a.points, 5);
  EXPECT_EQ(a.timeout_s, 60);
  EXPECT_EQ(a.repeat, 3);
  EXPECT_EQ(a.params.Int("servers"), 7);
  EXPECT_FALSE(a.params.Bool("reliable"));
  const TestSpec& b = c->tests[1];
  EXPECT_EQ(b.timeout_s, 30);               // the entry's own value wins
  EXPECT_EQ(b.params.Int("servers"), 3);    // key by key
  EXPECT_FALSE(b.params.Bool("reliable"));  // the other default still applies
  const TestSpec& cc = c->tests[2];
  EXPECT_EQ(cc.part, 2);
  EXPECT_TRUE(cc.params.values().empty());  // basic_agree declares no servers: the default does not apply
  EXPECT_EQ(c->tests[3].points, 10);
  EXPECT_EQ(c->tests[3].repeat, 3);
  EXPECT_TRUE(c->tests[3].IsSteps());
}

TEST_F(ConfigTest, DefaultsAreCheckedLikeEntries) {
  const std::string rest =
      "parts:\n"
      "  - {part: 1, name: leader election, points: 20}\n"
      "tests:\n"
      "  - {name: a, points: 20, scenario: initial_election}\n";
  EXPECT_THAT(Error("version: 1\ndefaults: {part: 1, timout: 5}\n" + rest),
              HasSubstr("cfg.yml:2:21: unknown key 'timout' under 'defaults' (did you mean 'timeout'?)"));
  EXPECT_THAT(Error("version: 1\ndefaults: {part: 1, params: {servres: 5}}\n" + rest),
              HasSubstr("cfg.yml:2:30: default parameter 'servres' is not a parameter of any scenario (did you "
                        "mean 'servers'?)"));
  EXPECT_THAT(Error("version: 1\ndefaults: {part: 1, params: {servers: many}}\n" + rest),
              HasSubstr("cfg.yml:2:39: default parameter 'servers' must be an integer for scenario "
                        "'initial_election' (in test 'a'), got 'many'"));
  EXPECT_THAT(Error("version: 1\ndefaults: {part: 1, timeout: -1}\n" + rest),
              HasSubstr("cfg.yml:2:30: 'timeout' in test 'a' must be a positive number of seconds, got -1"));
  EXPECT_THAT(Error("version: 1\ndefaults: [1]\n" + rest), HasSubstr("'defaults' must be a mapping"));
}

// `checks` (issue 16): what a test demands. Optional for a course's own
// catalogue; an unknown value is an error with its position and a hint.
TEST_F(ConfigTest, ChecksTagIsOptionalAndValidated) {
  auto c = Parse(std::string(kHeader) +
                 "  - {name: a, part: 1, points: 10, scenario: basic_agree, checks: performance}\n"
                 "  - {name: b, part: 1, points: 5, scenario: basic_agree, checks: safety}\n"
                 "  - name: c\n"
                 "    part: 1\n"
                 "    points: 5\n"
                 "    checks: liveness\n"
                 "    scenario: basic_agree\n"
                 "  - {name: d, part: 1, points: 0.5, scenario: basic_agree}\n");
  ASSERT_TRUE(c.ok()) << c.status().message();
  ASSERT_EQ(c->tests.size(), 4u);
  EXPECT_EQ(c->tests[0].checks, "performance");
  EXPECT_EQ(c->tests[1].checks, "safety");
  EXPECT_EQ(c->tests[2].checks, "liveness");
  EXPECT_EQ(c->tests[3].checks, "");  // not said

  EXPECT_EQ(Error(std::string(kHeader) + "  - {name: a, part: 1, points: 20, scenario: basic_agree, checks: safty}\n"),
            "cfg.yml:5:67: unknown 'checks' value 'safty' in test 'a' (did you mean 'safety'?)");
  EXPECT_EQ(Error(std::string(kHeader) + "  - {name: a, part: 1, points: 20, scenario: basic_agree, checks: speed}\n"),
            "cfg.yml:5:67: unknown 'checks' value 'speed' in test 'a' (one of: safety, liveness, performance)");
  EXPECT_THAT(Error(std::string(kHeader) + "  - {name: a, part: 1, points: 20, scenario: basic_agree, checks: [x]}\n"),
              HasSubstr("cfg.yml:5:67: 'checks' in test 'a' must be a string, got a list"));
}

TEST(DemandTest, KindsAndLabels) {
  EXPECT_THAT(DemandKinds(), ElementsAre("safety", "liveness", "performance"));
  EXPECT_THAT(DemandLabel("performance"), HasSubstr("RPC counts, bytes or latency"));
  EXPECT_THAT(DemandLabel("safety"), HasSubstr("Raft paper"));
  EXPECT_THAT(DemandLabel("liveness"), HasSubstr("time bounds"));
  EXPECT_EQ(DemandLabel(""), "");
}

// The shipped catalogue says what every one of its tests demands, with a
// known value (the loader would accept a missing tag; this file may not).
TEST(ShippedCatalogueTest, EveryTestSaysWhatItChecks) {
  const YAML::Node root = YAML::LoadFile(RAFTLAB_CATALOGUE);
  int tests = 0, performance = 0;
  for (const YAML::Node& t : root["tests"]) {
    tests++;
    const std::string name = t["name"].as<std::string>();
    ASSERT_TRUE(t["checks"].IsDefined()) << name << " has no 'checks' tag";
    const std::string checks = t["checks"].as<std::string>();
    EXPECT_THAT(DemandKinds(), ::testing::Contains(checks)) << name;
    performance += checks == "performance";
  }
  EXPECT_GT(tests, 0);
  // The RPC-count, byte and latency tests are the ones the variant matrix
  // (tests/variants/variants.list) runs every correct variant through.
  for (const char* name : {"3B-rpc-bytes", "3B-count", "dslabs-count-5", "raftlab-agree-latency"}) {
    bool found = false;
    for (const YAML::Node& t : root["tests"]) {
      if (t["name"].as<std::string>() == name) {
        found = true;
        EXPECT_EQ(t["checks"].as<std::string>(), "performance") << name;
      }
    }
    EXPECT_TRUE(found) << name;
  }
  EXPECT_GE(performance, 4);
}

TEST(ClosestMatchTest, SuggestsOnlyPlausibleTypos) {
  std::vector<std::string> keys = {"timeout", "points", "part", "name"};
  EXPECT_EQ(ClosestMatch("timout", keys), "timeout");
  EXPECT_EQ(ClosestMatch("TIMEOUT", keys), "timeout");
  EXPECT_EQ(ClosestMatch("pints", keys), "points");
  EXPECT_EQ(ClosestMatch("prt", keys), "part");
  EXPECT_EQ(ClosestMatch("x", keys), "");
  EXPECT_EQ(ClosestMatch("description", keys), "");
  EXPECT_EQ(ClosestMatch("a", {}), "");
}

}  // namespace
}  // namespace raftlab
