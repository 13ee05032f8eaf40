// The seccomp deny-list of the test child: what student code may not do
// ("your Raft must not use files, the network or other processes"), as data,
// and the libseccomp code that loads it.
//
// Default action ALLOW; every rule below either TRAPs (SIGSYS: the
// forbidden-call reporter makes the call fail with EPERM and records it) or
// answers ENOSYS silently. Summary (DenyList() is the authority):
//   files     open/openat with O_WRONLY, O_RDWR, O_CREAT, O_TRUNC or O_APPEND
//             (masked argument checks; read-only opens stay allowed, so the
//             loader can dlopen and config files can be read); creat;
//             openat2 -> ENOSYS (its flags sit in a struct seccomp cannot
//             read; glibc's open() never uses it); every path mutator (unlink,
//             rename, mkdir, rmdir, link, symlink, mknod, truncate, chmod,
//             chown, utimes and xattr families); open_by_handle_at; io_uring
//             (it can open and write files without openat).
//             ALLOWED on purpose: write/pwrite/ftruncate/fallocate on fds
//             that are already open. The only writable fds are those the
//             harness opened before the filter (result, log, report files and
//             the stdout/stderr pipes), so this is how the harness keeps
//             working; memfd_create is allowed too (anonymous memory, no path).
//   network   socket (every family, AF_UNIX included: simplest, and no Raft
//             needs one), connect, bind, listen, accept, accept4. socketpair
//             is allowed: an unnamed pair inside the process reaches nothing.
//   processes execve, execveat, fork, vfork, clone WITHOUT CLONE_THREAD
//             (fork() and posix_spawn go through it); clone3 -> ENOSYS, so
//             glibc falls back to clone for threads (seccomp cannot inspect
//             clone3's flags); unshare, setns; ptrace, process_vm_readv/
//             writev, process_madvise, kcmp, pidfd_open/getfd/send_signal;
//             kill, tgkill, rt_sigqueueinfo, rt_tgsigqueueinfo aimed at any
//             pid but our own (raise/abort/pthread_kill stay allowed); tkill.
//   identity  the setuid family, setgroups, capset; setrlimit and prlimit64
//             with a new limit (a root child could raise its hard limits);
//             rt_sigaction(SIGSYS, non-NULL) (it would silence the reporter).
//   kernel    mount API, chroot, pivot_root, bpf, perf_event_open, personality,
//             keyctl family, userfaultfd, modules, kexec, reboot, swap, clock
//             and host-name setters, acct, quotactl, iopl/ioperm.
// Syscalls missing on the build architecture (e.g. open, fork on aarch64)
// are skipped. Calls of another ABI (i386 int 0x80, x32) kill the process
// (libseccomp's bad-arch action set to KILL_PROCESS).
//
// Thread safety: DenyList and TrapLabels are pure. LoadSeccompFilter affects
// the whole process: it synchronises the filter to every existing thread
// (SCMP_FLTATR_CTL_TSYNC) and all later threads inherit it. It is
// irreversible; call it once, in the test child only.
#pragma once

#include <seccomp.h>
#include <sys/types.h>

#include <string>
#include <vector>

#include "harness/sandbox/forbidden_report.h"
#include "runtime/status.h"

namespace raftlab::sandbox {

enum class DenyAction {
  kTrap,    // SIGSYS -> reporter -> EPERM to the caller, first call reported
  kEnosys,  // the call fails with ENOSYS, nothing reported (clone3, openat2)
};

struct DenyRule {
  std::string syscall;  // libseccomp name, e.g. "openat"
  std::string detail;   // shown after the name, e.g. "write"; may be empty
  DenyAction action = DenyAction::kTrap;
  // When the rule applies: any one alternative (OR), each a conjunction of
  // argument comparisons (AND). Empty: always.
  std::vector<std::vector<scmp_arg_cmp>> when;

  std::string Label() const;  // "openat (write)" or "socket"
};

// The deny-list. `self` is the pid the child may still signal (its own).
std::vector<DenyRule> DenyList(pid_t self);

// The labels of the trapping rules, with syscall numbers resolved for the
// native architecture (one per number; names absent on this architecture
// are left out). Errors: Internal for a name libseccomp does not know.
StatusOr<std::vector<TrapLabel>> TrapLabels(const std::vector<DenyRule>& rules);

// Builds and loads the filter (no_new_privs is set by libseccomp). Install
// the forbidden-call reporter FIRST: a trap without a SIGSYS handler kills
// the process. Errors: Internal naming the failing libseccomp step.
Status LoadSeccompFilter(const std::vector<DenyRule>& rules);

}  // namespace raftlab::sandbox
