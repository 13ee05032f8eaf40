// Tests of harness/grade/grading.cc: --repeat-from-config and --policy resolution,
// and what they change in the run info and the results-file plan.
#include "harness/grade/grading.h"

#include "harness/labtest/cli.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace raftlab {
namespace {

using ::testing::HasSubstr;

Catalogue TwoTests(const std::string& policy) {
  Catalogue c;
  c.path = "cat.yml";
  c.parts = {{1, "election", 10}};
  TestSpec a, b;
  a.name = "a";
  a.part = 1;
  a.points = 4;
  a.repeat = 3;
  b.name = "b";
  b.part = 1;
  b.points = 6;  // repeat 1 (the default)
  c.tests = {a, b};
  c.grading_policy = policy;
  return c;
}

std::vector<const TestSpec*> All(const Catalogue& c) { return {&c.tests[0], &c.tests[1]}; }

TEST(GradingTest, PolicyFlagThenCatalogueThenAllOrNothing) {
  Catalogue plain = TwoTests("");
  auto def = ResolveGrading({}, plain, All(plain));
  ASSERT_TRUE(def.ok());
  EXPECT_EQ(def->policy, ScoringPolicy::kAllOrNothing);

  Catalogue rate = TwoTests("pass-rate");
  auto from_cat = ResolveGrading({}, rate, All(rate));
  ASSERT_TRUE(from_cat.ok());
  EXPECT_EQ(from_cat->policy, ScoringPolicy::kPassRate);

  GradingFlags flag;
  flag.policy = "all-or-nothing";
  auto from_flag = ResolveGrading(flag, rate, All(rate));
  ASSERT_TRUE(from_flag.ok());
  EXPECT_EQ(from_flag->policy, ScoringPolicy::kAllOrNothing);

  flag.policy = "sometimes";
  auto bad = ResolveGrading(flag, rate, All(rate));
  EXPECT_EQ(bad.status().code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("--policy: unknown scoring policy 'sometimes'"));
}

TEST(GradingTest, RepeatFromConfigSetsPerTestRunsAndTotal) {
  Catalogue c = TwoTests("");
  GradingFlags flags;
  flags.repeat_from_config = true;
  auto g = ResolveGrading(flags, c, All(c));
  ASSERT_TRUE(g.ok()) << g.status().message();
  EXPECT_EQ(g->planned_runs, 4u);  // 3 + 1

  RunInfo info;
  info.runs = 2;  // tests x --repeat, as the CLI sets it before
  ReportPlan plan = MakeReportPlan(c, All(c));
  ScoringPolicy policy = ScoringPolicy::kPassRate;
  ApplyGrading(*g, All(c), &info, &plan, &policy);
  EXPECT_EQ(info.runs, 4u);
  EXPECT_EQ(policy, ScoringPolicy::kAllOrNothing);
  ASSERT_EQ(plan.tests.size(), 2u);
  EXPECT_EQ(plan.tests[0].runs, 3);
  EXPECT_EQ(plan.tests[1].runs, 1);
  EXPECT_EQ(plan.PlannedRuns(), 4u);

  flags.repeat = 5;  // --repeat 5 --repeat-from-config
  EXPECT_THAT(ResolveGrading(flags, c, All(c)).status().message(), HasSubstr("do not go together"));
}

TEST(GradingTest, WithoutTheFlagRunsFollowRepeat) {
  Catalogue c = TwoTests("");
  GradingFlags flags;
  flags.repeat = 2;
  auto g = ResolveGrading(flags, c, All(c));
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->planned_runs, 4u);  // 2 tests x 2
  RunInfo info;
  info.runs = 4;
  ReportPlan plan = MakeReportPlan(c, All(c));
  ScoringPolicy policy = ScoringPolicy::kPassRate;
  ApplyGrading(*g, All(c), &info, &plan, &policy);
  EXPECT_EQ(plan.tests[0].runs, 0);  // the plan's runs_per_test applies
  EXPECT_EQ(info.runs, 4u);
}

TEST(GradingTest, CommandLineFlags) {
  const char* argv[] = {"labtest", "--repeat-from-config", "--policy", "pass-rate", "--race", "--race-labtest",
                        "/opt/tsan/labtest"};
  auto o = ParseCommandLine(7, argv);
  ASSERT_TRUE(o.ok()) << o.status().message();
  EXPECT_TRUE(o->repeat_from_config);
  EXPECT_EQ(o->policy, "pass-rate");
  EXPECT_TRUE(o->race);
  EXPECT_EQ(o->race_labtest, "/opt/tsan/labtest");
  const char* plain[] = {"labtest"};
  auto d = ParseCommandLine(1, plain);
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(d->repeat_from_config);
  EXPECT_EQ(d->policy, "");
  EXPECT_FALSE(d->race);
  EXPECT_THAT(UsageText(), HasSubstr("--repeat-from-config"));
  EXPECT_THAT(UsageText(), HasSubstr("--race-labtest"));
}

}  // namespace
}  // namespace raftlab
