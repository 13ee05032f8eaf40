// RunChildProcess: fork+exec one program, capture its output with a size
// cap, enforce a wall-clock timeout, apply rlimits, and reap it with its
// resource usage. labtest uses it for every test child (labtest --child) and
// for the stack-dump tools (eu-stack, gdb).
//
// The child runs in its own process group (killed as a group), dies with the
// parent (PR_SET_PDEATHSIG), has stdin on /dev/null, and gets its rlimits
// between fork and exec (RLIMIT_STACK there also sets glibc's default thread
// stack size in the new image). Between fork and exec it only makes
// async-signal-safe calls, so this is safe from a multithreaded parent.
//
// Output: stdout and stderr are read continuously (a flooding child never
// blocks on a full pipe) and written to the given files up to a cap each;
// the rest is counted and dropped, and a note saying so ends the file. With
// an empty path a stream is kept in memory instead (same cap).
//
// Thread safety: RunChildProcess may be called from several threads at once
// (each call owns its descriptors). The callbacks run on the calling thread.
// Caveat for callers on worker threads: PR_SET_PDEATHSIG fires when the
// THREAD that forked exits, so that thread must outlive the child (it does:
// this call blocks until the child is reaped).
// Ownership: everything by value; the callbacks are borrowed for the call.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/runtime.h"
#include "runtime/status.h"

namespace raftlab {

struct ProcessLimits {
  int64_t address_space_bytes = 0;  // RLIMIT_AS; 0 = leave as is
  int64_t cpu_seconds = 0;          // RLIMIT_CPU soft (hard = soft + 1); 0 = leave
  int64_t stack_bytes = 0;          // RLIMIT_STACK; 0 = leave
  bool no_core_dumps = true;        // RLIMIT_CORE = 0
};

struct ChildSpec {
  std::string exe;                // absolute path, or found in PATH when it has no '/'
  std::vector<std::string> args;  // argv[1...]
  std::vector<std::string> unset_env;  // variables removed from the child's environment
  std::vector<std::pair<std::string, std::string>> set_env;  // variables set (replacing) in it
  std::string stdout_path;        // "" = keep in memory (ChildOutcome::stdout_text)
  std::string stderr_path;        // "" = keep in memory (ChildOutcome::stderr_text)
  int64_t output_cap_bytes = 1 << 20;  // per stream
  Nanos timeout{0};               // wall clock; 0 = none
  ProcessLimits limits;
  // Called with each complete output line as it arrives (-v passthrough).
  std::function<void(std::string_view line)> on_stdout_line;
  std::function<void(std::string_view line)> on_stderr_line;
  // Called once, right after the child was started, with its pid.
  std::function<void(pid_t pid)> on_start;
  // Called once when the timeout passes, while the child still runs (hang
  // analysis, stack dump); the child is SIGKILLed as a group afterwards.
  std::function<void(pid_t pid)> on_timeout;
  // When not null and it becomes true, the child's group is SIGKILLed (within
  // kCancelPollInterval) and the outcome says `cancelled`: labtest's Ctrl-C.
  // Borrowed; must outlive the call.
  const std::atomic<bool>* cancel = nullptr;
};

// How often a running child checks ChildSpec::cancel.
inline constexpr Nanos kCancelPollInterval = Millis(100);

struct ChildOutcome {
  pid_t pid = 0;
  bool exited = false;     // exited normally: see exit_code
  int exit_code = -1;
  int term_signal = 0;     // killed by this signal
  bool timed_out = false;  // we killed it at the timeout
  bool cancelled = false;  // we killed it because ChildSpec::cancel became true
  double wall_s = 0;
  double user_s = 0;       // rusage of the child (all its threads)
  double sys_s = 0;
  int64_t max_rss_kb = 0;
  int64_t stdout_bytes = 0;  // total produced, including dropped bytes
  int64_t stderr_bytes = 0;
  bool stdout_truncated = false;
  bool stderr_truncated = false;
  std::string stdout_text;  // only when stdout_path was ""
  std::string stderr_text;  // only when stderr_path was ""
  std::vector<std::string> stderr_tail;  // the last lines of stderr, always
};

// Errors: NotFound when the program cannot be executed, Internal for
// pipe/fork/file failures. A child that crashes or times out is NOT an
// error: it is described by the outcome.
StatusOr<ChildOutcome> RunChildProcess(Runtime& rt, const ChildSpec& spec);

// "SIGSEGV" (or "signal 42").
std::string SignalName(int sig);
// "segmentation fault", from strsignal, lower-cased.
std::string SignalDescription(int sig);

// Full path of `program` found in PATH, or "" when absent.
std::string FindInPath(const std::string& program);

}  // namespace raftlab
