// hostile_plugin: Raft plugins that break the process on purpose, for the
// runner tests (tests/harness/run/runner_test.cc). Raw C entry points, no
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
//   HOSTILE_CRASH_THREAD  make() starts a thread that writes through a null
//                         pointer; start() waits for it (so the crash comes
//                         from that thread, never from the scenario's)
//   HOSTILE_OOM           make() allocates 64 MiB blocks until std::bad_alloc
//                         escapes (the child's RLIMIT_AS stops it; no page is
//                         touched, so the machine's memory is never at risk)
//   HOSTILE_THREADS_RAW   make() starts std::threads that block, until one
//                         cannot be created (std::system_error escapes)
//   HOSTILE_FORK          make() calls fork()
//   HOSTILE_OPEN_WRITE    make() opens a file in /tmp for writing
//   HOSTILE_SOCKET        make() opens a TCP socket
//   HOSTILE_EXEC          make() runs execl("/bin/true")
//   HOSTILE_SYSTEM        make() calls system("true") (posix_spawn blocks
//                         every signal, so the sandbox's trap kills it)
// Behaviours that need a running cluster (the test_cluster_life scenario of
// tests/harness/testing/hostile_scenarios.cc):
//   HOSTILE_THREADS_HOST  make() starts 3000 sleeping threads with
//                         host->thread_start (until it returns NULL)
//   HOSTILE_CRASH_HANDLER a sender thread calls the next peer, whose
//                         handle_rpc() writes through a null pointer
//   HOSTILE_APPLY_ZERO    applies a command at index 0
//   HOSTILE_APPLY_GAP     applies index 1, then index 3
//   HOSTILE_APPLY_HUGE    applies index 2^40 first
//   HOSTILE_HOST_AFTER_KILL kill() returns at once; a raw thread then calls
//                         host->persist_save (destroy() joins it)
//   HOSTILE_KILL_HANGS    kill() never returns
//   HOSTILE_EXIT          start() calls std::exit(7)
//   HOSTILE_RAW_ZOMBIE    make() starts a std::thread (not a host thread)
//                         that never ends; kill() returns at once
//   HOSTILE_HEAP_OVERFLOW make() reads one element past a heap array (built
//                         with AddressSanitizer: the finding for --asan)
//
// Without a macro it is a quiet plugin whose make/start return at once.
#include <raftlab/raftlab.h>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <netinet/in.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

struct Peer {
  const raftlab_host* host = nullptr;
  int32_t me = 0;
  int32_t npeers = 1;
  raftlab_thread* worker = nullptr;  // a host thread, joined by kill()
  std::thread raw;                   // HOSTILE_HOST_AFTER_KILL: joined by destroy()
  std::atomic<bool> kill_called{false};
};

[[maybe_unused]] void SleepMs(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

// HOSTILE_RAW_ZOMBIE: a ticker that never looks at host->killed().
[[maybe_unused]] void RawTicker() {
  for (;;) SleepMs(50);
}

// The body of the one host thread of the cluster behaviours.
[[maybe_unused]] void Worker(void* arg) {
  auto* p = static_cast<Peer*>(arg);
  const raftlab_host* h = p->host;
#if defined(HOSTILE_CRASH_HANDLER)
  if (p->me != 0) return;  // peer 0 pokes peer 1 until someone crashes
  // Let the harness make and connect every peer first: a call to a peer that
  // is not there yet fails only after labrpc's long delay (up to 7 s), which
  // would outlast the scenario.
  h->sleep_ns(h, 150 * 1000 * 1000);
  raftlab_sink discard{nullptr, [](raftlab_sink*, const uint8_t*, size_t) {}};
  while (!h->killed(h)) {
    h->call(h, 1 % p->npeers, "Raft.Poke", nullptr, 0, &discard);
    h->sleep_ns(h, 20 * 1000 * 1000);
  }
#elif defined(HOSTILE_APPLY_ZERO) || defined(HOSTILE_APPLY_GAP) || defined(HOSTILE_APPLY_HUGE)
  if (p->me != 0) return;
  const uint8_t cmd[] = {'4', '2'};
  raftlab_apply_msg m{sizeof(raftlab_apply_msg), RAFTLAB_APPLY_COMMAND, 1, 1, cmd, sizeof cmd};
#if defined(HOSTILE_APPLY_ZERO)
  m.index = 0;
  h->apply(h, &m);
#elif defined(HOSTILE_APPLY_GAP)
  h->apply(h, &m);
  m.index = 3;
  h->apply(h, &m);
#else
  m.index = int64_t{1} << 40;
  h->apply(h, &m);
#endif
#elif defined(HOSTILE_THREADS_HOST)
  while (!h->killed(h)) h->sleep_ns(h, int64_t{10} * 1000 * 1000 * 1000);  // cut short by kill
#endif
  (void)h;
}

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

#if defined(HOSTILE_HEAP_OVERFLOW)
// Reads element n of an n-element heap array: a heap-buffer-overflow.
__attribute__((noinline)) int ReadPastTheEnd(int n) {
  int* a = new int[n];
  for (int i = 0; i < n; ++i) a[i] = i;
  volatile int* p = a;
  const int v = p[n];
  delete[] a;
  return v;
}
#endif

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
#elif defined(HOSTILE_CRASH_THREAD)
  std::thread([] {
    SleepMs(10);
    volatile int* p = nullptr;
    *p = 1;
  }).detach();
#elif defined(HOSTILE_OOM)
  std::vector<char*> blocks;
  for (;;) blocks.push_back(new char[64 << 20]);  // never written: address space only
#elif defined(HOSTILE_THREADS_RAW)
  for (;;) std::thread(WaitForever).detach();
#elif defined(HOSTILE_FORK)
  const pid_t pid = fork();
  if (pid == 0) _exit(0);  // without the sandbox: the copy leaves at once
  host->log(host, RAFTLAB_LOG_WARN, pid < 0 ? "fork failed" : "forked");
#elif defined(HOSTILE_OPEN_WRITE)
  const int fd = open("/tmp/raftlab-hostile-plugin-was-here", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  host->log(host, RAFTLAB_LOG_WARN, fd < 0 ? "open for writing failed" : "opened a file for writing");
  if (fd >= 0) close(fd);
#elif defined(HOSTILE_SOCKET)
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  host->log(host, RAFTLAB_LOG_WARN, fd < 0 ? "socket failed" : "opened a socket");
  if (fd >= 0) close(fd);
#elif defined(HOSTILE_EXEC)
  execl("/bin/true", "true", static_cast<char*>(nullptr));
  host->log(host, RAFTLAB_LOG_WARN, "exec failed");
#elif defined(HOSTILE_SYSTEM)
  const int rc = std::system("true");
  host->log(host, RAFTLAB_LOG_WARN, rc == 0 ? "system() ran" : "system() failed");
#elif defined(HOSTILE_HEAP_OVERFLOW)
  host->log(host, RAFTLAB_LOG_INFO, "about to read past the end of a heap array");
  volatile int four = 4;  // not a constant the compiler could check
  if (ReadPastTheEnd(four) == 42) host->log(host, RAFTLAB_LOG_INFO, "unlucky");
#elif defined(HOSTILE_FLOOD)
  std::string chunk(64 << 10, 'x');
  chunk.back() = '\n';
  for (int i = 0; i < 64; ++i) {
    std::fwrite(chunk.data(), 1, chunk.size(), stdout);
    std::fwrite(chunk.data(), 1, chunk.size(), stderr);
  }
  std::fflush(stdout);
#endif
  auto* peer = new Peer();
  peer->host = host;
  peer->me = me;
  peer->npeers = npeers;
#if defined(HOSTILE_CRASH_HANDLER) || defined(HOSTILE_APPLY_ZERO) || defined(HOSTILE_APPLY_GAP) || \
    defined(HOSTILE_APPLY_HUGE)
  peer->worker = host->thread_start(host, "worker", Worker, peer);
#elif defined(HOSTILE_THREADS_HOST)
  for (int i = 0; i < 3000; ++i) {
    if (host->thread_start(host, "sleeper", Worker, peer) == nullptr) break;  // refused: stop
  }
#elif defined(HOSTILE_RAW_ZOMBIE)
  std::thread(RawTicker).detach();
#elif defined(HOSTILE_HOST_AFTER_KILL)
  peer->raw = std::thread([peer] {
    while (!peer->kill_called.load()) SleepMs(1);
    SleepMs(20);  // kill() has returned by now
    const uint8_t state[] = {1};
    peer->host->persist_save(peer->host, state, sizeof state, nullptr, 0);
  });
#endif
  return reinterpret_cast<raftlab_raft*>(peer);
}

void Start(raftlab_raft* raft, const uint8_t* command, size_t len, int64_t* index, int64_t* term,
           int32_t* is_leader) {
  (void)raft;
  (void)command;
  (void)len;
#if defined(HOSTILE_CRASH_THREAD)
  SleepMs(5000);  // the thread started by make() crashes the process meanwhile
#endif
#if defined(HOSTILE_HANG_START)
  static std::mutex held;
  held.lock();
  held.lock();  // never returns: this thread already holds it (a classic self-deadlock)
#elif defined(HOSTILE_BUSY)
  Spin();
#elif defined(HOSTILE_EXIT)
  std::exit(7);
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
#if defined(HOSTILE_CRASH_HANDLER)
  volatile int* p = nullptr;
  *p = 1;
#endif
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

void Kill(raftlab_raft* raft) {
  auto* p = reinterpret_cast<Peer*>(raft);
  p->kill_called.store(true);
#if defined(HOSTILE_KILL_HANGS)
  WaitForever();
#endif
  // Host threads leave their loops once host->killed() is true.
  if (p->worker != nullptr) p->host->thread_join(p->host, p->worker);
  p->worker = nullptr;
}

void Destroy(raftlab_raft* raft) {
  auto* p = reinterpret_cast<Peer*>(raft);
  if (p->raw.joinable()) p->raw.join();
  delete p;
}

const void* GetExtension(const char* id) {
  (void)id;
  return nullptr;
}

const raftlab_plugin kPlugin = {
    sizeof(raftlab_plugin), RAFTLAB_ABI_MAJOR, RAFTLAB_ABI_MINOR, 0,       "hostile_plugin", "1.0",
    Make,                   Start,             GetState,          HandleRpc, Snapshot,        PersistBytes,
    Kill,                   Destroy,           GetExtension,      0 /* flags: no promises (ABI 1.1) */,
};

}  // namespace

extern "C" RAFTLAB_EXPORT const raftlab_plugin* raftlab_entry(uint32_t host_abi_major, uint32_t host_abi_minor) {
  (void)host_abi_major;
  (void)host_abi_minor;
  return &kPlugin;
}
