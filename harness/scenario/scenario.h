// Scenarios: the named C++ test bodies that YAML catalogue entries refer to,
// their parameter schemas, and the TestContext a body runs against.
//
// A course adds a test by adding a YAML entry that names a registered
// scenario and sets its parameters; the config loader validates those
// parameters against the scenario's ParamSpec list (unknown key, wrong type:
// an error naming file, line and column).
//
// Thread safety: the registry is filled during static initialisation and
// read-only afterwards. A TestContext is shared by the scenario thread and
// the fixture's threads; every method is thread safe.
// Ownership: the runner owns the TestContext; scenarios borrow it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "harness/scenario/steps.h"
#include "runtime/runtime.h"

namespace raftlab {

class PluginLibrary;  // harness/plugin/loader.h
class FixtureBase;    // harness/fixture/fixture_base.h (only named here: the prelude hook's argument)

// One parameter value from YAML.
using ParamValue = std::variant<int64_t, double, bool, std::string>;

enum class ParamType { kInt, kDouble, kBool, kString };

struct ParamSpec {
  std::string name;
  ParamType type;
  ParamValue default_value;
  std::string help;  // one line, shown by `labtest --list -v`
};

// The typed parameters of one test (defaults filled in by the config loader).
class Params {
 public:
  Params() = default;
  explicit Params(std::map<std::string, ParamValue> values) : values_(std::move(values)) {}
  int64_t Int(const std::string& name) const;        // throws std::logic_error if absent/mistyped
  double Double(const std::string& name) const;      // accepts an int value too
  bool Bool(const std::string& name) const;
  const std::string& String(const std::string& name) const;
  bool Has(const std::string& name) const { return values_.count(name) != 0; }
  const std::map<std::string, ParamValue>& values() const { return values_; }

 private:
  std::map<std::string, ParamValue> values_;
};

// One catalogue entry, as loaded from YAML.
struct TestSpec {
  std::string name;         // unique, e.g. "3A-initial-election"
  int part = 0;             // 1..5
  std::string description;  // "initial election"
  double points = 0;
  double timeout_s = 120;   // wall-clock limit of the whole test
  int repeat = 1;           // repetitions used by grading (issue 5)
  std::string scenario;     // registered scenario name ("" for a steps test)
  Params params;
  // The validated steps (issue 15), run by the steps runner (harness/steps/):
  // the whole test when `scenario` is empty (a steps test), else the
  // scenario's prelude (StepProgram::prelude); null for a plain C++ test.
  std::shared_ptr<const StepProgram> steps;
  bool IsSteps() const { return steps != nullptr && scenario.empty(); }
  bool HasPrelude() const { return steps != nullptr && !scenario.empty(); }
  // How the test is written, for listings: "steps", "C++" or "C++ + steps prelude".
  const char* KindLabel() const { return IsSteps() ? "steps" : HasPrelude() ? "C++ + steps prelude" : "C++"; }
  std::string source;       // "config/raft_lab_test.yml:42" for messages
  // What the test demands (catalogue key `checks`, see config.h): "safety"
  // (a rule of the Raft paper), "liveness" (progress within the paper's and
  // the labs' time bounds) or "performance" (RPC counts, bytes, latency);
  // "" when the catalogue does not say.
  std::string checks;
};

// The figures MIT prints on a Passed line (time is measured by the runner).
struct Figures {
  int peers = 0;
  int64_t rpcs = 0;      // network total sends during the test
  int64_t bytes = 0;     // network total bytes during the test
  int64_t commands = 0;  // highest applied index (MIT's "commands" column)
  int64_t ops = 0;       // KV client operations (part 5)
};

// Thrown by TestContext::Fail inside the test child only; the runner catches it.
struct TestFailed : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// Thrown by TestContext::Skip (e.g. an extension the plugin does not implement).
struct TestSkipped : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class TimelineRecord;  // harness/scenario/timeline_record.h

// What a scenario body sees. Implemented by the runner (harness/runner*).
class TestContext {
 public:
  virtual ~TestContext() = default;
  virtual const TestSpec& spec() const = 0;
  const Params& params() const { return spec().params; }
  virtual uint64_t seed() const = 0;          // the run seed of this test
  virtual Runtime& runtime() = 0;
  virtual const PluginLibrary& plugin() const = 0;
  // Multiply every harness deadline by this (--timeout-scale; sanitizer runs).
  virtual double timeout_scale() const = 0;

  // Fails the test with a message saying which check failed, in words.
  // Records only the FIRST failure; later calls (from other threads) are
  // ignored. Throws TestFailed when called on the scenario thread; on other
  // threads it records the failure and returns (the scenario thread notices
  // through failed() at its next check and throws).
  virtual void Fail(const std::string& message) = 0;
  virtual bool failed() const = 0;
  // Throws TestFailed with the recorded message if failed(); scenario threads
  // call this at every verb so a failure found on an apply thread stops them.
  virtual void ThrowIfFailed() = 0;
  [[noreturn]] virtual void Skip(const std::string& reason) = 0;

  // Harness-side narrative ("crash peer 2", "partition {0,1} {2}"), kept in
  // the test's event log and shown on failure.
  virtual void Event(const std::string& text) = 0;
  // One line the student's code logged through host->log.
  virtual void StudentLog(int peer, int64_t term, int level, std::string_view text) = 0;
  virtual void SetFigures(const Figures& f) = 0;
  // The run's event record (timeline_record.h) that fixtures feed with typed
  // events (roles, crashes, partitions, applies, RPCs); null when the
  // context keeps none. Owned by the context.
  virtual TimelineRecord* timeline() { return nullptr; }
  // Asks for every thread's stack now, because a call into the plugin is
  // stuck (a zombie kill(), a start() that does not return): the test child
  // tells its parent, which dumps the stacks while the process still runs
  // (kStackDumpRequestLine). Never blocks; any thread; the first call counts.
  virtual void RequestStackDump(const std::string& why) { (void)why; }

  // A steps prelude's way onto a C++ scenario's fixture (docs/STEPS.md).
  // The steps runner sets the hook before it calls the scenario; the first
  // fixture the scenario builds takes it at the end of its constructor
  // (FixtureBase::RunFixtureHook), every peer started, and runs it on the
  // thread that builds it; a hook that throws (a failed check) fails the
  // construction, which tears the fixture down. Taking clears it, so later
  // fixtures of the test get none. Any thread. The default context keeps no
  // hook: SetFixtureHook throws std::logic_error (a harness bug).
  using FixtureHook = std::function<void(FixtureBase&)>;
  virtual void SetFixtureHook(FixtureHook hook) {
    (void)hook;
    throw std::logic_error("this TestContext cannot run a steps prelude");
  }
  virtual FixtureHook TakeFixtureHook() { return nullptr; }
};

// The stderr line by which a test child asks its parent for a stack dump.
inline constexpr std::string_view kStackDumpRequestLine = "raftlab: stack dump requested: ";

using ScenarioFn = std::function<void(TestContext&)>;

struct ScenarioInfo {
  std::string name;
  std::string help;
  std::vector<ParamSpec> params;
  ScenarioFn fn;
  // The fixture the scenario builds first: kRaft (a Cluster), kKv (a
  // KvCluster of KV servers) or kRsm (of rsm servers). A test's steps
  // prelude is checked against it (docs/STEPS.md); kAny (not said) refuses
  // a prelude.
  StepFixture fixture = StepFixture::kAny;
};

class ScenarioRegistry {
 public:
  static ScenarioRegistry& Global();
  // Called from static initialisers (RAFTLAB_REGISTER_SCENARIO); a duplicate
  // name aborts at start-up with a message (a harness bug, not user input).
  void Register(ScenarioInfo info);
  const ScenarioInfo* Find(std::string_view name) const;
  std::vector<const ScenarioInfo*> All() const;  // sorted by name
  // The step verbs a `steps:` test may use, and the steps runner (steps.h).
  StepRegistry& steps() { return steps_; }
  const StepRegistry& steps() const { return steps_; }

 private:
  std::map<std::string, ScenarioInfo, std::less<>> scenarios_;
  StepRegistry steps_;
};

struct ScenarioRegistrar {
  explicit ScenarioRegistrar(ScenarioInfo info) { ScenarioRegistry::Global().Register(std::move(info)); }
};

#define RAFTLAB_SCENARIO_CONCAT2(a, b) a##b
#define RAFTLAB_SCENARIO_CONCAT(a, b) RAFTLAB_SCENARIO_CONCAT2(a, b)
// Usage: RAFTLAB_REGISTER_SCENARIO({"backup", "help", {params...}, &Backup, StepFixture::kRaft});
#define RAFTLAB_REGISTER_SCENARIO(...)                                                   \
  static ::raftlab::ScenarioRegistrar RAFTLAB_SCENARIO_CONCAT(raftlab_scenario_reg_,   \
                                                              __LINE__)(::raftlab::ScenarioInfo __VA_ARGS__)

}  // namespace raftlab
