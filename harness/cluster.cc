// Cluster: construction, peer lifecycle, network verbs, the Raft API and
// counters. The MIT check helpers (CheckOneLeader, One, Wait...) live in
// cluster_checks.cc.
#include "harness/cluster.h"

#include <algorithm>

#include "harness/bounded_call.h"
#include "harness/cluster_peer.h"
#include "harness/timing.h"
#include "labrpc/mesh.h"
#include "labrpc/network.h"
#include "labrpc/persister.h"

namespace raftlab {

struct Cluster::Slot {
  std::shared_ptr<ClusterPeer> live;          // nullptr while down
  std::shared_ptr<labrpc::Persister> saved;   // what the next incarnation starts from
  int incarnation = 0;
};

Cluster::Cluster(TestContext& ctx, const ClusterOptions& opts)
    : ctx_(ctx),
      opts_(opts),
      n_(opts.servers),
      rt_(ctx.runtime()),
      net_(std::make_unique<labrpc::Network>(rt_, DeriveSeed(ctx.seed(), "cluster/net"))),
      mesh_(std::make_unique<labrpc::Mesh>(*net_, opts.servers, DeriveSeed(ctx.seed(), "cluster/mesh"))),
      checker_(rt_, opts.servers),
      safety_(rt_, opts.servers),
      mu_(rt_.make_mutex()),
      rng_(DeriveSeed(ctx.seed(), "cluster/scenario")) {
  net_->SetReliable(opts.reliable);
  net_->SetLongDelays(opts.long_delays);
  net_->SetLongReordering(opts.long_reordering);
  // Unknown RPC methods and handlers that threw are student errors: fail.
  net_->SetErrorSink([this](const std::string& msg) { ReportFromOtherThread(msg); });
  {
    MutexLock l(*mu_);
    for (int i = 0; i < n_; i++) {
      auto s = std::make_unique<Slot>();
      s->saved = std::make_shared<labrpc::Persister>(rt_);
      slots_.push_back(std::move(s));
    }
  }
  Event(std::to_string(n_) + " peers, " + (opts.reliable ? "reliable" : "unreliable") + " network" +
        (opts.snapshot_interval > 0 ? ", snapshot every " + std::to_string(opts.snapshot_interval) + " entries"
                                    : ""));
  try {
    for (int i = 0; i < n_; i++) StartPeer(i);  // every peer starts in the connected group
  } catch (...) {
    Teardown();
    throw;
  }
  rpcs0_ = net_->GetTotalCount();
  bytes0_ = net_->GetTotalBytes();
}

Cluster::~Cluster() { Teardown(); }

void Cluster::Teardown() {
  if (torn_down_) return;
  torn_down_ = true;
  for (int i = 0; i < n_; i++) {
    std::shared_ptr<ClusterPeer> peer;
    {
      MutexLock l(*mu_);
      peer = std::move(slots_[i]->live);
    }
    if (!peer) continue;
    mesh_->Disconnect(i);
    net_->DeleteServer(mesh_->ServerName(i));
    ShutdownPeer(i, peer, /*throw_on_error=*/false);
  }
  if (!ended_) RecordFigures();
  net_->SetErrorSink(nullptr);
  net_->Cleanup();
}

std::shared_ptr<ClusterPeer> Cluster::Live(int i) const {
  MutexLock l(*mu_);
  return slots_[i]->live;
}

bool Cluster::IsUp(int i) const { return Live(i) != nullptr; }

void Cluster::StartPeer(int i) {
  std::shared_ptr<labrpc::Persister> persister;
  int incarnation;
  {
    MutexLock l(*mu_);
    Slot& s = *slots_[i];
    s.saved = s.saved->Copy();  // this incarnation writes here; a crash swaps in another copy
    persister = s.saved;
    incarnation = ++s.incarnation;
  }
  // 2026 rule: the persisted snapshot is loaded into the record before make().
  const std::vector<uint8_t> snap = persister->ReadSnapshot();
  Status st = checker_.BeginIncarnation(
      i, std::string_view(reinterpret_cast<const char*>(snap.data()), snap.size()));
  if (!st.ok()) Fail(st.message());

  StatusOr<std::shared_ptr<ClusterPeer>> peer =
      ClusterPeer::Make(*this, i, incarnation, mesh_->MakeEndsFor(i), persister);
  if (!peer.ok()) Fail("cannot start peer " + std::to_string(i) + ": " + peer.status().message());
  net_->AddServer(mesh_->ServerName(i), (*peer)->server());
  MutexLock l(*mu_);
  slots_[i]->live = *peer;
}

void Cluster::ShutdownPeer(int i, const std::shared_ptr<ClusterPeer>& peer, bool throw_on_error) {
  (void)i;
  std::vector<std::string> problems = peer->Shutdown();
  if (problems.empty()) return;
  if (throw_on_error) Fail(problems.front());
  for (const std::string& p : problems) ReportFromOtherThread(p);
}

void Cluster::Crash(int i) {
  ThrowIfFailed();
  std::shared_ptr<ClusterPeer> peer;
  {
    MutexLock l(*mu_);
    peer = std::move(slots_[i]->live);
  }
  // MIT ShutdownServer order: disconnect, delete the server (in-flight RPCs
  // to it now fail), swap in a Persister copy (a zombie's later saves go to
  // the orphan), then kill.
  mesh_->Disconnect(i);
  if (!peer) return;
  Event("crash peer " + std::to_string(i));
  net_->DeleteServer(mesh_->ServerName(i));
  {
    MutexLock l(*mu_);
    slots_[i]->saved = slots_[i]->saved->Copy();
  }
  ShutdownPeer(i, peer, /*throw_on_error=*/true);
}

void Cluster::Restart(int i) {
  ThrowIfFailed();
  if (IsUp(i)) Crash(i);
  Event("restart peer " + std::to_string(i));
  StartPeer(i);
  mesh_->Connect(i);
}

void Cluster::Connect(int i) {
  ThrowIfFailed();
  Event("connect peer " + std::to_string(i));
  mesh_->Connect(i);
}

void Cluster::Disconnect(int i) {
  ThrowIfFailed();
  Event("disconnect peer " + std::to_string(i));
  mesh_->Disconnect(i);
}

void Cluster::Partition(const std::vector<std::vector<int>>& groups) {
  ThrowIfFailed();
  std::string text = "partition";
  for (const auto& g : groups) {
    text += " {";
    for (size_t k = 0; k < g.size(); k++) text += (k ? "," : "") + std::to_string(g[k]);
    text += "}";
  }
  Event(text);
  mesh_->Partition(groups);
}

bool Cluster::IsConnected(int i) const { return mesh_->IsConnected(i); }

void Cluster::SetReliable(bool reliable) {
  Event(reliable ? "network reliable" : "network unreliable");
  net_->SetReliable(reliable);
}

void Cluster::SetLongReordering(bool on) {
  Event(on ? "long reordering on" : "long reordering off");
  net_->SetLongReordering(on);
}

Cluster::StartResult Cluster::Start(int i, const Command& cmd) {
  ThrowIfFailed();
  ClusterPeer::Pin pin(Live(i));
  if (!pin) return {};
  const Nanos bound = Scaled(timing::kHarnessCallBound);
  CallWatch watch(rt_, bound, [this, i, bound] {
    ReportFromOtherThread("peer " + std::to_string(i) + ": start() has not returned after " +
                          FormatSeconds(bound) + "; start() must return at once (never wait for "
                          "agreement, never call host->call or host->apply inside it, never hold your lock "
                          "while blocking)");
  });
  int64_t index = -1, term = 0;
  int32_t is_leader = 0;
  pin->api()->start(pin->raft(), reinterpret_cast<const uint8_t*>(cmd.data()), cmd.size(), &index, &term,
                    &is_leader);
  watch.Done();
  Status st = safety_.Observe(i, term, is_leader != 0);
  if (!st.ok()) Fail(st.message());
  return {index, term, is_leader != 0};
}

Cluster::State Cluster::GetState(int i) {
  ThrowIfFailed();
  ClusterPeer::Pin pin(Live(i));
  if (!pin) return {};
  const Nanos bound = Scaled(timing::kHarnessCallBound);
  CallWatch watch(rt_, bound, [this, i, bound] {
    ReportFromOtherThread("peer " + std::to_string(i) + ": get_state() has not returned after " +
                          FormatSeconds(bound) + "; it is polled constantly and must never "
                          "block (is a lock held across an RPC or an apply?)");
  });
  int64_t term = 0;
  int32_t is_leader = 0;
  pin->api()->get_state(pin->raft(), &term, &is_leader);
  watch.Done();
  Status st = safety_.Observe(i, term, is_leader != 0);
  if (!st.ok()) Fail(st.message());
  return {term, is_leader != 0};
}

bool Cluster::TakeSnapshot(int i) {
  ThrowIfFailed();
  ClusterPeer::Pin pin(Live(i));
  if (!pin) return false;
  const int64_t index = checker_.LastApplied(i);
  if (index <= 0) return false;
  const std::string payload = checker_.SnapshotPayload(index);
  Event("snapshot peer " + std::to_string(i) + " at index " + std::to_string(index));
  const Nanos bound = Scaled(timing::kHarnessCallBound);
  CallWatch watch(rt_, bound, [this, i, bound] {
    ReportFromOtherThread("peer " + std::to_string(i) + ": snapshot() has not returned after " +
                          FormatSeconds(bound));
  });
  pin->api()->snapshot(pin->raft(), index, reinterpret_cast<const uint8_t*>(payload.data()), payload.size());
  return true;
}

int64_t Cluster::LogSize() const {
  MutexLock l(*mu_);
  int64_t most = 0;
  for (const auto& s : slots_) most = std::max<int64_t>(most, static_cast<int64_t>(s->saved->RaftStateSize()));
  return most;
}

int64_t Cluster::RpcCount(int i) const { return net_->GetCount(mesh_->ServerName(i)); }
int64_t Cluster::RpcTotal() const { return net_->GetTotalCount(); }
int64_t Cluster::BytesTotal() const { return net_->GetTotalBytes(); }
int64_t Cluster::CommandsApplied(int i) const { return checker_.CommandsApplied(i); }
int64_t Cluster::MaxIndex() const { return checker_.MaxIndex(); }
int64_t Cluster::LastApplied(int i) const { return checker_.LastApplied(i); }

Nanos Cluster::Scaled(Nanos d) const {
  const double scale = ctx_.timeout_scale();
  return Nanos(static_cast<int64_t>(static_cast<double>(d.count()) * (scale > 0 ? scale : 1.0)));
}

void Cluster::Sleep(Nanos d) { rt_.sleep_for(Scaled(d)); }
void Cluster::SleepUnscaled(Nanos d) { rt_.sleep_for(d); }

int64_t Cluster::Random(int64_t lo, int64_t hi) {
  MutexLock l(*mu_);
  return rng_.uniform(lo, hi);
}

Command Cluster::RandomCommand() { return IntCommand(Random(0, (int64_t{1} << 31) - 1)); }

std::string Cluster::RandomString(size_t len) {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::string s(len, ' ');
  MutexLock l(*mu_);
  for (char& c : s) c = kAlphabet[rng_.below(sizeof kAlphabet - 1)];
  return s;
}

void Cluster::Event(const std::string& text) { ctx_.Event(text); }

void Cluster::Fail(const std::string& msg) {
  ctx_.Fail(msg);          // throws on the scenario thread
  ctx_.ThrowIfFailed();    // on other threads: throws the first recorded failure
  throw TestFailed(msg);
}

void Cluster::ReportFromOtherThread(const std::string& msg) {
  try {
    ctx_.Fail(msg);
  } catch (const TestFailed&) {
    // On the scenario thread (teardown): the failure is recorded; no throw here.
  }
}

void Cluster::ThrowIfFailed() { ctx_.ThrowIfFailed(); }

void Cluster::RecordFigures() {
  Figures f;
  f.peers = n_;
  f.rpcs = net_->GetTotalCount() - rpcs0_;
  f.bytes = net_->GetTotalBytes() - bytes0_;
  f.commands = checker_.MaxIndex();
  ctx_.SetFigures(f);
}

void Cluster::End() {
  RecordFigures();
  ended_ = true;
}

}  // namespace raftlab
