// NetCore: the labrpc Call path. See net_core.h and network.h.
//
// Fast path (reliable mode, enabled end, live server): one lock of the
// network mutex to count and take a snapshot, the handler on a pooled thread,
// the caller blocked on the call's own condition variable, one more lock of
// the network mutex for the post-handler death check. No timer, no sleep, no
// thread creation. The caller waits with a deadline of kDeathPoll and only
// checks for server death when that deadline expires, so the 100 ms death
// poll costs nothing for handlers that return sooner.
#include "labrpc/net_core.h"

#include "labrpc/spin.h"

#include <utility>

namespace raftlab::labrpc {

// One Call's completion, shared by the caller, the handler task and timers
// (so that an abandoned call's late handler or timer writes into live memory).
struct NetCore::CallState {
  explicit CallState(Runtime& rt) : mu(rt.make_mutex()), cv(rt.make_cond()) {}
  const std::unique_ptr<Mutex> mu;
  const std::unique_ptr<CondVar> cv;
  bool handler_done GUARDED_BY(*mu) = false;
  bool fired GUARDED_BY(*mu) = false;
  // Mirrors handler_done for the caller's lock-free spin (spin.h).
  std::atomic<bool> done{false};
  Server::DispatchResult result GUARDED_BY(*mu) = Server::DispatchResult::kOk;
  Bytes reply GUARDED_BY(*mu);
  // Set before the handler task starts, read-only afterwards.
  std::shared_ptr<Server> server;
  std::shared_ptr<MethodCounters> method;
  Bytes req;
};

NetCore::NetCore(Runtime& r, uint64_t seed)
    : rt(r),
      mu(r.make_mutex()),
      pool(r, "labrpc-h"),
      rng_mu(r.make_mutex()),
      rng(DeriveSeed(seed, "labrpc/network")),
      sink_mu(r.make_mutex()),
      tap_mu(r.make_mutex()) {}

void NetCore::ObserveLocked(NetDecision::Kind what, const std::string& end, int64_t value) {
  if (observer) observer(NetDecision{what, end, value});
}

int64_t NetCore::RandBelow(int64_t n, NetDecision::Kind what, const std::string& end) {
  MutexLock l(*rng_mu);
  const int64_t v = rng.below(n);
  ObserveLocked(what, end, v);
  return v;
}

bool NetCore::RandChance(int64_t num, int64_t den, NetDecision::Kind what, const std::string& end) {
  MutexLock l(*rng_mu);
  const bool v = rng.chance(num, den);
  ObserveLocked(what, end, v ? 1 : 0);
  return v;
}

int64_t NetCore::ReorderDelayMs(const std::string& end) {
  MutexLock l(*rng_mu);
  // 200 + U(0..U(0..1999)): 200..2199 ms, skewed toward the short end.
  const int64_t inner = rng.below(kReorderSpreadMs);
  const int64_t v = kReorderBaseMs + rng.uniform(0, inner);
  ObserveLocked(NetDecision::Kind::kReorderDelay, end, v);
  return v;
}

bool NetCore::Cleaned() {
  MutexLock l(*mu);
  return cleaned;
}

// MIT's "server dead": the end was disabled (or deleted) or the server name
// now holds a different Server object (deleted or restarted). A cleaned-up
// network also ends every wait.
bool NetCore::ServerDead(EndState& end, ServerSlot& slot, const Server* server) {
  MutexLock l(*mu);
  return cleaned || !end.enabled || end.deleted || slot.server.get() != server;
}

void NetCore::ReportError(const std::string& msg) {
  std::function<void(const std::string&)> s;
  {
    MutexLock l(*sink_mu);
    s = sink;
  }
  if (s) s(msg);
}

void NetCore::Tap(const std::string& end, const std::string& server, std::string_view svc_meth, const Bytes& req) {
  if (!tapped.load(std::memory_order_acquire)) return;
  std::shared_ptr<const std::function<void(const TappedRequest&)>> t;
  {
    MutexLock l(*tap_mu);
    t = tap;
  }
  if (t) (*t)(TappedRequest{end, server, std::string(svc_meth), req});
}

std::shared_ptr<ServerSlot> NetCore::SlotLocked(const std::string& name) {
  auto& slot = servers[name];
  if (!slot) slot = std::make_shared<ServerSlot>(name);
  return slot;
}

void NetCore::FireAfter(const std::shared_ptr<CallState>& st, int64_t ms) {
  rt.after(Millis(ms), [st] {
    {
      MutexLock l(*st->mu);
      st->fired = true;
    }
    st->cv->notify_one();
  });
}

// Waits lock and unlock by hand (not std::unique_lock) so that clang's
// thread-safety analysis can follow the mutex.
bool NetCore::EndDeleted(EndState& end) {
  MutexLock l(*mu);
  return end.deleted;
}

bool NetCore::WaitFired(CallState& st, EndState* end) {
  st.mu->lock();
  while (!st.fired) {
    if (st.cv->wait_until(*st.mu, rt.now() + kDeathPoll) && !st.fired) {
      st.mu->unlock();
      if (Cleaned() || (end != nullptr && EndDeleted(*end))) return false;
      st.mu->lock();
    }
  }
  st.mu->unlock();
  return true;
}

bool NetCore::Call(EndState& end, std::string_view svc_meth, const Bytes& req, Bytes* reply) {
  const int64_t req_bytes = static_cast<int64_t>(req.size());
  std::shared_ptr<ServerSlot> slot;
  std::shared_ptr<Server> server;
  std::shared_ptr<MethodCounters> method;
  bool is_reliable, is_long_delays, is_long_reordering;
  {
    MutexLock l(*mu);
    if (cleaned) return false;
    // MIT counts every Call that reaches the dispatcher, and its request
    // bytes, whatever happens next.
    total_count.fetch_add(1, std::memory_order_relaxed);
    total_bytes.fetch_add(req_bytes, std::memory_order_relaxed);
    method = methods.Get(svc_meth);
    if (end.enabled && !end.deleted && end.slot && end.slot->server) {
      slot = end.slot;
      server = slot->server;
    }
    is_reliable = reliable;
    is_long_delays = long_delays;
    is_long_reordering = long_reordering;
  }
  method->sent.fetch_add(1, std::memory_order_relaxed);
  method->bytes.fetch_add(req_bytes, std::memory_order_relaxed);

  auto st = std::make_shared<CallState>(rt);

  if (!server) {
    // Case B: disabled, unconnected or deleted. The handler never runs; the
    // caller learns of the failure after a random delay, from a timer.
    FireAfter(st,
              RandBelow(is_long_delays ? kLongFailMs : kShortFailMs, NetDecision::Kind::kFailDelay, end.name));
    WaitFired(*st, &end);
    return false;
  }

  // Case A.
  if (!is_reliable) {
    rt.sleep_for(Millis(RandBelow(kShortDelayMs, NetDecision::Kind::kShortDelay, end.name)));
    if (RandChance(kDropPermille, 1000, NetDecision::Kind::kRequestDrop, end.name)) {
      return false;  // request lost
    }
  }

  Tap(end.name, slot->name, svc_meth, req);
  st->server = server;
  st->method = method;
  st->req = req;  // the handler may outlive this Call: it gets its own copy
  const bool submitted = pool.Submit([st] {
    Bytes out;
    const Server::DispatchResult r = st->server->Dispatch(st->method->name, st->req, &out);
    st->method->delivered.fetch_add(1, std::memory_order_relaxed);
    {
      MutexLock l(*st->mu);
      st->result = r;
      st->reply = std::move(out);
      st->handler_done = true;
    }
    st->done.store(true, std::memory_order_release);
    st->cv->notify_one();  // no syscall when the caller is spinning, not waiting
  });
  if (!submitted) return false;  // pool shut down: the network is gone

  Server::DispatchResult result;
  if (!rt.simulated()) {  // under simulation the handler cannot finish while this thread spins
    SpinUntil([&] { return st->done.load(std::memory_order_acquire); }, [&] { return rt.now(); });
  }
  st->mu->lock();
  while (!st->handler_done) {
    if (st->cv->wait_until(*st->mu, rt.now() + kDeathPoll) && !st->handler_done) {
      st->mu->unlock();
      // The handler keeps running in the background; its result is thrown away.
      if (ServerDead(end, *slot, server.get())) return false;
      st->mu->lock();
    }
  }
  result = st->result;
  st->mu->unlock();
  switch (result) {
    case Server::DispatchResult::kOk:
      break;
    case Server::DispatchResult::kUnknownService:
    case Server::DispatchResult::kUnknownMethod: {
      const std::string_view what = result == Server::DispatchResult::kUnknownMethod
                                        ? "method"
                                        : "service";
      ReportError("unknown RPC " + std::string(what) + " '" + std::string(svc_meth) +
                  "' on server " + slot->name);
      return false;
    }
    case Server::DispatchResult::kHandlerThrew:
      ReportError("RPC handler for '" + std::string(svc_meth) + "' on server " + slot->name +
                  " threw an exception");
      return false;
  }

  // Checked once more after the handler returned: a crashed server must not
  // acknowledge something saved into a Persister that has been replaced.
  if (ServerDead(end, *slot, server.get())) return false;

  if (!is_reliable && RandChance(kDropPermille, 1000, NetDecision::Kind::kReplyDrop, end.name)) {
    return false;  // reply lost
  }

  if (is_long_reordering && RandChance(kReorderNum, kReorderDen, NetDecision::Kind::kReorder, end.name)) {
    FireAfter(st, ReorderDelayMs(end.name));
    // A reply held back this long (up to 2.2 s) is lost if the caller's
    // peer is killed meanwhile: its deleted end releases the wait.
    if (!WaitFired(*st, &end)) return false;
  }

  // Delivered: only now do the reply's bytes count.
  Bytes out;
  {
    MutexLock l(*st->mu);
    out = std::move(st->reply);
  }
  const int64_t reply_bytes = static_cast<int64_t>(out.size());
  total_bytes.fetch_add(reply_bytes, std::memory_order_relaxed);
  method->bytes.fetch_add(reply_bytes, std::memory_order_relaxed);
  if (reply != nullptr) *reply = std::move(out);
  return true;
}

}  // namespace raftlab::labrpc
