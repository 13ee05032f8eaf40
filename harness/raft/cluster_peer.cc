#include "harness/raft/cluster_peer.h"

#include "harness/plugin/raw_threads.h"
#include "harness/raft/bounded_call.h"
#include "harness/raft/cluster.h"
#include "harness/raft/timing.h"
#include "labrpc/network.h"
#include "runtime/rng.h"

namespace raftlab {
namespace {

// A raftlab_sink appending to a byte vector.
struct VectorSink {
  raftlab_sink sink;
  labrpc::Bytes* out;
};

void VectorSinkWrite(raftlab_sink* self, const uint8_t* data, size_t len) {
  auto* s = reinterpret_cast<VectorSink*>(self);
  if (len > 0) s->out->insert(s->out->end(), data, data + len);
}


}  // namespace

ClusterPeer::ClusterPeer(Cluster& cluster, int me, int incarnation)
    : cluster_(cluster),
      me_(me),
      incarnation_(incarnation),
      mu_(cluster.rt_.make_mutex()),
      cv_(cluster.rt_.make_cond()),
      gate_(cluster.rt_) {}

ClusterPeer::~ClusterPeer() = default;

StatusOr<std::shared_ptr<ClusterPeer>> ClusterPeer::Make(Cluster& cluster, int me, int incarnation,
                                                         std::vector<std::shared_ptr<labrpc::ClientEnd>> ends,
                                                         std::shared_ptr<labrpc::Persister> persister) {
  std::shared_ptr<ClusterPeer> p(new ClusterPeer(cluster, me, incarnation));
  Runtime& rt = cluster.rt_;

  StatusOr<std::unique_ptr<LoadedPlugin>> plugin = cluster.ctx_.plugin().Instantiate();
  if (!plugin.ok()) return plugin.status();
  p->plugin_ = std::move(*plugin);
  p->api_ = p->plugin_->api();

  p->apply_ch_ = std::make_shared<Channel<ApplyItem>>(rt, 0);
  for (const auto& e : ends) p->end_names_.push_back(e->name());
  std::weak_ptr<ClusterPeer> weak = p;

  // host->apply: the channel belongs to this incarnation only, so a zombie's
  // late applies can never reach the next incarnation's record.
  auto apply = [ch = p->apply_ch_](const raftlab_apply_msg& m) -> int32_t {
    return ch->send(ApplyItem::FromMsg(m)) ? RAFTLAB_OK : RAFTLAB_ERR_KILLED;
  };
  auto log = [weak, me](int level, std::string_view text) {
    std::shared_ptr<ClusterPeer> self = weak.lock();
    if (!self) return;
    MutexLock l(*self->mu_);
    if (self->detached_) return;
    self->cluster_.ctx_.StudentLog(me, self->cluster_.safety_.LastTerm(me), level, text);
  };
  auto on_error = [weak](const std::string& msg) {
    std::shared_ptr<ClusterPeer> self = weak.lock();
    if (self) self->OnStudentError(msg);
  };
  PeerContext pc{
      .rt = rt,
      .ends = std::move(ends),
      .persister = std::move(persister),
      .apply = std::move(apply),
      .log = std::move(log),
      .seed = DeriveSeed(cluster.ctx_.seed(), "peer/" + std::to_string(me) + "/incarnation", incarnation),
      .role = "peer " + std::to_string(me) + " (incarnation " + std::to_string(incarnation) + ")",
      .on_student_error = std::move(on_error),
  };
  p->host_ = std::make_unique<HostServices>(std::move(pc));

  // The applier runs before make(): a Raft may apply from its first moment.
  p->applier_ = rt.spawn("applier peer " + std::to_string(me), [p_raw = p.get()] { p_raw->ApplierLoop(); });

  // Plugin code: no harness lock is held here. make() is bounded like
  // start(): a make() that blocks is reported within seconds, and the test
  // child gives up on the stuck scenario thread soon after.
  const Nanos bound = cluster.Scaled(timing::kHarnessCallBound);
  CallWatch watch(rt, bound, [&cluster, me, bound] {
    cluster.ctx().RequestStackDump("peer " + std::to_string(me) + "'s make() did not return");
    cluster.ReportFromOtherThread("peer " + std::to_string(me) + ": make() has not returned after " +
                                  FormatSeconds(bound) +
                                  "; make() must return at once: start your timers and senders on threads "
                                  "(host->thread_start) and return, never wait for an election or an RPC inside it");
  });
  p->raft_ = p->api_->make(p->host_->host(), me, cluster.n_);
  watch.Done();
  if (p->raft_ == nullptr) {
    p->host_->MarkKilled();
    p->apply_ch_->close();
    p->applier_->join();
    p->applier_.reset();
    if (p->host_->LiveThreads() > 0) p->LeakForever();  // threads of a failed make() still use the host
    return Status::TestFailure("make() returned NULL for peer " + std::to_string(me));
  }
  p->made_.store(true, std::memory_order_release);

  p->server_ = std::make_shared<labrpc::Server>();
  p->server_->AddService("Raft", [weak](std::string_view method, const labrpc::Bytes& req, labrpc::Bytes* reply) {
    std::shared_ptr<ClusterPeer> self = weak.lock();
    if (!self) return true;  // already gone: labrpc discards the reply of a dead server
    return self->HandleRpc(method, req, reply);
  });
  return p;
}


bool ClusterPeer::HandleRpc(std::string_view method, const labrpc::Bytes& req, labrpc::Bytes* reply) {
  Pin pin(shared_from_this());
  if (!pin) return true;  // being destroyed; the network no longer delivers its replies
  const std::string m(method);
  VectorSink sink{{nullptr, &VectorSinkWrite}, reply};
  const int32_t rc = api_->handle_rpc(raft_, m.c_str(), req.data(), req.size(), &sink.sink);
  if (rc == RAFTLAB_ERR_UNKNOWN_METHOD) return false;  // labrpc reports the unknown method by name
  if (rc != RAFTLAB_OK) {
    cluster_.ReportFromOtherThread("peer " + std::to_string(me_) + ": handle_rpc(\"" + m + "\") returned error " +
                                   std::to_string(rc) +
                                   (rc == RAFTLAB_ERR_INTERNAL
                                        ? " (RAFTLAB_ERR_INTERNAL: an exception or a panic escaped your handler)"
                                        : "") +
                                   "; a handler must answer every request it knows");
  }
  return true;
}

void ClusterPeer::ApplierLoop() {
  ApplyChecker& checker = cluster_.checker_;
  const int interval = cluster_.opts_.snapshot_interval;
  bool broken = false;
  while (std::optional<ApplyItem> item = apply_ch_->recv()) {
    if (broken) continue;  // keep draining so the plugin never blocks on a failed test
    const bool command = item->kind == RAFTLAB_APPLY_COMMAND;
    cluster_.Mark(TimelineEvent::Of(command ? TimelineKind::kApply : TimelineKind::kSnapshot, me_, incarnation_)
                      .WithTerm(item->term)
                      .WithIndex(item->index)
                      .WithText(command ? "" : "snapshot applied"));
    Status st = checker.OnApply(me_, *item);
    if (!st.ok()) {
      broken = true;
      cluster_.ReportFromOtherThread(st.message());
      continue;
    }
    if (interval > 0 && item->kind == RAFTLAB_APPLY_COMMAND && (item->index + 1) % interval == 0 &&
        made_.load(std::memory_order_acquire)) {
      // MIT's snapshot applier: snapshot synchronously, on the apply path.
      const std::string payload = checker.SnapshotPayload(item->index);
      const Nanos bound = cluster_.Scaled(timing::kSnapshotCallBound);
      const std::string late = "peer " + std::to_string(me_) + ": snapshot(" + std::to_string(item->index) +
                               ") called by the harness's applier has not returned after " + FormatSeconds(bound) +
                               ": is your code holding the lock snapshot() needs while it calls host->apply? "
                               "(never hold your lock while applying)";
      CallWatch watch(cluster_.rt_, bound, [c = &cluster_, late, me = me_] {
        c->ctx().RequestStackDump("peer " + std::to_string(me) + "'s snapshot() in the applier did not return");
        c->ReportFromOtherThread(late);
      });
      cluster_.Mark(TimelineEvent::Of(TimelineKind::kSnapshot, me_, incarnation_)
                        .WithIndex(item->index)
                        .WithText("snapshot(" + std::to_string(item->index) + ") by the applier"));
      api_->snapshot(raft_, item->index, reinterpret_cast<const uint8_t*>(payload.data()), payload.size());
    }
  }
  MutexLock l(*mu_);
  applier_done_ = true;
  cv_->notify_all();
}

void ClusterPeer::OnStudentError(const std::string& msg) {
  MutexLock l(*mu_);
  if (detached_) return;
  // A thread that checked killed() just before the kill began may still
  // reach call/apply/persist_save: inside the kill window that race is not
  // the student's fault, and the call was rejected anyway. Only note it.
  // After kill() returned, LiveThreads() has already named the zombie.
  static constexpr std::string_view kAfterKill = " after kill";
  const bool after_kill = msg.size() >= kAfterKill.size() &&
                          msg.compare(msg.size() - kAfterKill.size(), kAfterKill.size(), kAfterKill) == 0;
  if (after_kill && in_kill_window_) {
    cluster_.ctx_.Event(msg + " (rejected; during kill(), so not counted as an error)");
    return;
  }
  cluster_.ReportFromOtherThread(msg);
}

void ClusterPeer::LeakForever() {
  {
    MutexLock l(*mu_);
    detached_ = true;
  }
  if (plugin_) plugin_->KeepLoaded();
  // Zombie threads may still run on this object: it must never be freed.
  (void)new std::shared_ptr<ClusterPeer>(shared_from_this());
}

std::vector<std::string> ClusterPeer::Shutdown() {
  std::vector<std::string> problems;
  Runtime& rt = cluster_.rt_;
  const std::string who = "peer " + std::to_string(me_);
  {
    MutexLock l(*mu_);
    in_kill_window_ = true;
  }
  host_->MarkKilled();
  apply_ch_->close();  // a plugin thread blocked in host->apply returns RAFTLAB_ERR_KILLED
  // Its ends go away: a call still waiting out labrpc's long failure delay
  // (up to 7 s, longer than the kill bound) returns within 100 ms, so a
  // correct kill() can join its RPC threads in time.
  for (const std::string& name : end_names_) cluster_.net_->DeleteEnd(name);

  const Nanos kill_bound = cluster_.Scaled(timing::kKillBound);
  const raftlab_plugin* api = api_;
  raftlab_raft* raft = raft_;
  if (!RunBounded(rt, "kill " + who, [api, raft] { api->kill(raft); }, kill_bound)) {
    cluster_.ctx().RequestStackDump(who + "'s kill() did not return");
    problems.push_back(who + " is a zombie: kill() did not return within " + FormatSeconds(kill_bound) +
                       " (kill() must stop and join every thread it started; check host->killed() in every "
                       "loop and never wait forever)");
    (void)applier_.release();
    LeakForever();
    return problems;
  }
  {
    MutexLock l(*mu_);
    in_kill_window_ = false;
  }
  const size_t live = host_->LiveThreads();
  if (live > 0) {
    cluster_.ctx().RequestStackDump(who + "'s threads still run after kill()");
    problems.push_back(who + " is a zombie: kill() returned but " + std::to_string(live) +
                       (live == 1 ? " thread it started is" : " threads it started are") +
                       " still running (join every thread before kill() returns)");
    (void)applier_.release();
    LeakForever();
    return problems;
  }
  // Threads the plugin started itself (std::thread, pthread_create): its
  // private copy's address range tells which are this peer's.
  if (PluginCopyRange range; !rt.simulated() && plugin_ && !plugin_->shared_image() && plugin_->AddressRange(&range)) {
    if (const size_t own = RawThreadsStillAlive(rt, range, cluster_.Scaled(kRawThreadExitGrace)); own > 0) {
      cluster_.ctx().RequestStackDump(who + "'s own threads (std::thread/pthread_create) still run after kill()");
      problems.push_back(who + " is a zombie: kill() returned but " + std::to_string(own) +
                         (own == 1 ? " thread it started itself (std::thread or pthread_create) is"
                                   : " threads it started itself (std::thread or pthread_create) are") +
                         " still running (join every thread before kill() returns)");
      (void)applier_.release();
      LeakForever();
      return problems;
    }
  }

  // The applier exits once the channel is closed and its snapshot() returns.
  const Nanos drain_bound = cluster_.Scaled(timing::kDrainBound);
  bool applier_done;
  {
    MutexLock l(*mu_);
    const Nanos deadline = rt.now() + drain_bound;
    while (!applier_done_ && !cv_->wait_until(*mu_, deadline)) {
    }
    applier_done = applier_done_;
  }
  if (!applier_done) {
    problems.push_back(who + ": the harness's call to snapshot() did not return within " + FormatSeconds(drain_bound) +
                       " of kill()");
    (void)applier_.release();
    LeakForever();
    return problems;
  }
  applier_->join();
  applier_.reset();

  // No new calls; wait for start/get_state/handle_rpc calls already inside.
  const bool drained = gate_.CloseAndDrain(rt.now() + drain_bound);
  if (!drained) {
    problems.push_back(who + ": a start(), get_state() or handle_rpc() call did not return within " +
                       FormatSeconds(drain_bound) + " after kill() (these calls must never block for long)");
    LeakForever();
    return problems;
  }
  api_->destroy(raft_);
  raft_ = nullptr;
  {
    MutexLock l(*mu_);
    detached_ = true;
  }
  host_.reset();
  plugin_.reset();
  return problems;
}

}  // namespace raftlab
