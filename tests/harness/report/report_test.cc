// Tests of the reporting layer (harness/report/report.cc, console.cc) and the
// baseline file (harness/report/baseline.cc).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "harness/report/baseline.h"
#include "harness/report/progress.h"
#include "harness/report/report.h"
#include "harness/report/console.h"

namespace raftlab {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

Catalogue SampleCatalogue() {
  Catalogue c;
  c.path = "cfg.yml";
  c.parts = {{1, "leader election", 20}, {2, "log replication", 45}, {3, "persistence", 20}};
  auto test = [](std::string name, int part, double points) {
    TestSpec t;
    t.name = std::move(name);
    t.part = part;
    t.points = points;
    t.description = "desc of " + t.name;
    return t;
  };
  c.tests = {test("a", 1, 5), test("b", 1, 15), test("c", 2, 45), test("d", 3, 20)};
  c.tests[0].params = Params({{"reliable", false}});
  return c;
}

TestResult Result(const std::string& test, int part, Verdict v, int rep = 0) {
  TestResult r;
  r.test = test;
  r.part = part;
  r.verdict = v;
  r.repetition = rep;
  r.base_seed = 99;
  r.seed = 1234;
  r.cpu_user_s = 0.5;
  r.cpu_sys_s = 0.25;
  return r;
}

std::vector<const TestSpec*> All(const Catalogue& c) {
  std::vector<const TestSpec*> v;
  for (const TestSpec& t : c.tests) v.push_back(&t);
  return v;
}

// Captures what a ConsoleReporter prints.
class Capture {
 public:
  Capture() : f_(open_memstream(&buf_, &len_)) {}
  ~Capture() {
    if (f_) std::fclose(f_);
    std::free(buf_);
  }
  std::FILE* file() { return f_; }
  std::string text() {
    std::fflush(f_);
    return std::string(buf_, len_);
  }

 private:
  char* buf_ = nullptr;
  size_t len_ = 0;
  std::FILE* f_;
};

TEST(SummarizeTest, PointsOnlyWhenEveryRunPasses) {
  Catalogue c = SampleCatalogue();
  std::vector<TestResult> results = {
      Result("a", 1, Verdict::kPass, 0), Result("a", 1, Verdict::kPass, 1),    // a: 5 points
      Result("b", 1, Verdict::kPass, 0), Result("b", 1, Verdict::kTimeout, 1),  // b: one failure, no points
      Result("c", 2, Verdict::kSkip),                                          // c: skipped, no points
      Result("d", 3, Verdict::kCrash),
  };
  RunSummary s = Summarize(c, All(c), results, 12.5, 99);
  EXPECT_EQ(s.runs, 6);
  EXPECT_EQ(s.runs_passed, 3);
  EXPECT_EQ(s.runs_failed, 2);
  EXPECT_EQ(s.runs_skipped, 1);
  EXPECT_DOUBLE_EQ(s.points_earned, 5);
  EXPECT_DOUBLE_EQ(s.points_possible, 85);
  EXPECT_DOUBLE_EQ(s.cpu_s, 6 * 0.75);
  EXPECT_EQ(s.failed_tests, (std::vector<std::string>{"b", "d"}));
  ASSERT_EQ(s.parts.size(), 3u);
  EXPECT_EQ(s.parts[0].tests, 2);
  EXPECT_EQ(s.parts[0].tests_passed, 1);
  EXPECT_EQ(s.parts[0].tests_failed, 1);
  EXPECT_DOUBLE_EQ(s.parts[0].points_earned, 5);
  EXPECT_DOUBLE_EQ(s.parts[0].points_possible, 20);
  EXPECT_EQ(s.parts[1].tests_skipped, 1);
  EXPECT_EQ(s.parts[2].tests_failed, 1);
}

TEST(SummarizeTest, OnlySelectedPartsAppear) {
  Catalogue c = SampleCatalogue();
  std::vector<const TestSpec*> selected = {&c.tests[2]};
  RunSummary s = Summarize(c, selected, {Result("c", 2, Verdict::kPass)}, 1, 1);
  ASSERT_EQ(s.parts.size(), 1u);
  EXPECT_EQ(s.parts[0].part, 2);
  EXPECT_DOUBLE_EQ(s.points_earned, 45);
  EXPECT_DOUBLE_EQ(s.points_possible, 45);
}

TEST(RerunTest, QuotesAndRepetition) {
  EXPECT_EQ(ShellQuote("plain/path-1.so"), "plain/path-1.so");
  EXPECT_EQ(ShellQuote("^3A-x$"), "'^3A-x$'");
  EXPECT_EQ(ShellQuote("it's"), "'it'\\''s'");
  EXPECT_EQ(ShellQuote(""), "''");
  TestResult r = Result("3A-initial-election", 1, Verdict::kFail);
  EXPECT_EQ(RerunCommand("labtest --plugin x.so -f c.yml", r),
            "labtest --plugin x.so -f c.yml --filter '^3A-initial-election$' --seed 99");
  r.repetition = 7;
  EXPECT_EQ(RerunCommand("labtest -f c.yml", r), "labtest -f c.yml --filter '^3A-initial-election$' --seed 99 --repetition 7");
}

TEST(ConsoleTest, FiguresLine) {
  Figures f{3, 56, 15032, 9, 0};
  EXPECT_EQ(FormatFigures(3.14, 0.25, &f), "  3.1 s  cpu  0.2 s  3 peers     56 RPCs     15032 bytes     9 cmds");
  EXPECT_EQ(FormatFigures(10, 1, nullptr), " 10.0 s  cpu  1.0 s");
}

TEST(ConsoleTest, PassLineWithReferenceFigures) {
  Catalogue c = SampleCatalogue();
  Capture cap;
  TestResult ref = Result("a", 1, Verdict::kPass);
  ref.has_figures = true;
  ref.figures = {3, 40, 9000, 0, 0};
  ref.duration_s = 2.0;
  Baseline baseline = Baseline::FromResults({ref}, "reference 1.0");
  ConsoleOptions o;
  o.baseline = &baseline;
  ConsoleReporter console(cap.file(), o);
  RunInfo info;
  info.config_path = "cfg.yml";
  info.config_origin = "given with -f";
  info.bundled_plugin = true;
  info.base_seed = 99;
  info.tests = 1;
  info.runs = 1;
  info.run_dir = "out/1";
  info.rerun_prefix = "labtest -f cfg.yml";
  console.RunStart(info);
  console.TestStart(c.tests[0], 0, 1234);
  TestResult r = Result("a", 1, Verdict::kPass);
  r.has_figures = true;
  r.figures = {3, 56, 15032, 0, 0};
  r.duration_s = 3.0;
  console.TestEnd(c.tests[0], r);
  std::string out = cap.text();
  EXPECT_THAT(out, HasSubstr("labtest: using the bundled reference implementation (no --plugin given)\n"));
  EXPECT_THAT(out, HasSubstr("labtest: seed 99 (random; --seed 99 replays this run's choices)\n"));
  EXPECT_THAT(out, HasSubstr("Test (a): desc of a (unreliable network) ...\n"));
  EXPECT_THAT(out, HasSubstr("  ... Passed --   3.0 s  cpu  0.8 s  3 peers     56 RPCs     15032 bytes     0 cmds"
                             "   [reference:   2.0 s  cpu  0.8 s  3 peers     40 RPCs      9000 bytes     0 cmds]\n"));
}

TEST(ConsoleTest, HeaderNamesThePluginAndItsLanguage) {
  Capture cap;
  ConsoleReporter console(cap.file(), ConsoleOptions{});
  RunInfo info;
  info.plugin_path = "./libraft.so";
  info.plugin_name = "student-raft";
  info.plugin_version = "1.0";
  info.plugin_language = "Rust";
  console.RunStart(info);
  EXPECT_THAT(cap.text(), HasSubstr("labtest: plugin ./libraft.so (student-raft 1.0, Rust)\n"));
  Capture cap2;
  ConsoleReporter console2(cap2.file(), ConsoleOptions{});
  info.plugin_language.clear();  // not known: the line as before
  console2.RunStart(info);
  EXPECT_THAT(cap2.text(), HasSubstr("labtest: plugin ./libraft.so (student-raft 1.0)\n"));
}

TEST(ConsoleTest, FailureSaysWhySeedTailAndRerun) {
  Catalogue c = SampleCatalogue();
  Capture cap;
  ConsoleReporter console(cap.file(), {});
  RunInfo info;
  info.rerun_prefix = "labtest --plugin lib.so -f cfg.yml";
  console.RunStart(info);
  TestResult r = Result("b", 1, Verdict::kTimeout, 2);
  r.message = "timed out after 120 s; all 4 threads were sleeping";
  r.hang_analysis = "all 4 threads were sleeping\n    thread 1 main sleeping\n";
  r.stack_dump = "stacks of every thread (from eu-stack):\nTID 1:\n#0 0x1 futex_wait\n";
  r.log_tail = {"     10ms S0 T1 INFO  waiting for votes"};
  r.output_dir = "out/1/b-2";
  r.wall_s = 125;
  console.TestEnd(c.tests[1], r);
  std::string out = cap.text();
  EXPECT_THAT(out, HasSubstr("  ... FAILED (timeout) -- after 125.0 s, cpu 0.8 s\n"));
  EXPECT_THAT(out, HasSubstr("      timed out after 120 s; all 4 threads were sleeping\n"));
  EXPECT_THAT(out, HasSubstr("      what the threads were doing:\n      thread 1 main sleeping\n"));
  EXPECT_THAT(out, HasSubstr("      seed: 99 (repetition 2, run seed 1234)\n"));
  EXPECT_THAT(out, HasSubstr("        " "     10ms S0 T1 INFO  waiting for votes\n"));
  EXPECT_THAT(out, HasSubstr("      TID 1:\n      #0 0x1 futex_wait\n"));
  EXPECT_THAT(out, HasSubstr("      files: out/1/b-2\n"));
  EXPECT_THAT(out, HasSubstr("      rerun: labtest --plugin lib.so -f cfg.yml --filter '^b$' --seed 99 --repetition 2\n"));
}

// Issue 16: a failure says what kind of demand failed, on its own line and
// in the summary's FAILED line; a test without a tag prints neither.
TEST(ConsoleTest, FailureShowsWhatTheTestChecks) {
  Catalogue c = SampleCatalogue();
  c.tests[1].checks = "performance";
  Capture cap;
  ConsoleReporter console(cap.file(), {});
  console.RunStart({});
  TestResult r = Result("b", 1, Verdict::kFail);
  r.message = "too many RPCs (57) for 10 entries (at most 55)";
  console.TestEnd(c.tests[1], r);
  TestResult untagged = Result("a", 1, Verdict::kFail);
  untagged.message = "expected one leader, got none";
  console.TestEnd(c.tests[0], untagged);
  std::vector<TestResult> results = {untagged, r, Result("c", 2, Verdict::kPass), Result("d", 3, Verdict::kPass)};
  console.RunEnd(Summarize(c, All(c), results, 10, 99));
  std::string out = cap.text();
  EXPECT_THAT(out, HasSubstr("  ... FAILED -- after 0.0 s, cpu 0.8 s\n"
                             "      this test checks performance: RPC counts, bytes or latency\n"
                             "      too many RPCs (57) for 10 entries (at most 55)\n"));
  EXPECT_EQ(out.find("this test checks"), out.rfind("this test checks"));  // not for the untagged test
  EXPECT_THAT(out, HasSubstr("FAILED: a, b [performance] (each failure above"));
}

TEST(ConsoleTest, SaysWhenTheStudentLoggedNothing) {
  Catalogue c = SampleCatalogue();
  Capture cap;
  ConsoleReporter console(cap.file(), {});
  console.RunStart({});
  TestResult r = Result("a", 1, Verdict::kFail);
  r.message = "expected one leader, got none";
  console.TestEnd(c.tests[0], r);
  r.log_lines = 3;
  console.TestEnd(c.tests[0], r);
  std::string out = cap.text();
  const std::string note = "your code logged nothing (lines it logs through host->log would show here)";
  ASSERT_NE(out.find(note), std::string::npos);
  EXPECT_EQ(out.find(note, out.find(note) + 1), std::string::npos);  // only for the run that logged nothing
}

TEST(ConsoleTest, LongStackDumpsAreCut) {
  Catalogue c = SampleCatalogue();
  Capture cap;
  ConsoleOptions o;
  o.max_dump_lines = 5;
  ConsoleReporter console(cap.file(), o);
  console.RunStart({});
  TestResult r = Result("b", 1, Verdict::kTimeout);
  for (int i = 0; i < 100; ++i) r.stack_dump += "#" + std::to_string(i) + " frame\n";
  r.output_dir = "out/b-0";
  console.TestEnd(c.tests[1], r);
  std::string out = cap.text();
  EXPECT_THAT(out, HasSubstr("#4 frame"));
  EXPECT_THAT(out, Not(HasSubstr("#5 frame")));
  EXPECT_THAT(out, HasSubstr("[... cut (full dump: out/b-0/stacks.txt)]"));
}

TEST(ConsoleTest, SummaryPerPart) {
  Catalogue c = SampleCatalogue();
  Capture cap;
  ConsoleReporter console(cap.file(), {});
  std::vector<TestResult> results = {Result("a", 1, Verdict::kPass), Result("b", 1, Verdict::kFail),
                                     Result("c", 2, Verdict::kPass), Result("d", 3, Verdict::kPass)};
  console.RunEnd(Summarize(c, All(c), results, 10, 99));
  std::string out = cap.text();
  EXPECT_THAT(out, HasSubstr("Summary (seed 99): 4 runs, 3 passed, 1 failed; 10.0 s wall, 3.0 s CPU, 1 job\n"));
  EXPECT_THAT(out, HasSubstr("  part 1  leader election              1/2   passed   1 failed      5/20     points\n"));
  EXPECT_THAT(out, HasSubstr("  part 2  log replication              1/1   passed   0 failed     45/45     points\n"));
  EXPECT_THAT(out, HasSubstr("  total                                                              70/85     points\n"));
  EXPECT_THAT(out, HasSubstr("FAILED: b (each failure above ends with the command that reruns it)\n"));
}

TEST(SummarizeTest, PerTestFiguresInCatalogueOrder) {
  Catalogue c = SampleCatalogue();
  // Results arrive out of order, as from parallel runs.
  std::vector<TestResult> results;
  const double times[] = {2, 4, 4, 4, 5, 5, 7, 9};  // mean 5, sample sd sqrt(32/7)
  for (int rep = 7; rep >= 0; --rep) {
    TestResult r = Result("b", 1, rep == 5 || rep == 2 ? Verdict::kTimeout : Verdict::kPass, rep);
    r.seed = 1000 + rep;
    r.duration_s = times[rep];
    r.has_figures = rep % 2 == 0;
    r.figures.rpcs = 100 + rep;  // reported by reps 0, 2, 4, 6: mean 103
    results.push_back(r);
  }
  TestResult a = Result("a", 1, Verdict::kSkip);
  a.wall_s = 1.5;  // no duration from the child: the wall time counts
  results.push_back(a);
  std::vector<TestSummary> tests = SummarizeTests(All(c), results);
  ASSERT_EQ(tests.size(), 2u);  // c and d did not run
  EXPECT_EQ(tests[0].test, "a");
  EXPECT_EQ(tests[0].skipped, 1);
  EXPECT_DOUBLE_EQ(tests[0].mean_s, 1.5);
  EXPECT_DOUBLE_EQ(tests[0].stddev_s, 0);
  EXPECT_FALSE(tests[0].has_rpcs);
  const TestSummary& b = tests[1];
  EXPECT_EQ(b.test, "b");
  EXPECT_EQ(b.runs, 8);
  EXPECT_EQ(b.passed, 6);
  EXPECT_EQ(b.failed, 2);
  EXPECT_DOUBLE_EQ(b.mean_s, 5);
  EXPECT_NEAR(b.stddev_s, std::sqrt(32.0 / 7), 1e-12);
  EXPECT_DOUBLE_EQ(b.min_s, 2);
  EXPECT_DOUBLE_EQ(b.max_s, 9);
  EXPECT_TRUE(b.has_rpcs);
  EXPECT_DOUBLE_EQ(b.mean_rpcs, 103);
  ASSERT_EQ(b.failures.size(), 2u);
  EXPECT_EQ(b.failures[0].repetition, 2);
  EXPECT_EQ(b.failures[0].seed, 1002u);
  EXPECT_EQ(b.failures[0].verdict, Verdict::kTimeout);
  EXPECT_EQ(b.failures[1].repetition, 5);
  EXPECT_EQ(b.first_failure.repetition, 2);
  EXPECT_EQ(RerunCommand("labtest -f x.yml", b.first_failure), "labtest -f x.yml --filter '^b$' --seed 99 --repetition 2");
  // Summarize carries the same table.
  RunSummary s = Summarize(c, All(c), results, 1, 99);
  ASSERT_EQ(s.tests.size(), 2u);
  EXPECT_EQ(s.tests[1].failed, 2);
}

TEST(ConsoleTest, SummaryTableWithFailingSeedsAndRerun) {
  Catalogue c = SampleCatalogue();
  Capture cap;
  ConsoleOptions o;
  o.max_listed_failures = 2;
  ConsoleReporter console(cap.file(), o);
  RunInfo info;
  info.rerun_prefix = "labtest -f cfg.yml";
  info.repeat = 4;
  console.RunStart(info);
  std::vector<TestResult> results;
  for (int rep = 0; rep < 4; ++rep) {
    TestResult r = Result("c", 2, rep == 0 ? Verdict::kPass : Verdict::kFail, rep);
    r.seed = 500 + rep;
    r.duration_s = 2 + rep;  // 2, 3, 4, 5
    r.has_figures = true;
    r.figures.rpcs = 60;
    results.push_back(r);
  }
  RunSummary s = Summarize(c, All(c), results, 10, 99);
  s.jobs = 3;
  s.output_dir = "labtest-out/20250101-000000";
  console.RunEnd(s);
  const std::string out = cap.text();
  EXPECT_THAT(out, HasSubstr("4 runs, 1 passed, 3 failed; 10.0 s wall, 3.0 s CPU, 3 jobs\n"));
  EXPECT_THAT(out, HasSubstr("  test                  runs failed  time: mean ± sd (min-max)          RPCs\n"));
  EXPECT_THAT(out, HasSubstr("  c                        4      3  3.5 ± 1.3 s (2.0-5.0)                60\n"));
  EXPECT_THAT(out, HasSubstr("      failed: repetition 1 (run seed 501, fail), repetition 2 (run seed 502, fail) "
                             "and 1 more\n"));
  EXPECT_THAT(out, HasSubstr("      rerun the first: labtest -f cfg.yml --filter '^c$' --seed 99 --repetition 1\n"));
  EXPECT_THAT(out, HasSubstr("labtest: run files are in labtest-out/20250101-000000\n"));
  EXPECT_THAT(out, Not(HasSubstr("\033")));
}

TEST(ConsoleTest, InterruptedAndFailFastRunsSaySo) {
  Catalogue c = SampleCatalogue();
  {
    Capture cap;
    ConsoleReporter console(cap.file(), {});
    RunSummary s = Summarize(c, All(c), {Result("a", 1, Verdict::kPass)}, 1, 99);
    s.interrupted = true;
    s.interrupt_signal = SIGINT;
    console.RunEnd(s);
    EXPECT_THAT(cap.text(), HasSubstr("labtest: interrupted by SIGINT: running tests were stopped"));
    EXPECT_THAT(cap.text(), HasSubstr("INTERRUPTED (no failure among the finished runs)\n"));
    EXPECT_THAT(cap.text(), Not(HasSubstr("PASSED")));
  }
  {
    Capture cap;
    ConsoleReporter console(cap.file(), {});
    RunSummary s = Summarize(c, All(c), {Result("a", 1, Verdict::kFail)}, 1, 99);
    s.stopped_by_failure = true;
    console.RunEnd(s);
    EXPECT_THAT(cap.text(), HasSubstr("--fail-fast: no run was started after the first failure"));
    EXPECT_THAT(cap.text(), HasSubstr("FAILED: a"));
  }
}

TEST(ConsoleTest, ParallelRunsPrintTheHeaderWithTheResult) {
  Catalogue c = SampleCatalogue();
  Capture cap;
  ConsoleOptions o;
  o.parallel = true;
  ConsoleReporter console(cap.file(), o);
  RunInfo info;
  info.repeat = 2;
  console.RunStart(info);
  const size_t after_start = cap.text().size();
  console.TestStart(c.tests[2], 0, 1);
  console.TestStart(c.tests[2], 1, 2);
  EXPECT_EQ(cap.text().size(), after_start);  // nothing yet
  console.TestLine(c.tests[2], "a live line");
  console.TestEnd(c.tests[2], Result("c", 2, Verdict::kPass, 1));
  console.TestEnd(c.tests[2], Result("c", 2, Verdict::kSkip, 0));
  const std::string out = cap.text().substr(after_start);
  EXPECT_EQ(out,
            "    [c] | a live line\n"
            "Test (c): desc of c [run 2/2] ...\n"
            "  ... Passed --   0.0 s  cpu  0.8 s\n"
            "Test (c): desc of c [run 1/2] ...\n"
            "  ... Skipped -- \n");
}

TEST(ConsoleTest, ColourOnlyWhenAsked) {
  Catalogue c = SampleCatalogue();
  Capture plain, coloured;
  ConsoleOptions o;
  ConsoleReporter p(plain.file(), o);
  o.color = true;
  ConsoleReporter k(coloured.file(), o);
  for (ConsoleReporter* r : {&p, &k}) {
    r->TestStart(c.tests[0], 0, 1);
    r->TestEnd(c.tests[0], Result("a", 1, Verdict::kPass));
    r->TestEnd(c.tests[1], Result("b", 1, Verdict::kCrash));
    r->RunEnd(Summarize(c, All(c), {Result("a", 1, Verdict::kPass)}, 1, 99));
  }
  EXPECT_THAT(plain.text(), Not(HasSubstr("\033")));
  EXPECT_THAT(coloured.text(), HasSubstr("  ... \033[32mPassed\033[0m -- "));
  EXPECT_THAT(coloured.text(), HasSubstr("  ... \033[1;31mFAILED (crash)\033[0m -- "));
  EXPECT_THAT(coloured.text(), HasSubstr("\033[32mPASSED\033[0m\n"));
}

TEST(ConsoleTest, ProgressLineIsErasedAroundOutput) {
  Catalogue c = SampleCatalogue();
  Capture cap;
  ProgressLine line(cap.file(), /*enabled=*/true, 100);
  ConsoleOptions o;
  o.progress = &line;
  ConsoleReporter console(cap.file(), o);
  line.Show("[0/1]");
  console.TestStart(c.tests[0], 0, 1);
  EXPECT_EQ(cap.text(), "\r\033[K[0/1]\r\033[KTest (a): desc of a (unreliable network) ...\n\r\033[K[0/1]");
}

TEST(BaselineTest, SaveLoadRoundTripAveragesPassingRuns) {
  TestResult a = Result("a", 1, Verdict::kPass);
  a.has_figures = true;
  a.figures = {3, 40, 1000, 5, 0};
  a.duration_s = 2;
  TestResult a2 = a;
  a2.figures.rpcs = 60;
  a2.duration_s = 4;
  TestResult failed = Result("b", 1, Verdict::kFail);
  Baseline b = Baseline::FromResults({a, a2, failed}, "ref 1.0");
  ASSERT_EQ(b.entries().size(), 1u);  // failed runs are not a baseline
  const std::string path = ::testing::TempDir() + "/baseline_test.json";
  ASSERT_TRUE(b.Save(path).ok());
  auto loaded = Baseline::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(loaded->plugin(), "ref 1.0");
  const BaselineEntry* e = loaded->Find("a");
  ASSERT_NE(e, nullptr);
  EXPECT_DOUBLE_EQ(e->time_s, 3);
  EXPECT_EQ(e->figures.rpcs, 50);
  EXPECT_EQ(e->figures.peers, 3);
  EXPECT_EQ(e->runs, 2);
  EXPECT_EQ(loaded->Find("b"), nullptr);
  std::remove(path.c_str());
  EXPECT_EQ(Baseline::Load(path).status().code(), Status::Code::kNotFound);
  { std::FILE* f = std::fopen(path.c_str(), "w"); std::fputs("{not json", f); std::fclose(f); }
  EXPECT_EQ(Baseline::Load(path).status().code(), Status::Code::kConfig);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace raftlab
