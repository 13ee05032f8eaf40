// Sandbox::Apply (see sandbox.h).
#include "harness/sandbox/sandbox.h"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "harness/sandbox/forbidden_report.h"
#include "harness/sandbox/seccomp_filter.h"

namespace raftlab::sandbox {
namespace {

std::atomic<bool> g_applied{false};

bool IsOpenForWriting(int fd) {
  const int fl = ::fcntl(fd, F_GETFL);
  return fl >= 0 && (fl & O_ACCMODE) != O_RDONLY;
}

}  // namespace

Status Sandbox::Apply(const SandboxOptions& o, SandboxOutcome* outcome) {
  SandboxOutcome local;
  SandboxOutcome& out = outcome ? *outcome : local;
  out = {};
  if (o.report_fd >= 0 && !IsOpenForWriting(o.report_fd)) {
    return Status::InvalidArgument(fmt::format("report fd {} is not open for writing", o.report_fd));
  }
  if (g_applied.exchange(true)) return Status::InvalidArgument("the sandbox is already applied to this process");

  // 1. Before seccomp, which denies unshare.
  if (o.network_namespace) {
    if (::geteuid() != 0) {
      out.notes.push_back("network namespace: skipped (not root); sockets are still denied by seccomp");
    } else if (::unshare(CLONE_NEWNET) != 0) {
      out.notes.push_back(fmt::format("network namespace: unshare(CLONE_NEWNET) refused ({}); sockets are still "
                                      "denied by seccomp", std::strerror(errno)));
    } else {
      out.network_isolated = true;
    }
  }

  // 2.
  if (o.default_thread_stack_bytes > 0) {
    if (Status s = SetDefaultThreadStack(o.default_thread_stack_bytes); !s.ok()) return s;
    out.thread_stack_set = true;
  }

  // 3. Before seccomp, which denies setrlimit.
  if (o.rlimits) {
    RlimitOptions limits = o.limits;
    if (o.sanitizer_mode && limits.memory_bytes > 0) {
      limits.memory_bytes = 0;
      out.notes.push_back("memory rlimit: off in sanitizer mode (shadow memory reservations)");
    }
    if (Status s = ApplyRlimits(limits); !s.ok()) return s;
    out.rlimits_applied = true;
  }

  // 4.
  if (o.seccomp && o.sanitizer_mode) {
    out.notes.push_back("seccomp: off in sanitizer mode (the sanitizer runtimes need denied calls)");
  } else if (o.seccomp) {
    const std::vector<DenyRule> rules = DenyList(::getpid());
    StatusOr<std::vector<TrapLabel>> labels = TrapLabels(rules);
    if (!labels.ok()) return labels.status();
    // The handler first: a trap with no SIGSYS handler kills the process.
    if (Status s = InstallForbiddenReporter(o.report_fd, o.echo_fd, *labels); !s.ok()) return s;
    if (Status s = LoadSeccompFilter(rules); !s.ok()) return s;
    out.seccomp_loaded = true;
  }
  return Status::Ok();
}

}  // namespace raftlab::sandbox
