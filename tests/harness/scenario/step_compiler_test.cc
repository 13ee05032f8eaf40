// Tests of the step compiler (harness/scenario/step_compiler.cc) on a
// registry of stand-in verbs shaped like the real ones: a valid program
// compiles with its shapes and scopes, and every kind of error names
// file:line:column and says what is wrong and how to fix it. The real verbs
// are run in tests/harness/steps/step_run_test.cc.
//
// Thread safety: single-threaded. Ownership: each test owns its registry
// and value trees.
#include "harness/scenario/step_compiler.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/scenario/scenario.h"

namespace raftlab {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using T = StepArgType;

StepArgSpec Arg(const std::string& name, T type, bool required = false) {
  StepArgSpec a;
  a.name = name;
  a.type = type;
  a.required = required;
  a.help = name;
  return a;
}

void Noop(StepRun&, const Step&) {}

// Builds a StepValue tree by hand, each node at its own line: what the
// catalogue loader builds from YAML.
class Tree {
 public:
  StepValue Scalar(const std::string& s) {
    StepValue v;
    v.kind = StepValue::Kind::kScalar;
    v.scalar = s;
    v.where = At();
    return v;
  }
  StepValue List(std::vector<StepValue> items) {
    StepValue v;
    v.kind = StepValue::Kind::kList;
    v.items = std::move(items);
    v.where = At();
    return v;
  }
  StepValue Map(std::vector<std::pair<std::string, StepValue>> fields) {
    StepValue v;
    v.kind = StepValue::Kind::kMap;
    for (auto& f : fields) {
      v.field_where.push_back(At());
      v.field_keys.push_back(f.first);
      v.field_values.push_back(std::move(f.second));
    }
    v.where = At();
    return v;
  }
  // `- verb: {args}`
  StepValue Verb(const std::string& verb, std::vector<std::pair<std::string, StepValue>> args) {
    return Map({{verb, Map(std::move(args))}});
  }

 private:
  std::string At() { return "t.yml:" + std::to_string(++line_) + ":5"; }
  int line_ = 0;
};

class StepCompilerTest : public ::testing::Test {
 protected:
  StepCompilerTest() {
    StepArgSpec servers = Arg("servers", T::kInt);
    servers.min = 1;
    servers.max = 9;
    reg_.Register({"cluster", StepFixture::kRaft, true, "servers", {servers}, "raft", "", nullptr, &Noop});
    reg_.Register({"kv_cluster", StepFixture::kKv, true, "servers", {servers}, "kv", "", nullptr, &Noop});
    reg_.Register({"check_one_leader", StepFixture::kRaft, false, "as", {Arg("as", T::kBind)}, "", "", nullptr, &Noop});
    reg_.Register({"check_no_leader", StepFixture::kRaft, false, "", {}, "", "", nullptr, &Noop});
    reg_.Register(
        {"disconnect", StepFixture::kAny, false, "peer", {Arg("peer", T::kPeers, true)}, "", "", nullptr, &Noop});
    reg_.Register(
        {"partition", StepFixture::kAny, false, "groups", {Arg("groups", T::kGroups, true)}, "", "", nullptr, &Noop});
    reg_.Register(
        {"one",
         StepFixture::kRaft,
         false,
         "command",
         {Arg("command", T::kCommand, true), Arg("servers", T::kInt), Arg("retry", T::kBool), Arg("as", T::kBind)},
         "",
         "",
         nullptr,
         &Noop});
    StepArgSpec ms = Arg("ms", T::kNumber);
    ms.min = 0;
    reg_.Register({"sleep",
                   StepFixture::kAny,
                   false,
                   "ms",
                   {ms},
                   "",
                   "",
                   [](const Step& s) -> std::string { return s.args.count("ms") ? "" : "give ms"; },
                   &Noop});
    StepArgSpec expect = Arg("expect", T::kChoice);
    expect.choices = {"OK", "ErrNoKey"};
    reg_.Register(
        {"get", StepFixture::kKv, false, "key", {Arg("key", T::kString, true), expect}, "", "", nullptr, &Noop});
    reg_.Register({"for",
                   StepFixture::kAny,
                   false,
                   "",
                   {Arg("each", T::kBind, true), Arg("in", T::kPeers, true), Arg("steps", T::kSteps, true)},
                   "",
                   "",
                   nullptr,
                   &Noop});
  }

  std::optional<StepProgram> Compile(const StepValue& steps) {
    errors_.clear();
    return CompileSteps(steps, reg_, "in test 'x'", &errors_);
  }
  // The same steps as the prelude of scenario 'sc', which builds `fixture`.
  std::optional<StepProgram> Prelude(const StepValue& steps, StepFixture fixture) {
    errors_.clear();
    return CompilePrelude(steps, fixture, "sc", reg_, "in test 'x'", &errors_);
  }
  std::string OnlyPreludeError(const StepValue& steps, StepFixture fixture) {
    EXPECT_FALSE(Prelude(steps, fixture).has_value());
    EXPECT_EQ(errors_.size(), 1u) << ::testing::PrintToString(errors_);
    return errors_.empty() ? "" : errors_[0];
  }
  // The only error of compiling steps (fails the test when there is not exactly one).
  std::string OnlyError(const StepValue& steps) {
    EXPECT_FALSE(Compile(steps).has_value());
    EXPECT_EQ(errors_.size(), 1u) << ::testing::PrintToString(errors_);
    return errors_.empty() ? "" : errors_[0];
  }

  Tree t_;
  StepRegistry reg_;
  std::vector<std::string> errors_;
};

TEST_F(StepCompilerTest, ValidProgramKeepsShapesNamesAndBodies) {
  StepValue steps = t_.List({
      t_.Map({{"cluster", t_.Scalar("5")}}),  // shorthand: the primary argument
      t_.Verb("check_one_leader", {{"as", t_.Scalar("leader")}}),
      t_.Map({{"disconnect", t_.List({t_.Scalar("leader"), t_.Scalar("leader + 1")})}}),
      t_.Scalar("check_no_leader"),  // a verb without arguments
      t_.Verb("one", {{"command", t_.Scalar("101")}, {"servers", t_.Scalar("n-2")}, {"as", t_.Scalar("idx")}}),
      t_.Verb("for", {{"each", t_.Scalar("p")},
                      {"in", t_.Scalar("all")},
                      {"steps", t_.List({t_.Map({{"disconnect", t_.Scalar("p")}})})}}),
      t_.Verb("partition", {{"groups", t_.List({t_.List({t_.Scalar("leader")}), t_.List({t_.Scalar("idx")})})}}),
  });
  std::optional<StepProgram> p = Compile(steps);
  ASSERT_TRUE(p.has_value()) << ::testing::PrintToString(errors_);
  EXPECT_EQ(p->fixture, StepFixture::kRaft);
  ASSERT_EQ(p->steps.size(), 7u);
  EXPECT_EQ(p->steps[0].verb, "cluster");
  EXPECT_EQ(p->steps[0].args.at("servers").scalar, "5");
  EXPECT_EQ(p->steps[3].verb, "check_no_leader");
  EXPECT_TRUE(p->steps[3].args.empty());
  ASSERT_EQ(p->steps[5].body.size(), 1u);
  EXPECT_EQ(p->steps[5].body[0].args.at("peer").scalar, "p");
  EXPECT_THAT(p->steps[1].where, ::testing::MatchesRegex("t\\.yml:[0-9]+:5"));  // the verb's key
}

TEST_F(StepCompilerTest, KvProgramIsKv) {
  std::optional<StepProgram> p =
      Compile(t_.List({t_.Map({{"kv_cluster", t_.Scalar("3")}}),
                       t_.Verb("get", {{"key", t_.Scalar("a")}, {"expect", t_.Scalar("ErrNoKey")}})}));
  ASSERT_TRUE(p.has_value()) << ::testing::PrintToString(errors_);
  EXPECT_EQ(p->fixture, StepFixture::kKv);
}

TEST_F(StepCompilerTest, UnknownVerbSuggestsTheNearMiss) {
  StepValue steps = t_.List({t_.Map({{"cluster", t_.Scalar("3")}}), t_.Scalar("check_on_leader")});
  EXPECT_THAT(OnlyError(steps),
              ::testing::MatchesRegex(
                  "t\\.yml:[0-9]+:5: unknown step verb 'check_on_leader' \\(did you mean 'check_one_leader'\\?\\)"));
  steps = t_.List({t_.Map({{"cluster", t_.Scalar("3")}}), t_.Scalar("frobnicate")});
  EXPECT_THAT(OnlyError(steps), HasSubstr("unknown step verb 'frobnicate' (`labtest --list-steps` lists the verbs)"));
}

TEST_F(StepCompilerTest, MissingArgument) {
  StepValue steps = t_.List({t_.Map({{"cluster", t_.Scalar("3")}}), t_.Verb("one", {{"retry", t_.Scalar("true")}})});
  EXPECT_THAT(OnlyError(steps), HasSubstr(": 'one' needs the argument 'command'"));
}

TEST_F(StepCompilerTest, UnknownArgumentSuggestsTheNearMiss) {
  StepValue steps = t_.List({t_.Map({{"cluster", t_.Scalar("3")}}),
                             t_.Verb("one", {{"command", t_.Scalar("1")}, {"servrs", t_.Scalar("3")}})});
  std::string e = OnlyError(steps);
  EXPECT_THAT(e, HasSubstr("unknown argument 'servrs' for 'one' (did you mean 'servers'?)"));
  EXPECT_THAT(e, ::testing::StartsWith("t.yml:"));
}

TEST_F(StepCompilerTest, OutOfRangeAndMistyped) {
  EXPECT_THAT(OnlyError(t_.List({t_.Map({{"cluster", t_.Scalar("12")}})})),
              HasSubstr("'servers' of 'cluster' must be between 1 and 9, got 12"));
  EXPECT_THAT(OnlyError(t_.List({t_.Map({{"cluster", t_.Scalar("3")}}), t_.Verb("sleep", {{"ms", t_.Scalar("-5")}})})),
              HasSubstr("'ms' of 'sleep' must be at least 0, got -5"));
  EXPECT_THAT(OnlyError(t_.List({t_.Map({{"cluster", t_.Scalar("3")}}),
                                 t_.Verb("one", {{"command", t_.Scalar("1")}, {"retry", t_.Scalar("maybe")}})})),
              HasSubstr("'retry' of 'one' must be true or false, got 'maybe'"));
  EXPECT_THAT(OnlyError(t_.List({t_.Map({{"kv_cluster", t_.Scalar("3")}}),
                                 t_.Verb("get", {{"key", t_.Scalar("a")}, {"expect", t_.Scalar("ErrNoky")}})})),
              HasSubstr("must be one of OK, ErrNoKey, got 'ErrNoky' (did you mean 'ErrNoKey'?)"));
  EXPECT_THAT(
      OnlyError(t_.List({t_.Map({{"cluster", t_.Scalar("3")}}), t_.Map({{"disconnect", t_.Scalar("leader*2")}})})),
      HasSubstr("'peer' of 'disconnect' must be a peer: an index or a bound name plus or minus a number"));
}

TEST_F(StepCompilerTest, NameUsedBeforeItIsBound) {
  StepValue steps = t_.List({t_.Map({{"cluster", t_.Scalar("3")}}), t_.Map({{"disconnect", t_.Scalar("leader+1")}}),
                             t_.Verb("check_one_leader", {{"as", t_.Scalar("leader")}})});
  const std::string e = OnlyError(steps);
  EXPECT_THAT(e, ::testing::StartsWith("t.yml:"));
  EXPECT_THAT(e, HasSubstr(": 'leader' is used before it is bound (bind it first, e.g. "
                           "'- check_one_leader: {as: leader}'; bound here: n)"));
}

TEST_F(StepCompilerTest, LoopVariableIsScopedToItsBody) {
  StepValue steps = t_.List({t_.Map({{"cluster", t_.Scalar("3")}}),
                             t_.Verb("for", {{"each", t_.Scalar("p")},
                                             {"in", t_.Scalar("all")},
                                             {"steps", t_.List({t_.Map({{"disconnect", t_.Scalar("p")}})})}}),
                             t_.Map({{"disconnect", t_.Scalar("p")}})});
  EXPECT_THAT(OnlyError(steps), HasSubstr("'p' is used before it is bound"));
}

TEST_F(StepCompilerTest, NameBoundTwiceOrReserved) {
  StepValue steps =
      t_.List({t_.Map({{"cluster", t_.Scalar("3")}}), t_.Verb("check_one_leader", {{"as", t_.Scalar("l")}}),
               t_.Verb("check_one_leader", {{"as", t_.Scalar("l")}})});
  EXPECT_THAT(OnlyError(steps), HasSubstr("the name 'l' is already bound by an earlier step"));
  steps = t_.List({t_.Map({{"cluster", t_.Scalar("3")}}), t_.Verb("check_one_leader", {{"as", t_.Scalar("all")}})});
  EXPECT_THAT(OnlyError(steps), HasSubstr("'all' is a reserved word"));
}

TEST_F(StepCompilerTest, KvVerbInARaftTestAndTheOtherWayRound) {
  std::string e =
      OnlyError(t_.List({t_.Map({{"cluster", t_.Scalar("3")}}), t_.Verb("get", {{"key", t_.Scalar("a")}})}));
  EXPECT_THAT(e, HasSubstr("'get' is a KV verb, but this is a Raft test (it starts with 'cluster'); KV verbs need a "
                           "test that starts with '- kv_cluster'"));
  e = OnlyError(t_.List({t_.Map({{"kv_cluster", t_.Scalar("3")}}), t_.Scalar("check_no_leader")}));
  EXPECT_THAT(e, HasSubstr("'check_no_leader' is a Raft verb, but this is a KV test"));
}

TEST_F(StepCompilerTest, FixtureMustComeFirstAndOnce) {
  EXPECT_THAT(OnlyError(t_.List({t_.Scalar("check_no_leader")})),
              HasSubstr("the first step must start a fixture: '- cluster: {servers: 3}' (Raft)"));
  EXPECT_THAT(OnlyError(t_.List({t_.Map({{"cluster", t_.Scalar("3")}}), t_.Map({{"cluster", t_.Scalar("3")}})})),
              HasSubstr("'cluster' starts the test's fixture: it must be the first step, and only the first"));
  EXPECT_THAT(OnlyError(t_.List({})), HasSubstr("'steps' in test 'x' must be a non-empty list of steps"));
}

TEST_F(StepCompilerTest, MalformedStepsAndVerbRules) {
  // Two verbs on one list item.
  EXPECT_THAT(OnlyError(t_.List({t_.Map({{"cluster", t_.Scalar("3")}}),
                                 t_.Map({{"check_no_leader", StepValue()}, {"disconnect", t_.Scalar("0")}})})),
              HasSubstr("a step is one verb"));
  // A value for a verb without a primary argument.
  EXPECT_THAT(
      OnlyError(t_.List({t_.Map({{"cluster", t_.Scalar("3")}}), t_.Map({{"check_no_leader", t_.Scalar("x")}})})),
      HasSubstr("'check_no_leader' takes named arguments"));
  // The verb's own rule.
  EXPECT_THAT(OnlyError(t_.List({t_.Map({{"cluster", t_.Scalar("3")}}), t_.Verb("sleep", {})})),
              HasSubstr("'sleep': give ms"));
  // Every error is reported, not only the first.
  EXPECT_FALSE(Compile(t_.List({t_.Map({{"cluster", t_.Scalar("30")}}), t_.Scalar("nope"), t_.Scalar("nix")})));
  EXPECT_EQ(errors_.size(), 3u);
}

// --- preludes: steps beside a C++ scenario, on the fixture it builds ---------

TEST_F(StepCompilerTest, PreludeRunsOnTheScenariosFixtureWithNBound) {
  // No fixture-starting step, `n` usable from the first step, names bound as usual.
  std::optional<StepProgram> p =
      Prelude(t_.List({t_.Map({{"disconnect", t_.Scalar("n-1")}}),
                       t_.Verb("check_one_leader", {{"as", t_.Scalar("l")}}),
                       t_.Verb("one", {{"command", t_.Scalar("7")}, {"servers", t_.Scalar("n-1")}}),
                       t_.Map({{"disconnect", t_.Scalar("l")}})}),
              StepFixture::kRaft);
  ASSERT_TRUE(p.has_value()) << ::testing::PrintToString(errors_);
  EXPECT_TRUE(p->prelude);
  EXPECT_EQ(p->fixture, StepFixture::kRaft);
  ASSERT_EQ(p->steps.size(), 4u);
  EXPECT_EQ(p->steps[0].verb, "disconnect");
  // The same steps are no steps test: a steps test must start its fixture.
  EXPECT_FALSE(Compile(t_.List({t_.Map({{"disconnect", t_.Scalar("n-1")}})})).has_value());
  // A KV scenario's prelude takes KV verbs and the verbs of both.
  p = Prelude(t_.List({t_.Verb("get", {{"key", t_.Scalar("a")}, {"expect", t_.Scalar("ErrNoKey")}}),
                       t_.Map({{"disconnect", t_.Scalar("0")}})}),
              StepFixture::kKv);
  ASSERT_TRUE(p.has_value()) << ::testing::PrintToString(errors_);
  EXPECT_EQ(p->fixture, StepFixture::kKv);
}

TEST_F(StepCompilerTest, PreludeRefusesAVerbThatStartsAFixture) {
  const std::string e =
      OnlyPreludeError(t_.List({t_.Map({{"disconnect", t_.Scalar("0")}}), t_.Map({{"cluster", t_.Scalar("3")}})}),
                       StepFixture::kRaft);
  EXPECT_THAT(e, ::testing::MatchesRegex("t\\.yml:[0-9]+:5: .*"));
  EXPECT_THAT(e, HasSubstr("'cluster' starts a fixture, but these steps are the prelude of scenario 'sc', which "
                           "builds its own (a Raft cluster, sized by its params) and runs the prelude on it; remove "
                           "this step"));
  EXPECT_THAT(OnlyPreludeError(t_.List({t_.Map({{"kv_cluster", t_.Scalar("3")}})}), StepFixture::kKv),
              HasSubstr("'kv_cluster' starts a fixture, but these steps are the prelude of scenario 'sc', which "
                        "builds its own (a KV cluster"));
}

TEST_F(StepCompilerTest, PreludeRefusesAVerbOfTheOtherFixture) {
  EXPECT_THAT(OnlyPreludeError(t_.List({t_.Verb("get", {{"key", t_.Scalar("a")}})}), StepFixture::kRaft),
              HasSubstr("'get' is a KV verb, but scenario 'sc' builds a Raft cluster, so its prelude is a Raft "
                        "prelude; use Raft verbs, or the verbs of both fixtures"));
  EXPECT_THAT(OnlyPreludeError(t_.List({t_.Scalar("check_no_leader")}), StepFixture::kKv),
              HasSubstr("'check_no_leader' is a Raft verb, but scenario 'sc' builds a KV cluster, so its prelude is a "
                        "KV prelude; use KV verbs"));
  // rsm servers have no clerks: neither Raft nor KV verbs, only those of both.
  EXPECT_THAT(OnlyPreludeError(t_.List({t_.Verb("get", {{"key", t_.Scalar("a")}})}), StepFixture::kRsm),
              HasSubstr("'get' is a KV verb, but scenario 'sc' builds rsm servers, which have no clerks"));
  EXPECT_TRUE(Prelude(t_.List({t_.Map({{"disconnect", t_.Scalar("0")}})}), StepFixture::kRsm).has_value());
  // Inside a body too.
  EXPECT_THAT(OnlyPreludeError(t_.List({t_.Verb("for", {{"each", t_.Scalar("p")},
                                                        {"in", t_.Scalar("all")},
                                                        {"steps", t_.List({t_.Scalar("check_no_leader")})}})}),
                               StepFixture::kKv),
              HasSubstr("'check_no_leader' is a Raft verb"));
}

TEST_F(StepCompilerTest, PreludeNeedsAScenarioThatSaysItsFixtureAndSomeSteps) {
  EXPECT_THAT(OnlyPreludeError(t_.List({t_.Map({{"disconnect", t_.Scalar("0")}})}), StepFixture::kAny),
              HasSubstr("scenario 'sc' in test 'x' does not say which fixture it builds, so it cannot have a steps "
                        "prelude"));
  EXPECT_THAT(OnlyPreludeError(t_.List({}), StepFixture::kRaft),
              HasSubstr("'steps' in test 'x' (a prelude of scenario 'sc') must be a non-empty list of steps"));
}

TEST_F(StepCompilerTest, AnUnavailableWordSaysWhatToWriteInstead) {
  reg_.RegisterUnavailable("append", "no Append here; use put");
  std::string e = OnlyError(t_.List({t_.Map({{"kv_cluster", t_.Scalar("3")}}),
                                     t_.Verb("append", {{"key", t_.Scalar("a")}})}));
  EXPECT_THAT(e, ::testing::MatchesRegex("t\\.yml:[0-9]+:5: there is no step verb 'append': no Append here; use "
                                         "put"));
  // The same in a prelude, and an unregistered word is still an unknown verb.
  EXPECT_THAT(OnlyPreludeError(t_.List({t_.Scalar("append")}), StepFixture::kKv),
              HasSubstr("there is no step verb 'append': no Append here; use put"));
  EXPECT_THAT(OnlyError(t_.List({t_.Map({{"kv_cluster", t_.Scalar("3")}}), t_.Scalar("appendd")})),
              HasSubstr("unknown step verb 'appendd'"));
}

TEST(StepRegistryTest, AnUnavailableWordCannotAlsoBeAVerb) {
  StepRegistry reg;
  reg.RegisterUnavailable("append", "why");
  ASSERT_NE(reg.Unavailable("append"), nullptr);
  EXPECT_EQ(*reg.Unavailable("append"), "why");
  EXPECT_EQ(reg.Unavailable("put"), nullptr);
  EXPECT_DEATH(reg.Register({"append", StepFixture::kKv, false, "", {}, "", "", nullptr, &Noop}),
               "also registered as unavailable");
  EXPECT_DEATH(reg.RegisterUnavailable("append", "again"), "registered twice");
}

TEST(ParseIntExprTest, LiteralsNamesAndOffsets) {
  EXPECT_EQ(ParseIntExpr("7")->offset, 7);
  EXPECT_EQ(ParseIntExpr("-3")->offset, -3);
  EXPECT_EQ(ParseIntExpr("leader")->name, "leader");
  EXPECT_EQ(ParseIntExpr("leader + 2")->offset, 2);
  EXPECT_EQ(ParseIntExpr("idx-1")->offset, -1);
  EXPECT_FALSE(ParseIntExpr("leader*2"));
  EXPECT_FALSE(ParseIntExpr("2leader"));
  EXPECT_FALSE(ParseIntExpr(""));
  EXPECT_FALSE(ParseIntExpr("a+"));
}

TEST(StepReferenceTest, ListsEveryVerbWithItsArguments) {
  StepRegistry reg;
  StepArgSpec a;
  a.name = "servers";
  a.type = StepArgType::kInt;
  a.default_text = "3";
  a.min = 1;
  a.max = 9;
  a.help = "peers";
  reg.Register({"cluster", StepFixture::kRaft, true, "servers", {a}, "start", "make_config", nullptr, &Noop});
  const std::string text = StepReference(reg, false);
  EXPECT_THAT(text, HasSubstr("cluster  [Raft tests, first step]"));
  EXPECT_THAT(text, HasSubstr("MIT: make_config"));
  EXPECT_THAT(text, HasSubstr("servers (integer or expression, 1..9; default 3): peers"));
  EXPECT_THAT(StepReference(reg, true), HasSubstr("### `cluster`"));
}

}  // namespace
}  // namespace raftlab
