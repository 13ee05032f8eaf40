// Tests of harness/sandbox/sandbox.cc: Sandbox::Apply as a whole (layers,
// sanitizer mode, a second call, option checks, the network namespace).
// Everything that changes the process runs in sandbox_probe.
#include "harness/sandbox/sandbox.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>

#include "tests/harness/sandbox/test_util.h"

namespace raftlab::sandbox {
namespace {

using testing::ProbeRun;
using testing::RunProbe;
using testing::TempDir;

TEST(Sandbox, FullModeLoadsEveryLayerAndRefusesASecondApply) {
  if (kBuiltWithSanitizer) GTEST_SKIP() << "seccomp is off in sanitizer builds";
  TempDir dir;
  ProbeRun run = RunProbe(dir, "full", "none");
  ASSERT_EQ(run.exit_code, 0) << run.stderr_text;
  EXPECT_EQ(run.Get("seccomp_loaded"), "1");
  EXPECT_EQ(run.Get("rlimits_applied"), "1");
  EXPECT_EQ(run.Get("second_apply"), "refused");
  EXPECT_EQ(run.report, "");
}

TEST(Sandbox, SanitizerModeSkipsSeccompAndTheMemoryLimit) {
  TempDir dir;
  const std::string target = dir.File("allowed");
  ProbeRun run = RunProbe(dir, "sanitizer", "open_write", target);
  ASSERT_EQ(run.exit_code, 0) << run.stderr_text;
  EXPECT_EQ(run.Get("seccomp_loaded"), "0");
  EXPECT_EQ(run.Get("result"), "ok");
  EXPECT_TRUE(std::filesystem::exists(target));
  EXPECT_EQ(run.report, "");

  run = RunProbe(dir, "sanitizer", "limits");
  EXPECT_EQ(run.Get("as"), testing::LimitText(RLIMIT_AS));  // inherited from us, untouched
  EXPECT_EQ(run.Get("core"), "0/0");  // the other limits still apply
  EXPECT_EQ(run.Get("thread_stack"), std::to_string(1 << 20));
}

TEST(Sandbox, AReportFdThatIsNotWritableIsRejectedBeforeAnythingChanges) {
  const int fd = ::open("/proc/self/status", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  SandboxOptions o;
  o.report_fd = fd;
  // Only the option check runs: it fails before any layer is touched, so
  // calling it in the test process is safe.
  EXPECT_EQ(Sandbox::Apply(o).code(), Status::Code::kInvalidArgument);
  ::close(fd);
}

TEST(Sandbox, AsRootTheNetworkIsAnEmptyNamespace) {
  if (::geteuid() != 0) GTEST_SKIP() << "network namespaces are only made when running as root";
  TempDir dir;
  ProbeRun run = RunProbe(dir, "sanitizer", "net_devices");  // no seccomp needed to look
  ASSERT_EQ(run.exit_code, 0) << run.stderr_text;
  if (run.Get("network_isolated") != "1") {
    GTEST_SKIP() << "unshare(CLONE_NEWNET) refused here (a container without CAP_SYS_ADMIN)";
  }
  EXPECT_EQ(run.Get("net_devices"), "lo");
}

}  // namespace
}  // namespace raftlab::sandbox
