// StepRun: the interpreter of a steps test (issue 15). It owns the fixture
// the test's first step starts (a Raft Cluster or a KvCluster), the names
// steps bind (`as: leader`), the KV clerks by name and the test's random
// generator (derived from the run seed, label "steps"), and runs the steps
// one after another through their verbs' handlers (registered by
// raft_verbs.cc, kv_verbs.cc, common_verbs.cc and control_verbs.cc).
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
// joined by that verb). Ownership: owns the fixture and everything it made;
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
  std::unique_ptr<Cluster> raft_;
  std::unique_ptr<KvCluster> kv_;
  std::map<std::string, KvClerk*> clerks_;  // owned by kv_
  bool annotated_ = false;                  // the failing step's place is in the message already
};

}  // namespace raftlab
