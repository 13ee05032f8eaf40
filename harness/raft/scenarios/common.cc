#include "harness/raft/scenarios/common.h"

#include <exception>

namespace raftlab::scenarios {

ParamSpec ServersParam(int64_t def) {
  return {"servers", ParamType::kInt, ParamValue(def), "number of Raft peers"};
}

ParamSpec ReliableParam(bool def) {
  return {"reliable", ParamType::kBool, ParamValue(def),
          "false: labrpc drops 10% of requests and replies and delays each by 0-26 ms"};
}

ParamSpec IntParam(const std::string& name, int64_t def, const std::string& help) {
  return {name, ParamType::kInt, ParamValue(def), help};
}

ParamSpec BoolParam(const std::string& name, bool def, const std::string& help) {
  return {name, ParamType::kBool, ParamValue(def), help};
}

ClusterOptions OptionsFrom(const Params& p, int snapshot_interval) {
  ClusterOptions o;
  if (p.Has("servers")) o.servers = static_cast<int>(p.Int("servers"));
  if (p.Has("reliable")) o.reliable = p.Bool("reliable");
  o.long_delays = true;  // every Raft test (MIT)
  o.snapshot_interval = snapshot_interval;
  return o;
}

int64_t IntValue(Cluster& c, const Command& cmd, const std::string& what) {
  std::optional<int64_t> v = CommandAsInt(cmd);
  if (!v) c.Fail(what + " " + DescribeCommand(cmd) + " is not an int");
  return *v;
}

ClientThreads::~ClientThreads() {
  for (auto& t : threads_) t->join();
}

void ClientThreads::Spawn(const std::string& name, std::function<void()> fn) {
  TestContext* ctx = &c_.ctx();
  threads_.push_back(ctx->runtime().spawn(name, [ctx, name, fn = std::move(fn)] {
    try {
      fn();
    } catch (const TestFailed&) {
      // Recorded in the TestContext; the scenario thread reports it.
    } catch (const std::exception& e) {
      ctx->Fail("internal error in " + name + ": " + e.what());
    }
  }));
}

void ClientThreads::JoinAll() {
  for (auto& t : threads_) t->join();
  threads_.clear();
  c_.ctx().ThrowIfFailed();
}

}  // namespace raftlab::scenarios
