// Tests of harness/sandbox/rlimits.cc: the tighten-only policy (pure), and
// the limits a sandboxed process really has (sandbox_probe reads them back
// with getrlimit and measures a new thread's stack).
#include "harness/sandbox/rlimits.h"

#include <gtest/gtest.h>

#include "harness/sandbox/sandbox.h"
#include "tests/harness/sandbox/test_util.h"

namespace raftlab::sandbox {
namespace {

using testing::ProbeRun;
using testing::RunProbe;
using testing::TempDir;

constexpr rlim_t kInf = RLIM_INFINITY;

TEST(TightenedLimit, LowersAnUnlimitedLimit) {
  rlimit r = TightenedLimit({kInf, kInf}, 100, 100);
  EXPECT_EQ(r.rlim_cur, 100u);
  EXPECT_EQ(r.rlim_max, 100u);
}

TEST(TightenedLimit, NeverRaisesATighterLimit) {
  rlimit r = TightenedLimit({50, 80}, 100, 200);
  EXPECT_EQ(r.rlim_cur, 50u);
  EXPECT_EQ(r.rlim_max, 80u);
}

TEST(TightenedLimit, NeverAsksMoreThanTheHardLimit) {
  // An unprivileged process asking a hard limit above its own gets EPERM.
  rlimit r = TightenedLimit({1024, 4096}, 8192, 8192);
  EXPECT_EQ(r.rlim_cur, 1024u);
  EXPECT_EQ(r.rlim_max, 4096u);
  r = TightenedLimit({1024, 4096}, 512, 512);
  EXPECT_EQ(r.rlim_cur, 512u);
  EXPECT_EQ(r.rlim_max, 512u);
}

TEST(TightenedLimit, SoftNeverExceedsHard) {
  rlimit r = TightenedLimit({kInf, kInf}, 30, 31);  // the CPU shape
  EXPECT_EQ(r.rlim_cur, 30u);
  EXPECT_EQ(r.rlim_max, 31u);
  r = TightenedLimit({kInf, 20}, 30, 31);
  EXPECT_EQ(r.rlim_cur, 20u);
  EXPECT_EQ(r.rlim_max, 20u);
}

TEST(PlanRlimits, DefaultsCoverMemoryFileSizeCoreAndFiles) {
  std::vector<RlimitChange> plan = PlanRlimits(RlimitOptions{});
  std::vector<std::string> names;
  for (const RlimitChange& c : plan) names.push_back(c.name);
  EXPECT_EQ(names, (std::vector<std::string>{"RLIMIT_AS", "RLIMIT_FSIZE", "RLIMIT_CORE", "RLIMIT_NOFILE"}));
  RlimitOptions data;
  data.memory_kind = MemoryLimitKind::kData;
  data.cpu_seconds = 7;
  plan = PlanRlimits(data);
  EXPECT_EQ(plan.at(0).name, "RLIMIT_DATA");
  EXPECT_EQ(plan.at(1).name, "RLIMIT_CPU");
}

TEST(SetDefaultThreadStack, RejectsTooSmallStacks) {
  EXPECT_EQ(SetDefaultThreadStack(1024).code(), Status::Code::kInvalidArgument);
}

// --- read back in a sandboxed process ------------------------------------------

// What the probe should report for `resource` limited to `value`, given the
// limits it inherits from this test process.
std::string Expected(int resource, rlim_t soft, rlim_t hard) {
  rlimit current{};
  ::getrlimit(resource, &current);
  return testing::LimitText(TightenedLimit(current, soft, hard));
}

std::string Current(int resource) { return testing::LimitText(resource); }

TEST(RlimitsProbe, DefaultLimitsAreInPlace) {
  if (kBuiltWithSanitizer) GTEST_SKIP() << "no memory limit in sanitizer builds";
  TempDir dir;
  ProbeRun run = RunProbe(dir, "full", "limits");
  ASSERT_EQ(run.exit_code, 0) << run.stderr_text;
  EXPECT_EQ(run.Get("rlimits_applied"), "1");
  const rlim_t four_gib = rlim_t{4} << 30;
  EXPECT_EQ(run.Get("as"), Expected(RLIMIT_AS, four_gib, four_gib));
  EXPECT_EQ(run.Get("data"), Current(RLIMIT_DATA));
  EXPECT_EQ(run.Get("cpu"), Current(RLIMIT_CPU));
  EXPECT_EQ(run.Get("fsize"), Expected(RLIMIT_FSIZE, 16 << 20, 16 << 20));
  EXPECT_EQ(run.Get("core"), "0/0");
  EXPECT_EQ(run.Get("nofile"), Expected(RLIMIT_NOFILE, 512, 512));
}

TEST(RlimitsProbe, DataAndCpuVariants) {
  if (kBuiltWithSanitizer) GTEST_SKIP() << "no memory limit in sanitizer builds";
  TempDir dir;
  ProbeRun run = RunProbe(dir, "data", "limits");
  ASSERT_EQ(run.exit_code, 0) << run.stderr_text;
  const rlim_t four_gib = rlim_t{4} << 30;
  EXPECT_EQ(run.Get("data"), Expected(RLIMIT_DATA, four_gib, four_gib));
  EXPECT_EQ(run.Get("as"), Current(RLIMIT_AS));
  run = RunProbe(dir, "cpu", "limits");
  EXPECT_EQ(run.Get("cpu"), Expected(RLIMIT_CPU, 30, 31));
}

TEST(RlimitsProbe, NewThreadsGetAOneMebibyteStack) {
  TempDir dir;
  ProbeRun run = RunProbe(dir, "full", "limits");
  ASSERT_EQ(run.exit_code, 0) << run.stderr_text;
  EXPECT_EQ(run.Get("thread_stack"), std::to_string(1 << 20));
}

TEST(RlimitsProbe, AFileFloodStopsAtTheFileSizeLimitWithoutKillingTheProcess) {
  TempDir dir;
  ProbeRun run = RunProbe(dir, "full", "flood");
  EXPECT_EQ(run.term_signal, 0) << "killed by signal " << run.term_signal;
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_EQ(run.Get("written"), std::to_string(16 << 20));
  EXPECT_EQ(run.Get("result"), "EFBIG");
}

}  // namespace
}  // namespace raftlab::sandbox
