// StepRun: the interpreter of a steps test (issue 15). It owns the fixture
// the test's first step starts (a Raft Cluster or a KvCluster), the names
// steps bind (`as: leader`), the KV clerks by name and the test's random
// generator (derived from the run seed, label "steps"), and runs the steps
// one after another through their verbs' handlers (registered by
// raft_verbs.cc, kv_verbs.cc and common_verbs.cc).
//
// A prelude (steps beside a C++ scenario, docs/STEPS.md) runs on a fixture
// StepRun does not own: Adopt() borrows the one the scenario built, and
// RunPrelude() runs the steps on it and leaves it running for the
// scenario. The names it binds die with the StepRun (the scenario never
// sees them); clerks it makes belong to the fixture. step_run.cc registers
// the prelude runner, which sets the test's fixture hook
// (TestContext::SetFixtureHook) so that this happens at the end of the
// scenario's fixture construction.
//
// The handlers read their arguments through the accessors below, which
// resolve expressions (`leader+1`, `idx`) against the bound names and take
// peers mod n. The compiler (harness/scenario/step_compiler.h) has already
// checked every argument's type, range and names, so a failure here is a
// harness bug (std::logic_error), except where a value only known at run
// time is wrong (a peer list that partitions nothing): that fails the test.
//
// A check that fails throws TestFailed (through the fixture); StepRun adds
// the failing step's verb and file:line:column to the message once.
//
// Thread safety: the scenario thread only (client threads a verb starts are
// joined by that verb). Ownership: owns the fixture a step started and
// everything it made, or borrows an adopted one, which must outlive it;
// borrows the TestContext and the StepProgram, which outlive it.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "harness/kv/kv_cluster.h"
#include "harness/raft/cluster.h"
#include "harness/scenario/scenario.h"
#include "runtime/rng.h"

namespace raftlab {

class StepRun {
 public:
  StepRun(TestContext& ctx, const StepRegistry& registry);
  ~StepRun();
  StepRun(const StepRun&) = delete;
  StepRun& operator=(const StepRun&) = delete;

  // Runs the program, then records the fixture's figures.
  void Run(const StepProgram& program);
  // Borrows a fixture a C++ scenario built (instead of a step starting
  // one) and binds n to its size. Precondition: no fixture yet
  // (std::logic_error otherwise).
  void Adopt(Cluster& c);
  void Adopt(KvCluster& c);
  // Runs a prelude (program.prelude) on the adopted fixture and leaves it
  // running, figures not recorded: the scenario goes on with it. A check
  // that fails throws TestFailed whose message says the step was in the
  // prelude of `scenario`.
  void RunPrelude(const StepProgram& program, const std::string& scenario);
  // Runs a list of steps (a program, or the body of repeat / for).
  void RunSteps(const std::vector<Step>& steps);

  TestContext& ctx() { return ctx_; }
  Rng& rng() { return rng_; }

  // --- fixtures ----------------------------------------------------------
  void StartRaft(const ClusterOptions& o);
  void StartKv(const KvClusterOptions& o);
  bool is_kv() const { return kv_ != nullptr; }
  Cluster& raft();  // logic_error when the test has no Raft cluster
  KvCluster& kv();  // logic_error when the test has no KV cluster
  FixtureBase& fixture();
  int n() const { return n_; }
  // The clerk of that name (made on first use).
  KvClerk& Clerk(const std::string& name);

  // --- arguments -----------------------------------------------------------
  static bool Has(const Step& s, const std::string& arg) { return s.args.count(arg) != 0; }
  int64_t Int(const Step& s, const std::string& arg, int64_t def) const;
  double Number(const Step& s, const std::string& arg, double def) const;
  bool Bool(const Step& s, const std::string& arg, bool def) const;
  std::string String(const Step& s, const std::string& arg, const std::string& def) const;
  int Peer(const Step& s, const std::string& arg) const;
  // One peer, a list, or `all` (every server, in order).
  std::vector<int> Peers(const Step& s, const std::string& arg) const;
  std::vector<std::vector<int>> Groups(const Step& s, const std::string& arg) const;
  Command CommandArg(const Step& s, const std::string& arg);
  // A peer / integer expression's value.
  int64_t Eval(const StepValue& v) const;
  int ToPeer(int64_t x) const;

  // --- names ---------------------------------------------------------------
  // Binds the name written in argument `arg` (if the step has it) to value.
  void BindArg(const Step& s, const std::string& arg, int64_t value);
  void Bind(const std::string& name, int64_t value);
  void Unbind(const std::string& name);

 private:
  const StepValue& Arg(const Step& s, const std::string& arg) const;

  TestContext& ctx_;
  const StepRegistry& registry_;
  Rng rng_;
  int n_ = 0;
  std::map<std::string, int64_t> names_;
  // The fixture: owned (a step started it) or adopted (a scenario's).
  std::unique_ptr<Cluster> owned_raft_;
  std::unique_ptr<KvCluster> owned_kv_;
  Cluster* raft_ = nullptr;
  KvCluster* kv_ = nullptr;
  std::map<std::string, KvClerk*> clerks_;  // owned by *kv_
  bool annotated_ = false;                  // the failing step's place is in the message already
  std::string prelude_of_;                  // the scenario, while running its prelude
};

}  // namespace raftlab
