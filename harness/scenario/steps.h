// Steps: a test written as data (issue 15). A catalogue entry may carry
// `steps:` instead of `scenario:` (a steps test), or beside it (a prelude:
// the steps run on the scenario's own fixture before the scenario's first
// action); each step is one verb of the Raft or KV fixture with named
// arguments, plus the control forms `repeat` and `for`.
//
// This header holds what both sides of the language need and nothing of the
// fixtures: the position-carrying value tree the catalogue loader builds from
// YAML (StepValue), a validated step (Step, StepProgram), the verb schema
// (StepArgSpec, StepVerbInfo) and the verb registry (StepRegistry). The
// compiler that checks a StepValue tree against the registry is
// step_compiler.h; the verbs themselves and the interpreter live in
// harness/steps/, which registers them and the steps runner at start-up.
//
// Thread safety: the registry is filled during static initialisation and
// read-only afterwards. StepValue, Step and StepProgram are immutable values
// once built. Ownership: by value; a TestSpec shares its StepProgram through
// a shared_ptr to const.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace raftlab {

class TestContext;  // scenario.h
class StepRun;      // harness/steps/step_run.h: the interpreter's state

// A YAML value with the place it was written ("file:line:column").
struct StepValue {
  enum class Kind { kNull, kScalar, kList, kMap };
  Kind kind = Kind::kNull;
  std::string scalar;                                     // kScalar
  std::vector<StepValue> items;                           // kList
  // kMap, in file order: the keys, their values and where each key is (three
  // parallel vectors: a vector of pairs holding StepValue would need the
  // type complete here, which clang's libstdc++ checks refuse).
  std::vector<std::string> field_keys;
  std::vector<StepValue> field_values;
  std::vector<std::string> field_where;
  std::string where;

  bool IsScalar() const { return kind == Kind::kScalar; }
  bool IsList() const { return kind == Kind::kList; }
  bool IsMap() const { return kind == Kind::kMap; }
  // A short rendering for messages: the scalar, "a list", "a mapping", "nothing".
  std::string Show() const;
};

// Which fixture a verb drives. A test's first step starts the fixture
// (`cluster` or `kv_cluster`); every later verb must fit it. A C++ scenario
// says which fixture it builds (ScenarioInfo::fixture) so that its prelude
// is checked the same way; kRsm is a KvCluster of rsm servers, which only
// C++ scenarios build: it has no clerks, so only kAny verbs fit it.
enum class StepFixture { kAny, kRaft, kKv, kRsm };
const char* StepFixtureName(StepFixture f);  // "any", "raft", "kv", "rsm"

enum class StepArgType {
  kInt,      // an integer, or an expression over bound names: `idx`, `idx+1`, `n-1`
  kNumber,   // a number (literal)
  kBool,     // true / false
  kString,   // any scalar
  kChoice,   // one of StepArgSpec::choices
  kCommand,  // a Raft command: an integer (its decimal text), any text, or `random`
  kPeer,     // a peer: an integer or expression (`leader`, `leader+1`), taken mod n
  kPeers,    // one peer or a list of peers
  kGroups,   // a list of lists of peers (a partition)
  kBind,     // a new name this step binds (`as: leader`)
  kSteps,    // a nested list of steps (the body of repeat, for, expect_rpcs)
};
const char* StepArgTypeName(StepArgType t);  // for messages and the reference

struct StepArgSpec {
  std::string name;
  StepArgType type = StepArgType::kInt;
  bool required = false;
  std::string default_text;          // shown in the reference ("3", "all servers"); "" = none
  std::optional<double> min, max;    // for literal kInt / kNumber values
  std::vector<std::string> choices;  // kChoice
  std::string help;
};

// A validated argument: its YAML value (with position).
using StepArgs = std::map<std::string, StepValue, std::less<>>;

struct Step {
  std::string verb;
  std::string where;       // "file:line:column" of the verb
  StepArgs args;           // only arguments the verb declares; defaults not filled in
  std::vector<Step> body;  // the kSteps argument, compiled (repeat, for, expect_rpcs)
};

struct StepProgram {
  // What the first step starts; for a prelude, what the scenario builds.
  StepFixture fixture = StepFixture::kRaft;
  std::vector<Step> steps;
  std::string where;     // the `steps:` key
  bool prelude = false;  // the prelude of the test's C++ scenario (no fixture-starting step)
};

// Runs one step; throws TestFailed (through the fixture) when a check fails.
using StepHandler = std::function<void(StepRun&, const Step&)>;

struct StepVerbInfo {
  std::string name;
  StepFixture fixture = StepFixture::kAny;
  bool starts_fixture = false;  // `cluster`, `kv_cluster`: must be the first step, and only there
  std::string primary;          // the argument a shorthand `- verb: value` sets ("" = none)
  std::vector<StepArgSpec> args;
  std::string help;  // one sentence, for --list-steps and docs/STEPS.md
  std::string mit;   // the MIT tester verb it corresponds to ("" = none)
  // Extra load-time rule (e.g. "give exactly one of ms, elections"): returns
  // "" when the step is fine, else what is wrong and how to fix it.
  std::function<std::string(const Step&)> check;
  StepHandler run;
};

class StepRegistry {
 public:
  // Called from static initialisers (RAFTLAB_REGISTER_STEP); a duplicate
  // name aborts at start-up (a harness bug).
  void Register(StepVerbInfo info);
  const StepVerbInfo* Find(std::string_view name) const;
  std::vector<const StepVerbInfo*> All() const;  // sorted by name
  std::vector<std::string> Names() const;

  // A word that is deliberately not a verb (e.g. `append`: the KV ABI has
  // no Append), with what to write instead. The compiler gives `why` as the
  // error for a step that uses it. A duplicate, or a registered verb of the
  // same name, aborts at start-up (a harness bug).
  void RegisterUnavailable(std::string name, std::string why);
  // The explanation for an unavailable word; null when it is not one.
  const std::string* Unavailable(std::string_view name) const;

  // The body that runs a steps test (harness/steps/ sets it); empty when
  // this binary was built without harness/steps.
  void SetRunner(std::function<void(TestContext&)> runner);
  const std::function<void(TestContext&)>& runner() const { return runner_; }

  // Runs the C++ scenario `body` of a test that has a prelude: the test's
  // steps run on the first fixture `body` builds, at the end of its
  // construction (TestContext::SetFixtureHook), then `body` goes on
  // (harness/steps/ sets it; empty without harness/steps).
  using PreludeRunner = std::function<void(TestContext&, const std::function<void(TestContext&)>& body)>;
  void SetPreludeRunner(PreludeRunner runner);
  const PreludeRunner& prelude_runner() const { return prelude_runner_; }

 private:
  std::map<std::string, StepVerbInfo, std::less<>> verbs_;
  std::map<std::string, std::string, std::less<>> unavailable_;  // word -> what to use instead
  std::function<void(TestContext&)> runner_;
  PreludeRunner prelude_runner_;
};

// The verbs and runner of this binary: ScenarioRegistry::Global().steps().
StepRegistry& GlobalStepRegistry();

struct StepRegistrar {
  explicit StepRegistrar(StepVerbInfo info) { GlobalStepRegistry().Register(std::move(info)); }
};

struct UnavailableStepRegistrar {
  UnavailableStepRegistrar(std::string name, std::string why) {
    GlobalStepRegistry().RegisterUnavailable(std::move(name), std::move(why));
  }
};

#define RAFTLAB_STEP_CONCAT2(a, b) a##b
#define RAFTLAB_STEP_CONCAT(a, b) RAFTLAB_STEP_CONCAT2(a, b)
#define RAFTLAB_REGISTER_STEP(...) \
  static ::raftlab::StepRegistrar RAFTLAB_STEP_CONCAT(raftlab_step_reg_, __LINE__)(::raftlab::StepVerbInfo __VA_ARGS__)

// The reference of every verb, as text (labtest --list-steps) or Markdown
// (docs/STEPS.md's table is produced from the same function).
std::string StepReference(const StepRegistry& registry, bool markdown);

}  // namespace raftlab
