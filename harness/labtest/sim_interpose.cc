// labtest's interposers for labtest --sim (docs/SIM.md): a plugin that
// slipped past the import scan (harness/plugin/import_scan.h), say by
// calling through dlsym or a library of its own, and sleeps or starts a
// thread on a simulated thread gets a named verdict instead of a silent mix
// of wall time into virtual time or a thread the simulator cannot see.
//
// These definitions live in the labtest executable and are exported
// (sim_interpose.list), so the plugin's calls and libstdc++'s (std::thread,
// std::this_thread::sleep_for) bind to them first; each forwards to the C
// library's own function (dlsym RTLD_NEXT) unless the caller is a simulated
// thread outside the runtime's own spawn (runtime/sim_runtime.h). There the
// sleep returns at once and pthread_create fails with EAGAIN, after
// ReportSimEscape has failed the test.
//
// In real time, pthread_create also records the threads a plugin copy
// starts itself (harness/plugin/raw_threads.h), for the zombie check.
//
// Not built into sanitizer builds: ASan and TSan interpose pthread_create
// themselves. Thread safety: each function is as thread-safe as the one it
// wraps. Ownership: nothing is kept.
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include "harness/plugin/raw_threads.h"
#include "runtime/sim_runtime.h"

namespace {

template <typename Fn>
Fn Next(const char* name) {
  return reinterpret_cast<Fn>(::dlsym(RTLD_NEXT, name));
}

bool Escaping(const char* call) {
  if (!raftlab::OnSimulatedThread() || raftlab::InsideSimRuntimeSpawn()) return false;
  raftlab::ReportSimEscape(call);
  return true;
}

}  // namespace

extern "C" {

int pthread_create(pthread_t* thread, const pthread_attr_t* attr, void* (*start)(void*), void* arg) {
  using Fn = int (*)(pthread_t*, const pthread_attr_t*, void* (*)(void*), void*);
  static const Fn next = Next<Fn>("pthread_create");
  if (Escaping("pthread_create (a thread of its own, not host->thread_start)")) return EAGAIN;
  // A thread a plugin copy starts itself is recorded, so that one still
  // running after its peer's kill() is reported (raw_threads.h).
  void* token = raftlab::WrapIfStartedByPlugin(&start, &arg);
  const int rc = next(thread, attr, start, arg);
  if (rc != 0) raftlab::ThreadCreateFailed(token);
  return rc;
}

int nanosleep(const struct timespec* req, struct timespec* rem) {
  using Fn = int (*)(const struct timespec*, struct timespec*);
  static const Fn next = Next<Fn>("nanosleep");
  if (Escaping("nanosleep (a real sleep, not host->sleep_ns)")) return 0;
  return next(req, rem);
}

int clock_nanosleep(clockid_t clock, int flags, const struct timespec* req, struct timespec* rem) {
  using Fn = int (*)(clockid_t, int, const struct timespec*, struct timespec*);
  static const Fn next = Next<Fn>("clock_nanosleep");
  if (Escaping("clock_nanosleep (a real sleep, not host->sleep_ns)")) return 0;
  return next(clock, flags, req, rem);
}

int usleep(useconds_t usec) {
  using Fn = int (*)(useconds_t);
  static const Fn next = Next<Fn>("usleep");
  if (Escaping("usleep (a real sleep, not host->sleep_ns)")) return 0;
  return next(usec);
}

unsigned int sleep(unsigned int seconds) {
  using Fn = unsigned int (*)(unsigned int);
  static const Fn next = Next<Fn>("sleep");
  if (Escaping("sleep (a real sleep, not host->sleep_ns)")) return 0;
  return next(seconds);
}

}  // extern "C"
