// HostServices: the raftlab_host (include/raftlab/raftlab.h) the harness
// gives ONE plugin instance: one Raft peer incarnation, one rsm/KV server,
// or one clerk. It maps every service onto the Runtime, labrpc ends, the
// peer's Persister and the fixture's apply and log functions, and enforces
// the rules of the ABI:
//   - after MarkKilled(), call() returns 0 at once, apply() returns
//     RAFTLAB_ERR_KILLED, persist_save() is ignored and thread_start()
//     returns NULL; each is reported ONCE per function name through
//     on_student_error ("peer 2 (incarnation 3) called persist_save after
//     kill"); sleep_ns() returns early once killed;
//   - misuse (NULL pointers with nonzero lengths, a peer index out of range,
//     joining a thread twice or from itself, freeing a locked mutex, locking
//     a mutex twice, waiting on a condition without its mutex, ...) is
//     reported as a student error and, wherever possible, survived instead
//     of crashing the harness;
//   - at most kMaxLivePluginThreads threads started through thread_start
//     may be running at once in the whole process (all instances together):
//     past that, thread_start returns NULL and reports a student error. A
//     Raft needs a handful of long-lived threads; the cap stops a runaway
//     plugin before it exhausts the child's memory limit (each thread
//     reserves a 1 MiB stack) and the machine's threads. Raw std::thread or
//     pthread_create bypass it and meet the RLIMIT_AS of the test child
//     instead (the thread cannot be created: std::system_error);
//   - every thread the instance starts is tracked, so the fixture can tell
//     whether kill() really stopped and joined them (LiveThreads,
//     JoinedAll).
//
// Thread safety: host() may be used by any number of plugin threads at once;
// MarkKilled and the queries may be called from any thread. Callbacks in
// PeerContext (apply, log, on_student_error) are called without any
// HostServices lock held, possibly from several threads at once.
// Ownership: the caller owns the HostServices and must keep it alive until
// the instance's destroy() has returned AND no thread it started is still
// running (LiveThreads() == 0). A zombie instance (threads still running
// after kill) must be leaked deliberately (release the unique_ptr), together
// with its LoadedPlugin (LoadedPlugin::KeepLoaded), because those threads
// keep using this object. Mutexes and condition variables the plugin never
// freed are reclaimed by the destructor.
#pragma once

#include <raftlab/raftlab.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "labrpc/client_end.h"
#include "labrpc/persister.h"
#include "runtime/rng.h"
#include "runtime/runtime.h"

namespace raftlab {

// Everything one instance's services are made of.
struct PeerContext {
  Runtime& rt;
  // ends[i] reaches peer (or, for a clerk, server) i.
  std::vector<std::shared_ptr<labrpc::ClientEnd>> ends;
  // The instance's "disk"; null for a clerk (persisting is then an error).
  std::shared_ptr<labrpc::Persister> persister;
  // Receives each apply message (borrowed for the call) and returns
  // RAFTLAB_OK or an error code; empty for a clerk (applying is an error).
  std::function<int32_t(const raftlab_apply_msg&)> apply;
  // Receives each host->log line (level clamped to RAFTLAB_LOG_DEBUG..ERROR).
  std::function<void(int level, std::string_view text)> log;
  uint64_t seed = 0;  // seeds random_u64 (derive it per peer and incarnation)
  // Names the instance in reports: "peer 2 (incarnation 3)", "clerk 5".
  std::string role;
  // Receives one line per rule the plugin broke (see above).
  std::function<void(const std::string&)> on_student_error;
  // Stack size of threads the plugin starts (1 MiB by default, like the
  // runner's rlimits expect).
  size_t thread_stack_bytes = size_t{1} << 20;
};

// See the thread cap above. RLIMIT_NPROC is no help: it counts every
// thread of the user (all parallel tests, the whole machine for root).
inline constexpr size_t kMaxLivePluginThreads = 2048;

class HostServices {
 public:
  explicit HostServices(PeerContext ctx);
  ~HostServices();
  HostServices(const HostServices&) = delete;
  HostServices& operator=(const HostServices&) = delete;

  // The table to pass to make(); valid for the life of *this.
  const raftlab_host* host() const { return &host_; }

  // Starts the kill: killed() returns 1 from now on, sleepers wake, and the
  // after-kill rules above apply. Call it before the plugin's kill().
  void MarkKilled();
  bool killed() const { return killed_.load(std::memory_order_acquire); }

  // Threads started through thread_start whose function has not returned.
  size_t LiveThreads() const { return live_threads_.load(std::memory_order_acquire); }
  // Whether every thread ever started has been joined through thread_join.
  bool JoinedAll() const;
  // Threads started so far (for reports).
  uint64_t ThreadsStarted() const { return threads_started_.load(std::memory_order_relaxed); }

  const std::string& role() const { return ctx_.role; }

 private:
  struct ThreadRecord;
  struct MutexRecord;
  struct CondRecord;
  friend struct HostTrampolines;  // host_services.cc: the C entry points

  // Reports "<role> <what>", each distinct text once.
  void StudentError(const std::string& what);
  // Reports "<role> called <fn> after kill" once per function name.
  void CalledAfterKill(const char* fn);

  MutexRecord* NewMutex();
  MutexRecord* CheckMutex(raftlab_mutex* m, const char* fn);
  CondRecord* NewCond();
  CondRecord* CheckCond(raftlab_cond* c, const char* fn);

  PeerContext ctx_;
  raftlab_host host_{};
  std::atomic<bool> killed_{false};
  std::atomic<size_t> live_threads_{0};
  std::atomic<uint64_t> threads_started_{0};

  const std::unique_ptr<Mutex> mu_;  // guards the fields below; never held across plugin or fixture code
  std::set<ThreadRecord*> threads_ GUARDED_BY(*mu_);  // started, not yet joined (owned)
  std::vector<std::unique_ptr<MutexRecord>> mutexes_ GUARDED_BY(*mu_);  // every one ever made
  std::vector<MutexRecord*> free_mutexes_ GUARDED_BY(*mu_);            // freed, reusable
  std::vector<std::unique_ptr<CondRecord>> conds_ GUARDED_BY(*mu_);
  std::vector<CondRecord*> free_conds_ GUARDED_BY(*mu_);
  std::set<std::string> reported_ GUARDED_BY(*mu_);  // texts already reported
  Rng rng_ GUARDED_BY(*mu_);

  // sleep_ns waits on these so that MarkKilled can cut sleeps short.
  const std::unique_ptr<Mutex> sleep_mu_;
  const std::unique_ptr<CondVar> sleep_cv_;
};

}  // namespace raftlab
