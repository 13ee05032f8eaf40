// Forbidden-call reporting: how a syscall that the seccomp deny-list traps
// becomes the verdict "forbidden: openat (write) — your Raft must not use
// files, the network or other processes".
//
// In the test child, InstallForbiddenReporter() installs a SIGSYS handler
// (seccomp SCMP_ACT_TRAP delivers SIGSYS with si_syscall set). For every
// trapped call the handler
//   1. makes the call fail with EPERM (it sets the return register in the
//      signal's ucontext, so the student code sees an ordinary error and the
//      test goes on to a normal, complete result), and
//   2. for the FIRST trapped call only, writes one line to the report fd:
//        "forbidden: <label> [syscall <nr>]\n"
//      and, when an echo fd is given (stderr), a line with the lab's rule.
// The handler is async-signal-safe: every line is formatted at install time
// and the handler only looks it up, write(2)s it and bumps an atomic.
//
// A thread that has SIGSYS BLOCKED when it makes a trapped call cannot run
// the handler: the kernel then forces the default action and the whole
// process dies with SIGSYS, and nothing is written. glibc's posix_spawn (and
// so system() and popen()) blocks every signal around its clone, so a
// student calling system() ends that way. The runner must therefore treat
// "killed by SIGSYS" as a forbidden call too.
//
// In the parent (the runner), ForbiddenVerdictFor() turns the report file's
// contents and the child's terminating signal into the verdict message (or
// nullopt: nothing forbidden happened). All the parent-side functions are
// pure.
//
// Thread safety: InstallForbiddenReporter() must be called once, before the
// seccomp filter is loaded (it is called by Sandbox::Apply). The handler may
// run on any thread. ForbiddenCallCount() is safe from any thread. The parse
// and format functions are pure. Ownership: the report and echo fds stay
// owned by the caller and must stay open for the life of the process.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/status.h"

namespace raftlab::sandbox {

// The rule the lab states, quoted in every forbidden verdict.
inline constexpr std::string_view kLabRule = "your Raft must not use files, the network or other processes";

// The errno a trapped call returns to the student code. EPERM ("Operation
// not permitted") rather than EACCES: the call is refused by policy, not
// because of a file's permission bits.
inline constexpr int kForbiddenErrno = 1;  // EPERM; static_assert'ed in the .cc

// One trapped call as read back from a report.
struct ForbiddenCall {
  std::string label;  // "openat (write)": the syscall name plus an optional detail
  int syscall_nr = -1;
  bool operator==(const ForbiddenCall&) const = default;
};

// What the handler knows about one syscall number: the label of its deny rule.
struct TrapLabel {
  int syscall_nr = -1;
  std::string label;  // e.g. "clone (new process)"
};

// The report line for one call: "forbidden: <label> [syscall <nr>]\n".
std::string FormatReportLine(const TrapLabel& label);

// The verdict message: "forbidden: <label> — <kLabRule>".
std::string ForbiddenVerdict(const ForbiddenCall& call);

// Reads the first report line out of the report file's contents. nullopt
// when there is none (no forbidden call, or an empty or foreign file).
std::optional<ForbiddenCall> ParseForbiddenReport(std::string_view contents);

// The verdict for a child killed by SIGSYS with an empty report (see above).
std::string KilledBySigsysVerdict();

// The runner's one call: the forbidden verdict for a finished child, from
// the report file's contents and WTERMSIG of its status (0 if it exited).
// A report line wins; else SIGSYS gives KilledBySigsysVerdict(); else nullopt.
// A forbidden verdict should override any other verdict of the test.
std::optional<std::string> ForbiddenVerdictFor(std::string_view report_contents, int term_signal);

// Installs the SIGSYS handler described above. `report_fd` receives the
// report line (-1: none); `echo_fd` gets a human line too (-1: none).
// Errors: InvalidArgument for a syscall number outside [0, 1024) or a second
// call; Internal when sigaction fails.
Status InstallForbiddenReporter(int report_fd, int echo_fd, const std::vector<TrapLabel>& labels);

// How many trapped calls the handler has seen in this process (all threads).
int64_t ForbiddenCallCount();

}  // namespace raftlab::sandbox
