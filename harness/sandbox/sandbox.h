// Sandbox: enforces the lab's rules on student code inside the test child.
// One call, Sandbox::Apply, after the harness has set itself up and BEFORE
// the plugin is dlopened (a plugin's static constructors run inside dlopen,
// so they must already be sandboxed).
//
// Layers, in the order Apply sets them up:
//   1. network namespace: as root, unshare(CLONE_NEWNET) gives an empty
//      network (only a down loopback). Not root, or refused (containers often
//      refuse it): skipped with a note; the seccomp layer still denies socket.
//   2. default thread stack: 1 MiB for threads created later (rlimits.h).
//   3. rlimits: memory (RLIMIT_AS or RLIMIT_DATA, 4 GiB), CPU, file size
//      (16 MiB; read the note on the harness's own files in rlimits.h),
//      core 0, open files (rlimits.h).
//   4. seccomp deny-list (seccomp_filter.h) with the forbidden-call reporter
//      (forbidden_report.h): a forbidden call fails with EPERM, the first one
//      is written to `report_fd`, and the runner turns it into the verdict
//      "forbidden: <syscall> — your Raft must not use files, the network or
//      other processes".
//
// What the caller must do BEFORE Apply, because the filter denies opening
// files for writing, renaming, unlinking and mkdir afterwards:
//   - open every file the harness writes and keep the fds: the result file,
//     the student log (no rotation by rename afterwards: cap it instead), the
//     forbidden-call report file (`report_fd`);
//   - create anything else that needs a path (temp folders, plugin copies);
//     a plugin copy made after Apply must go through memfd_create (allowed)
//     and be dlopened as /proc/self/fd/N (a read-only open);
//   - read-only opens keep working (config files, dlopen).
// Threads, futexes, mmap/mprotect, write on open fds, ftruncate on open fds,
// raise/abort and exit all keep working afterwards. The harness itself must
// never make a denied call after Apply: it would be reported as the
// student's. Threads that exist at Apply get the filter too (TSYNC).
//
// Sanitizer mode (ASan, TSan): seccomp and the memory rlimit are OFF.
// ASan and TSan reserve terabytes of address space for shadow memory, so any
// RLIMIT_AS/RLIMIT_DATA makes them abort at start-up or fail later mmaps;
// and their runtimes make calls the deny-list refuses (LeakSanitizer at exit
// clones a tracer task without CLONE_THREAD and ptraces the threads; reports
// may open files, e.g. log_path). CPU, file size, core, open files, the
// thread stack and the network namespace still apply.
//
// Thread safety: Apply changes process-wide state irreversibly; call it once
// per process, from one thread. A second call fails.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "harness/sandbox/rlimits.h"
#include "harness/sandbox/sanitizer_runtime.h"
#include "runtime/status.h"

namespace raftlab::sandbox {

struct SandboxOptions {
  // ASan/TSan: no seccomp, no memory rlimit (see above). Defaults to
  // whether a sanitizer runtime is in this process.
  bool sanitizer_mode = SanitizerRuntimePresent();

  bool network_namespace = true;             // layer 1 (only acts when root)
  size_t default_thread_stack_bytes = 1 << 20;  // layer 2; 0: leave
  bool rlimits = true;                       // layer 3
  RlimitOptions limits;
  bool seccomp = true;                       // layer 4

  // Where the first forbidden call is recorded, opened for writing by the
  // caller before Apply (a file in the test's run folder: the runner reads it
  // with ParseForbiddenReport). -1: not recorded (the call still fails).
  int report_fd = -1;
  // Also a human-readable line per process here (stderr: the runner's
  // capture). -1: none.
  int echo_fd = 2;
};

// What Apply did, for the child's event log.
struct SandboxOutcome {
  bool network_isolated = false;
  bool thread_stack_set = false;
  bool rlimits_applied = false;
  bool seccomp_loaded = false;
  std::vector<std::string> notes;  // each layer skipped, and why
};

class Sandbox {
 public:
  // Sets up the layers enabled in `options`. A refused network namespace is
  // a note, not an error. Errors: InvalidArgument for a second call or bad
  // options; Internal when a layer fails (the process may then be partly
  // sandboxed: treat it as a harness error and do not run the test).
  static Status Apply(const SandboxOptions& options, SandboxOutcome* outcome = nullptr);
};

}  // namespace raftlab::sandbox
