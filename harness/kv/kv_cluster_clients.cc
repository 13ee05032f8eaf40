// KvCluster: clerks, client threads, the partitioner, the linearizability
// check and teardown.
#include <stdexcept>

#include "harness/raft/bounded_call.h"
#include "harness/kv/kv_check.h"
#include "harness/kv/kv_cluster.h"
#include "harness/kv/kv_timing.h"
#include "labrpc/mesh.h"
#include "labrpc/network.h"

namespace raftlab {

KvClerk& KvCluster::MakeClerk() {
  std::vector<int> all(n_);
  for (int i = 0; i < n_; i++) all[i] = i;
  return MakeClerkTo(all);
}

KvClerk& KvCluster::MakeClerkTo(const std::vector<int>& servers) {
  ThrowIfFailed();
  int id;
  {
    MutexLock l(*mu_);
    id = static_cast<int>(clerks_.size());
  }
  const std::string name = "clerk-" + std::to_string(id);
  std::vector<int> all(n_);
  for (int i = 0; i < n_; i++) all[i] = i;
  // The clerk knows every server; calls to the ones it may not reach fail
  // like a dead link (MIT MakeClerkTo).
  StatusOr<std::unique_ptr<KvClerk>> clerk = KvClerk::Make(ctx_, history_, id, name, mesh_->MakeClientEnds(name, all),
                                                           [this](const std::string& m) { ReportFromOtherThread(m); });
  if (!clerk.ok()) Fail("cannot make clerk " + std::to_string(id) + ": " + clerk.status().message());
  KvClerk* made;
  {
    MutexLock l(*mu_);
    // Clerk ids are indexes: the vectors grow only here, under the lock.
    if (static_cast<int>(clerks_.size()) != id) throw std::logic_error("clerks made concurrently");
    clerks_.push_back(std::move(*clerk));
    clerk_allowed_.push_back(servers);
    made = clerks_.back().get();
  }
  ApplyClerkLinks(id);
  return *made;
}

void KvCluster::ConnectClerk(KvClerk& clerk, const std::vector<int>& servers) {
  Event("clerk " + std::to_string(clerk.id()) + " reaches servers " + GroupText(servers));
  {
    MutexLock l(*mu_);
    clerk_allowed_[clerk.id()] = servers;
  }
  ApplyClerkLinks(clerk.id());
}

void KvCluster::Spawn(const std::string& name, std::function<void()> fn) {
  auto ct = std::make_unique<ClientThread>();
  ct->name = name;
  ct->thread = rt_.spawn(name, [this, fn = std::move(fn), done = ct->done] {
    try {
      fn();
    } catch (const TestFailed&) {
      // Recorded in the context; the scenario thread throws it.
    } catch (const TestSkipped&) {
    } catch (const std::exception& e) {
      ReportFromOtherThread(std::string("internal error in a client thread: ") + e.what());
    }
    done->store(true, std::memory_order_release);
  });
  MutexLock l(*mu_);
  clients_.push_back(std::move(ct));
}

void KvCluster::JoinClients() {
  std::vector<std::unique_ptr<ClientThread>> threads;
  {
    MutexLock l(*mu_);
    threads.swap(clients_);
  }
  for (auto& t : threads) t->thread->join();
  ThrowIfFailed();
}

void KvCluster::StartPartitioner() {
  if (partitioner_) return;
  {
    MutexLock l(*mu_);
    partitioner_stop_ = false;
  }
  Event("partitioner started");
  partitioner_ = rt_.spawn("partitioner", [this] { PartitionerLoop(); });
}

void KvCluster::StopPartitioner() {
  if (!partitioner_) return;
  {
    MutexLock l(*mu_);
    partitioner_stop_ = true;
    cv_->notify_all();
  }
  partitioner_->join();
  partitioner_.reset();
  Event("partitioner stopped");
}

void KvCluster::PartitionerLoop() {
  while (true) {
    std::vector<int> a, b;
    for (int i = 0; i < n_; i++) (Random(0, 1) == 0 ? a : b).push_back(i);
    Partition(a, b);
    // Fault-pattern timing: not scaled (kv_timing.h).
    const Nanos wait = kv_timing::kPartitionPeriod + std::chrono::milliseconds(Random(0, kv_timing::kPartitionJitterMs - 1));
    MutexLock l(*mu_);
    const Nanos deadline = rt_.now() + wait;
    while (!partitioner_stop_ && !cv_->wait_until(*mu_, deadline)) {
    }
    if (partitioner_stop_) return;
  }
}

lin::CheckResult KvCluster::CheckLinearizable(const std::string& when) {
  ThrowIfFailed();
  checks_++;
  LinCheckOptions o;
  o.budget = Scaled(kv_timing::kCheckBudget);
  o.title = ctx_.spec().name + ": " + when;
  history_->Mark("check " + std::to_string(checks_) + " (" + when + ")");
  return raftlab::CheckLinearizable(ctx_, *history_, o);
}

void KvCluster::Teardown() {
  if (torn_down_) return;
  torn_down_ = true;
  if (partitioner_) {
    {
      MutexLock l(*mu_);
      partitioner_stop_ = true;
      cv_->notify_all();
    }
    partitioner_->join();
    partitioner_.reset();
  }
  // Stop every clerk, then give client threads a bounded time to return.
  std::vector<KvClerk*> clerks;
  std::vector<std::unique_ptr<ClientThread>> threads;
  {
    MutexLock l(*mu_);
    for (auto& c : clerks_) clerks.push_back(c.get());
    threads.swap(clients_);
  }
  for (KvClerk* c : clerks) c->Stop();
  const Nanos deadline = rt_.now() + Scaled(kv_timing::kClerkStopBound);
  for (auto& t : threads) {
    while (!t->done->load(std::memory_order_acquire) && rt_.now() < deadline) {
      rt_.sleep_for(std::chrono::milliseconds(10));
    }
    if (t->done->load(std::memory_order_acquire)) {
      t->thread->join();
    } else {
      ReportFromOtherThread("client thread " + t->name + " is still inside a clerk call " +
                            FormatSeconds(Scaled(kv_timing::kClerkStopBound)) +
                            " after the test ended and the clerk's host reported killed (check host->killed() in "
                            "your clerk's retry loop)");
      (void)t->thread.release();  // stuck in plugin code: leaked with its clerk
    }
  }
  {
    MutexLock l(*mu_);
    for (auto& c : clerks_) {
      if (!c->WaitIdle(Nanos(0))) {
        c->Leak();
        (void)c.release();
      }
    }
    clerks_.clear();
  }
  for (int i = 0; i < n_; i++) {
    std::shared_ptr<KvServerNode> node = servers_.Take(i);
    if (!node) continue;
    mesh_->Disconnect(i);
    RetireServer(i);
    for (const std::string& p : node->Shutdown()) ReportFromOtherThread(p);
  }
  if (!ended_) RecordFigures();
  CloseNetwork();
}

}  // namespace raftlab
