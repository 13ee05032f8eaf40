// Network: MIT labrpc's simulated network (one per test), reproducing its
// semantics and numbers exactly (the values of MIT's labrpc.go).
//
// A Call through an end that is enabled, connected and whose server exists:
//   * unreliable mode: waits U(0..26) ms, then loses the request with
//     probability 10% (the handler does not run);
//   * runs the handler on a pooled thread. While it runs, the server is
//     checked for death every 100 ms (dead: the end is disabled or deleted, or
//     the server name holds a different Server object); once dead the Call
//     returns false and the handler's result is thrown away. The check is
//     made once more after the handler returns;
//   * unreliable mode: loses the reply with probability 10%;
//   * long reordering: delivers 2/3 of replies after 200 + U(0..U(0..1999)) ms.
// Otherwise (disabled, unconnected, deleted end or server) the handler never
// runs and the Call returns false after U(0..99) ms, or U(0..6999) ms with
// long delays. Counters: GetTotalCount counts every Call, GetTotalBytes
// request bytes at send plus reply bytes when a reply is delivered, GetCount
// the requests that reached a server's dispatcher (before method lookup).
// An unknown service or method fails the Call and reports
// "unknown RPC method 'S.M' on server NAME" to the error sink.
//
// Every random decision comes from one Rng seeded from `seed`; an optional
// observer (SetDecisionObserver) sees each one, in the order it was drawn, so
// a test can check that a seed replays the same fault schedule.
//
// Thread safety: every method may be called from any thread. Ownership: the
// Network owns ends' and servers' registrations; ends and servers themselves
// are shared. The Runtime must outlive the Network, its ends and any handler
// still running.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "labrpc/client_end.h"
#include "labrpc/server.h"
#include "labrpc/types.h"
#include "runtime/runtime.h"
#include "runtime/status.h"

namespace raftlab::labrpc {

struct NetCore;

// One random choice the network made, in the order it was drawn.
struct NetDecision {
  enum class Kind {
    kFailDelay,     // a dead end's failure delay (value: ms)
    kShortDelay,    // unreliable: the request's delay (value: ms)
    kRequestDrop,   // unreliable: the request was lost (value: 1) or not (0)
    kReplyDrop,     // unreliable: the reply was lost (1) or not (0)
    kReorder,       // long reordering: the reply is held back (1) or not (0)
    kReorderDelay,  // long reordering: how long (value: ms)
  };
  Kind kind = Kind::kFailDelay;
  std::string end;  // the ClientEnd's name
  int64_t value = 0;
  bool operator==(const NetDecision&) const = default;
};

// A request the network delivered to a server (Network::SetRequestTap).
struct TappedRequest {
  std::string end;     // the ClientEnd it came through
  std::string server;  // the server name it reached
  std::string method;  // "Service.Method"
  Bytes request;
};

class Network {
 public:
  Network(Runtime& rt, uint64_t seed);   // reliable, short delays, no reordering
  ~Network();                            // Cleanup(), then stops the handler pool
  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;

  // A new end, disabled and unconnected. Returns nullptr if the name is
  // taken (use TryMakeEnd for the reason).
  std::shared_ptr<ClientEnd> MakeEnd(const std::string& name);
  StatusOr<std::shared_ptr<ClientEnd>> TryMakeEnd(const std::string& name);
  // Forgets the end: later Calls on it fail as on a disabled end. The name
  // may be reused. Calls on it still in progress (waiting out a failure
  // delay, for a handler, or for a reply held back by long reordering)
  // return false within 100 ms (used to cut a killed peer's calls short).
  void DeleteEnd(const std::string& name);
  // Wires an end to a server name (which need not exist yet). Unknown end
  // names are ignored.
  void Connect(const std::string& end, const std::string& server);
  void Enable(const std::string& end, bool enabled);

  // Registers `s` under `name`, replacing any earlier Server of that name
  // (calls in flight to the old one then count as dead).
  void AddServer(const std::string& name, std::shared_ptr<Server> s);
  void DeleteServer(const std::string& name);

  void SetReliable(bool reliable);
  void SetLongDelays(bool long_delays);
  void SetLongReordering(bool long_reordering);

  int64_t GetCount(const std::string& server) const;  // current Server's rpc_count, 0 if none
  int64_t GetTotalCount() const;
  int64_t GetTotalBytes() const;
  std::map<std::string, MethodStats> GetMethodStats() const;

  // Student errors seen by the network (unknown service or method, a handler
  // that threw). Called on the thread of the failing Call, never under a
  // labrpc lock.
  void SetErrorSink(std::function<void(const std::string&)> sink);

  // Receives every random decision (see NetDecision) as it is drawn, on the
  // thread of the Call, while the network's Rng lock is held: it must be
  // quick and must not call into the Network. Empty: none (the default).
  void SetDecisionObserver(std::function<void(const NetDecision&)> observer);

  // Receives a copy of every request about to reach a server's dispatcher
  // (after the unreliable network's delay and drop), on the thread of the
  // Call and under no labrpc lock: it must be quick and must not call into
  // the Network. Empty: none (the default). For tests that replay traffic.
  void SetRequestTap(std::function<void(const TappedRequest&)> tap);
  // Delivers `req` to the server now registered under `server` as a
  // duplicate the network delivered late: the handler runs on a pooled
  // thread and its reply is thrown away. It is not a Call: the totals
  // (GetTotalCount, GetTotalBytes, method stats) do not count it; the
  // server's GetCount does. False when no such server exists or the network
  // is cleaned up. Never waits for the handler.
  bool Deliver(const std::string& server, std::string_view svc_meth, const Bytes& req);
  // Later Calls return false at once; Calls waiting on a handler or a timer
  // return false within 100 ms. Never waits for handlers. Idempotent.
  void Cleanup();

  Runtime& runtime() const;

 private:
  std::shared_ptr<NetCore> core_;
};

}  // namespace raftlab::labrpc
