// Tests of harness/report/book.cc: the plan, scoring policies, totals and
// the text helpers every results file relies on.
#include "harness/report/book.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/harness/report/files_test_util.h"

namespace raftlab {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing_reports::MakeRun;
using testing_reports::SamplePlan;
using testing_reports::Spec;

const TestScore& ScoreOf(const std::vector<TestScore>& scores, const std::string& name) {
  for (const TestScore& s : scores) {
    if (s.test->name == name) return s;
  }
  ADD_FAILURE() << "no score for " << name;
  return scores.front();
}

TEST(ReportPlanTest, FollowsTheCatalogueAndDropsPartsWithoutSelectedTests) {
  Catalogue c;
  c.parts = {{1, "election", 15}, {2, "replication", 20}, {3, "persistence", 10}};
  auto spec = [](std::string name, int part, double points) {
    TestSpec t;
    t.name = std::move(name);
    t.part = part;
    t.points = points;
    t.description = "about " + t.name;
    return t;
  };
  c.tests = {spec("a", 1, 5), spec("b", 1, 10), spec("c", 2, 20), spec("d", 3, 10)};
  // Selected out of catalogue order and without part 2.
  ReportPlan plan = MakeReportPlan(c, {&c.tests[3], &c.tests[0]});
  ASSERT_EQ(plan.tests.size(), 2u);
  EXPECT_EQ(plan.tests[0].name, "a");
  EXPECT_EQ(plan.tests[1].name, "d");
  EXPECT_EQ(plan.tests[1].description, "about d");
  EXPECT_EQ(plan.tests[1].points, 10);
  ASSERT_EQ(plan.parts.size(), 2u);
  EXPECT_EQ(plan.PartName(3), "persistence");
  EXPECT_EQ(plan.PartName(2), "");
}

TEST(ResultBookTest, AllOrNothingNeedsEveryExpectedRunToPass) {
  const ReportPlan plan = SamplePlan(3);
  ResultBook book(plan, ScoringPolicy::kAllOrNothing);
  for (int rep = 0; rep < 3; ++rep) book.Add(Spec(plan, "e1"), MakeRun(plan, "e1", Verdict::kPass, rep));
  book.Add(Spec(plan, "e2"), MakeRun(plan, "e2", Verdict::kPass, 0));
  book.Add(Spec(plan, "e2"), MakeRun(plan, "e2", Verdict::kTimeout, 1));
  book.Add(Spec(plan, "e2"), MakeRun(plan, "e2", Verdict::kPass, 2));
  book.Add(Spec(plan, "r1"), MakeRun(plan, "r1", Verdict::kPass, 0));  // 1 of 3 so far
  const auto scores = book.Scores();

  EXPECT_EQ(ScoreOf(scores, "e1").state, TestState::kPassed);
  EXPECT_EQ(ScoreOf(scores, "e1").earned, 5);
  EXPECT_EQ(ScoreOf(scores, "e2").state, TestState::kFailed);
  EXPECT_EQ(ScoreOf(scores, "e2").earned, 0);
  EXPECT_EQ(ScoreOf(scores, "e2").failed, 1);
  EXPECT_EQ(ScoreOf(scores, "r1").state, TestState::kIncomplete);
  EXPECT_EQ(ScoreOf(scores, "r1").earned, 0);  // unrun repetitions have not passed

  const BookTotals t = book.Totals(scores);
  EXPECT_EQ(t.points_earned, 5);
  EXPECT_EQ(t.points_possible, 35);
  EXPECT_EQ(t.runs, 7);
  EXPECT_EQ(t.runs_failed, 1);
  EXPECT_EQ(t.tests_passed, 1);
  EXPECT_EQ(t.tests_failed, 1);
  EXPECT_EQ(t.tests_not_run, 1);
}

TEST(ResultBookTest, PerTestRunCountsOverrideRunsPerTest) {
  // --repeat-from-config: e1 is graded over 3 runs, e2 over 1 (runs_per_test).
  ReportPlan plan = SamplePlan(1);
  for (PlannedTest& t : plan.tests) {
    if (t.name == "e1") t.runs = 3;
  }
  EXPECT_EQ(plan.PlannedRuns(), plan.tests.size() + 2);
  ResultBook strict(plan, ScoringPolicy::kAllOrNothing);
  ResultBook rate(plan, ScoringPolicy::kPassRate);
  for (ResultBook* book : {&strict, &rate}) {
    book->Add(Spec(plan, "e1"), MakeRun(plan, "e1", Verdict::kPass, 0));
    book->Add(Spec(plan, "e1"), MakeRun(plan, "e1", Verdict::kPass, 1));
    book->Add(Spec(plan, "e2"), MakeRun(plan, "e2", Verdict::kPass, 0));
  }
  const auto s = strict.Scores();
  EXPECT_EQ(ScoreOf(s, "e1").expected_runs, 3);
  EXPECT_EQ(ScoreOf(s, "e1").state, TestState::kIncomplete);  // 2 of 3
  EXPECT_EQ(ScoreOf(s, "e1").earned, 0);
  EXPECT_EQ(ScoreOf(s, "e2").state, TestState::kPassed);
  EXPECT_EQ(ScoreOf(s, "e2").earned, 10);
  EXPECT_DOUBLE_EQ(ScoreOf(rate.Scores(), "e1").earned, 5.0 * 2 / 3);
}

TEST(ResultBookTest, PassRateGivesTheFractionOfExpectedRuns) {
  const ReportPlan plan = SamplePlan(3);
  ResultBook book(plan, ScoringPolicy::kPassRate);
  book.Add(Spec(plan, "e2"), MakeRun(plan, "e2", Verdict::kPass, 0));
  book.Add(Spec(plan, "e2"), MakeRun(plan, "e2", Verdict::kCrash, 1));
  book.Add(Spec(plan, "e2"), MakeRun(plan, "e2", Verdict::kPass, 2));
  book.Add(Spec(plan, "r1"), MakeRun(plan, "r1", Verdict::kPass, 0));
  const auto scores = book.Scores();
  EXPECT_DOUBLE_EQ(ScoreOf(scores, "e2").earned, 10.0 * 2 / 3);
  EXPECT_DOUBLE_EQ(ScoreOf(scores, "r1").earned, 20.0 / 3);  // 1 of 3 expected runs
  EXPECT_EQ(ScoreOf(scores, "e1").earned, 0);
  EXPECT_EQ(ScoreOf(scores, "e1").state, TestState::kNotRun);

  const auto parts = book.Parts(scores);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].name, "leader election");
  EXPECT_DOUBLE_EQ(parts[0].points_earned, 10.0 * 2 / 3);
  EXPECT_EQ(parts[0].points_possible, 15);
  EXPECT_EQ(parts[0].tests_failed, 1);
  EXPECT_EQ(parts[0].tests_not_run, 1);
}

TEST(ResultBookTest, SkipsEarnNothingAloneButDoNotSpoilPasses) {
  const ReportPlan plan = SamplePlan(2);
  ResultBook book(plan, ScoringPolicy::kAllOrNothing);
  book.Add(Spec(plan, "e1"), MakeRun(plan, "e1", Verdict::kSkip, 0, "not implemented"));
  book.Add(Spec(plan, "e1"), MakeRun(plan, "e1", Verdict::kSkip, 1, "not implemented"));
  book.Add(Spec(plan, "e2"), MakeRun(plan, "e2", Verdict::kPass, 0));
  book.Add(Spec(plan, "e2"), MakeRun(plan, "e2", Verdict::kSkip, 1, "not implemented"));
  const auto scores = book.Scores();
  EXPECT_EQ(ScoreOf(scores, "e1").state, TestState::kSkipped);
  EXPECT_EQ(ScoreOf(scores, "e1").earned, 0);
  EXPECT_EQ(ScoreOf(scores, "e2").state, TestState::kPassed);
  EXPECT_EQ(ScoreOf(scores, "e2").earned, 10);

  ResultBook rate(plan, ScoringPolicy::kPassRate);
  rate.Add(Spec(plan, "e1"), MakeRun(plan, "e1", Verdict::kSkip, 0, "not implemented"));
  EXPECT_EQ(ScoreOf(rate.Scores(), "e1").earned, 0);
}

TEST(ResultBookTest, ResultsInAnyOrderSortByRepetitionAndReplaceDuplicates) {
  const ReportPlan plan = SamplePlan(3);
  ResultBook book(plan, ScoringPolicy::kAllOrNothing);
  book.Add(Spec(plan, "e1"), MakeRun(plan, "e1", Verdict::kPass, 2));
  book.Add(Spec(plan, "e1"), MakeRun(plan, "e1", Verdict::kFail, 0));
  book.Add(Spec(plan, "e1"), MakeRun(plan, "e1", Verdict::kPass, 1));
  book.Add(Spec(plan, "e1"), MakeRun(plan, "e1", Verdict::kPass, 0));  // a rerun replaces the failure
  const auto scores = book.Scores();
  const TestScore& s = ScoreOf(scores, "e1");
  ASSERT_EQ(s.runs.size(), 3u);
  EXPECT_EQ(s.runs[0]->repetition, 0);
  EXPECT_EQ(s.runs[2]->repetition, 2);
  EXPECT_EQ(s.state, TestState::kPassed);
}

TEST(ResultBookTest, MoreRunsThanPlannedRaiseTheExpectedCount) {
  const ReportPlan plan = SamplePlan(1);
  ResultBook book(plan, ScoringPolicy::kPassRate);
  book.Add(Spec(plan, "e1"), MakeRun(plan, "e1", Verdict::kPass, 0));
  book.Add(Spec(plan, "e1"), MakeRun(plan, "e1", Verdict::kFail, 1));  // e.g. --until-fail
  const TestScore& s = ScoreOf(book.Scores(), "e1");
  EXPECT_EQ(s.expected_runs, 2);
  EXPECT_DOUBLE_EQ(s.earned, 2.5);
}

TEST(ResultBookTest, ATestMissingFromThePlanIsAddedFromItsSpec) {
  const ReportPlan plan = SamplePlan();
  ResultBook book(plan, ScoringPolicy::kAllOrNothing);
  TestSpec extra;
  extra.name = "k1";
  extra.part = 5;
  extra.points = 7;
  extra.description = "kv";
  TestResult r = MakeRun(plan, "k1", Verdict::kPass);
  r.part = 5;
  book.Add(extra, r);
  const auto scores = book.Scores();
  ASSERT_EQ(scores.size(), 4u);
  EXPECT_EQ(ScoreOf(scores, "k1").earned, 7);
  const auto parts = book.Parts(scores);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[2].part, 5);
}

TEST(ScoringPolicyTest, ParsesItsNamesOnly) {
  EXPECT_EQ(*ParseScoringPolicy("all-or-nothing"), ScoringPolicy::kAllOrNothing);
  EXPECT_EQ(*ParseScoringPolicy("pass-rate"), ScoringPolicy::kPassRate);
  EXPECT_EQ(ScoringPolicyName(ScoringPolicy::kPassRate), "pass-rate");
  auto bad = ParseScoringPolicy("partial");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("'partial'"));
}

TEST(SanitizeTextTest, KeepsValidTextAndReplacesWhatXmlCannotHold) {
  EXPECT_EQ(SanitizeText("plain\ttab\nline\r"), "plain\ttab\nline\r");
  EXPECT_EQ(SanitizeText("euro \xe2\x82\xac, emoji \xf0\x9f\x98\x80"), "euro \xe2\x82\xac, emoji \xf0\x9f\x98\x80");
  EXPECT_EQ(SanitizeText(std::string("a\x1b[0m\x07") + '\0' + "\x7f"), "a\\x1b[0m\\x07\\x00\\x7f");
  const std::string fffd = "\xef\xbf\xbd";
  EXPECT_EQ(SanitizeText("\xff"), fffd);                          // never a UTF-8 byte
  EXPECT_EQ(SanitizeText("\xe2\x82"), fffd + fffd);               // truncated sequence
  EXPECT_EQ(SanitizeText("\xc0\x80"), fffd + fffd);               // overlong NUL
  EXPECT_EQ(SanitizeText("\xed\xa0\x80"), fffd + fffd + fffd);    // a surrogate
  EXPECT_EQ(SanitizeText("\xf4\x90\x80\x80"), fffd + fffd + fffd + fffd);  // past U+10FFFF
  EXPECT_EQ(SanitizeText("\xef\xbf\xbe"), fffd);                  // U+FFFE, not an XML character
}

TEST(ReportTextTest, TimestampsReasonsAndCommandLines) {
  EXPECT_EQ(FormatUtcTimestamp(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatUtcTimestamp(1795450567), "2026-11-23T16:16:07Z");

  TestResult r;
  r.verdict = Verdict::kTimeout;
  r.message = "timed out after 120 s; peer 2 blocked\nmore detail";
  EXPECT_EQ(RunReason(r), "timeout: timed out after 120 s; peer 2 blocked");
  r.message.clear();
  EXPECT_EQ(RunReason(r), "timeout");
  r.verdict = Verdict::kPass;
  EXPECT_EQ(RunReason(r), "");

  EXPECT_EQ(JoinCommandLine({"labtest", "--filter", "^3A$", "--output", "json:a b.json"}),
            "labtest --filter '^3A$' --output 'json:a b.json'");
  EXPECT_THAT(LastLines({"1", "2", "3"}, 2), ElementsAre("2", "3"));
  EXPECT_THAT(LastLines({"1"}, 2), ElementsAre("1"));
}

}  // namespace
}  // namespace raftlab
