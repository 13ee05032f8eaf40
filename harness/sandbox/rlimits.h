// Resource limits of the test child, set from inside the child just before
// the plugin is loaded (the runner sets RLIMIT_STACK, and may set RLIMIT_AS
// and RLIMIT_CPU, between fork and exec: child_process.h). Limits are
// process-wide and inherited by every thread.
//
// Policy: a limit is only ever tightened. Each new soft and hard value is the
// minimum of the requested one and the current one, so a tighter limit set by
// the runner survives and an unprivileged process never fails with EPERM for
// asking more than its hard limit. Soft == hard (CPU: hard = soft + 1 so the
// busy loop gets SIGXCPU first, then SIGKILL one second later).
//
// RLIMIT_FSIZE and the harness's own files: the limit applies to every
// regular file the process writes, the harness's included (the student log,
// the result file, the forbidden-call report). Pipes are not affected, so the
// child's stdout and stderr (pipes to the runner) are not. With
// `ignore_sigxfsz` (the default) a write that would pass the limit writes what
// fits and then fails with EFBIG instead of killing the process with SIGXFSZ,
// so a student flooding the log costs the end of the log, not the result.
// Hence the harness must keep each file it writes well under the limit: cap
// the student log (StudentLogOptions::rotate_bytes) below file_size_bytes,
// e.g. at half of it, and write the result file (small) last.
//
// Thread safety: call from one thread, before untrusted code runs.
#pragma once

#include <sys/resource.h>

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/status.h"

namespace raftlab::sandbox {

// Which rlimit bounds memory. RLIMIT_AS counts every reserved mapping
// (PROT_NONE reservations included); RLIMIT_DATA (Linux >= 4.7) counts heap
// and private writable mappings only. Both count 8 MiB per default thread
// stack, which is why a 1 MiB default stack goes with them.
enum class MemoryLimitKind { kAddressSpace, kData };

struct RlimitOptions {
  int64_t memory_bytes = int64_t{4} << 30;  // RLIMIT_AS or RLIMIT_DATA; <= 0: leave
  MemoryLimitKind memory_kind = MemoryLimitKind::kAddressSpace;
  int64_t cpu_seconds = 0;                  // RLIMIT_CPU soft (hard = soft + 1); <= 0: leave
  int64_t file_size_bytes = int64_t{16} << 20;  // RLIMIT_FSIZE; <= 0: leave. See above.
  bool ignore_sigxfsz = true;               // EFBIG instead of death past RLIMIT_FSIZE
  bool no_core_dumps = true;                // RLIMIT_CORE = 0
  int64_t open_files = 512;                 // RLIMIT_NOFILE; <= 0: leave
};

// One planned setrlimit call.
struct RlimitChange {
  int resource = 0;          // RLIMIT_*
  std::string name;          // "RLIMIT_AS"
  rlim_t soft = 0;
  rlim_t hard = 0;
};

// The new limit for `requested_soft`/`requested_hard` given the current
// limit, following the tighten-only policy above. Pure.
rlimit TightenedLimit(const rlimit& current, rlim_t requested_soft, rlim_t requested_hard);

// The setrlimit calls `options` asks for, computed against the process's
// current limits (reads them with getrlimit; changes nothing).
std::vector<RlimitChange> PlanRlimits(const RlimitOptions& options);

// Applies PlanRlimits(options) and the SIGXFSZ disposition. Errors: Internal
// naming the limit and errno when setrlimit fails.
Status ApplyRlimits(const RlimitOptions& options);

// Sets glibc's default stack size for threads created LATER without an
// explicit size (std::thread, pthread_create with a default attribute, the
// Runtime's threads). Existing threads keep theirs. Errors: InvalidArgument
// below PTHREAD_STACK_MIN, Internal when glibc refuses.
Status SetDefaultThreadStack(size_t bytes);

}  // namespace raftlab::sandbox
