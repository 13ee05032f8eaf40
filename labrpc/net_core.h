// NetCore: labrpc's shared network state and the Call path (internal to
// labrpc; use Network, ClientEnd and Mesh).
//
// The Network object is the owner-facing handle; NetCore is what ClientEnds,
// in-flight calls and timers share (std::shared_ptr), so an end held by a
// zombie peer stays safe to call after the Network is gone (it fails at once).
//
// Thread safety: all mutable state is guarded by `mu`, except the atomic
// counters and the Rng (guarded by `rng_mu`). Lock order: mu before a call's
// own mutex is never needed; code never holds two of them at once, and never
// calls a handler or the error sink while holding `mu`.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "labrpc/counters.h"
#include "labrpc/handler_pool.h"
#include "labrpc/network.h"  // NetDecision
#include "labrpc/server.h"
#include "labrpc/types.h"
#include "runtime/rng.h"
#include "runtime/runtime.h"

namespace raftlab::labrpc {

// MIT labrpc's constants (the values of MIT's labrpc.go).
inline constexpr int64_t kShortDelayMs = 27;        // unreliable: U(0..26) ms
inline constexpr int64_t kDropPermille = 100;       // request drop, reply drop: 10%
inline constexpr int64_t kReorderNum = 600;         // long reordering: 600/900
inline constexpr int64_t kReorderDen = 900;
inline constexpr int64_t kReorderBaseMs = 200;      // 200 + U(0..U(0..1999)) ms
inline constexpr int64_t kReorderSpreadMs = 2000;
inline constexpr int64_t kLongFailMs = 7000;        // dead end, long delays: U(0..6999)
inline constexpr int64_t kShortFailMs = 100;        // dead end otherwise: U(0..99)
inline constexpr Millis kDeathPoll{100};            // handler-death check period

// A server name's slot: holds the current Server object of that name (null
// when deleted). Slots are never removed, so ends can point at them.
struct ServerSlot {
  explicit ServerSlot(std::string n) : name(std::move(n)) {}
  const std::string name;
  std::shared_ptr<Server> server;  // guarded by NetCore::mu
};

// The network's view of one ClientEnd.
struct EndState {
  explicit EndState(std::string n) : name(std::move(n)) {}
  const std::string name;
  bool enabled = false;               // guarded by NetCore::mu
  bool deleted = false;               // guarded by NetCore::mu
  std::shared_ptr<ServerSlot> slot;   // guarded by NetCore::mu; null: unconnected
};

struct NetCore {
  NetCore(Runtime& rt, uint64_t seed);

  // ClientEnd::Call. Blocks; true only if the handler ran and its reply came
  // back (see network.h for the full semantics).
  bool Call(EndState& end, std::string_view svc_meth, const Bytes& req, Bytes* reply);

  void ReportError(const std::string& msg);
  std::shared_ptr<ServerSlot> SlotLocked(const std::string& name) REQUIRES(*mu);

  Runtime& rt;
  const std::unique_ptr<Mutex> mu;
  std::unordered_map<std::string, std::shared_ptr<EndState>> ends GUARDED_BY(*mu);
  std::unordered_map<std::string, std::shared_ptr<ServerSlot>> servers GUARDED_BY(*mu);
  MethodRegistry methods GUARDED_BY(*mu);
  bool reliable GUARDED_BY(*mu) = true;
  bool long_delays GUARDED_BY(*mu) = false;
  bool long_reordering GUARDED_BY(*mu) = false;
  bool cleaned GUARDED_BY(*mu) = false;

  std::atomic<int64_t> total_count{0};
  std::atomic<int64_t> total_bytes{0};

  HandlerPool pool;

 private:
  struct CallState;
  // Each draws from `rng` and tells the observer (what, on which end).
  int64_t RandBelow(int64_t n, NetDecision::Kind what, const std::string& end);
  bool RandChance(int64_t num, int64_t den, NetDecision::Kind what, const std::string& end);
  int64_t ReorderDelayMs(const std::string& end);
  void ObserveLocked(NetDecision::Kind what, const std::string& end, int64_t value) REQUIRES(*rng_mu);
  bool Cleaned();
  bool ServerDead(EndState& end, ServerSlot& slot, const Server* server);
  // Completes `st` (sets `fired`) from a Runtime timer after `ms`.
  void FireAfter(const std::shared_ptr<CallState>& st, int64_t ms);
  // Waits for the timer armed by FireAfter; false if the network was
  // cleaned up first, or `end` (when given) was deleted first: the fixture
  // deletes a killed peer's ends so that its calls waiting out a long
  // failure delay or a held-back reply return within one kDeathPoll and
  // kill() can join its threads.
  bool WaitFired(CallState& st, EndState* end = nullptr);
  bool EndDeleted(EndState& end);

  const std::unique_ptr<Mutex> rng_mu;
  Rng rng GUARDED_BY(*rng_mu);
  std::function<void(const NetDecision&)> observer GUARDED_BY(*rng_mu);  // Network::SetDecisionObserver
  const std::unique_ptr<Mutex> sink_mu;
  std::function<void(const std::string&)> sink GUARDED_BY(*sink_mu);
  // Network::SetRequestTap: copied out under tap_mu, called without it.
  // `tapped` lets the Call path skip the lock when there is no tap.
  void Tap(const std::string& end, const std::string& server, std::string_view svc_meth, const Bytes& req);
  const std::unique_ptr<Mutex> tap_mu;
  std::shared_ptr<const std::function<void(const TappedRequest&)>> tap GUARDED_BY(*tap_mu);
  std::atomic<bool> tapped{false};

  friend class Network;
};

}  // namespace raftlab::labrpc
