// Cluster: construction, peer lifecycle, network verbs, the Raft API and
// counters. The MIT check helpers (CheckOneLeader, One, Wait...) live in
// cluster_checks.cc.
#include "harness/raft/cluster.h"

#include <algorithm>

#include "harness/raft/bounded_call.h"
#include "harness/raft/cluster_peer.h"
#include "harness/raft/timing.h"
#include "labrpc/mesh.h"
#include "labrpc/network.h"
#include "labrpc/persister.h"

namespace raftlab {

Cluster::Cluster(TestContext& ctx, const ClusterOptions& opts)
    : FixtureBase(ctx, opts.servers, "cluster"),
      opts_(opts),
      checker_(rt_, opts.servers),
      safety_(rt_, opts.servers),
      peers_(rt_, opts.servers) {
  net_->SetReliable(opts.reliable);
  net_->SetLongDelays(opts.long_delays);
  net_->SetLongReordering(opts.long_reordering);
  Event(std::to_string(n_) + " peers, " + (opts.reliable ? "reliable" : "unreliable") + " network" +
        (opts.snapshot_interval > 0 ? ", snapshot every " + std::to_string(opts.snapshot_interval) + " entries"
                                    : ""));
  try {
    for (int i = 0; i < n_; i++) StartPeer(i);  // every peer starts in the connected group
    MarkFiguresStart();
    RunFixtureHook();  // a steps prelude, when the test has one
  } catch (...) {
    Teardown();
    throw;
  }
}

Cluster::~Cluster() { Teardown(); }

void Cluster::Teardown() {
  if (torn_down_) return;
  torn_down_ = true;
  for (int i = 0; i < n_; i++) {
    std::shared_ptr<ClusterPeer> peer = peers_.Take(i);
    if (!peer) continue;
    mesh_->Disconnect(i);
    RetireServer(i);
    ShutdownPeer(i, peer, /*throw_on_error=*/false);
  }
  if (!ended_) RecordFigures();
  CloseNetwork();
}

bool Cluster::IsUp(int i) const { return Live(i) != nullptr; }

void Cluster::StartPeer(int i) {
  const Incarnation inc = NextIncarnation(i);
  const std::shared_ptr<labrpc::Persister>& persister = inc.persister;
  const int incarnation = inc.number;
  // 2026 rule: the persisted snapshot is loaded into the record before make().
  const std::vector<uint8_t> snap = persister->ReadSnapshot();
  Status st = checker_.BeginIncarnation(
      i, std::string_view(reinterpret_cast<const char*>(snap.data()), snap.size()));
  if (!st.ok()) Fail(st.message());

  StatusOr<std::shared_ptr<ClusterPeer>> peer =
      ClusterPeer::Make(*this, i, incarnation, mesh_->MakeEndsFor(i), persister);
  if (!peer.ok()) Fail("cannot start peer " + std::to_string(i) + ": " + peer.status().message());
  net_->AddServer(mesh_->ServerName(i), (*peer)->server());
  peers_.Set(i, *peer);
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
  std::shared_ptr<ClusterPeer> peer = peers_.Take(i);
  // MIT ShutdownServer order: disconnect, delete the server (in-flight RPCs
  // to it now fail), swap in a Persister copy (a zombie's later saves go to
  // the orphan), then kill.
  mesh_->Disconnect(i);
  if (!peer) return;
  Event("crash peer " + std::to_string(i));
  Mark(TimelineEvent::Of(TimelineKind::kCrash, i, peer->incarnation()));
  RetireServer(i);
  ShutdownPeer(i, peer, /*throw_on_error=*/true);
}

void Cluster::Restart(int i) {
  ThrowIfFailed();
  if (IsUp(i)) Crash(i);
  Event("restart peer " + std::to_string(i));
  TimelineRecord* timeline = ctx_.timeline();
  const double started = timeline ? timeline->Now() : 0;  // the lane starts before make()
  StartPeer(i);
  if (std::shared_ptr<ClusterPeer> p = Live(i); p && timeline) {
    TimelineEvent e = TimelineEvent::Of(TimelineKind::kRestart, i, p->incarnation());
    e.t_s = started;
    timeline->AddAt(std::move(e));
  }
  mesh_->Connect(i);
}

void Cluster::Connect(int i) {
  ThrowIfFailed();
  Event("connect peer " + std::to_string(i));
  Mark(TimelineEvent::Of(TimelineKind::kConnect, i));
  mesh_->Connect(i);
}

void Cluster::Disconnect(int i) {
  ThrowIfFailed();
  Event("disconnect peer " + std::to_string(i));
  Mark(TimelineEvent::Of(TimelineKind::kDisconnect, i));
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
  Mark(TimelineEvent::Of(TimelineKind::kPartition).WithText(text.substr(std::string("partition ").size())));
  mesh_->Partition(groups);
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
    ctx_.RequestStackDump("peer " + std::to_string(i) + "'s start() did not return");
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
  Mark(TimelineEvent::Of(TimelineKind::kRole, i, pin->incarnation()).WithTerm(term).WithValue(is_leader != 0 ? 1 : 0));
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
    ctx_.RequestStackDump("peer " + std::to_string(i) + "'s get_state() did not return");
    ReportFromOtherThread("peer " + std::to_string(i) + ": get_state() has not returned after " +
                          FormatSeconds(bound) + "; it is polled constantly and must never "
                          "block (is a lock held across an RPC or an apply?)");
  });
  int64_t term = 0;
  int32_t is_leader = 0;
  pin->api()->get_state(pin->raft(), &term, &is_leader);
  watch.Done();
  Mark(TimelineEvent::Of(TimelineKind::kRole, i, pin->incarnation()).WithTerm(term).WithValue(is_leader != 0 ? 1 : 0));
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
  Mark(TimelineEvent::Of(TimelineKind::kSnapshot, i, pin->incarnation())
           .WithIndex(index)
           .WithText("snapshot(" + std::to_string(index) + ") called by the test"));
  const Nanos bound = Scaled(timing::kHarnessCallBound);
  CallWatch watch(rt_, bound, [this, i, bound] {
    ctx_.RequestStackDump("peer " + std::to_string(i) + "'s snapshot() did not return");
    ReportFromOtherThread("peer " + std::to_string(i) + ": snapshot() has not returned after " +
                          FormatSeconds(bound));
  });
  pin->api()->snapshot(pin->raft(), index, reinterpret_cast<const uint8_t*>(payload.data()), payload.size());
  return true;
}

int64_t Cluster::CommandsApplied(int i) const { return checker_.CommandsApplied(i); }
int64_t Cluster::MaxIndex() const { return checker_.MaxIndex(); }
int64_t Cluster::LastApplied(int i) const { return checker_.LastApplied(i); }

Command Cluster::RandomCommand() { return IntCommand(Random(0, (int64_t{1} << 31) - 1)); }

void Cluster::RecordFigures() {
  Figures f = BaseFigures();
  f.commands = checker_.MaxIndex();
  ctx_.SetFigures(f);
}

void Cluster::End() {
  RecordFigures();
  ended_ = true;
}

}  // namespace raftlab
