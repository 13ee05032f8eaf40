// Tests of harness/sandbox/seccomp_filter.cc: the deny-list as data, and its
// effect on a real process (sandbox_probe, spawned, so this test binary is
// never filtered). Each probe test checks three things: what the call
// returned to the "student" code, what the report file says, and that the
// probe finished normally (a trap must not kill the process).
#include "harness/sandbox/seccomp_filter.h"

#include "harness/sandbox/sandbox.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/harness/sandbox/test_util.h"

namespace raftlab::sandbox {
namespace {

using ::testing::HasSubstr;
using testing::ProbeRun;
using testing::RunProbe;
using testing::TempDir;

const DenyRule* Find(const std::vector<DenyRule>& rules, const std::string& name) {
  auto it = std::find_if(rules.begin(), rules.end(), [&](const DenyRule& r) { return r.syscall == name; });
  return it == rules.end() ? nullptr : &*it;
}

TEST(DenyList, EveryNameIsKnownToLibseccomp) {
  StatusOr<std::vector<TrapLabel>> labels = TrapLabels(DenyList(::getpid()));
  ASSERT_TRUE(labels.ok()) << labels.status().ToString();
  // On x86_64 every syscall of the list exists (aarch64 lacks open, fork...).
#if defined(__x86_64__)
  std::vector<DenyRule> rules = DenyList(1);
  const size_t traps = std::count_if(rules.begin(), rules.end(), [](const DenyRule& r) {
    return r.action == DenyAction::kTrap;
  });
  EXPECT_EQ(labels->size(), traps);
#endif
}

TEST(DenyList, LabelsNameTheSyscallAndTheDetail) {
  std::vector<DenyRule> rules = DenyList(42);
  ASSERT_NE(Find(rules, "openat"), nullptr);
  EXPECT_EQ(Find(rules, "openat")->Label(), "openat (write)");
  EXPECT_EQ(Find(rules, "openat")->when.size(), 5u);  // O_WRONLY, O_RDWR, O_CREAT, O_TRUNC, O_APPEND
  ASSERT_NE(Find(rules, "clone"), nullptr);
  EXPECT_EQ(Find(rules, "clone")->Label(), "clone (new process)");
  ASSERT_NE(Find(rules, "socket"), nullptr);
  EXPECT_EQ(Find(rules, "socket")->Label(), "socket");
  ASSERT_NE(Find(rules, "kill"), nullptr);
  EXPECT_EQ(Find(rules, "kill")->when.at(0).at(0).datum_a, 42u);  // our own pid stays allowed
}

TEST(DenyList, Clone3AndOpenat2AnswerEnosysSilently) {
  std::vector<DenyRule> rules = DenyList(1);
  for (const char* name : {"clone3", "openat2"}) {
    ASSERT_NE(Find(rules, name), nullptr) << name;
    EXPECT_EQ(Find(rules, name)->action, DenyAction::kEnosys) << name;
  }
  StatusOr<std::vector<TrapLabel>> labels = TrapLabels(rules);
  ASSERT_TRUE(labels.ok());
  for (const TrapLabel& l : *labels) EXPECT_NE(l.label, "clone3");
}

TEST(DenyList, ThingsTheHarnessNeedsAreNotDenied) {
  std::vector<DenyRule> rules = DenyList(1);
  for (const char* name : {"write", "read", "futex", "mmap", "mprotect", "close", "exit", "exit_group",
                           "ftruncate", "memfd_create", "socketpair", "rt_sigreturn", "madvise"}) {
    EXPECT_EQ(Find(rules, name), nullptr) << name;
  }
}

// --- a real filtered process -------------------------------------------------

class SeccompProbe : public ::testing::Test {
 protected:
  void SetUp() override {
    if (kBuiltWithSanitizer) GTEST_SKIP() << "seccomp is off in sanitizer builds (sandbox.h)";
    ASSERT_FALSE(dir_.path().empty());
  }
  // Runs an action that must be refused with EPERM and reported as `label`.
  void ExpectForbidden(const std::string& action, const std::string& arg, const std::string& label) {
    ProbeRun run = RunProbe(dir_, "full", action, arg);
    EXPECT_EQ(run.exit_code, 0) << run.stderr_text;
    EXPECT_EQ(run.Get("seccomp_loaded"), "1");
    EXPECT_EQ(run.Get("result"), "EPERM") << action;
    EXPECT_EQ(run.report, "forbidden: " + label + " [syscall " + Nr(label) + "]\n") << action;
    std::optional<ForbiddenCall> call = ParseForbiddenReport(run.report);
    ASSERT_TRUE(call.has_value()) << action;
    EXPECT_EQ(call->label, label);
  }
  static std::string Nr(const std::string& label) {
    return std::to_string(seccomp_syscall_resolve_name(label.substr(0, label.find(' ')).c_str()));
  }
  TempDir dir_;
};

TEST_F(SeccompProbe, OpeningAFileForWritingIsBlockedAndReported) {
  const std::string target = dir_.File("student-file");
  ExpectForbidden("open_write", target, "openat (write)");
  EXPECT_FALSE(std::filesystem::exists(target));
}

TEST_F(SeccompProbe, AThreadStartedBeforeApplyIsFilteredToo) {
  const std::string target = dir_.File("from-old-thread");
  ExpectForbidden("old_thread_open_write", target, "openat (write)");
  EXPECT_FALSE(std::filesystem::exists(target));
}

TEST_F(SeccompProbe, EveryWriteFlagIsBlocked) {
  const std::string existing = dir_.File("existing");
  { std::ofstream(existing) << "keep me"; }
  ExpectForbidden("open_rdwr", existing, "openat (write)");
  ExpectForbidden("open_append", existing, "openat (write)");
  ExpectForbidden("open_rdonly_creat", dir_.File("new"), "openat (write)");
  ExpectForbidden("fopen_write", existing, "openat (write)");
  ExpectForbidden("creat", dir_.File("new"), "creat");
  EXPECT_EQ(testing::ReadFileText(existing), "keep me");
  EXPECT_FALSE(std::filesystem::exists(dir_.File("new")));
}

TEST_F(SeccompProbe, TheVerdictLineGoesToStderrWithTheRule) {
  ProbeRun run = RunProbe(dir_, "full", "open_write", dir_.File("x"));
  EXPECT_THAT(run.stderr_text, HasSubstr("labtest: forbidden: openat (write) \u2014 your Raft must not use files, "
                                         "the network or other processes\n"));
}

TEST_F(SeccompProbe, ReadingAFileStillWorks) {
  const std::string config = dir_.File("config.yml");
  { std::ofstream(config) << "tests: []"; }
  ProbeRun run = RunProbe(dir_, "full", "read_file", config);
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_EQ(run.Get("result"), "ok");
  EXPECT_EQ(run.Get("content"), "tests: []");
  EXPECT_EQ(run.report, "");
}

TEST_F(SeccompProbe, AnAlreadyOpenFdCanStillBeWrittenAndTruncated) {
  ProbeRun run = RunProbe(dir_, "full", "write_preopened");
  EXPECT_EQ(run.Get("result"), "ok");
  EXPECT_EQ(testing::ReadFileText(dir_.File("harness.log")), "after apply\n");
  EXPECT_EQ(run.report, "");

  run = RunProbe(dir_, "full", "ftruncate_preopened");
  EXPECT_EQ(run.Get("result"), "ok");
  EXPECT_EQ(run.report, "");
}

TEST_F(SeccompProbe, PathMutatorsAreBlocked) {
  const std::string victim = dir_.File("victim");
  { std::ofstream(victim) << "v"; }
  ExpectForbidden("mkdir", dir_.File("sub"), "mkdir");
  ExpectForbidden("unlink", victim, "unlink");
  ExpectForbidden("rename", victim, "rename");
  ExpectForbidden("chmod", victim, "chmod");
  EXPECT_TRUE(std::filesystem::exists(victim));
  EXPECT_FALSE(std::filesystem::exists(dir_.File("sub")));
}

TEST_F(SeccompProbe, SocketsAreBlockedButSocketpairIsNot) {
  ExpectForbidden("socket_inet", "", "socket");
  ExpectForbidden("socket_unix", "", "socket");
  ProbeRun run = RunProbe(dir_, "full", "socketpair");
  EXPECT_EQ(run.Get("result"), "ok");
  EXPECT_EQ(run.report, "");
}

TEST_F(SeccompProbe, ExecIsBlocked) { ExpectForbidden("execve", "", "execve"); }

TEST_F(SeccompProbe, NewProcessesAreBlocked) {
  ExpectForbidden("fork", "", "clone (new process)");  // glibc's fork() is clone(SIGCHLD)
  ExpectForbidden("raw_fork", "", "fork");
}

TEST_F(SeccompProbe, PosixSpawnDiesWithSigsysAndIsStillAForbiddenVerdict) {
  // posix_spawn blocks every signal around its clone, so the trap cannot be
  // handled and the kernel kills the process with SIGSYS (forbidden_report.h).
  ProbeRun run = RunProbe(dir_, "full", "posix_spawn");
  EXPECT_EQ(run.term_signal, SIGSYS);
  EXPECT_EQ(run.report, "");
  std::optional<std::string> verdict = ForbiddenVerdictFor(run.report, run.term_signal);
  ASSERT_TRUE(verdict.has_value());
  EXPECT_THAT(*verdict, HasSubstr("posix_spawn"));
  EXPECT_THAT(*verdict, HasSubstr(std::string(kLabRule)));
}

TEST_F(SeccompProbe, ThreadsStillWork) {
  ProbeRun run = RunProbe(dir_, "full", "threads");
  EXPECT_EQ(run.exit_code, 0) << run.stderr_text;
  EXPECT_EQ(run.Get("threads"), "8");
  EXPECT_EQ(run.report, "");  // glibc's clone3 attempt got ENOSYS silently
}

TEST_F(SeccompProbe, Clone3AnswersEnosysWithoutAReport) {
  ProbeRun run = RunProbe(dir_, "full", "clone3_process");
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_EQ(run.Get("result"), "ENOSYS");
  EXPECT_EQ(run.report, "");
}

TEST_F(SeccompProbe, IoUringIsBlocked) { ExpectForbidden("io_uring_setup", "", "io_uring_setup"); }

TEST_F(SeccompProbe, PtraceIsBlocked) { ExpectForbidden("ptrace", "", "ptrace"); }

TEST_F(SeccompProbe, SignalsToOtherProcessesAreBlockedButNotToOurselves) {
  ExpectForbidden("kill_parent", "", "kill (another process)");
  ExpectForbidden("kill_all", "", "kill (another process)");
  ProbeRun run = RunProbe(dir_, "full", "kill_self");
  EXPECT_EQ(run.Get("result"), "ok");
  run = RunProbe(dir_, "full", "raise");  // raise() is tgkill(own pid, own tid)
  EXPECT_EQ(run.Get("result"), "ok");
  EXPECT_EQ(run.report, "");
}

TEST_F(SeccompProbe, TheReporterAndTheLimitsCannotBeUndone) {
  ExpectForbidden("sigaction_sigsys", "", "rt_sigaction (SIGSYS)");
  ExpectForbidden("setrlimit_nofile", "", "prlimit64 (set limits)");  // glibc's setrlimit is prlimit64
  ExpectForbidden("unshare_net", "", "unshare");
}

TEST_F(SeccompProbe, OnlyTheFirstForbiddenCallIsReportedButAllAreCounted) {
  ProbeRun run = RunProbe(dir_, "full", "two_forbidden", dir_.File("d"));
  EXPECT_EQ(run.Get("first"), "EPERM");
  EXPECT_EQ(run.Get("second"), "EPERM");
  EXPECT_EQ(run.Get("count"), "2");
  std::optional<ForbiddenCall> call = ParseForbiddenReport(run.report);
  ASSERT_TRUE(call.has_value());
  EXPECT_EQ(call->label, "socket");
  EXPECT_EQ(std::count(run.report.begin(), run.report.end(), '\n'), 1);
}

TEST_F(SeccompProbe, APluginConstructorIsSandboxedWhenLoadedThroughAMemfd) {
  ProbeRun run = RunProbe(dir_, "full", "dlopen_memfd", RAFTLAB_HOSTILE_CTOR_SO);
  EXPECT_EQ(run.exit_code, 0) << run.stderr_text;
  EXPECT_EQ(run.Get("dlopen"), "ok");
  EXPECT_EQ(run.Get("ctor_open"), "EPERM");
  EXPECT_FALSE(std::filesystem::exists(dir_.File("ctor-was-here")));
  std::optional<ForbiddenCall> call = ParseForbiddenReport(run.report);
  ASSERT_TRUE(call.has_value());
  EXPECT_EQ(call->label, "openat (write)");
}

}  // namespace
}  // namespace raftlab::sandbox
