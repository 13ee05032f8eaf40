// Forbidden-call reporting (see forbidden_report.h).
#include "harness/sandbox/forbidden_report.h"

#include <signal.h>
#include <ucontext.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstring>

#include <fmt/format.h>

namespace raftlab::sandbox {
namespace {

static_assert(kForbiddenErrno == EPERM);

// si_code of a SIGSYS raised by a seccomp SCMP_ACT_TRAP rule (asm-generic/siginfo.h).
constexpr int kSysSeccomp = 1;
constexpr int kMaxSyscallNr = 1024;

struct PreparedLines {
  std::string report;  // to the report fd
  std::string echo;    // to the echo fd
};

// Filled once by InstallForbiddenReporter before the handler is installed,
// read-only afterwards (the handler only reads). Deliberately leaked: the
// handler may run until _exit.
const PreparedLines* g_lines[kMaxSyscallNr];
int g_report_fd = -1;
int g_echo_fd = -1;
std::atomic<bool> g_installed{false};
std::atomic<bool> g_first_written{false};
std::atomic<int64_t> g_count{0};
static_assert(std::atomic<bool>::is_always_lock_free && std::atomic<int64_t>::is_always_lock_free,
              "the SIGSYS handler needs lock-free atomics");

// write(2) until done or a real error; async-signal-safe.
void WriteAllRaw(int fd, const char* p, size_t n) {
  if (fd < 0) return;
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return;
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
}

// For a number without a prepared line (cannot happen for the filter that
// Sandbox::Apply installs, but the handler must not misbehave): formats
// "forbidden: syscall N [syscall N]\n" without allocating.
void WriteUnknownLine(int fd, int nr) {
  char num[16];
  auto [end, ec] = std::to_chars(num, num + sizeof num, nr);
  if (ec != std::errc()) return;
  const size_t len = static_cast<size_t>(end - num);
  char line[96];
  size_t at = 0;
  auto put = [&](const char* s, size_t n) {
    std::memcpy(line + at, s, n);
    at += n;
  };
  put("forbidden: syscall ", 19);
  put(num, len);
  put(" [syscall ", 10);
  put(num, len);
  put("]\n", 2);
  WriteAllRaw(fd, line, at);
}

// Makes the trapped syscall return -errno_value to its caller: the kernel
// skipped the call, and on sigreturn the saved return register becomes the
// call's result.
void SetSyscallResult(void* context, long result) {
  auto* uc = static_cast<ucontext_t*>(context);
#if defined(__x86_64__)
  uc->uc_mcontext.gregs[REG_RAX] = result;
#elif defined(__aarch64__)
  uc->uc_mcontext.regs[0] = static_cast<unsigned long long>(result);
#else
#error "raftlab sandbox: set the syscall return register for this architecture"
#endif
}

void OnSigsys(int, siginfo_t* info, void* context) {
  if (info->si_code != kSysSeccomp) return;  // a SIGSYS sent with kill(): not ours to judge
  const int saved_errno = errno;
  g_count.fetch_add(1, std::memory_order_relaxed);
  const int nr = info->si_syscall;
  if (!g_first_written.exchange(true)) {
    const PreparedLines* lines = nr >= 0 && nr < kMaxSyscallNr ? g_lines[nr] : nullptr;
    if (lines != nullptr) {
      WriteAllRaw(g_report_fd, lines->report.data(), lines->report.size());
      WriteAllRaw(g_echo_fd, lines->echo.data(), lines->echo.size());
    } else {
      WriteUnknownLine(g_report_fd, nr);
      WriteUnknownLine(g_echo_fd, nr);
    }
  }
  SetSyscallResult(context, -kForbiddenErrno);
  errno = saved_errno;
}

}  // namespace

std::string FormatReportLine(const TrapLabel& label) {
  return fmt::format("forbidden: {} [syscall {}]\n", label.label, label.syscall_nr);
}

std::string ForbiddenVerdict(const ForbiddenCall& call) {
  return fmt::format("forbidden: {} \u2014 {}", call.label, kLabRule);
}

std::optional<ForbiddenCall> ParseForbiddenReport(std::string_view contents) {
  constexpr std::string_view kPrefix = "forbidden: ";
  constexpr std::string_view kNrOpen = "[syscall ";
  size_t at = 0;
  while (at < contents.size()) {
    size_t eol = contents.find('\n', at);
    if (eol == std::string_view::npos) eol = contents.size();
    std::string_view line = contents.substr(at, eol - at);
    at = eol + 1;
    if (line.substr(0, kPrefix.size()) != kPrefix) continue;
    line.remove_prefix(kPrefix.size());
    ForbiddenCall call;
    const size_t open = line.rfind(kNrOpen);
    if (open != std::string_view::npos && !line.empty() && line.back() == ']') {
      std::string_view digits = line.substr(open + kNrOpen.size());
      digits.remove_suffix(1);
      int nr = -1;
      auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), nr);
      if (ec == std::errc() && end == digits.data() + digits.size() && nr >= 0) {
        call.syscall_nr = nr;
        line = line.substr(0, open);
        while (!line.empty() && line.back() == ' ') line.remove_suffix(1);
      }
    }
    if (line.empty()) continue;
    call.label = std::string(line);
    return call;
  }
  return std::nullopt;
}

std::string KilledBySigsysVerdict() {
  return fmt::format(
      "forbidden: a system call the sandbox denies, made while SIGSYS was blocked (posix_spawn, system() and "
      "popen() block all signals while they create a process), so the process was killed with SIGSYS \u2014 {}",
      kLabRule);
}

std::optional<std::string> ForbiddenVerdictFor(std::string_view report_contents, int term_signal) {
  if (std::optional<ForbiddenCall> call = ParseForbiddenReport(report_contents)) return ForbiddenVerdict(*call);
  if (term_signal == SIGSYS) return KilledBySigsysVerdict();
  return std::nullopt;
}

Status InstallForbiddenReporter(int report_fd, int echo_fd, const std::vector<TrapLabel>& labels) {
  for (const TrapLabel& l : labels) {
    if (l.syscall_nr < 0 || l.syscall_nr >= kMaxSyscallNr) {
      return Status::InvalidArgument(fmt::format("syscall number {} of '{}' is out of range", l.syscall_nr, l.label));
    }
  }
  if (g_installed.exchange(true)) return Status::InvalidArgument("the forbidden-call reporter is already installed");
  for (const TrapLabel& l : labels) {
    if (g_lines[l.syscall_nr] != nullptr) continue;  // one label per number: the first rule's
    g_lines[l.syscall_nr] = new PreparedLines{
        FormatReportLine(l), fmt::format("labtest: {}\n", ForbiddenVerdict({l.label, l.syscall_nr}))};
  }
  g_report_fd = report_fd;
  g_echo_fd = echo_fd;

  struct sigaction sa {};
  sa.sa_sigaction = &OnSigsys;
  // SA_ONSTACK: a Go plugin's runtime re-installs every inherited handler
  // that lacks it (its threads run on small stacks and take signals on an
  // alternate one), and re-installing SIGSYS's is itself forbidden. Threads
  // without an alternate stack take the signal on their own stack as before.
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  if (::sigaction(SIGSYS, &sa, nullptr) != 0) {
    return Status::Internal(fmt::format("sigaction(SIGSYS) failed: {}", std::strerror(errno)));
  }
  // A thread that blocks SIGSYS would be killed by a trap instead of getting
  // EPERM (the kernel forces the default action): unblock it here. Threads
  // that student code creates inherit the mask of their creator.
  sigset_t sys;
  sigemptyset(&sys);
  sigaddset(&sys, SIGSYS);
  ::pthread_sigmask(SIG_UNBLOCK, &sys, nullptr);
  return Status::Ok();
}

int64_t ForbiddenCallCount() { return g_count.load(std::memory_order_relaxed); }

}  // namespace raftlab::sandbox
