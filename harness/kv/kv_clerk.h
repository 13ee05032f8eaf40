// KvClerk: one KV client of the fixture: a raftlab_clerk_ext instance made
// from its own fresh plugin copy, with its own HostServices whose call(i)
// reaches KV server i over labrpc (ends from Mesh::MakeClientEnds, so a
// clerk restricted to some servers sees calls to the others fail like a
// dead link). Every Get and Put is recorded in the test's KvHistory with
// its call and return time (Runtime::now) unless the caller asks otherwise.
//
// Recording rules: outcomes OK, ErrNoKey, ErrVersion, ErrMaybe are recorded
// as returned. A put that ends any other way (the clerk was stopped, an
// error code a clerk may not return) may or may not have been applied: it is
// recorded as ErrMaybe that never returned (lin::kNeverReturned). Such a get
// carries no information and is not recorded.
//
// Stopping: the ABI gives a clerk no kill(); when the test ends the fixture
// calls Stop(), which marks the clerk's host killed: call() then fails at
// once and sleep_ns returns early, so a clerk that checks host->killed()
// returns promptly (the reference returns RAFTLAB_ERR_KILLED). Calls after
// that are expected and not counted as student errors.
//
// Thread safety: one thread at a time drives Get/Put (raftlab.h: "the
// clerk's harness thread"); Stop and WaitIdle from any thread.
// Ownership: owned by the KvCluster; borrows the TestContext and KvHistory.
// A clerk whose call never returned is leaked with its plugin kept mapped.
#pragma once

#include <raftlab/raftlab.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "harness/plugin/host_services.h"
#include "harness/kv/kv_history.h"
#include "harness/plugin/loader.h"
#include "harness/scenario/scenario.h"
#include "labrpc/client_end.h"
#include "runtime/runtime.h"
#include "runtime/status.h"

namespace raftlab {

class KvClerk {
 public:
  // id: the clerk's index in the history; name: its labrpc client name.
  static StatusOr<std::unique_ptr<KvClerk>> Make(TestContext& ctx, std::shared_ptr<KvHistory> history, int id,
                                                 std::string name,
                                                 std::vector<std::shared_ptr<labrpc::ClientEnd>> ends,
                                                 std::function<void(const std::string&)> report);
  ~KvClerk();
  KvClerk(const KvClerk&) = delete;
  KvClerk& operator=(const KvClerk&) = delete;

  struct GetResult {
    int32_t err = RAFTLAB_ERR_INTERNAL;
    std::string value;
    uint64_t version = 0;
  };
  GetResult Get(const std::string& key, bool record = true);
  int32_t Put(const std::string& key, const std::string& value, uint64_t version, bool record = true);

  int id() const { return id_; }
  const std::string& name() const { return name_; }

  // Marks the host killed (see above).
  void Stop();
  // Waits until no Get/Put is in progress; false after `bound`.
  bool WaitIdle(Nanos bound);
  // Keep this clerk (a call never returned): never destroy it.
  void Leak();

 private:
  KvClerk(TestContext& ctx, std::shared_ptr<KvHistory> history, int id, std::string name);
  void Enter();
  void Leave();

  TestContext& ctx_;
  const std::shared_ptr<KvHistory> history_;
  const int id_;
  const std::string name_;
  std::unique_ptr<LoadedPlugin> plugin_;
  const raftlab_clerk_ext* ext_ = nullptr;
  std::unique_ptr<HostServices> host_;
  raftlab_clerk* clerk_ = nullptr;
  std::atomic<bool> stopped_{false};
  bool leaked_ = false;

  std::unique_ptr<Mutex> mu_;
  std::unique_ptr<CondVar> cv_;
  int in_flight_ GUARDED_BY(*mu_) = 0;
};

// The history's name for a clerk result code; false when the code is not
// one a clerk may return for that operation.
bool ToKvErr(int32_t code, bool is_put, lin::KvErr* out);
// "OK", "ErrNoKey", ..., "RAFTLAB_ERR_KILLED", "code 42".
std::string ClerkCodeName(int32_t code);

}  // namespace raftlab
