// sandbox_probe: a small program the sandbox tests spawn. It sets itself up
// the way the test child does (opens its report and log files, then calls
// Sandbox::Apply), tries ONE action chosen on the command line, and prints
// what happened as `key=value` lines on stdout. The tests judge the output,
// the report file and the exit status; the test runner itself is never
// sandboxed.
//
// Usage: sandbox_probe <dir> <mode> <action> [arg]
//   dir     a private folder: the probe opens <dir>/report (the forbidden-call
//           report) and <dir>/harness.log before Apply
//   mode    full | sanitizer (sanitizer_mode) | data (RLIMIT_DATA instead of
//           RLIMIT_AS) | cpu (also RLIMIT_CPU = 30 s)
//   action  see the table in main()
// Exit status: 0 after the action ran, 2 usage error, 3 Apply failed.
#include <dlfcn.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/io_uring.h>
#include <linux/sched.h>

#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "harness/sandbox/forbidden_report.h"
#include "harness/sandbox/sandbox.h"

namespace {

using raftlab::sandbox::Sandbox;
using raftlab::sandbox::SandboxOptions;
using raftlab::sandbox::SandboxOutcome;

std::string g_dir;
std::string g_arg;
int g_log_fd = -1;

void Print(const std::string& key, const std::string& value) {
  std::printf("%s=%s\n", key.c_str(), value.c_str());
  std::fflush(stdout);
}

// "ok" for rc >= 0, else the errno's name ("EPERM").
std::string Outcome(long rc, int err) {
  if (rc >= 0) return "ok";
  const char* name = ::strerrorname_np(err);
  return name ? name : std::to_string(err);
}

void Result(long rc) { Print("result", Outcome(rc, errno)); }

std::string Path(const std::string& name) { return g_dir + "/" + name; }

void Threads(int n) {
  std::mutex mu;
  std::condition_variable cv;
  int arrived = 0;
  std::vector<std::thread> ts;
  for (int i = 0; i < n; ++i) {
    ts.emplace_back([&] {
      std::unique_lock<std::mutex> lock(mu);
      ++arrived;
      cv.notify_all();
      cv.wait(lock, [&] { return arrived == n; });
    });
  }
  for (std::thread& t : ts) t.join();
  Print("threads", std::to_string(arrived));
}

std::string Limit(int resource) {
  rlimit r{};
  ::getrlimit(resource, &r);
  auto show = [](rlim_t v) { return v == RLIM_INFINITY ? std::string("inf") : std::to_string(v); };
  return show(r.rlim_cur) + "/" + show(r.rlim_max);
}

// The stack size a thread created now with default attributes really gets.
void ThreadStack() {
  size_t size = 0;
  std::thread([&] {
    pthread_attr_t attr;
    if (::pthread_getattr_np(::pthread_self(), &attr) == 0) {
      ::pthread_attr_getstacksize(&attr, &size);
      ::pthread_attr_destroy(&attr);
    }
  }).join();
  Print("thread_stack", std::to_string(size));
}

// Copies the plugin into a memfd and dlopens /proc/self/fd/N: how a loader
// can make a private copy per instance after the filter is in place.
void DlopenMemfd() {
  ::setenv("RAFTLAB_HOSTILE_PATH", Path("ctor-was-here").c_str(), 1);
  const int in = ::open(g_arg.c_str(), O_RDONLY | O_CLOEXEC);
  const int mfd = ::memfd_create("plugin", MFD_CLOEXEC);
  if (in < 0 || mfd < 0) {
    Print("copy", "failed");
    return;
  }
  char buf[65536];
  ssize_t n;
  while ((n = ::read(in, buf, sizeof buf)) > 0) {
    if (::write(mfd, buf, static_cast<size_t>(n)) != n) {
      Print("copy", "failed");
      return;
    }
  }
  ::close(in);
  const std::string proc = "/proc/self/fd/" + std::to_string(mfd);
  void* h = ::dlopen(proc.c_str(), RTLD_NOW | RTLD_LOCAL);
  Print("dlopen", h ? "ok" : ::dlerror());
  if (!h) return;
  auto* err = static_cast<int*>(::dlsym(h, "hostile_open_errno"));
  Print("ctor_open", err == nullptr ? "no symbol" : Outcome(*err == 0 ? 0 : -1, *err));
}

void Flood() {
  // 20 MiB into the pre-opened log, 1 MiB at a time; the 16 MiB RLIMIT_FSIZE
  // stops it with EFBIG (SIGXFSZ is ignored by the sandbox).
  std::string chunk(1 << 20, 'x');
  int64_t written = 0;
  int err = 0;
  for (int i = 0; i < 20; ++i) {
    const ssize_t w = ::write(g_log_fd, chunk.data(), chunk.size());
    if (w < 0) {
      err = errno;
      break;
    }
    written += w;
  }
  Print("written", std::to_string(written));
  Print("result", err ? Outcome(-1, err) : "ok");
}

void NetDevices() {
  std::ifstream in("/proc/net/dev");
  std::string line, names;
  int n = 0;
  while (std::getline(in, line)) {
    if (++n <= 2) continue;  // two header lines
    const size_t colon = line.find(':');
    std::string name = line.substr(0, colon);
    name.erase(0, name.find_first_not_of(' '));
    names += (names.empty() ? "" : ",") + name;
  }
  Print("net_devices", names);
}

const std::map<std::string, std::function<void()>>& Actions() {
  static const auto* actions = new std::map<std::string, std::function<void()>>{
      {"none", [] {}},
      {"old_thread_open_write", [] {}},  // the work happens on a thread started before Apply
      {"open_write", [] { Result(::open(g_arg.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)); }},
      {"open_rdwr", [] { Result(::open(g_arg.c_str(), O_RDWR | O_CLOEXEC)); }},
      {"open_append", [] { Result(::open(g_arg.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC)); }},
      {"open_rdonly_creat", [] { Result(::open(g_arg.c_str(), O_RDONLY | O_CREAT | O_CLOEXEC, 0644)); }},
      {"fopen_write", [] {
         FILE* f = std::fopen(g_arg.c_str(), "w");
         Result(f ? 0 : -1);
       }},
      {"creat", [] { Result(::syscall(SYS_creat, g_arg.c_str(), 0644)); }},
      {"read_file", [] {
         std::ifstream in(g_arg);
         std::stringstream s;
         s << in.rdbuf();
         Print("result", in ? "ok" : "failed");
         Print("content", s.str());
       }},
      {"write_preopened", [] { Result(::write(g_log_fd, "after apply\n", 12)); }},
      {"ftruncate_preopened", [] { Result(::ftruncate(g_log_fd, 0)); }},
      {"mkdir", [] { Result(::mkdir(g_arg.c_str(), 0755)); }},
      {"unlink", [] { Result(::unlink(g_arg.c_str())); }},
      {"rename", [] { Result(::rename(g_arg.c_str(), (g_arg + ".renamed").c_str())); }},
      {"chmod", [] { Result(::chmod(g_arg.c_str(), 0777)); }},
      {"socket_inet", [] { Result(::socket(AF_INET, SOCK_STREAM, 0)); }},
      {"socket_unix", [] { Result(::socket(AF_UNIX, SOCK_STREAM, 0)); }},
      {"socketpair", [] {
         int sv[2];
         Result(::socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
       }},
      {"execve", [] { Result(::execl("/bin/true", "true", static_cast<char*>(nullptr))); }},
      {"fork", [] {
         const pid_t pid = ::fork();
         if (pid == 0) ::_exit(0);
         if (pid > 0) ::waitpid(pid, nullptr, 0);
         Result(pid);
       }},
      {"raw_fork", [] {
         const long pid = ::syscall(SYS_fork);
         if (pid == 0) ::_exit(0);
         if (pid > 0) ::waitpid(static_cast<pid_t>(pid), nullptr, 0);
         Result(pid);
       }},
      {"posix_spawn", [] {
         pid_t pid = 0;
         char* argv[] = {const_cast<char*>("true"), nullptr};
         const int rc = ::posix_spawn(&pid, "/bin/true", nullptr, nullptr, argv, environ);
         if (rc == 0) ::waitpid(pid, nullptr, 0);
         Print("result", rc == 0 ? "ok" : Outcome(-1, rc));
       }},
      {"threads", [] { Threads(8); }},
      {"clone3_process", [] {
         // flags 0 and exit_signal SIGCHLD: a fork through clone3.
         clone_args args{};
         args.exit_signal = SIGCHLD;
         const long pid = ::syscall(SYS_clone3, &args, sizeof args);
         if (pid == 0) ::_exit(0);
         if (pid > 0) ::waitpid(static_cast<pid_t>(pid), nullptr, 0);
         Result(pid);
       }},
      {"io_uring_setup", [] {
         io_uring_params p{};
         Result(::syscall(SYS_io_uring_setup, 4, &p));
       }},
      {"ptrace", [] { Result(::ptrace(PTRACE_TRACEME, 0, nullptr, nullptr)); }},
      {"kill_parent", [] { Result(::kill(::getppid(), 0)); }},
      {"kill_all", [] { Result(::kill(-1, 0)); }},
      {"kill_self", [] { Result(::kill(::getpid(), 0)); }},
      {"raise", [] {
         ::signal(SIGUSR1, SIG_IGN);
         Result(::raise(SIGUSR1) == 0 ? 0 : -1);
       }},
      {"sigaction_sigsys", [] {
         struct sigaction sa {};
         sa.sa_handler = SIG_IGN;
         Result(::sigaction(SIGSYS, &sa, nullptr));
       }},
      {"setrlimit_nofile", [] {
         rlimit r{};
         ::getrlimit(RLIMIT_NOFILE, &r);
         Result(::setrlimit(RLIMIT_NOFILE, &r));
       }},
      {"unshare_net", [] { Result(::unshare(CLONE_NEWNET)); }},
      {"two_forbidden", [] {
         const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
         Print("first", Outcome(fd, errno));
         const int rc = ::mkdir(g_arg.c_str(), 0755);
         Print("second", Outcome(rc, errno));
         Print("count", std::to_string(raftlab::sandbox::ForbiddenCallCount()));
       }},
      {"limits", [] {
         Print("as", Limit(RLIMIT_AS));
         Print("data", Limit(RLIMIT_DATA));
         Print("cpu", Limit(RLIMIT_CPU));
         Print("fsize", Limit(RLIMIT_FSIZE));
         Print("core", Limit(RLIMIT_CORE));
         Print("nofile", Limit(RLIMIT_NOFILE));
         ThreadStack();
       }},
      {"flood", [] { Flood(); }},
      {"dlopen_memfd", [] { DlopenMemfd(); }},
      {"net_devices", [] { NetDevices(); }},
  };
  return *actions;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: sandbox_probe <dir> <mode> <action> [arg]\n");
    return 2;
  }
  g_dir = argv[1];
  const std::string mode = argv[2];
  const std::string action = argv[3];
  g_arg = argc > 4 ? argv[4] : "";
  auto it = Actions().find(action);
  if (it == Actions().end()) {
    std::fprintf(stderr, "sandbox_probe: unknown action %s\n", action.c_str());
    return 2;
  }

  // What the test child does before Apply: open every file it will write.
  const int report_fd = ::open(Path("report").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  g_log_fd = ::open(Path("harness.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
  if (report_fd < 0 || g_log_fd < 0) {
    std::perror("sandbox_probe: open");
    return 2;
  }

  SandboxOptions options;
  options.report_fd = report_fd;
  options.echo_fd = 2;
  if (mode == "sanitizer") {
    options.sanitizer_mode = true;
  } else if (mode == "full" || mode == "data" || mode == "cpu") {
    // sanitizer_mode keeps its default: on in ASan/TSan builds of the probe.
    if (mode == "data") options.limits.memory_kind = raftlab::sandbox::MemoryLimitKind::kData;
    if (mode == "cpu") options.limits.cpu_seconds = 30;
  } else {
    std::fprintf(stderr, "sandbox_probe: unknown mode %s\n", mode.c_str());
    return 2;
  }
  // A thread that exists BEFORE Apply (the test child may already have some)
  // must be filtered too (TSYNC). It waits for Apply, then tries to write.
  int go[2] = {-1, -1};
  std::thread old_thread;
  if (action == "old_thread_open_write") {
    if (::pipe(go) != 0) return 2;
    old_thread = std::thread([&] {
      char c;
      if (::read(go[0], &c, 1) != 1) return;
      const int fd = ::open(g_arg.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      Result(fd);
    });
  }

  SandboxOutcome outcome;
  if (raftlab::Status s = Sandbox::Apply(options, &outcome); !s.ok()) {
    std::fprintf(stderr, "sandbox_probe: %s\n", s.ToString().c_str());
    return 3;
  }
  Print("seccomp_loaded", outcome.seccomp_loaded ? "1" : "0");
  Print("rlimits_applied", outcome.rlimits_applied ? "1" : "0");
  Print("network_isolated", outcome.network_isolated ? "1" : "0");
  // A second Apply must be refused (and must not stack a second filter).
  Print("second_apply", Sandbox::Apply(options).ok() ? "ok" : "refused");

  it->second();
  if (old_thread.joinable()) {
    if (::write(go[1], "g", 1) != 1) return 2;
    old_thread.join();
  }
  std::fflush(nullptr);
  ::_exit(0);  // no destructors, as in the test child
}
