// Server: one peer incarnation's RPC endpoint, a set of services keyed by
// name ("Raft", "KVServer") plus the count of requests that reached it.
//
// A request names "Service.Method"; the service is everything before the
// last dot. A restarted peer gets a new Server object: labrpc detects a dead
// server by comparing Server identity, so never reuse one across incarnations.
//
// Thread safety: every method may be called from any thread; AddService may
// race with dispatching (a dispatch sees the services before or after).
// Ownership: shared (std::shared_ptr) between the fixture and the Network;
// handlers are owned by the Server.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "labrpc/types.h"

namespace raftlab::labrpc {

class Server {
 public:
  enum class DispatchResult { kOk, kUnknownService, kUnknownMethod, kHandlerThrew };

  Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Adds (or replaces) the handler of `service`, e.g. "Raft".
  void AddService(const std::string& service, Handler h);

  // Requests that reached this server's dispatcher, counted before the
  // method lookup (MIT's GetCount), including ones whose reply was lost.
  int64_t rpc_count() const { return count_.load(std::memory_order_relaxed); }

  // Internal to labrpc, runs on a handler thread: counts the request, finds
  // the service and runs its handler. `reply` must be empty.
  DispatchResult Dispatch(std::string_view svc_meth, const Bytes& req, Bytes* reply);

 private:
  using ServiceMap = std::map<std::string, Handler, std::less<>>;
  // Copy-on-write: AddService publishes a new map; Dispatch reads a snapshot.
  std::atomic<std::shared_ptr<const ServiceMap>> services_;
  std::atomic<int64_t> count_{0};
};

}  // namespace raftlab::labrpc
