// ResultBook: what the file reporters (JSON, JUnit, Gradescope) share. It
// holds the plan of a run (the selected tests with their points, in catalogue
// order), keeps a copy of every finished TestResult, and scores tests, parts
// and the run under a ScoringPolicy. Every reporter rebuilds its whole file
// from a ResultBook after each test end, so results may arrive in any order
// (parallel runs) and a file written midway is complete for what finished.
//
// Scoring:
//   kAllOrNothing (SJTU's grade.sh, the default): a test earns its points only
//     if every expected repetition ran and passed. Repetitions that have not
//     run yet have not passed.
//   kPassRate: points x (passed runs / expected runs).
//   In both, a skipped run counts as passed unless every run of the test was
//   skipped, which earns nothing (as Summarize in report.h).
//
// Thread safety: none; owned by one reporter, called from one thread at a
// time. Ownership: copies everything it is given.
#pragma once

#include <cstdint>
#include <ctime>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "harness/catalogue/config.h"
#include "harness/scenario/result.h"
#include "runtime/status.h"

namespace raftlab {

enum class ScoringPolicy {
  kAllOrNothing,  // "all-or-nothing"
  kPassRate,      // "pass-rate"
};
std::string_view ScoringPolicyName(ScoringPolicy p);
// Errors: InvalidArgument naming the bad word and the accepted ones.
StatusOr<ScoringPolicy> ParseScoringPolicy(std::string_view name);

struct PlannedTest {
  std::string name;         // TestSpec::name
  int part = 0;
  std::string description;  // TestSpec::description
  double points = 0;
  // Runs this test is expected to have; 0 = the plan's runs_per_test. Set
  // per test when each test runs its catalogue `repeat` (--repeat-from-config).
  int runs = 0;
  std::string checks{};  // TestSpec::checks: safety | liveness | performance, or ""
};

struct PlannedPart {
  int part = 0;
  std::string name;  // "leader election"
};

// The tests a run is expected to report on, in catalogue order.
struct ReportPlan {
  std::vector<PlannedPart> parts;
  std::vector<PlannedTest> tests;
  int runs_per_test = 1;  // --repeat; RunStart overrides it with RunInfo::repeat

  const PlannedTest* FindTest(std::string_view name) const;
  std::string PartName(int part) const;  // "" when unknown
  // Runs over every planned test (PlannedTest::runs, else runs_per_test).
  size_t PlannedRuns() const;
};

// The plan of `selected` (pointers into `catalogue`); parts without selected
// tests are left out.
ReportPlan MakeReportPlan(const Catalogue& catalogue, const std::vector<const TestSpec*>& selected);

// What RunInfo does not carry but a results file should: filled by the CLI.
struct RunMetadata {
  std::string labtest_version;
  std::vector<std::string> command_line;  // argv as given
  std::string start_time;                 // ISO 8601 UTC; see FormatUtcTimestamp
};

// "2026-11-22T16:16:07Z".
std::string FormatUtcTimestamp(std::time_t t);

// The argv joined into one shell command line (ShellQuote on each word).
std::string JoinCommandLine(const std::vector<std::string>& argv);

enum class TestState {
  kNotRun,      // no finished run yet
  kIncomplete,  // some runs finished, none failed, fewer than expected
  kPassed,      // every expected run passed (or some skipped)
  kFailed,      // at least one run failed
  kSkipped,     // every run skipped
};
std::string_view TestStateName(TestState s);  // "not-run", "incomplete", "passed", "failed", "skipped"

struct TestScore {
  const PlannedTest* test = nullptr;
  std::vector<const TestResult*> runs;  // by repetition
  int expected_runs = 1;                // max(runs_per_test, runs.size())
  int passed = 0, failed = 0, skipped = 0;
  TestState state = TestState::kNotRun;
  double earned = 0;
};

struct PartScore {
  int part = 0;
  std::string name;
  int tests = 0, tests_passed = 0, tests_failed = 0, tests_skipped = 0, tests_not_run = 0;
  double points_earned = 0, points_possible = 0;
};

struct BookTotals {
  int runs = 0, runs_passed = 0, runs_failed = 0, runs_skipped = 0;
  int tests = 0, tests_passed = 0, tests_failed = 0, tests_skipped = 0, tests_not_run = 0;
  double points_earned = 0, points_possible = 0;
  double run_wall_s = 0;  // sum over runs (more than elapsed time when runs overlap)
  double cpu_s = 0;
};

class ResultBook {
 public:
  ResultBook(ReportPlan plan, ScoringPolicy policy);

  void SetRunsPerTest(int runs) { plan_.runs_per_test = runs < 1 ? 1 : runs; }
  // Records a finished run. A test missing from the plan is added from `spec`.
  // A second result for the same (test, repetition) replaces the first.
  void Add(const TestSpec& spec, const TestResult& r);

  const ReportPlan& plan() const { return plan_; }
  ScoringPolicy policy() const { return policy_; }
  size_t size() const { return results_.size(); }

  // Scores of every planned test, in plan order. Pointers stay valid until
  // the next Add.
  std::vector<TestScore> Scores() const;
  // One per planned part that has tests, in plan order; from Scores().
  std::vector<PartScore> Parts(const std::vector<TestScore>& scores) const;
  BookTotals Totals(const std::vector<TestScore>& scores) const;

 private:
  ReportPlan plan_;
  ScoringPolicy policy_;
  // test name -> repetition -> result.
  std::map<std::string, std::map<int, TestResult>, std::less<>> results_;
};

// A run's reason in one line for a report: "" for a pass, else the verdict
// and the first line of the message ("timeout: timed out after 120 s; ...").
std::string RunReason(const TestResult& r);

// `s` with invalid UTF-8 (and U+FFFE, U+FFFF, which XML 1.0 forbids) replaced
// by U+FFFD, and C0 controls other than tab, newline and carriage return, and
// DEL, shown as the four characters "\xNN". The result is valid UTF-8 and
// valid XML 1.0 character data once <, & and > are escaped.
std::string SanitizeText(std::string_view s);

// The last `max_lines` lines of `lines` (all when fewer).
std::vector<std::string> LastLines(const std::vector<std::string>& lines, size_t max_lines);

}  // namespace raftlab
