#include "harness/plugin/host_services.h"

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <span>
#include <thread>
#include <utility>

namespace raftlab {
namespace {

// Plugin threads running in this process, all instances together (the cap
// kMaxLivePluginThreads).
std::atomic<size_t> g_live_plugin_threads{0};

constexpr uint32_t kLive = 0x4c495645;   // "LIVE": a handle in use
constexpr uint32_t kFreed = 0x46524545;  // "FREE": freed by the plugin, kept for reuse
constexpr size_t kMaxDistinctReports = 64;
// Sleeps and deadlines are capped here (about 11 days) so that adding them to
// now() cannot overflow.
constexpr int64_t kMaxWaitNs = int64_t{1'000'000} * 1'000'000'000;

std::thread::id Me() { return std::this_thread::get_id(); }

}  // namespace

struct HostServices::ThreadRecord {
  std::string name;
  std::unique_ptr<Thread> thread;
  std::atomic<bool> finished{false};
  std::atomic<std::thread::id> id{};  // set by the thread itself when it starts
};

// Mutex and condition records are never deallocated while *this lives:
// freed ones keep their Runtime object and are reused, so a plugin that uses
// a handle after freeing it (or frees it twice) is caught, not crashed.
struct HostServices::MutexRecord {
  std::atomic<uint32_t> state{kLive};
  std::unique_ptr<Mutex> m;
  std::atomic<std::thread::id> owner{};  // the holder, or no thread
};

struct HostServices::CondRecord {
  std::atomic<uint32_t> state{kLive};
  std::unique_ptr<CondVar> cv;
  std::atomic<int> waiters{0};
};

// The C entry points of raftlab_host. Each recovers its HostServices from
// host->host_ctx. Lock annotations are off: the plugin's lock and unlock
// calls arrive in separate functions by design.
struct HostTrampolines {
  static HostServices* Self(const raftlab_host* host) {
    return host == nullptr ? nullptr : static_cast<HostServices*>(host->host_ctx);
  }

  static int32_t Call(const raftlab_host* host, int32_t peer, const char* method, const uint8_t* req,
                      size_t req_len, raftlab_sink* reply) {
    HostServices* s = Self(host);
    if (s == nullptr) return 0;
    s->ctx_.rt.yield();  // a scheduling point under --sim (runtime/sim_runtime.h); nothing in real time
    if (s->killed()) {
      s->CalledAfterKill("call");
      return 0;
    }
    if (method == nullptr) return s->StudentError("called call with a NULL method name"), 0;
    if (req == nullptr && req_len > 0) {
      return s->StudentError("called call(\"" + std::string(method) + "\") with a NULL request of " +
                             std::to_string(req_len) + " bytes"),
             0;
    }
    if (reply == nullptr || reply->write == nullptr) {
      return s->StudentError("called call(\"" + std::string(method) +
                             "\") without a reply sink (reply or reply->write is NULL)"),
             0;
    }
    const auto n = static_cast<int64_t>(s->ctx_.ends.size());
    if (peer < 0 || peer >= n) {
      return s->StudentError("called call(\"" + std::string(method) + "\") to peer " + std::to_string(peer) +
                             ", but valid peers are 0.." + std::to_string(n - 1)),
             0;
    }
    labrpc::Bytes request(req, req + req_len);
    labrpc::Bytes response;
    if (!s->ctx_.ends[static_cast<size_t>(peer)]->Call(method, request, &response)) return 0;
    if (!response.empty()) reply->write(reply, response.data(), response.size());
    return 1;
  }

  static int32_t Apply(const raftlab_host* host, const raftlab_apply_msg* msg) {
    HostServices* s = Self(host);
    if (s == nullptr) return RAFTLAB_ERR_INTERNAL;
    s->ctx_.rt.yield();
    if (s->killed()) {
      s->CalledAfterKill("apply");
      return RAFTLAB_ERR_KILLED;
    }
    if (!s->ctx_.apply) {
      return s->StudentError("called apply, which this instance may not use (it has no apply channel)"),
             RAFTLAB_ERR_INTERNAL;
    }
    if (msg == nullptr) return s->StudentError("called apply with a NULL message"), RAFTLAB_ERR_INTERNAL;
    constexpr size_t kNeeded = offsetof(raftlab_apply_msg, len) + sizeof(size_t);
    if (msg->struct_size < kNeeded) {
      return s->StudentError("called apply with struct_size " + std::to_string(msg->struct_size) +
                             " (set it to sizeof(raftlab_apply_msg))"),
             RAFTLAB_ERR_INTERNAL;
    }
    if (msg->kind != RAFTLAB_APPLY_COMMAND && msg->kind != RAFTLAB_APPLY_SNAPSHOT) {
      return s->StudentError("called apply with unknown kind " + std::to_string(msg->kind) +
                             " (use RAFTLAB_APPLY_COMMAND or RAFTLAB_APPLY_SNAPSHOT)"),
             RAFTLAB_ERR_INTERNAL;
    }
    if (msg->data == nullptr && msg->len > 0) {
      return s->StudentError("called apply with NULL data of " + std::to_string(msg->len) + " bytes"),
             RAFTLAB_ERR_INTERNAL;
    }
    // Hand the fixture a message of this harness's own layout.
    raftlab_apply_msg copy{};
    std::memcpy(&copy, msg, std::min<size_t>(msg->struct_size, sizeof copy));
    copy.struct_size = sizeof copy;
    return s->ctx_.apply(copy);
  }

  static bool HasPersister(HostServices* s, const char* fn) {
    if (s->ctx_.persister) return true;
    s->StudentError(std::string("called ") + fn + ", but this instance has no Persister (a clerk may not persist)");
    return false;
  }

  static void PersistSave(const raftlab_host* host, const uint8_t* state, size_t state_len, const uint8_t* snapshot,
                          size_t snapshot_len) {
    HostServices* s = Self(host);
    if (s == nullptr) return;
    s->ctx_.rt.yield();
    if (s->killed()) return s->CalledAfterKill("persist_save");
    if (!HasPersister(s, "persist_save")) return;
    if ((state == nullptr && state_len > 0) || (snapshot == nullptr && snapshot_len > 0)) {
      return s->StudentError("called persist_save with a NULL pointer and a nonzero length (nothing saved)");
    }
    s->ctx_.persister->Save(std::span<const uint8_t>(state, state == nullptr ? 0 : state_len),
                            std::span<const uint8_t>(snapshot, snapshot == nullptr ? 0 : snapshot_len));
  }

  static void WriteTo(HostServices* s, raftlab_sink* out, const std::vector<uint8_t>& bytes, const char* fn) {
    if (out == nullptr || out->write == nullptr) {
      return s->StudentError(std::string("called ") + fn + " without a sink (out or out->write is NULL)");
    }
    if (!bytes.empty()) out->write(out, bytes.data(), bytes.size());
  }

  static void PersistReadState(const raftlab_host* host, raftlab_sink* out) {
    HostServices* s = Self(host);
    if (s == nullptr || !HasPersister(s, "persist_read_state")) return;
    s->ctx_.rt.yield();
    WriteTo(s, out, s->ctx_.persister->ReadRaftState(), "persist_read_state");
  }

  static void PersistReadSnapshot(const raftlab_host* host, raftlab_sink* out) {
    HostServices* s = Self(host);
    if (s == nullptr || !HasPersister(s, "persist_read_snapshot")) return;
    s->ctx_.rt.yield();
    WriteTo(s, out, s->ctx_.persister->ReadSnapshot(), "persist_read_snapshot");
  }

  static size_t PersistStateSize(const raftlab_host* host) {
    HostServices* s = Self(host);
    if (s == nullptr || !HasPersister(s, "persist_state_size")) return 0;
    return s->ctx_.persister->RaftStateSize();
  }

  static size_t PersistSnapshotSize(const raftlab_host* host) {
    HostServices* s = Self(host);
    if (s == nullptr || !HasPersister(s, "persist_snapshot_size")) return 0;
    return s->ctx_.persister->SnapshotSize();
  }

  static void Log(const raftlab_host* host, int32_t level, const char* text) {
    HostServices* s = Self(host);
    if (s == nullptr) return;
    if (text == nullptr) return s->StudentError("called log with NULL text");
    if (s->ctx_.log) s->ctx_.log(std::clamp<int32_t>(level, RAFTLAB_LOG_DEBUG, RAFTLAB_LOG_ERROR), text);
  }

  static uint64_t RandomU64(const raftlab_host* host) NO_THREAD_SAFETY_ANALYSIS {
    HostServices* s = Self(host);
    if (s == nullptr) return 0;
    MutexLock lock(*s->mu_);
    return s->rng_.next();
  }

  static int64_t NowNs(const raftlab_host* host) {
    HostServices* s = Self(host);
    if (s == nullptr) return 0;
    s->ctx_.rt.yield();  // under --sim a loop that polls the clock lets the others run
    return s->ctx_.rt.now().count();
  }

  static void SleepNs(const raftlab_host* host, int64_t ns) NO_THREAD_SAFETY_ANALYSIS {
    HostServices* s = Self(host);
    if (s == nullptr || ns <= 0 || s->killed()) return;
    const Nanos deadline = s->ctx_.rt.now() + Nanos(std::min(ns, kMaxWaitNs));
    s->sleep_mu_->lock();
    while (!s->killed()) {
      if (s->sleep_cv_->wait_until(*s->sleep_mu_, deadline)) break;
    }
    s->sleep_mu_->unlock();
  }

  static raftlab_thread* ThreadStart(const raftlab_host* host, const char* name, void (*fn)(void*),
                                     void* arg) NO_THREAD_SAFETY_ANALYSIS {
    HostServices* s = Self(host);
    if (s == nullptr) return nullptr;
    if (s->killed()) {
      s->CalledAfterKill("thread_start");
      return nullptr;
    }
    if (fn == nullptr) return s->StudentError("called thread_start with a NULL function"), nullptr;
    if (g_live_plugin_threads.fetch_add(1, std::memory_order_acq_rel) >= kMaxLivePluginThreads) {
      g_live_plugin_threads.fetch_sub(1, std::memory_order_acq_rel);
      s->StudentError("started too many threads: " + std::to_string(kMaxLivePluginThreads) +
                      " threads of the plugin are already running, the most labtest allows (thread_start "
                      "returned NULL); use a few long-lived threads, not one per RPC or per log entry");
      return nullptr;
    }
    auto* rec = new HostServices::ThreadRecord();
    rec->name = name != nullptr ? name : "thread";
    {
      MutexLock lock(*s->mu_);
      s->threads_.insert(rec);
    }
    s->live_threads_.fetch_add(1, std::memory_order_acq_rel);
    s->threads_started_.fetch_add(1, std::memory_order_relaxed);
    rec->thread = s->ctx_.rt.spawn(
        s->ctx_.role + ": " + rec->name,
        [s, rec, fn, arg] {
          rec->id.store(Me(), std::memory_order_release);
          fn(arg);
          rec->finished.store(true, std::memory_order_release);
          s->live_threads_.fetch_sub(1, std::memory_order_acq_rel);
          g_live_plugin_threads.fetch_sub(1, std::memory_order_acq_rel);
        },
        s->ctx_.thread_stack_bytes);
    return reinterpret_cast<raftlab_thread*>(rec);
  }

  static void ThreadJoin(const raftlab_host* host, raftlab_thread* t) NO_THREAD_SAFETY_ANALYSIS {
    HostServices* s = Self(host);
    if (s == nullptr) return;
    if (t == nullptr) return s->StudentError("called thread_join with a NULL thread");
    auto* rec = reinterpret_cast<HostServices::ThreadRecord*>(t);
    bool known = false;
    bool self_join = false;
    std::string name;
    {
      MutexLock lock(*s->mu_);
      known = s->threads_.count(rec) != 0;
      if (known) {
        name = rec->name;
        self_join = rec->id.load(std::memory_order_acquire) == Me();
        if (!self_join) s->threads_.erase(rec);
      }
    }
    if (!known) {
      return s->StudentError(
          "called thread_join on a handle that was already joined or not made by thread_start "
          "(join each thread exactly once)");
    }
    if (self_join) return s->StudentError("thread '" + name + "' called thread_join on itself (it would never return)");
    rec->thread->join();
    delete rec;
  }

  static raftlab_mutex* MutexNew(const raftlab_host* host) {
    HostServices* s = Self(host);
    return s == nullptr ? nullptr : reinterpret_cast<raftlab_mutex*>(s->NewMutex());
  }

  static void MutexFree(const raftlab_host* host, raftlab_mutex* m) NO_THREAD_SAFETY_ANALYSIS {
    HostServices* s = Self(host);
    if (s == nullptr) return;
    HostServices::MutexRecord* rec = s->CheckMutex(m, "mutex_free");
    if (rec == nullptr) return;
    if (rec->owner.load(std::memory_order_acquire) != std::thread::id()) {
      return s->StudentError("called mutex_free on a locked mutex (unlock it first; it was not freed)");
    }
    uint32_t live = kLive;
    if (!rec->state.compare_exchange_strong(live, kFreed)) {
      return s->StudentError("called mutex_free on a mutex that was already freed");
    }
    MutexLock lock(*s->mu_);
    s->free_mutexes_.push_back(rec);
  }

  static void MutexLockFn(const raftlab_host* host, raftlab_mutex* m) NO_THREAD_SAFETY_ANALYSIS {
    HostServices* s = Self(host);
    if (s == nullptr) return;
    HostServices::MutexRecord* rec = s->CheckMutex(m, "mutex_lock");
    if (rec == nullptr) return;
    if (rec->owner.load(std::memory_order_acquire) == Me()) {
      return s->StudentError(
          "called mutex_lock on a mutex this thread already holds (raftlab mutexes are not recursive; "
          "this would deadlock)");
    }
    rec->m->lock();
    rec->owner.store(Me(), std::memory_order_release);
  }

  static void MutexUnlockFn(const raftlab_host* host, raftlab_mutex* m) NO_THREAD_SAFETY_ANALYSIS {
    HostServices* s = Self(host);
    if (s == nullptr) return;
    HostServices::MutexRecord* rec = s->CheckMutex(m, "mutex_unlock");
    if (rec == nullptr) return;
    const std::thread::id owner = rec->owner.load(std::memory_order_acquire);
    if (owner != Me()) {
      return s->StudentError(owner == std::thread::id() ? "called mutex_unlock on a mutex that is not locked"
                                                        : "called mutex_unlock on a mutex another thread holds");
    }
    rec->owner.store(std::thread::id(), std::memory_order_release);
    rec->m->unlock();
  }

  static raftlab_cond* CondNew(const raftlab_host* host) {
    HostServices* s = Self(host);
    return s == nullptr ? nullptr : reinterpret_cast<raftlab_cond*>(s->NewCond());
  }

  static void CondFree(const raftlab_host* host, raftlab_cond* c) NO_THREAD_SAFETY_ANALYSIS {
    HostServices* s = Self(host);
    if (s == nullptr) return;
    HostServices::CondRecord* rec = s->CheckCond(c, "cond_free");
    if (rec == nullptr) return;
    if (rec->waiters.load(std::memory_order_acquire) > 0) {
      return s->StudentError("called cond_free while threads wait on it (it was not freed)");
    }
    uint32_t live = kLive;
    if (!rec->state.compare_exchange_strong(live, kFreed)) {
      return s->StudentError("called cond_free on a condition variable that was already freed");
    }
    MutexLock lock(*s->mu_);
    s->free_conds_.push_back(rec);
  }

  // Shared by cond_wait and cond_wait_until: returns 1 if the deadline passed.
  // On misuse it returns at once (1, so that a timed wait loop re-checks).
  static int32_t Wait(const raftlab_host* host, raftlab_cond* c, raftlab_mutex* m, const Nanos* deadline,
                      const char* fn) NO_THREAD_SAFETY_ANALYSIS {
    HostServices* s = Self(host);
    if (s == nullptr) return 1;
    HostServices::CondRecord* cr = s->CheckCond(c, fn);
    HostServices::MutexRecord* mr = s->CheckMutex(m, fn);
    if (cr == nullptr || mr == nullptr) return 1;
    if (mr->owner.load(std::memory_order_acquire) != Me()) {
      s->StudentError(std::string("called ") + fn + " without holding the mutex (lock it first)");
      return 1;
    }
    cr->waiters.fetch_add(1, std::memory_order_acq_rel);
    mr->owner.store(std::thread::id(), std::memory_order_release);
    bool timed_out = false;
    if (deadline == nullptr) {
      cr->cv->wait(*mr->m);
    } else {
      timed_out = cr->cv->wait_until(*mr->m, *deadline);
    }
    mr->owner.store(Me(), std::memory_order_release);
    cr->waiters.fetch_sub(1, std::memory_order_acq_rel);
    return timed_out ? 1 : 0;
  }

  static void CondWait(const raftlab_host* host, raftlab_cond* c, raftlab_mutex* m) {
    Wait(host, c, m, nullptr, "cond_wait");
  }

  static int32_t CondWaitUntil(const raftlab_host* host, raftlab_cond* c, raftlab_mutex* m, int64_t deadline_ns) {
    HostServices* s = Self(host);
    if (s == nullptr) return 1;
    const int64_t now = s->ctx_.rt.now().count();
    const Nanos deadline(std::min(deadline_ns, now + kMaxWaitNs));
    return Wait(host, c, m, &deadline, "cond_wait_until");
  }

  static void CondNotifyOne(const raftlab_host* host, raftlab_cond* c) {
    HostServices* s = Self(host);
    if (s == nullptr) return;
    if (HostServices::CondRecord* rec = s->CheckCond(c, "cond_notify_one")) rec->cv->notify_one();
  }

  static void CondNotifyAll(const raftlab_host* host, raftlab_cond* c) {
    HostServices* s = Self(host);
    if (s == nullptr) return;
    if (HostServices::CondRecord* rec = s->CheckCond(c, "cond_notify_all")) rec->cv->notify_all();
  }

  static int32_t Killed(const raftlab_host* host) {
    HostServices* s = Self(host);
    return s == nullptr || s->killed() ? 1 : 0;
  }
};

HostServices::HostServices(PeerContext ctx)
    : ctx_(std::move(ctx)),
      mu_(ctx_.rt.make_mutex()),
      rng_(ctx_.seed),
      sleep_mu_(ctx_.rt.make_mutex()),
      sleep_cv_(ctx_.rt.make_cond()) {
  host_.struct_size = sizeof(raftlab_host);
  host_.abi_major = RAFTLAB_ABI_MAJOR;
  host_.abi_minor = RAFTLAB_ABI_MINOR;
  host_.reserved = 0;
  host_.host_ctx = this;
  host_.call = &HostTrampolines::Call;
  host_.apply = &HostTrampolines::Apply;
  host_.persist_save = &HostTrampolines::PersistSave;
  host_.persist_read_state = &HostTrampolines::PersistReadState;
  host_.persist_read_snapshot = &HostTrampolines::PersistReadSnapshot;
  host_.persist_state_size = &HostTrampolines::PersistStateSize;
  host_.persist_snapshot_size = &HostTrampolines::PersistSnapshotSize;
  host_.log = &HostTrampolines::Log;
  host_.random_u64 = &HostTrampolines::RandomU64;
  host_.now_ns = &HostTrampolines::NowNs;
  host_.sleep_ns = &HostTrampolines::SleepNs;
  host_.thread_start = &HostTrampolines::ThreadStart;
  host_.thread_join = &HostTrampolines::ThreadJoin;
  host_.mutex_new = &HostTrampolines::MutexNew;
  host_.mutex_free = &HostTrampolines::MutexFree;
  host_.mutex_lock = &HostTrampolines::MutexLockFn;
  host_.mutex_unlock = &HostTrampolines::MutexUnlockFn;
  host_.cond_new = &HostTrampolines::CondNew;
  host_.cond_free = &HostTrampolines::CondFree;
  host_.cond_wait = &HostTrampolines::CondWait;
  host_.cond_wait_until = &HostTrampolines::CondWaitUntil;
  host_.cond_notify_one = &HostTrampolines::CondNotifyOne;
  host_.cond_notify_all = &HostTrampolines::CondNotifyAll;
  host_.killed = &HostTrampolines::Killed;
}

HostServices::~HostServices() NO_THREAD_SAFETY_ANALYSIS {
  // Threads never joined: finished ones are joined here; a still-running one
  // (the caller broke the ownership rule) is abandoned rather than destroyed
  // joinable, which would terminate the process.
  for (ThreadRecord* rec : threads_) {
    if (rec->finished.load(std::memory_order_acquire)) {
      rec->thread->join();
      delete rec;
    } else {
      (void)rec->thread.release();
    }
  }
}

void HostServices::MarkKilled() {
  killed_.store(true, std::memory_order_release);
  // Take the sleep lock once so that a sleeper that saw killed() == false is
  // already waiting (and so gets this notify) before we send it.
  sleep_mu_->lock();
  sleep_mu_->unlock();
  sleep_cv_->notify_all();
}

bool HostServices::JoinedAll() const {
  MutexLock lock(*mu_);
  return threads_.empty();
}

void HostServices::StudentError(const std::string& what) {
  std::string text = ctx_.role + " " + what;
  {
    MutexLock lock(*mu_);
    if (reported_.count(text) != 0) return;
    if (reported_.size() >= kMaxDistinctReports) {
      if (!reported_.insert("(suppressed)").second) return;
      text = ctx_.role + ": further student errors suppressed after " + std::to_string(kMaxDistinctReports);
    } else {
      reported_.insert(text);
    }
  }
  if (ctx_.on_student_error) ctx_.on_student_error(text);
}

void HostServices::CalledAfterKill(const char* fn) { StudentError(std::string("called ") + fn + " after kill"); }

HostServices::MutexRecord* HostServices::NewMutex() {
  MutexLock lock(*mu_);
  if (!free_mutexes_.empty()) {
    MutexRecord* rec = free_mutexes_.back();
    free_mutexes_.pop_back();
    rec->owner.store(std::thread::id(), std::memory_order_relaxed);
    rec->state.store(kLive, std::memory_order_release);
    return rec;
  }
  auto rec = std::make_unique<MutexRecord>();
  rec->m = ctx_.rt.make_mutex();
  mutexes_.push_back(std::move(rec));
  return mutexes_.back().get();
}

HostServices::MutexRecord* HostServices::CheckMutex(raftlab_mutex* m, const char* fn) {
  if (m == nullptr) {
    StudentError(std::string("called ") + fn + " with a NULL mutex");
    return nullptr;
  }
  auto* rec = reinterpret_cast<MutexRecord*>(m);
  if (rec->state.load(std::memory_order_acquire) != kLive) {
    StudentError(std::string("called ") + fn + " on a mutex that was freed");
    return nullptr;
  }
  return rec;
}

HostServices::CondRecord* HostServices::NewCond() {
  MutexLock lock(*mu_);
  if (!free_conds_.empty()) {
    CondRecord* rec = free_conds_.back();
    free_conds_.pop_back();
    rec->state.store(kLive, std::memory_order_release);
    return rec;
  }
  auto rec = std::make_unique<CondRecord>();
  rec->cv = ctx_.rt.make_cond();
  conds_.push_back(std::move(rec));
  return conds_.back().get();
}

HostServices::CondRecord* HostServices::CheckCond(raftlab_cond* c, const char* fn) {
  if (c == nullptr) {
    StudentError(std::string("called ") + fn + " with a NULL condition variable");
    return nullptr;
  }
  auto* rec = reinterpret_cast<CondRecord*>(c);
  if (rec->state.load(std::memory_order_acquire) != kLive) {
    StudentError(std::string("called ") + fn + " on a condition variable that was freed");
    return nullptr;
  }
  return rec;
}

}  // namespace raftlab
