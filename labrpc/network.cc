// Network: see network.h. The Call path lives in net_core.cc.
#include "labrpc/network.h"

#include "labrpc/net_core.h"

namespace raftlab::labrpc {

Network::Network(Runtime& rt, uint64_t seed) : core_(std::make_shared<NetCore>(rt, seed)) {}

Network::~Network() {
  Cleanup();
  core_->pool.Shutdown();
}

StatusOr<std::shared_ptr<ClientEnd>> Network::TryMakeEnd(const std::string& name) {
  MutexLock l(*core_->mu);
  auto& slot = core_->ends[name];
  if (slot) return Status::InvalidArgument("labrpc: duplicate end name '" + name + "'");
  slot = std::make_shared<EndState>(name);
  return std::make_shared<ClientEnd>(core_, slot);
}

std::shared_ptr<ClientEnd> Network::MakeEnd(const std::string& name) {
  auto end = TryMakeEnd(name);
  return end.ok() ? std::move(end.value()) : nullptr;
}

void Network::DeleteEnd(const std::string& name) {
  MutexLock l(*core_->mu);
  auto it = core_->ends.find(name);
  if (it == core_->ends.end()) return;
  it->second->deleted = true;
  it->second->enabled = false;
  core_->ends.erase(it);
}

void Network::Connect(const std::string& end, const std::string& server) {
  MutexLock l(*core_->mu);
  auto it = core_->ends.find(end);
  if (it == core_->ends.end()) return;
  it->second->slot = core_->SlotLocked(server);
}

void Network::Enable(const std::string& end, bool enabled) {
  MutexLock l(*core_->mu);
  auto it = core_->ends.find(end);
  if (it != core_->ends.end()) it->second->enabled = enabled;
}

void Network::AddServer(const std::string& name, std::shared_ptr<Server> s) {
  MutexLock l(*core_->mu);
  core_->SlotLocked(name)->server = std::move(s);
}

void Network::DeleteServer(const std::string& name) {
  std::shared_ptr<Server> old;  // released outside the lock
  MutexLock l(*core_->mu);
  auto it = core_->servers.find(name);
  if (it != core_->servers.end()) old = std::move(it->second->server);
}

void Network::SetReliable(bool reliable) {
  MutexLock l(*core_->mu);
  core_->reliable = reliable;
}

void Network::SetLongDelays(bool long_delays) {
  MutexLock l(*core_->mu);
  core_->long_delays = long_delays;
}

void Network::SetLongReordering(bool long_reordering) {
  MutexLock l(*core_->mu);
  core_->long_reordering = long_reordering;
}

int64_t Network::GetCount(const std::string& server) const {
  MutexLock l(*core_->mu);
  auto it = core_->servers.find(server);
  if (it == core_->servers.end() || !it->second->server) return 0;
  return it->second->server->rpc_count();
}

int64_t Network::GetTotalCount() const {
  return core_->total_count.load(std::memory_order_relaxed);
}

int64_t Network::GetTotalBytes() const {
  return core_->total_bytes.load(std::memory_order_relaxed);
}

std::map<std::string, MethodStats> Network::GetMethodStats() const {
  MutexLock l(*core_->mu);
  return core_->methods.Snapshot();
}

void Network::SetErrorSink(std::function<void(const std::string&)> sink) {
  MutexLock l(*core_->sink_mu);
  core_->sink = std::move(sink);
}

void Network::SetRequestTap(std::function<void(const TappedRequest&)> tap) {
  MutexLock l(*core_->tap_mu);
  core_->tapped.store(static_cast<bool>(tap), std::memory_order_release);
  core_->tap = tap ? std::make_shared<const std::function<void(const TappedRequest&)>>(std::move(tap)) : nullptr;
}

bool Network::Deliver(const std::string& server, std::string_view svc_meth, const Bytes& req) {
  std::shared_ptr<Server> s;
  {
    MutexLock l(*core_->mu);
    if (core_->cleaned) return false;
    auto it = core_->servers.find(server);
    if (it == core_->servers.end() || !it->second->server) return false;
    s = it->second->server;
  }
  return core_->pool.Submit([s, method = std::string(svc_meth), req] {
    Bytes discarded;
    s->Dispatch(method, req, &discarded);  // a late duplicate: nobody waits for the reply
  });
}

void Network::SetDecisionObserver(std::function<void(const NetDecision&)> observer) {
  MutexLock l(*core_->rng_mu);
  core_->observer = std::move(observer);
}

void Network::Cleanup() {
  MutexLock l(*core_->mu);
  core_->cleaned = true;
}

Runtime& Network::runtime() const { return core_->rt; }

}  // namespace raftlab::labrpc
