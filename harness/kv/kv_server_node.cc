#include "harness/kv/kv_server_node.h"

#include "harness/kv/kv_timing.h"
#include "harness/plugin/raw_threads.h"
#include "harness/raft/bounded_call.h"
#include "runtime/rng.h"

namespace raftlab {
namespace {

struct StringSink {
  raftlab_sink sink;
  std::string* out;
};

void StringSinkWrite(raftlab_sink* self, const uint8_t* data, size_t len) {
  auto* s = reinterpret_cast<StringSink*>(self);
  if (len > 0 && data != nullptr) s->out->append(reinterpret_cast<const char*>(data), len);
}

struct BytesSink {
  raftlab_sink sink;
  labrpc::Bytes* out;
};

void BytesSinkWrite(raftlab_sink* self, const uint8_t* data, size_t len) {
  auto* s = reinterpret_cast<BytesSink*>(self);
  if (len > 0 && data != nullptr) s->out->insert(s->out->end(), data, data + len);
}

}  // namespace

KvServerNode::KvServerNode(const KvNodeEnv& env, KvServerKind kind, int me, int incarnation)
    : env_(env),
      kind_(kind),
      me_(me),
      incarnation_(incarnation),
      who_("server " + std::to_string(me) + " (incarnation " + std::to_string(incarnation) + ")"),
      mu_(env.ctx.runtime().make_mutex()),
      cv_(env.ctx.runtime().make_cond()),
      gate_(env.ctx.runtime()) {}

KvServerNode::~KvServerNode() = default;

StatusOr<std::shared_ptr<KvServerNode>> KvServerNode::Make(const KvNodeEnv& env, KvServerKind kind, int me, int n,
                                                           int incarnation, int64_t maxraftstate,
                                                           std::vector<std::shared_ptr<labrpc::ClientEnd>> ends,
                                                           std::shared_ptr<labrpc::Persister> persister) {
  std::shared_ptr<KvServerNode> p(new KvServerNode(env, kind, me, incarnation));
  TestContext& ctx = env.ctx;
  Runtime& rt = ctx.runtime();
  StatusOr<std::unique_ptr<LoadedPlugin>> plugin = ctx.plugin().Instantiate();
  if (!plugin.ok()) return plugin.status();
  p->plugin_ = std::move(*plugin);
  if (kind == KvServerKind::kKvServer) {
    p->kv_ext_ = static_cast<const raftlab_kvserver_ext*>(p->plugin_->GetExtension(RAFTLAB_EXT_KVSERVER));
    if (p->kv_ext_ == nullptr) return Status::TestFailure("the plugin has no " + std::string(RAFTLAB_EXT_KVSERVER));
  } else {
    p->rsm_ext_ = static_cast<const raftlab_rsm_ext*>(p->plugin_->GetExtension(RAFTLAB_EXT_RSM));
    if (p->rsm_ext_ == nullptr) return Status::TestFailure("the plugin has no " + std::string(RAFTLAB_EXT_RSM));
    p->counter_ = std::make_shared<CounterStateMachine>("server " + std::to_string(me), env.report);
  }
  for (const auto& e : ends) p->end_names_.push_back(e->name());

  std::weak_ptr<KvServerNode> weak = p;
  auto log = [weak, me, &ctx](int level, std::string_view text) {
    std::shared_ptr<KvServerNode> self = weak.lock();
    if (!self) return;
    {
      MutexLock l(*self->mu_);
      if (self->detached_) return;
    }
    ctx.StudentLog(me, -1, level, text);
  };
  auto on_error = [weak](const std::string& msg) {
    std::shared_ptr<KvServerNode> self = weak.lock();
    if (!self) return;
    MutexLock l(*self->mu_);
    if (self->detached_) return;
    // A call racing with the start of kill() is not the student's fault.
    static constexpr std::string_view kAfterKill = " after kill";
    const bool after_kill = msg.size() >= kAfterKill.size() &&
                            msg.compare(msg.size() - kAfterKill.size(), kAfterKill.size(), kAfterKill) == 0;
    if (after_kill && self->in_kill_) {
      self->env_.ctx.Event(msg + " (rejected; during kill(), so not counted as an error)");
      return;
    }
    self->env_.report(msg);
  };
  PeerContext pc{
      .rt = rt,
      .ends = std::move(ends),
      .persister = std::move(persister),
      .apply = {},  // the rsm reads its own Raft's applies; nothing reaches the harness
      .log = std::move(log),
      .seed = DeriveSeed(ctx.seed(), "kv/server/" + std::to_string(me) + "/incarnation", incarnation),
      .role = p->who_,
      .on_student_error = std::move(on_error),
  };
  p->host_ = std::make_unique<HostServices>(std::move(pc));

  // Plugin code: no harness lock is held here. make() is bounded like the
  // other calls (a blocked make() is reported within seconds).
  const Nanos bound = env.scaled(kv_timing::kHarnessCallBound);
  CallWatch watch(rt, bound, [r = env.report, who = p->who_, bound] {
    r(who + ": make() has not returned after " + FormatSeconds(bound) +
      "; make() must return at once (start background work on threads, never wait for Raft inside it)");
  });
  if (kind == KvServerKind::kKvServer) {
    p->kv_ = p->kv_ext_->make(p->host_->host(), me, n, maxraftstate);
    if (p->kv_ == nullptr) {
      p->host_->MarkKilled();
      return Status::TestFailure("kvserver make() returned NULL for server " + std::to_string(me));
    }
  } else {
    p->rsm_ = p->rsm_ext_->make(p->host_->host(), me, n, maxraftstate, p->counter_->table());
    if (p->rsm_ == nullptr) {
      p->host_->MarkKilled();
      return Status::TestFailure("rsm make() returned NULL for server " + std::to_string(me));
    }
  }
  watch.Done();

  p->server_ = std::make_shared<labrpc::Server>();
  auto handler = [weak](std::string_view method, const labrpc::Bytes& req, labrpc::Bytes* reply) {
    std::shared_ptr<KvServerNode> self = weak.lock();
    if (!self) return true;  // gone: labrpc discards a dead server's reply
    return self->HandleRpc(method, req, reply);
  };
  p->server_->AddService("Raft", handler);
  if (kind == KvServerKind::kKvServer) p->server_->AddService("KVServer", handler);
  return p;
}


bool KvServerNode::HandleRpc(std::string_view method, const labrpc::Bytes& req, labrpc::Bytes* reply) {
  CallGate::Pass pin(gate_);
  if (!pin) return true;
  const std::string m(method);
  BytesSink sink{{nullptr, &BytesSinkWrite}, reply};
  const int32_t rc = kind_ == KvServerKind::kKvServer ? kv_ext_->handle_rpc(kv_, m.c_str(), req.data(), req.size(), &sink.sink)
                                    : rsm_ext_->handle_rpc(rsm_, m.c_str(), req.data(), req.size(), &sink.sink);
  if (rc == RAFTLAB_ERR_UNKNOWN_METHOD) return false;  // labrpc reports the unknown method by name
  if (rc != RAFTLAB_OK) {
    env_.report(who_ + ": handle_rpc(\"" + m + "\") returned error " + std::to_string(rc) +
                (rc == RAFTLAB_ERR_INTERNAL ? " (RAFTLAB_ERR_INTERNAL: an exception or a panic escaped your handler)"
                                            : "") +
                "; a handler must answer every request it knows");
  }
  return true;
}

std::optional<KvServerNode::State> KvServerNode::GetState() {
  CallGate::Pass pin(gate_);
  if (!pin) return std::nullopt;
  const Nanos bound = env_.scaled(kv_timing::kHarnessCallBound);
  CallWatch watch(env_.ctx.runtime(), bound, [r = env_.report, who = who_, bound] {
    r(who + ": get_state() has not returned after " + FormatSeconds(bound) +
      "; it is polled constantly and must never block");
  });
  int64_t term = 0;
  int32_t leader = 0;
  if (kind_ == KvServerKind::kKvServer) {
    kv_ext_->get_state(kv_, &term, &leader);
  } else {
    rsm_ext_->get_state(rsm_, &term, &leader);
  }
  return State{term, leader != 0};
}

int32_t KvServerNode::Submit(const std::string& op, std::string* result) {
  if (rsm_ == nullptr) return RAFTLAB_ERR_INTERNAL;
  CallGate::Pass pin(gate_);
  if (!pin) return RAFTLAB_ERR_KILLED;
  StringSink sink{{nullptr, &StringSinkWrite}, result};
  return rsm_ext_->submit(rsm_, reinterpret_cast<const uint8_t*>(op.data()), op.size(), &sink.sink);
}

void KvServerNode::LeakForever() {
  {
    MutexLock l(*mu_);
    detached_ = true;
  }
  if (plugin_) plugin_->KeepLoaded();
  // Zombie threads may still run on this object, its host and its counter.
  (void)new std::shared_ptr<KvServerNode>(shared_from_this());
  (void)host_.release();
}

std::vector<std::string> KvServerNode::Shutdown() {
  std::vector<std::string> problems;
  Runtime& rt = env_.ctx.runtime();
  gate_.Close();  // no new calls in; the ones inside drain after kill()
  {
    MutexLock l(*mu_);
    in_kill_ = true;
  }
  host_->MarkKilled();
  // A call still waiting out labrpc's failure delay returns at once.
  for (const std::string& name : end_names_) env_.net.DeleteEnd(name);

  const Nanos kill_bound = env_.scaled(kv_timing::kKillBound);
  const bool returned = RunBounded(
      rt, "kill " + who_,
      [this] {
        if (kind_ == KvServerKind::kKvServer) {
          kv_ext_->kill(kv_);
        } else {
          rsm_ext_->kill(rsm_);
        }
      },
      kill_bound);
  if (!returned) {
    problems.push_back(who_ + " is a zombie: kill() did not return within " + FormatSeconds(kill_bound) +
                       " (kill() must unblock every waiting submit, stop and join every thread)");
    LeakForever();
    return problems;
  }
  {
    MutexLock l(*mu_);
    in_kill_ = false;
  }
  if (const size_t live = host_->LiveThreads(); live > 0) {
    problems.push_back(who_ + " is a zombie: kill() returned but " + std::to_string(live) +
                       (live == 1 ? " thread it started is" : " threads it started are") +
                       " still running (join every thread before kill() returns)");
    LeakForever();
    return problems;
  }
  // Threads the plugin started itself (std::thread, pthread_create): its
  // private copy's address range tells which are this server's.
  if (PluginCopyRange range; !rt.simulated() && plugin_ && !plugin_->shared_image() && plugin_->AddressRange(&range)) {
    if (const size_t own = RawThreadsStillAlive(rt, range, env_.scaled(kRawThreadExitGrace)); own > 0) {
      env_.ctx.RequestStackDump(who_ + "'s own threads (std::thread/pthread_create) still run after kill()");
      problems.push_back(who_ + " is a zombie: kill() returned but " + std::to_string(own) +
                         (own == 1 ? " thread it started itself (std::thread or pthread_create) is"
                                   : " threads it started itself (std::thread or pthread_create) are") +
                         " still running (join every thread before kill() returns)");
      LeakForever();
      return problems;
    }
  }
  const bool drained = gate_.CloseAndDrain(rt.now() + env_.scaled(kv_timing::kHarnessCallBound));
  if (!drained) {
    problems.push_back(who_ + ": a submit(), get_state() or handle_rpc() call did not return within " +
                       FormatSeconds(env_.scaled(kv_timing::kHarnessCallBound)) +
                       " after kill() (kill() must unblock every waiting submit)");
    LeakForever();
    return problems;
  }
  if (kind_ == KvServerKind::kKvServer) {
    kv_ext_->destroy(kv_);
    kv_ = nullptr;
  } else {
    rsm_ext_->destroy(rsm_);
    rsm_ = nullptr;
  }
  {
    MutexLock l(*mu_);
    detached_ = true;
  }
  host_.reset();
  plugin_.reset();
  return problems;
}

}  // namespace raftlab
