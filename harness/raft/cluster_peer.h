// ClusterPeer: ONE incarnation of one Raft peer inside the Cluster fixture:
// its private plugin copy, its HostServices, the raftlab_raft instance, its
// labrpc Server, its unbuffered apply channel and the applier thread that
// reads it (checking every message and, in snapshot mode, calling
// snapshot() synchronously like MIT's snapshot applier).
//
// Calls into the instance go through Pin(): a pinned call keeps the instance
// from being destroyed under it. Shutdown() refuses new pins, waits (bounded)
// for pinned calls to drain, and only then calls destroy(). A zombie (kill()
// that does not return, or returns with its threads still running) is never
// destroyed or unloaded: it is leaked on purpose so that its threads keep
// running on valid memory until the test child exits.
//
// Thread safety: Pin from any thread; Shutdown from one thread, once.
// Ownership: shared (std::shared_ptr) by the Cluster slot, the labrpc
// handler (weakly) and in-flight calls; the Cluster outlives it.
#pragma once

#include <raftlab/raftlab.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/fixture/call_gate.h"
#include "harness/raft/apply_checker.h"
#include "harness/plugin/host_services.h"
#include "harness/plugin/loader.h"
#include "labrpc/client_end.h"
#include "labrpc/persister.h"
#include "labrpc/server.h"
#include "runtime/channel.h"
#include "runtime/runtime.h"
#include "runtime/status.h"

namespace raftlab {

class Cluster;

class ClusterPeer : public std::enable_shared_from_this<ClusterPeer> {
 public:
  // Loads a fresh plugin copy and makes incarnation `incarnation` of peer
  // `me`. The apply record of `me` must already be reset (ApplyChecker::
  // BeginIncarnation). Errors: plugin copy failed, make() returned NULL.
  static StatusOr<std::shared_ptr<ClusterPeer>> Make(Cluster& cluster, int me, int incarnation,
                                                      std::vector<std::shared_ptr<labrpc::ClientEnd>> ends,
                                                      std::shared_ptr<labrpc::Persister> persister);
  ~ClusterPeer();
  ClusterPeer(const ClusterPeer&) = delete;
  ClusterPeer& operator=(const ClusterPeer&) = delete;

  // The labrpc server to register under the peer's name.
  std::shared_ptr<labrpc::Server> server() const { return server_; }
  const raftlab_plugin* api() const { return api_; }
  raftlab_raft* raft() const { return raft_; }
  int me() const { return me_; }
  int incarnation() const { return incarnation_; }

  // A pinned call: while a Pin is alive the instance is not destroyed.
  class Pin {
   public:
    explicit Pin(std::shared_ptr<ClusterPeer> p) : p_(std::move(p)) {
      if (p_) pass_.emplace(p_->gate_);
    }
    Pin(const Pin&) = delete;
    Pin& operator=(const Pin&) = delete;
    explicit operator bool() const { return pass_ && *pass_; }
    ClusterPeer* operator->() const { return p_.get(); }

   private:
    std::shared_ptr<ClusterPeer> p_;
    std::optional<CallGate::Pass> pass_;  // destroyed first: the call leaves before the peer may go
  };

  // Kill, then destroy. Returns the problems found, in words (empty: clean).
  // A zombie is leaked and its plugin kept mapped.
  std::vector<std::string> Shutdown();

 private:
  ClusterPeer(Cluster& cluster, int me, int incarnation);
  void ApplierLoop();
  // host->apply: hands the message to the applier (rendezvous, like applyCh).
  int32_t Deliver(const raftlab_apply_msg& msg);
  bool HandleRpc(std::string_view method, const labrpc::Bytes& req, labrpc::Bytes* reply);
  void LeakForever();
  // HostServices' on_student_error: a rule the plugin broke fails the test.
  void OnStudentError(const std::string& msg);

  Cluster& cluster_;
  const int me_;
  const int incarnation_;
  std::unique_ptr<LoadedPlugin> plugin_;
  const raftlab_plugin* api_ = nullptr;
  std::unique_ptr<HostServices> host_;
  raftlab_raft* raft_ = nullptr;
  std::atomic<bool> made_{false};
  std::shared_ptr<labrpc::Server> server_;
  std::shared_ptr<Channel<ApplyItem>> apply_ch_;
  std::vector<std::string> end_names_;  // this incarnation's ends, deleted at kill
  std::unique_ptr<Thread> applier_;

  std::unique_ptr<Mutex> mu_;
  std::unique_ptr<CondVar> cv_;
  CallGate gate_;  // start/get_state/handle_rpc calls inside the instance
  bool applier_done_ GUARDED_BY(*mu_) = false;
  bool detached_ GUARDED_BY(*mu_) = false;
  bool in_kill_window_ GUARDED_BY(*mu_) = false;  // between MarkKilled and kill() returning  // destroyed or leaked: no more calls into the Cluster
};

}  // namespace raftlab
