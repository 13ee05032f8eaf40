// fake_cluster.cc: see fake_cluster.h. Test scaffolding: it uses std threads,
// locks and clocks directly (it is not harness code).
#include "tests/reference/fake_cluster.h"

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>

namespace raftlab::ref::testing {
namespace {

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

struct StdThread {
  std::thread t;
};

}  // namespace

struct FakeCluster::Persister {
  std::mutex mu;
  Bytes state, snapshot;
};

// The host of one instance (server incarnation or clerk).
struct FakeCluster::InstHost {
  raftlab_host host{};
  FakeCluster* cluster = nullptr;
  int me = -1;  // server index; -1 for a clerk
  std::atomic<bool> killed{false};
  std::shared_ptr<Persister> pers;  // null for a clerk
  uint64_t rng = 0;
  std::mutex rng_mu;

  InstHost(FakeCluster* c, int me_, std::shared_ptr<Persister> p, uint64_t seed);
  static InstHost* Of(const raftlab_host* h) { return static_cast<InstHost*>(h->host_ctx); }
};

FakeCluster::InstHost::InstHost(FakeCluster* c, int me_, std::shared_ptr<Persister> p, uint64_t seed)
    : cluster(c), me(me_), pers(std::move(p)), rng(seed) {
  raftlab_host& h = host;
  h.struct_size = sizeof h;
  h.abi_major = RAFTLAB_ABI_MAJOR;
  h.abi_minor = RAFTLAB_ABI_MINOR;
  h.host_ctx = this;
  h.call = [](const raftlab_host* s, int32_t peer, const char* method, const uint8_t* req, size_t len,
              raftlab_sink* reply) -> int32_t {
    return Of(s)->cluster->CallFrom(Of(s), peer, method, req, len, reply);
  };
  h.apply = [](const raftlab_host* s, const raftlab_apply_msg*) -> int32_t {
    Of(s)->cluster->AddError("apply() called on an rsm/kv host: the rsm must take its Raft's applies");
    return RAFTLAB_ERR_INTERNAL;
  };
  h.persist_save = [](const raftlab_host* s, const uint8_t* st, size_t st_len, const uint8_t* snap,
                      size_t snap_len) {
    InstHost* self = Of(s);
    if (self->pers == nullptr) return self->cluster->AddError("persist_save on a clerk");
    if (self->killed) return self->cluster->AddError("persist_save after kill");
    std::lock_guard<std::mutex> l(self->pers->mu);
    self->pers->state.assign(st, st + st_len);
    self->pers->snapshot.assign(snap, snap + snap_len);
  };
  h.persist_read_state = [](const raftlab_host* s, raftlab_sink* out) {
    if (Of(s)->pers == nullptr) return;
    std::lock_guard<std::mutex> l(Of(s)->pers->mu);
    out->write(out, Of(s)->pers->state.data(), Of(s)->pers->state.size());
  };
  h.persist_read_snapshot = [](const raftlab_host* s, raftlab_sink* out) {
    if (Of(s)->pers == nullptr) return;
    std::lock_guard<std::mutex> l(Of(s)->pers->mu);
    out->write(out, Of(s)->pers->snapshot.data(), Of(s)->pers->snapshot.size());
  };
  h.persist_state_size = [](const raftlab_host* s) -> size_t {
    if (Of(s)->pers == nullptr) return 0;
    std::lock_guard<std::mutex> l(Of(s)->pers->mu);
    return Of(s)->pers->state.size();
  };
  h.persist_snapshot_size = [](const raftlab_host* s) -> size_t {
    if (Of(s)->pers == nullptr) return 0;
    std::lock_guard<std::mutex> l(Of(s)->pers->mu);
    return Of(s)->pers->snapshot.size();
  };
  h.log = [](const raftlab_host* s, int32_t level, const char* text) {
    if (level >= RAFTLAB_LOG_ERROR) Of(s)->cluster->AddError(std::string("logged error: ") + text);
  };
  h.random_u64 = [](const raftlab_host* s) -> uint64_t {
    InstHost* self = Of(s);
    std::lock_guard<std::mutex> l(self->rng_mu);
    uint64_t z = (self->rng += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  };
  h.now_ns = [](const raftlab_host*) { return NowNs(); };
  h.sleep_ns = [](const raftlab_host* s, int64_t ns) {
    const int64_t until = NowNs() + ns;
    while (!Of(s)->killed && NowNs() < until) {
      std::this_thread::sleep_for(std::chrono::nanoseconds(std::min<int64_t>(until - NowNs(), 2000000)));
    }
  };
  h.thread_start = [](const raftlab_host*, const char*, void (*fn)(void*), void* arg) {
    return reinterpret_cast<raftlab_thread*>(new StdThread{std::thread(fn, arg)});
  };
  h.thread_join = [](const raftlab_host*, raftlab_thread* t) {
    auto* st = reinterpret_cast<StdThread*>(t);
    st->t.join();
    delete st;
  };
  h.mutex_new = [](const raftlab_host*) { return reinterpret_cast<raftlab_mutex*>(new std::mutex); };
  h.mutex_free = [](const raftlab_host*, raftlab_mutex* m) { delete reinterpret_cast<std::mutex*>(m); };
  h.mutex_lock = [](const raftlab_host*, raftlab_mutex* m) { reinterpret_cast<std::mutex*>(m)->lock(); };
  h.mutex_unlock = [](const raftlab_host*, raftlab_mutex* m) { reinterpret_cast<std::mutex*>(m)->unlock(); };
  h.cond_new = [](const raftlab_host*) {
    return reinterpret_cast<raftlab_cond*>(new std::condition_variable_any);
  };
  h.cond_free = [](const raftlab_host*, raftlab_cond* c) {
    delete reinterpret_cast<std::condition_variable_any*>(c);
  };
  h.cond_wait = [](const raftlab_host*, raftlab_cond* c, raftlab_mutex* m) {
    reinterpret_cast<std::condition_variable_any*>(c)->wait(*reinterpret_cast<std::mutex*>(m));
  };
  h.cond_wait_until = [](const raftlab_host*, raftlab_cond* c, raftlab_mutex* m, int64_t deadline) -> int32_t {
    const auto tp = std::chrono::steady_clock::time_point(std::chrono::nanoseconds(deadline));
    return reinterpret_cast<std::condition_variable_any*>(c)->wait_until(*reinterpret_cast<std::mutex*>(m),
                                                                         tp) == std::cv_status::timeout;
  };
  h.cond_notify_one = [](const raftlab_host*, raftlab_cond* c) {
    reinterpret_cast<std::condition_variable_any*>(c)->notify_one();
  };
  h.cond_notify_all = [](const raftlab_host*, raftlab_cond* c) {
    reinterpret_cast<std::condition_variable_any*>(c)->notify_all();
  };
  h.killed = [](const raftlab_host* s) -> int32_t { return Of(s)->killed ? 1 : 0; };
}

// The counter state machine of MIT's rsm tests.
struct FakeCluster::CounterSm {
  raftlab_state_machine sm{};
  FakeCluster* cluster = nullptr;
  std::atomic<int64_t> value{0};

  explicit CounterSm(FakeCluster* c) : cluster(c) {
    sm.struct_size = sizeof sm;
    sm.ctx = this;
    sm.do_op = [](void* ctx, const uint8_t* op, size_t len, raftlab_sink* result) {
      auto* self = static_cast<CounterSm*>(ctx);
      const std::string o(reinterpret_cast<const char*>(op), len);
      if (o == "inc") {
        const std::string v = std::to_string(++self->value);
        result->write(result, reinterpret_cast<const uint8_t*>(v.data()), v.size());
      } else if (o != "null") {
        self->cluster->violations_++;
      }
    };
    sm.snapshot = [](void* ctx, raftlab_sink* out) {
      const std::string v = std::to_string(static_cast<CounterSm*>(ctx)->value.load());
      out->write(out, reinterpret_cast<const uint8_t*>(v.data()), v.size());
    };
    sm.restore = [](void* ctx, const uint8_t* data, size_t len) {
      static_cast<CounterSm*>(ctx)->value = std::stoll(std::string(reinterpret_cast<const char*>(data), len));
    };
  }
};

// One live server incarnation.
struct FakeCluster::Live {
  std::unique_ptr<InstHost> host;
  std::unique_ptr<CounterSm> counter;  // rsm kind
  raftlab_rsm* rsm = nullptr;
  raftlab_kvserver* kv = nullptr;
  std::mutex mu;
  std::condition_variable idle;
  bool dead = false;  // GUARDED_BY(mu)
  int inflight = 0;   // GUARDED_BY(mu)
};

FakeCluster::FakeCluster(int n, Kind kind, int64_t maxraftstate)
    : n_(n), kind_(kind), maxraftstate_(maxraftstate), plugin_(raftlab_entry(RAFTLAB_ABI_MAJOR, RAFTLAB_ABI_MINOR)) {
  rsm_ = static_cast<const raftlab_rsm_ext*>(plugin_->get_extension(RAFTLAB_EXT_RSM));
  kv_ = static_cast<const raftlab_kvserver_ext*>(plugin_->get_extension(RAFTLAB_EXT_KVSERVER));
  clerk_ = static_cast<const raftlab_clerk_ext*>(plugin_->get_extension(RAFTLAB_EXT_CLERK));
  if (rsm_ == nullptr || kv_ == nullptr || clerk_ == nullptr) throw std::runtime_error("extensions missing");
  live_.resize(n);
  connected_.assign(n, true);
  for (int i = 0; i < n; i++) pers_.push_back(std::make_shared<Persister>());
  for (int i = 0; i < n; i++) Start(i);
}

FakeCluster::~FakeCluster() {
  for (int i = 0; i < n_; i++) Crash(i);
  for (size_t c = 0; c < clerks_.size(); c++) {
    clerk_hosts_[c]->killed = true;
    clerk_->destroy(clerks_[c]);
  }
}

void FakeCluster::Start(int i) {
  auto live = std::make_shared<Live>();
  {
    std::lock_guard<std::mutex> l(mu_);
    live->host = std::make_unique<InstHost>(this, i, pers_[i], next_seed_++ * 7919);
  }
  if (kind_ == Kind::kRsm) {
    live->counter = std::make_unique<CounterSm>(this);
    live->rsm = rsm_->make(&live->host->host, i, n_, maxraftstate_, &live->counter->sm);
    if (live->rsm == nullptr) throw std::runtime_error("rsm make failed");
  } else {
    live->kv = kv_->make(&live->host->host, i, n_, maxraftstate_);
    if (live->kv == nullptr) throw std::runtime_error("kvserver make failed");
  }
  std::lock_guard<std::mutex> l(mu_);
  live_[i] = std::move(live);
}

void FakeCluster::Crash(int i) {
  std::shared_ptr<Live> live;
  {
    std::lock_guard<std::mutex> l(mu_);
    live = std::move(live_[i]);
    if (live == nullptr) return;
    // A zombie keeps writing to the old persister; the next incarnation
    // reads a copy (MIT's shutdown order).
    auto copy = std::make_shared<Persister>();
    std::lock_guard<std::mutex> pl(pers_[i]->mu);
    copy->state = pers_[i]->state;
    copy->snapshot = pers_[i]->snapshot;
    pers_[i] = copy;
  }
  {
    std::lock_guard<std::mutex> l(live->mu);
    live->dead = true;
  }
  live->host->killed = true;
  if (live->rsm != nullptr) rsm_->kill(live->rsm);
  if (live->kv != nullptr) kv_->kill(live->kv);
  {
    std::unique_lock<std::mutex> l(live->mu);
    live->idle.wait(l, [&] { return live->inflight == 0; });
  }
  if (live->rsm != nullptr) rsm_->destroy(live->rsm);
  if (live->kv != nullptr) kv_->destroy(live->kv);
}

void FakeCluster::Disconnect(int i) {
  std::lock_guard<std::mutex> l(mu_);
  connected_[i] = false;
}
void FakeCluster::Connect(int i) {
  std::lock_guard<std::mutex> l(mu_);
  connected_[i] = true;
}

bool FakeCluster::Linked(int from, int to) {
  std::lock_guard<std::mutex> l(mu_);
  if (to < 0 || to >= n_) return false;
  // Clerks reach every live server whatever its peer links (as in MIT's
  // GenericTest, where only servers are partitioned).
  if (from < 0) return true;
  return connected_[to] && connected_[from];
}

std::shared_ptr<FakeCluster::Live> FakeCluster::LiveOf(int i) {
  std::lock_guard<std::mutex> l(mu_);
  return live_[i];
}

void FakeCluster::AddError(const std::string& e) {
  std::lock_guard<std::mutex> l(mu_);
  errors_.push_back(e);
}

std::vector<std::string> FakeCluster::errors() {
  std::lock_guard<std::mutex> l(mu_);
  return errors_;
}

int FakeCluster::CallFrom(InstHost* from, int to, const char* method, const uint8_t* req, size_t len,
                          raftlab_sink* reply) {
  if (from->killed) return 0;
  std::shared_ptr<Live> target = Linked(from->me, to) ? LiveOf(to) : nullptr;
  if (target != nullptr) {
    std::lock_guard<std::mutex> l(target->mu);
    if (target->dead) {
      target = nullptr;
    } else {
      target->inflight++;
    }
  }
  if (target == nullptr) {
    std::this_thread::sleep_for(std::chrono::milliseconds(kFailDelayMs));
    return 0;
  }
  VectorSink out;
  const int32_t status = target->rsm != nullptr ? rsm_->handle_rpc(target->rsm, method, req, len, out.get())
                                                : kv_->handle_rpc(target->kv, method, req, len, out.get());
  {
    std::lock_guard<std::mutex> l(target->mu);
    if (--target->inflight == 0) target->idle.notify_all();
  }
  if (status != RAFTLAB_OK) {
    AddError(std::string("handle_rpc(") + method + ") returned " + std::to_string(status));
    return 0;
  }
  if (from->killed || !Linked(from->me, to)) return 0;  // reply lost
  if (!out.bytes().empty()) reply->write(reply, out.bytes().data(), out.bytes().size());
  return 1;
}

bool FakeCluster::IsLeader(int i) {
  std::shared_ptr<Live> live = LiveOf(i);
  if (live == nullptr) return false;
  int64_t term = 0;
  int32_t leader = 0;
  if (live->rsm != nullptr) rsm_->get_state(live->rsm, &term, &leader);
  if (live->kv != nullptr) kv_->get_state(live->kv, &term, &leader);
  return leader != 0;
}

int FakeCluster::WaitLeader(int timeout_ms) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < until) {
    int best = -1;
    int64_t best_term = -1;
    for (int i = 0; i < n_; i++) {
      std::shared_ptr<Live> live = LiveOf(i);
      bool connected;
      {
        std::lock_guard<std::mutex> l(mu_);
        connected = connected_[i];
      }
      if (live == nullptr || !connected) continue;
      int64_t term = 0;
      int32_t leader = 0;
      if (live->rsm != nullptr) rsm_->get_state(live->rsm, &term, &leader);
      if (live->kv != nullptr) kv_->get_state(live->kv, &term, &leader);
      if (leader && term > best_term) {
        best = i;
        best_term = term;
      }
    }
    if (best >= 0) return best;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return -1;
}

int32_t FakeCluster::Submit(int i, const std::string& op, std::string* result) {
  std::shared_ptr<Live> live = LiveOf(i);
  if (live == nullptr || live->rsm == nullptr) return RAFTLAB_ERR_KILLED;
  {
    // Counted like an RPC, so that Crash() destroys the rsm only after
    // this submit has left it.
    std::lock_guard<std::mutex> l(live->mu);
    if (live->dead) return RAFTLAB_ERR_KILLED;
    live->inflight++;
  }
  VectorSink out;
  const int32_t status =
      rsm_->submit(live->rsm, reinterpret_cast<const uint8_t*>(op.data()), op.size(), out.get());
  {
    std::lock_guard<std::mutex> l(live->mu);
    if (--live->inflight == 0) live->idle.notify_all();
  }
  if (result != nullptr) result->assign(out.bytes().begin(), out.bytes().end());
  return status;
}

int64_t FakeCluster::Counter(int i) {
  std::shared_ptr<Live> live = LiveOf(i);
  return live == nullptr || live->counter == nullptr ? -1 : live->counter->value.load();
}

int FakeCluster::MakeClerk() {
  uint64_t seed;
  {
    std::lock_guard<std::mutex> l(mu_);
    seed = next_seed_++ * 104729;
  }
  clerk_hosts_.push_back(std::make_unique<InstHost>(this, -1, nullptr, seed));
  raftlab_clerk* c = clerk_->make(&clerk_hosts_.back()->host, n_);
  if (c == nullptr) throw std::runtime_error("clerk make failed");
  clerks_.push_back(c);
  return static_cast<int>(clerks_.size()) - 1;
}

int32_t FakeCluster::ClerkGet(int clerk, const std::string& key, std::string* value, uint64_t* version) {
  VectorSink out;
  const int32_t status = clerk_->get(clerks_[clerk], reinterpret_cast<const uint8_t*>(key.data()), key.size(),
                                     out.get(), version);
  value->assign(out.bytes().begin(), out.bytes().end());
  return status;
}

int32_t FakeCluster::ClerkPut(int clerk, const std::string& key, const std::string& value, uint64_t version) {
  return clerk_->put(clerks_[clerk], reinterpret_cast<const uint8_t*>(key.data()), key.size(),
                     reinterpret_cast<const uint8_t*>(value.data()), value.size(), version);
}

std::optional<Bytes> FakeCluster::RawCall(int i, const char* method, const Bytes& req) {
  InstHost probe(this, -1, nullptr, 1);
  VectorSink out;
  if (CallFrom(&probe, i, method, req.data(), req.size(), out.get()) == 0) return std::nullopt;
  return out.bytes();
}

size_t FakeCluster::StateSize(int i) {
  std::lock_guard<std::mutex> l(mu_);
  std::lock_guard<std::mutex> pl(pers_[i]->mu);
  return pers_[i]->state.size();
}

size_t FakeCluster::SnapshotSize(int i) {
  std::lock_guard<std::mutex> l(mu_);
  std::lock_guard<std::mutex> pl(pers_[i]->mu);
  return pers_[i]->snapshot.size();
}

}  // namespace raftlab::ref::testing
