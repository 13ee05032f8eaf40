// hostile_plugin: Raft plugins that break the process on purpose, for the
// runner tests (tests/harness/runner_test.cc). Raw C entry points, no
// convenience-layer glue, so nothing catches what they throw. One source,
// one behaviour per build, selected by a macro (see hostile.cmake):
//
//   HOSTILE_CRASH         make() writes through a null pointer (SIGSEGV)
//   HOSTILE_ABORT         make() calls abort() (SIGABRT)
//   HOSTILE_THROW         make() throws std::runtime_error into the harness
//   HOSTILE_THROW_THREAD  make() starts a thread that throws (std::terminate)
//   HOSTILE_HANG_MAKE     make() waits forever on a condition nobody signals
//   HOSTILE_HANG_START    start() waits forever (a lock that is never released)
//   HOSTILE_BUSY          make() starts a spinning thread per core; start() spins
//   HOSTILE_LOG_CRASH     make() logs 50 lines through host->log, then SIGSEGV
//   HOSTILE_FLOOD         make() writes 4 MiB to stdout and stderr, then returns
//
// Without a macro it is a quiet plugin whose make/start return at once.
#include <raftlab/raftlab.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

namespace {

struct Peer {
  const raftlab_host* host;
};

[[maybe_unused]] void Spin() {
  volatile uint64_t x = 0;
  for (;;) x = x + 1;
}

[[maybe_unused]] void WaitForever() {
  static std::mutex m;
  static std::condition_variable cv;
  std::unique_lock<std::mutex> lock(m);
  cv.wait(lock, [] { return false; });
}

raftlab_raft* Make(const raftlab_host* host, int32_t me, int32_t npeers) {
  (void)me;
  (void)npeers;
#if defined(HOSTILE_CRASH)
  volatile int* p = nullptr;
  *p = 1;
#elif defined(HOSTILE_ABORT)
  std::abort();
#elif defined(HOSTILE_THROW)
  throw std::runtime_error("boom from make");
#elif defined(HOSTILE_THROW_THREAD)
  std::thread([] { throw std::runtime_error("boom from a plugin thread"); }).detach();
  WaitForever();
#elif defined(HOSTILE_HANG_MAKE)
  WaitForever();
#elif defined(HOSTILE_BUSY)
  unsigned n = std::thread::hardware_concurrency();
  for (unsigned i = 0; i < (n == 0 ? 2 : n); ++i) std::thread(Spin).detach();
#elif defined(HOSTILE_LOG_CRASH)
  for (int i = 1; i <= 50; ++i) {
    std::string line = "hostile log line " + std::to_string(i);
    host->log(host, RAFTLAB_LOG_INFO, line.c_str());
  }
  volatile int* p = nullptr;
  *p = 1;
#elif defined(HOSTILE_FLOOD)
  std::string chunk(64 << 10, 'x');
  chunk.back() = '\n';
  for (int i = 0; i < 64; ++i) {
    std::fwrite(chunk.data(), 1, chunk.size(), stdout);
    std::fwrite(chunk.data(), 1, chunk.size(), stderr);
  }
  std::fflush(stdout);
#endif
  return reinterpret_cast<raftlab_raft*>(new Peer{host});
}

void Start(raftlab_raft* raft, const uint8_t* command, size_t len, int64_t* index, int64_t* term,
           int32_t* is_leader) {
  (void)raft;
  (void)command;
  (void)len;
#if defined(HOSTILE_HANG_START)
  static std::mutex held;
  held.lock();
  held.lock();  // never returns: this thread already holds it (a classic self-deadlock)
#elif defined(HOSTILE_BUSY)
  Spin();
#endif
  *index = -1;
  *term = 0;
  *is_leader = 0;
}

void GetState(raftlab_raft* raft, int64_t* term, int32_t* is_leader) {
  (void)raft;
  *term = 0;
  *is_leader = 0;
}

int32_t HandleRpc(raftlab_raft* raft, const char* method, const uint8_t* req, size_t req_len,
                  raftlab_sink* reply) {
  (void)raft;
  (void)method;
  (void)req;
  (void)req_len;
  (void)reply;
  return RAFTLAB_ERR_UNKNOWN_METHOD;
}

void Snapshot(raftlab_raft* raft, int64_t index, const uint8_t* snapshot, size_t len) {
  (void)raft;
  (void)index;
  (void)snapshot;
  (void)len;
}

int64_t PersistBytes(raftlab_raft* raft) {
  (void)raft;
  return 0;
}

void Kill(raftlab_raft* raft) { (void)raft; }

void Destroy(raftlab_raft* raft) { delete reinterpret_cast<Peer*>(raft); }

const void* GetExtension(const char* id) {
  (void)id;
  return nullptr;
}

const raftlab_plugin kPlugin = {
    sizeof(raftlab_plugin), RAFTLAB_ABI_MAJOR, RAFTLAB_ABI_MINOR, 0,       "hostile_plugin", "1.0",
    Make,                   Start,             GetState,          HandleRpc, Snapshot,        PersistBytes,
    Kill,                   Destroy,           GetExtension,
};

}  // namespace

extern "C" RAFTLAB_EXPORT const raftlab_plugin* raftlab_entry(uint32_t host_abi_major, uint32_t host_abi_minor) {
  (void)host_abi_major;
  (void)host_abi_minor;
  return &kPlugin;
}
