// The seccomp deny-list (see seccomp_filter.h).
#include "harness/sandbox/seccomp_filter.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>

#include <cerrno>
#include <cstring>
#include <set>

#include <fmt/format.h>

namespace raftlab::sandbox {
namespace {

using Alternatives = std::vector<std::vector<scmp_arg_cmp>>;

// One alternative per write-like open flag: the rule applies when any of
// them is set in argument `arg` (open: 1, openat: 2).
Alternatives AnyWriteFlag(unsigned arg) {
  Alternatives out;
  for (scmp_datum_t flag : {O_WRONLY, O_RDWR, O_CREAT, O_TRUNC, O_APPEND}) {
    out.push_back({scmp_arg_cmp{arg, SCMP_CMP_MASKED_EQ, flag, flag}});
  }
  return out;
}

// The rule applies when argument `arg` (a pid) is not `self`. pid_t values
// arrive sign-extended, so kill(-1, ...) compares as a huge number: denied.
Alternatives PidIsNot(unsigned arg, pid_t self) {
  return {{scmp_arg_cmp{arg, SCMP_CMP_NE, static_cast<scmp_datum_t>(self), 0}}};
}

void Always(std::vector<DenyRule>& out, std::initializer_list<const char*> names) {
  for (const char* n : names) out.push_back({n, "", DenyAction::kTrap, {}});
}

}  // namespace

std::string DenyRule::Label() const { return detail.empty() ? syscall : fmt::format("{} ({})", syscall, detail); }

std::vector<DenyRule> DenyList(pid_t self) {
  std::vector<DenyRule> r;
  // --- files -----------------------------------------------------------------
  r.push_back({"open", "write", DenyAction::kTrap, AnyWriteFlag(1)});
  r.push_back({"openat", "write", DenyAction::kTrap, AnyWriteFlag(2)});
  r.push_back({"openat2", "", DenyAction::kEnosys, {}});
  Always(r, {"creat", "open_by_handle_at", "truncate", "unlink", "unlinkat", "rename", "renameat", "renameat2",
             "mkdir", "mkdirat", "rmdir", "link", "linkat", "symlink", "symlinkat", "mknod", "mknodat", "chmod",
             "fchmod", "fchmodat", "chown", "fchown", "lchown", "fchownat", "utime", "utimes", "utimensat",
             "futimesat", "setxattr", "lsetxattr", "fsetxattr", "removexattr", "lremovexattr", "fremovexattr",
             "io_uring_setup", "io_uring_enter", "io_uring_register"});
  // --- network ---------------------------------------------------------------
  Always(r, {"socket", "connect", "bind", "listen", "accept", "accept4"});
  // --- other processes -------------------------------------------------------
  Always(r, {"execve", "execveat", "fork", "vfork"});
  r.push_back({"clone", "new process", DenyAction::kTrap,
               {{scmp_arg_cmp{0, SCMP_CMP_MASKED_EQ, CLONE_THREAD, 0}}}});
  r.push_back({"clone3", "", DenyAction::kEnosys, {}});
  Always(r, {"unshare", "setns", "ptrace", "process_vm_readv", "process_vm_writev", "process_madvise", "kcmp",
             "pidfd_open", "pidfd_getfd", "pidfd_send_signal", "tkill"});
  for (const char* n : {"kill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo"}) {
    r.push_back({n, "another process", DenyAction::kTrap, PidIsNot(0, self)});
  }
  // --- identity, limits, the reporter itself ---------------------------------
  Always(r, {"setuid", "setgid", "setreuid", "setregid", "setresuid", "setresgid", "setfsuid", "setfsgid",
             "setgroups", "capset", "setrlimit"});
  r.push_back({"prlimit64", "set limits", DenyAction::kTrap, {{scmp_arg_cmp{2, SCMP_CMP_NE, 0, 0}}}});
  r.push_back({"rt_sigaction", "SIGSYS", DenyAction::kTrap,
               {{scmp_arg_cmp{0, SCMP_CMP_EQ, SIGSYS, 0}, scmp_arg_cmp{1, SCMP_CMP_NE, 0, 0}}}});
  // --- the kernel and the machine --------------------------------------------
  Always(r, {"mount", "umount2", "pivot_root", "chroot", "fsopen", "fsconfig", "fsmount", "fspick", "move_mount",
             "open_tree", "mount_setattr", "bpf", "perf_event_open", "personality", "keyctl", "add_key",
             "request_key", "userfaultfd", "init_module", "finit_module", "delete_module", "kexec_load",
             "kexec_file_load", "reboot", "swapon", "swapoff", "sethostname", "setdomainname", "settimeofday",
             "clock_settime", "clock_adjtime", "acct", "quotactl", "iopl", "ioperm"});
  return r;
}

StatusOr<std::vector<TrapLabel>> TrapLabels(const std::vector<DenyRule>& rules) {
  std::vector<TrapLabel> out;
  std::set<int> seen;
  for (const DenyRule& rule : rules) {
    const int nr = seccomp_syscall_resolve_name(rule.syscall.c_str());
    if (nr == __NR_SCMP_ERROR) return Status::Internal(fmt::format("libseccomp does not know syscall '{}'", rule.syscall));
    if (nr < 0) continue;  // a pseudo number: the syscall does not exist on this architecture
    if (rule.action != DenyAction::kTrap || !seen.insert(nr).second) continue;
    out.push_back({nr, rule.Label()});
  }
  return out;
}

Status LoadSeccompFilter(const std::vector<DenyRule>& rules) {
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
  if (ctx == nullptr) return Status::Internal("seccomp_init failed");
  auto fail = [&](const std::string& what, int rc) {
    seccomp_release(ctx);
    return Status::Internal(fmt::format("seccomp: {} failed: {}", what, std::strerror(-rc)));
  };
  if (int rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS); rc != 0) {
    return fail("setting the bad-architecture action", rc);
  }
  if (int rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1); rc != 0) return fail("enabling TSYNC", rc);
  for (const DenyRule& rule : rules) {
    const int nr = seccomp_syscall_resolve_name(rule.syscall.c_str());
    if (nr == __NR_SCMP_ERROR) {
      seccomp_release(ctx);
      return Status::Internal(fmt::format("libseccomp does not know syscall '{}'", rule.syscall));
    }
    if (nr < 0) continue;  // not on this architecture
    const uint32_t action = rule.action == DenyAction::kTrap ? SCMP_ACT_TRAP : SCMP_ACT_ERRNO(ENOSYS);
    if (rule.when.empty()) {
      if (int rc = seccomp_rule_add(ctx, action, nr, 0); rc != 0) return fail("rule for " + rule.syscall, rc);
      continue;
    }
    for (const std::vector<scmp_arg_cmp>& alt : rule.when) {
      const int rc = seccomp_rule_add_array(ctx, action, nr, static_cast<unsigned>(alt.size()), alt.data());
      if (rc != 0) return fail("rule for " + rule.Label(), rc);
    }
  }
  if (int rc = seccomp_load(ctx); rc != 0) return fail("seccomp_load", rc);
  seccomp_release(ctx);
  return Status::Ok();
}

}  // namespace raftlab::sandbox
