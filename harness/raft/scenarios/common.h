// Shared vocabulary of the Raft scenarios (parts 1-4): the parameters every
// scenario understands, the cluster options they map to, and a small group
// of client threads (MIT's concurrent one() / Start() callers).
//
// Thread safety: ClientThreads is used from the scenario thread; the
// functions it runs are client threads. Ownership: ClientThreads joins its
// threads before it is destroyed, so declare it AFTER the Cluster it uses.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "harness/raft/cluster.h"
#include "harness/scenario/scenario.h"

namespace raftlab::scenarios {

// ParamSpec builders for the parameters most scenarios share.
ParamSpec ServersParam(int64_t def);
ParamSpec ReliableParam(bool def);
ParamSpec IntParam(const std::string& name, int64_t def, const std::string& help);
ParamSpec BoolParam(const std::string& name, bool def, const std::string& help);

// servers / reliable from the test's params (defaults: 3, reliable);
// snapshot_interval as given.
ClusterOptions OptionsFrom(const Params& p, int snapshot_interval = 0);

// The majority of n servers.
inline int Majority(int n) { return n / 2 + 1; }

// The command's integer value, or a failure "<what> X is not an int".
int64_t IntValue(Cluster& c, const Command& cmd, const std::string& what);

// Runs fn(k) on its own thread for each started client. A TestFailed thrown
// inside a client ends that client only (the failure is already recorded in
// the TestContext, and the scenario thread throws it at its next verb).
class ClientThreads {
 public:
  explicit ClientThreads(Cluster& c) : c_(c) {}
  ~ClientThreads();  // JoinAll()
  ClientThreads(const ClientThreads&) = delete;
  ClientThreads& operator=(const ClientThreads&) = delete;

  void Spawn(const std::string& name, std::function<void()> fn);
  // Joins every client, then throws the recorded failure if a client failed.
  void JoinAll();

 private:
  Cluster& c_;
  std::vector<std::unique_ptr<Thread>> threads_;
};

}  // namespace raftlab::scenarios
