// RunChildProcess (see child_process.h).
#include "harness/run/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>

#include <fmt/format.h>

extern char** environ;

namespace raftlab {
namespace {

constexpr size_t kStderrTailLines = 30;
constexpr size_t kMaxLineChars = 64 << 10;  // a "line" longer than this is cut for callbacks
constexpr Nanos kDrainAfterExit = Millis(1000);  // a grandchild may still hold the pipes
constexpr int kPollWithoutPidfdMs = 20;          // when pidfd_open is unavailable

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_;
};

// One captured stream: pipe read end, destination, cap, line splitting.
struct Stream {
  Fd pipe;
  int file = -1;             // destination file, or -1 for memory
  std::string* memory = nullptr;
  int64_t cap = 0;
  int64_t total = 0;
  int64_t stored = 0;
  std::string partial;
  const std::function<void(std::string_view)>* on_line = nullptr;
  std::deque<std::string>* tail = nullptr;
  bool open = true;

  void Store(const char* data, size_t n) {
    total += static_cast<int64_t>(n);
    size_t room = stored < cap ? static_cast<size_t>(cap - stored) : 0;
    size_t keep = std::min(room, n);
    if (keep > 0) {
      if (file >= 0) {
        const char* p = data;
        size_t left = keep;
        while (left > 0) {
          ssize_t w = ::write(file, p, left);
          if (w < 0 && errno == EINTR) continue;
          if (w <= 0) break;
          p += w;
          left -= static_cast<size_t>(w);
        }
      } else if (memory) {
        memory->append(data, keep);
      }
      stored += static_cast<int64_t>(keep);
    }
    if ((on_line && *on_line) || tail) Split(data, n);
  }

  void Split(const char* data, size_t n) {
    for (size_t i = 0; i < n; ++i) {
      if (data[i] == '\n' || partial.size() >= kMaxLineChars) {
        Line();
        if (data[i] == '\n') continue;
      }
      partial.push_back(data[i]);
    }
  }

  void Line() {
    if (on_line && *on_line) (*on_line)(partial);
    if (tail) {
      tail->push_back(partial.size() > 400 ? partial.substr(0, 400) + " [...]" : partial);
      if (tail->size() > kStderrTailLines) tail->pop_front();
    }
    partial.clear();
  }

  void Finish() {
    if (!partial.empty()) Line();
    if (total > stored) {
      std::string note = fmt::format("\n[labtest: output truncated at {} bytes; {} more bytes were dropped]\n",
                                     stored, total - stored);
      if (file >= 0) {
        (void)!::write(file, note.data(), note.size());
      } else if (memory) {
        memory->append(note);
      }
    }
  }

  // Reads what is available. Returns false at EOF or error.
  bool Drain() {
    char buf[64 << 10];
    for (;;) {
      ssize_t n = ::read(pipe.get(), buf, sizeof buf);
      if (n > 0) {
        Store(buf, static_cast<size_t>(n));
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
      return false;  // EOF or a real error
    }
  }
};

double Seconds(const timeval& tv) { return static_cast<double>(tv.tv_sec) + tv.tv_usec / 1e6; }

bool ChildHasExited(pid_t pid) {
  siginfo_t info{};
  if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0) return true;
  return info.si_pid == pid;
}

}  // namespace

std::string SignalName(int sig) {
  const char* abbrev = ::sigabbrev_np(sig);
  return abbrev ? fmt::format("SIG{}", abbrev) : fmt::format("signal {}", sig);
}

std::string SignalDescription(int sig) {
  const char* d = ::sigdescr_np(sig);
  std::string s = d ? d : fmt::format("signal {}", sig);
  if (!s.empty()) s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
  return s;
}

std::string FindInPath(const std::string& program) {
  if (program.find('/') != std::string::npos) return ::access(program.c_str(), X_OK) == 0 ? program : "";
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  size_t pos = 0;
  while (pos <= dirs.size()) {
    size_t colon = dirs.find(':', pos);
    if (colon == std::string::npos) colon = dirs.size();
    std::string dir = dirs.substr(pos, colon - pos);
    if (!dir.empty()) {
      std::string full = dir + "/" + program;
      struct stat st {};
      if (::stat(full.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(full.c_str(), X_OK) == 0) return full;
    }
    pos = colon + 1;
  }
  return "";
}

StatusOr<ChildOutcome> RunChildProcess(Runtime& rt, const ChildSpec& spec) {
  const std::string exe = FindInPath(spec.exe);
  if (exe.empty()) return Status::NotFound(fmt::format("cannot execute '{}': not found", spec.exe));

  // Everything the child needs is prepared before fork (no allocation after).
  std::vector<std::string> argv_store;
  argv_store.push_back(exe);
  argv_store.insert(argv_store.end(), spec.args.begin(), spec.args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_store) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> dropped = spec.unset_env;
  std::vector<std::string> added;
  for (const auto& [name, value] : spec.set_env) {
    dropped.push_back(name);
    added.push_back(name + "=" + value);
  }
  std::vector<char*> envp;
  for (char** e = environ; *e; ++e) {
    std::string_view kv(*e);
    bool drop = std::any_of(dropped.begin(), dropped.end(), [&](const std::string& name) {
      return kv.size() > name.size() && kv.substr(0, name.size()) == name && kv[name.size()] == '=';
    });
    if (!drop) envp.push_back(*e);
  }
  for (std::string& a : added) envp.push_back(a.data());
  envp.push_back(nullptr);

  Fd out_file, err_file;
  if (!spec.stdout_path.empty()) {
    out_file.reset(::open(spec.stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (out_file.get() < 0) return Status::Internal(fmt::format("cannot create {}: {}", spec.stdout_path, std::strerror(errno)));
  }
  if (!spec.stderr_path.empty()) {
    err_file.reset(::open(spec.stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (err_file.get() < 0) return Status::Internal(fmt::format("cannot create {}: {}", spec.stderr_path, std::strerror(errno)));
  }
  int out_pipe[2], err_pipe[2], exec_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) return Status::Internal("pipe2 failed");
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    ::close(out_pipe[0]), ::close(out_pipe[1]);
    return Status::Internal("pipe2 failed");
  }
  if (::pipe2(exec_pipe, O_CLOEXEC) != 0) {
    ::close(out_pipe[0]), ::close(out_pipe[1]), ::close(err_pipe[0]), ::close(err_pipe[1]);
    return Status::Internal("pipe2 failed");
  }
  Fd out_r(out_pipe[0]), out_w(out_pipe[1]), err_r(err_pipe[0]), err_w(err_pipe[1]);
  Fd exec_r(exec_pipe[0]), exec_w(exec_pipe[1]);

  const pid_t parent = ::getpid();
  const Nanos start = rt.now();
  const pid_t pid = ::fork();
  if (pid < 0) return Status::Internal(fmt::format("fork failed: {}", std::strerror(errno)));
  if (pid == 0) {
    // Child: async-signal-safe calls only until execve.
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(126);
    int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, 0);
    ::dup2(out_w.get(), 1);
    ::dup2(err_w.get(), 2);
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGXCPU, SIGSEGV, SIGABRT, SIGCHLD}) ::sigaction(sig, &dfl, nullptr);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    const ProcessLimits& lim = spec.limits;
    if (lim.address_space_bytes > 0) {
      rlimit r{static_cast<rlim_t>(lim.address_space_bytes), static_cast<rlim_t>(lim.address_space_bytes)};
      ::setrlimit(RLIMIT_AS, &r);
    }
    if (lim.cpu_seconds > 0) {
      rlimit r{static_cast<rlim_t>(lim.cpu_seconds), static_cast<rlim_t>(lim.cpu_seconds + 1)};
      ::setrlimit(RLIMIT_CPU, &r);
    }
    if (lim.stack_bytes > 0) {
      rlimit cur{};
      ::getrlimit(RLIMIT_STACK, &cur);
      rlimit r{static_cast<rlim_t>(lim.stack_bytes), cur.rlim_max};
      ::setrlimit(RLIMIT_STACK, &r);
    }
    if (lim.no_core_dumps) {
      rlimit r{0, 0};
      ::setrlimit(RLIMIT_CORE, &r);
    }
    ::execve(argv[0], argv.data(), envp.data());
    int e = errno;
    (void)!::write(exec_w.get(), &e, sizeof e);
    ::_exit(127);
  }

  // Parent.
  ::setpgid(pid, pid);  // also done by the child; whichever runs first wins
  out_w.reset();
  err_w.reset();
  exec_w.reset();
  int exec_errno = 0;
  ssize_t got;
  do {
    got = ::read(exec_r.get(), &exec_errno, sizeof exec_errno);
  } while (got < 0 && errno == EINTR);
  if (got == static_cast<ssize_t>(sizeof exec_errno)) {
    ::waitpid(pid, nullptr, 0);
    return Status::NotFound(fmt::format("cannot execute {}: {}", exe, std::strerror(exec_errno)));
  }

  ChildOutcome outcome;
  outcome.pid = pid;
  if (spec.on_start) spec.on_start(pid);
  std::deque<std::string> stderr_tail;
  Stream streams[2];
  streams[0].pipe.reset(out_r.release());
  streams[1].pipe.reset(err_r.release());
  streams[0].file = out_file.get();
  streams[0].memory = &outcome.stdout_text;
  streams[0].on_line = &spec.on_stdout_line;
  streams[1].file = err_file.get();
  streams[1].memory = &outcome.stderr_text;
  streams[1].on_line = &spec.on_stderr_line;
  streams[1].tail = &stderr_tail;
  for (Stream& s : streams) {
    s.cap = spec.output_cap_bytes;
    ::fcntl(s.pipe.get(), F_SETFL, ::fcntl(s.pipe.get(), F_GETFL) | O_NONBLOCK);
  }

  Fd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  const bool have_deadline = spec.timeout.count() > 0;
  const Nanos deadline = start + spec.timeout;
  bool exited = false;
  Nanos exit_seen{0};
  for (;;) {
    if (!exited) {
      exited = ChildHasExited(pid);
      if (exited) exit_seen = rt.now();
    }
    const bool pipes_open = streams[0].open || streams[1].open;
    if (exited && (!pipes_open || rt.now() - exit_seen > kDrainAfterExit)) break;
    const Nanos now = rt.now();
    if (!exited && spec.cancel && !outcome.cancelled && !outcome.timed_out && spec.cancel->load()) {
      outcome.cancelled = true;
      ::kill(-pid, SIGKILL);
      ::kill(pid, SIGKILL);
      continue;
    }
    if (!exited && have_deadline && now >= deadline && !outcome.timed_out && !outcome.cancelled) {
      outcome.timed_out = true;
      if (spec.on_timeout) spec.on_timeout(pid);
      ::kill(-pid, SIGKILL);
      ::kill(pid, SIGKILL);
      continue;
    }
    pollfd fds[3];
    int nfds = 0;
    for (Stream& s : streams) {
      if (s.open) fds[nfds++] = {s.pipe.get(), POLLIN, 0};
    }
    if (!exited && pidfd.get() >= 0) fds[nfds++] = {pidfd.get(), POLLIN, 0};
    int wait_ms = -1;
    auto ms_until = [&](Nanos t) {
      return static_cast<int>(std::max<int64_t>(1, std::chrono::duration_cast<Millis>(t - now).count() + 1));
    };
    if (have_deadline && !exited && !outcome.timed_out) wait_ms = ms_until(deadline);
    if (exited) wait_ms = ms_until(exit_seen + kDrainAfterExit);
    if (!exited && pidfd.get() < 0) wait_ms = wait_ms < 0 ? kPollWithoutPidfdMs : std::min(wait_ms, kPollWithoutPidfdMs);
    if (!exited && spec.cancel && !outcome.cancelled) {
      const int cancel_ms = static_cast<int>(std::chrono::duration_cast<Millis>(kCancelPollInterval).count());
      wait_ms = wait_ms < 0 ? cancel_ms : std::min(wait_ms, cancel_ms);
    }
    int r = ::poll(fds, static_cast<nfds_t>(nfds), wait_ms);
    if (r < 0 && errno != EINTR) break;
    for (Stream& s : streams) {
      if (s.open && !s.Drain()) s.open = false;
    }
  }
  for (Stream& s : streams) {
    if (s.open) s.Drain();
    s.Finish();
  }
  ::kill(-pid, SIGKILL);  // anything the child left behind in its group

  int status = 0;
  rusage ru{};
  pid_t w;
  do {
    w = ::wait4(pid, &status, 0, &ru);
  } while (w < 0 && errno == EINTR);
  outcome.wall_s = std::chrono::duration<double>(rt.now() - start).count();
  if (w == pid) {
    if (WIFEXITED(status)) {
      outcome.exited = true;
      outcome.exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
      outcome.term_signal = WTERMSIG(status);
    }
    outcome.user_s = Seconds(ru.ru_utime);
    outcome.sys_s = Seconds(ru.ru_stime);
    outcome.max_rss_kb = ru.ru_maxrss;
  }
  outcome.stdout_bytes = streams[0].total;
  outcome.stderr_bytes = streams[1].total;
  outcome.stdout_truncated = streams[0].total > streams[0].stored;
  outcome.stderr_truncated = streams[1].total > streams[1].stored;
  outcome.stderr_tail.assign(stderr_tail.begin(), stderr_tail.end());
  return outcome;
}

}  // namespace raftlab
