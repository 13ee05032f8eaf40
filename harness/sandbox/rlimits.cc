// Resource limits (see rlimits.h).
#include "harness/sandbox/rlimits.h"

#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <climits>
#include <cstring>

#include <fmt/format.h>

namespace raftlab::sandbox {
namespace {

rlim_t AsRlim(int64_t v) { return static_cast<rlim_t>(v); }

void Plan(std::vector<RlimitChange>& out, int resource, const char* name, rlim_t soft, rlim_t hard) {
  rlimit current{};
  if (::getrlimit(resource, &current) != 0) current = {RLIM_INFINITY, RLIM_INFINITY};
  const rlimit next = TightenedLimit(current, soft, hard);
  out.push_back({resource, name, next.rlim_cur, next.rlim_max});
}

}  // namespace

rlimit TightenedLimit(const rlimit& current, rlim_t requested_soft, rlim_t requested_hard) {
  // RLIM_INFINITY is the largest rlim_t, so std::min treats it as "no limit".
  rlimit next{};
  next.rlim_max = std::min(requested_hard, current.rlim_max);
  next.rlim_cur = std::min({requested_soft, current.rlim_cur, next.rlim_max});
  return next;
}

std::vector<RlimitChange> PlanRlimits(const RlimitOptions& o) {
  std::vector<RlimitChange> out;
  if (o.memory_bytes > 0) {
    if (o.memory_kind == MemoryLimitKind::kAddressSpace) {
      Plan(out, RLIMIT_AS, "RLIMIT_AS", AsRlim(o.memory_bytes), AsRlim(o.memory_bytes));
    } else {
      Plan(out, RLIMIT_DATA, "RLIMIT_DATA", AsRlim(o.memory_bytes), AsRlim(o.memory_bytes));
    }
  }
  if (o.cpu_seconds > 0) Plan(out, RLIMIT_CPU, "RLIMIT_CPU", AsRlim(o.cpu_seconds), AsRlim(o.cpu_seconds + 1));
  if (o.file_size_bytes > 0) {
    Plan(out, RLIMIT_FSIZE, "RLIMIT_FSIZE", AsRlim(o.file_size_bytes), AsRlim(o.file_size_bytes));
  }
  if (o.no_core_dumps) Plan(out, RLIMIT_CORE, "RLIMIT_CORE", 0, 0);
  if (o.open_files > 0) Plan(out, RLIMIT_NOFILE, "RLIMIT_NOFILE", AsRlim(o.open_files), AsRlim(o.open_files));
  return out;
}

Status ApplyRlimits(const RlimitOptions& options) {
  for (const RlimitChange& c : PlanRlimits(options)) {
    const rlimit r{c.soft, c.hard};
    if (::setrlimit(c.resource, &r) != 0) {
      return Status::Internal(fmt::format("setrlimit({}, {}, {}) failed: {}", c.name, c.soft, c.hard,
                                          std::strerror(errno)));
    }
  }
  if (options.ignore_sigxfsz && options.file_size_bytes > 0) {
    struct sigaction ign {};
    ign.sa_handler = SIG_IGN;
    sigemptyset(&ign.sa_mask);
    if (::sigaction(SIGXFSZ, &ign, nullptr) != 0) {
      return Status::Internal(fmt::format("sigaction(SIGXFSZ) failed: {}", std::strerror(errno)));
    }
  }
  return Status::Ok();
}

Status SetDefaultThreadStack(size_t bytes) {
  if (bytes < static_cast<size_t>(PTHREAD_STACK_MIN)) {
    return Status::InvalidArgument(fmt::format("thread stack of {} bytes is below PTHREAD_STACK_MIN ({})", bytes,
                                               static_cast<size_t>(PTHREAD_STACK_MIN)));
  }
  pthread_attr_t attr;
  if (int rc = ::pthread_getattr_default_np(&attr); rc != 0) {
    return Status::Internal(fmt::format("pthread_getattr_default_np failed: {}", std::strerror(rc)));
  }
  int rc = ::pthread_attr_setstacksize(&attr, bytes);
  if (rc == 0) rc = ::pthread_setattr_default_np(&attr);
  ::pthread_attr_destroy(&attr);
  if (rc != 0) return Status::Internal(fmt::format("cannot set the default thread stack: {}", std::strerror(rc)));
  return Status::Ok();
}

}  // namespace raftlab::sandbox
