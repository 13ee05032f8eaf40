// KvCluster: construction, teardown, server lifecycle, network verbs,
// Raft state and probes. Clerks, client threads, the partitioner and the
// checks live in kv_cluster_clients.cc.
#include "harness/kv/kv_cluster.h"

#include <algorithm>

#include "harness/kv/kv_timing.h"
#include "harness/plugin/loader.h"
#include "labrpc/mesh.h"
#include "labrpc/network.h"
#include "labrpc/persister.h"

namespace raftlab {

namespace {

void RequireExtension(TestContext& ctx, const char* id) {
  if (!ctx.plugin().HasExtension(id)) ctx.Skip(std::string("skipped: not implemented: ") + id);
}

}  // namespace

KvCluster::KvCluster(TestContext& ctx, const KvClusterOptions& opts)
    : FixtureBase(ctx, opts.servers, "kv"),
      opts_(opts),
      history_(std::make_shared<KvHistory>(rt_, ctx.timeline())),
      env_{ctx, *net_, [this](const std::string& m) { ReportFromOtherThread(m); },
           [this](Nanos d) { return Scaled(d); }},
      mu_(rt_.make_mutex()),
      cv_(rt_.make_cond()),
      servers_(rt_, opts.servers) {
  if (opts.kind == KvServerKind::kRsm) {
    RequireExtension(ctx, RAFTLAB_EXT_RSM);
  } else {
    RequireExtension(ctx, RAFTLAB_EXT_KVSERVER);
    RequireExtension(ctx, RAFTLAB_EXT_CLERK);
  }
  net_->SetReliable(opts.reliable);
  net_->SetLongDelays(false);  // MIT's KV tests: clerks must try servers quickly
  {
    MutexLock l(*mu_);
    cut_.assign(n_, false);
  }
  Event(std::to_string(n_) + (opts.kind == KvServerKind::kRsm ? " rsm servers" : " KV servers") + ", " +
        (opts.reliable ? "reliable" : "unreliable") + " network, maxraftstate " +
        std::to_string(opts.maxraftstate));
  try {
    for (int i = 0; i < n_; i++) StartServer(i);
    MarkFiguresStart();
    RunFixtureHook();  // a steps prelude, when the test has one
  } catch (...) {
    Teardown();
    throw;
  }
}

KvCluster::~KvCluster() { Teardown(); }

bool KvCluster::IsUp(int i) const { return Live(i) != nullptr; }

void KvCluster::StartServer(int i) {
  ThrowIfFailed();
  if (IsUp(i)) ShutdownServer(i);
  const Incarnation inc = NextIncarnation(i);
  const std::shared_ptr<labrpc::Persister>& persister = inc.persister;
  const int incarnation = inc.number;
  StatusOr<std::shared_ptr<KvServerNode>> node = KvServerNode::Make(
      env_, opts_.kind, i, n_, incarnation, opts_.maxraftstate, mesh_->MakeEndsFor(i), persister);
  if (!node.ok()) Fail("cannot start server " + std::to_string(i) + ": " + node.status().message());
  net_->AddServer(mesh_->ServerName(i), (*node)->server());
  servers_.Set(i, *node);
  mesh_->Connect(i);
  SetCut(i, false);
}

void KvCluster::ShutdownServer(int i) {
  std::shared_ptr<KvServerNode> node = servers_.Take(i);
  // MIT ShutdownServer order: disconnect, delete the server (in-flight RPCs
  // now fail), swap in a Persister copy (a zombie's later saves go to the
  // orphan), then kill.
  mesh_->Disconnect(i);
  if (!node) return;
  RetireServer(i);
  std::vector<std::string> problems = node->Shutdown();
  for (const std::string& p : problems) ReportFromOtherThread(p);
  ThrowIfFailed();
}

void KvCluster::ShutdownAll() {
  Event("shut down all servers");
  crash_band_ = history_->BeginCrash("all servers down");
  for (int i = 0; i < n_; i++) ShutdownServer(i);
}

void KvCluster::StartAll() {
  Event("restart all servers");
  for (int i = 0; i < n_; i++) StartServer(i);
  if (crash_band_) {
    history_->EndCrash(*crash_band_);
    crash_band_.reset();
  }
}

void KvCluster::ConnectAll() {
  Event("connect all servers and clerks");
  std::vector<int> everyone(n_);
  for (int i = 0; i < n_; i++) everyone[i] = i;
  Mark(TimelineEvent::Of(TimelineKind::kPartition).WithText(GroupText(everyone)));  // Heal: one group
  mesh_->Heal();
  std::vector<int> all(n_);
  for (int i = 0; i < n_; i++) all[i] = i;
  {
    MutexLock l(*mu_);
    for (auto& a : clerk_allowed_) a = all;
    cut_.assign(n_, false);
  }
  ApplyAllClerkLinks();
  history_->SetPartition("");
}

std::string KvCluster::GroupText(const std::vector<int>& g) {
  std::string s = "{";
  for (size_t k = 0; k < g.size(); k++) s += (k ? "," : "") + std::to_string(g[k]);
  return s + "}";
}

void KvCluster::Partition(const std::vector<int>& p1, const std::vector<int>& p2) {
  const std::string text = "partition " + GroupText(p1) + " " + GroupText(p2);
  Event(text);
  Mark(TimelineEvent::Of(TimelineKind::kPartition).WithText(GroupText(p1) + " " + GroupText(p2)));
  mesh_->Partition({p1, p2});
  history_->SetPartition(text);
}

void KvCluster::Disconnect(int i) {
  Event("disconnect server " + std::to_string(i));
  Mark(TimelineEvent::Of(TimelineKind::kDisconnect, i));
  mesh_->Disconnect(i);
  SetCut(i, true);
}

void KvCluster::Connect(int i) {
  Event("connect server " + std::to_string(i));
  Mark(TimelineEvent::Of(TimelineKind::kConnect, i));
  mesh_->Connect(i);
  SetCut(i, false);
}

void KvCluster::SetCut(int i, bool cut) {
  {
    MutexLock l(*mu_);
    if (cut_[i] == cut) return;
    cut_[i] = cut;
  }
  ApplyAllClerkLinks();
}

void KvCluster::ApplyClerkLinks(int id) {
  std::string name;
  std::vector<int> reach;
  {
    MutexLock l(*mu_);
    name = clerks_[id]->name();
    for (int s : clerk_allowed_[id]) {
      if (!cut_[s]) reach.push_back(s);
    }
  }
  mesh_->ConnectClient(name, reach);
}

void KvCluster::ApplyAllClerkLinks() {
  size_t count;
  {
    MutexLock l(*mu_);
    count = clerks_.size();
  }
  for (size_t id = 0; id < count; id++) ApplyClerkLinks(static_cast<int>(id));
}

std::pair<std::vector<int>, std::vector<int>> KvCluster::MakePartition(int leader) const {
  std::vector<int> p1, p2;
  for (int i = 0; i < n_; i++) {
    if (i != leader && static_cast<int>(p1.size()) < n_ / 2 + 1) {
      p1.push_back(i);
    } else {
      p2.push_back(i);
    }
  }
  return {p1, p2};
}

std::optional<KvServerNode::State> KvCluster::GetState(int i) {
  std::shared_ptr<KvServerNode> node = Live(i);
  if (!node) return std::nullopt;
  return node->GetState();
}

int KvCluster::Leader() {
  int best = -1;
  int64_t best_term = -1;
  for (int i = 0; i < n_; i++) {
    std::optional<KvServerNode::State> s = GetState(i);
    if (s && s->is_leader && s->term > best_term) {
      best = i;
      best_term = s->term;
    }
  }
  return best;
}

int32_t KvCluster::Submit(int i, const std::string& op, std::string* result) {
  std::shared_ptr<KvServerNode> node = Live(i);
  if (!node) return RAFTLAB_ERR_KILLED;
  return node->Submit(op, result);
}

int64_t KvCluster::Counter(int i) const {
  std::shared_ptr<KvServerNode> node = Live(i);
  return node ? node->Counter() : 0;
}

void KvCluster::RecordFigures() {
  Figures f = BaseFigures();
  f.ops = static_cast<int64_t>(history_->size()) + extra_ops_.load(std::memory_order_relaxed);
  ctx_.SetFigures(f);
}

void KvCluster::End() {
  RecordFigures();
  ended_ = true;
}

}  // namespace raftlab
