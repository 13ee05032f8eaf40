// The threads a plugin copy starts itself (see raw_threads.h).
#include "harness/plugin/raw_threads.h"

#include <dlfcn.h>
#include <execinfo.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <vector>

namespace raftlab {
namespace {

struct RawThread {
  uint64_t copy_start = 0;  // the plugin copy whose code started it
  void* (*start)(void*) = nullptr;
  void* arg = nullptr;
  std::atomic<bool> alive{true};  // from before pthread_create until the thread ends
};

std::mutex& RecordsMutex() {
  static auto* mu = new std::mutex;
  return *mu;
}
// Never freed: a record is read by its thread until that thread ends.
std::vector<RawThread*>& Records() {
  static auto* records = new std::vector<RawThread*>;
  return *records;
}

// Marks the thread ended however it ends: return, pthread_exit, cancel.
struct AliveGuard {
  RawThread* t;
  ~AliveGuard() { t->alive.store(false, std::memory_order_release); }
};

void* Trampoline(void* p) {
  auto* t = static_cast<RawThread*>(p);
  AliveGuard guard{t};
  return t->start(t->arg);
}

// The load base of the object holding `address` (0 when none).
uintptr_t ObjectBase(const void* address) {
  Dl_info info{};
  if (dladdr(address, &info) == 0) return 0;
  return reinterpret_cast<uintptr_t>(info.dli_fbase);
}

// The plugin copy the creating call came from, or 0 (see raw_threads.h).
uint64_t CreatingCopy() {
  void* frames[32];
  const int n = backtrace(frames, 32);
  // Up the stack to the interposer (the pthread_create every caller binds
  // to), then on to the first frame outside the runtime libraries.
  static void* const interposer = dlsym(RTLD_DEFAULT, "pthread_create");
  static const uintptr_t harness = ObjectBase(reinterpret_cast<const void*>(&CreatingCopy));
  int i = 0;
  for (; i < n; ++i) {
    Dl_info info{};
    if (dladdr(frames[i], &info) != 0 && info.dli_saddr == interposer) break;
  }
  for (++i; i < n; ++i) {
    const auto pc = reinterpret_cast<uint64_t>(frames[i]);
    if (const uint64_t copy = PluginCopyHolding(pc); copy != 0) return copy;
    // The harness's own code: a harness thread, maybe started for the
    // plugin (host->thread_start), never the plugin's.
    if (ObjectBase(frames[i]) == harness) return 0;
  }
  return 0;
}

}  // namespace

void* WrapIfStartedByPlugin(void* (**start)(void*), void** arg) {
  const uint64_t copy = CreatingCopy();
  if (copy == 0) return nullptr;
  auto* t = new RawThread;
  t->copy_start = copy;
  t->start = *start;
  t->arg = *arg;
  {
    std::lock_guard<std::mutex> l(RecordsMutex());
    Records().push_back(t);
  }
  *start = &Trampoline;
  *arg = t;
  return t;
}

void ThreadCreateFailed(void* token) {
  if (token != nullptr) static_cast<RawThread*>(token)->alive.store(false, std::memory_order_release);
}

size_t LiveRawThreadsIn(const PluginCopyRange& range) {
  std::lock_guard<std::mutex> l(RecordsMutex());
  size_t live = 0;
  for (const RawThread* t : Records()) {
    if (t->copy_start >= range.start && t->copy_start < range.end && t->alive.load(std::memory_order_acquire)) {
      ++live;
    }
  }
  return live;
}

size_t RawThreadsStillAlive(Runtime& rt, const PluginCopyRange& range, Nanos grace) {
  const Nanos deadline = rt.now() + grace;
  size_t live = LiveRawThreadsIn(range);
  while (live > 0 && rt.now() < deadline) {
    rt.sleep_for(std::chrono::milliseconds(5));
    live = LiveRawThreadsIn(range);
  }
  return live;
}

}  // namespace raftlab
