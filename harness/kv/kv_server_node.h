// KvServerNode: ONE incarnation of one server of the KV fixture: its private
// plugin copy, its HostServices (ends to every other server, its Persister),
// the plugin instance, and the labrpc Server that routes to it. Two kinds:
//   kKvServer: a raftlab_kvserver_ext instance; services "KVServer" (clerks)
//              and "Raft" (its Raft peers) both go to its handle_rpc;
//   kRsm:      a raftlab_rsm_ext instance over a harness CounterStateMachine
//              (the rsm tests); service "Raft"; Submit() calls submit()
//              directly, in process, as MIT's rsm tests do.
//
// Calls into the instance are pinned: Shutdown() marks the host killed,
// deletes the incarnation's ends, runs kill() with a bound, waits (bounded)
// for pinned calls (handlers, get_state, submits) to drain, then destroys
// the instance. A zombie (kill() that does not return, threads left running,
// a call that does not drain) is reported and leaked on purpose, with its
// plugin kept mapped.
//
// Thread safety: every method from any thread; Shutdown once. Ownership:
// shared by the fixture slot and (weakly) the labrpc handler; the fixture's
// Network and TestContext must outlive it.
#pragma once

#include <raftlab/raftlab.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/fixture/call_gate.h"
#include "harness/plugin/host_services.h"
#include "harness/kv/counter_sm.h"
#include "harness/plugin/loader.h"
#include "harness/scenario/scenario.h"
#include "labrpc/client_end.h"
#include "labrpc/network.h"
#include "labrpc/persister.h"
#include "labrpc/server.h"
#include "runtime/runtime.h"
#include "runtime/status.h"

namespace raftlab {

enum class KvServerKind { kKvServer, kRsm };

// What a node needs from its fixture.
struct KvNodeEnv {
  TestContext& ctx;
  labrpc::Network& net;
  // Records a failure from any thread; never throws.
  std::function<void(const std::string&)> report;
  std::function<Nanos(Nanos)> scaled;
};

class KvServerNode : public std::enable_shared_from_this<KvServerNode> {
 public:
  // Loads a fresh plugin copy and makes the instance. Errors: the plugin
  // copy failed, the extension is missing, make() returned NULL.
  static StatusOr<std::shared_ptr<KvServerNode>> Make(const KvNodeEnv& env, KvServerKind kind, int me, int n,
                                                      int incarnation, int64_t maxraftstate,
                                                      std::vector<std::shared_ptr<labrpc::ClientEnd>> ends,
                                                      std::shared_ptr<labrpc::Persister> persister);
  ~KvServerNode();
  KvServerNode(const KvServerNode&) = delete;
  KvServerNode& operator=(const KvServerNode&) = delete;

  std::shared_ptr<labrpc::Server> server() const { return server_; }
  int me() const { return me_; }

  struct State {
    int64_t term = 0;
    bool is_leader = false;
  };
  // get_state(); nullopt once shutting down.
  std::optional<State> GetState();
  // rsm only: submit(op); RAFTLAB_ERR_KILLED once shutting down.
  int32_t Submit(const std::string& op, std::string* result);
  // rsm only: the counter of this incarnation.
  int64_t Counter() const { return counter_ ? counter_->value() : 0; }

  // Kill, then destroy. Returns the problems found, in words (empty: clean).
  std::vector<std::string> Shutdown();

 private:
  KvNodeEnv env_;
  KvServerNode(const KvNodeEnv& env, KvServerKind kind, int me, int incarnation);
  bool HandleRpc(std::string_view method, const labrpc::Bytes& req, labrpc::Bytes* reply);
  void LeakForever();

  const KvServerKind kind_;
  const int me_;
  const int incarnation_;
  const std::string who_;
  std::unique_ptr<LoadedPlugin> plugin_;
  const raftlab_kvserver_ext* kv_ext_ = nullptr;
  const raftlab_rsm_ext* rsm_ext_ = nullptr;
  raftlab_kvserver* kv_ = nullptr;
  raftlab_rsm* rsm_ = nullptr;
  std::shared_ptr<CounterStateMachine> counter_;
  std::unique_ptr<HostServices> host_;
  std::shared_ptr<labrpc::Server> server_;
  std::vector<std::string> end_names_;

  std::unique_ptr<Mutex> mu_;
  std::unique_ptr<CondVar> cv_;
  CallGate gate_;  // submit/get_state/handle_rpc calls inside the instance
  bool in_kill_ GUARDED_BY(*mu_) = false;
  bool detached_ GUARDED_BY(*mu_) = false;
};

}  // namespace raftlab
