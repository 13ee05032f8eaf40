// Reporting: an event interface that the run loop drives (run start, test
// start, a live line, test end, run end), a list that fans out to several
// reporters, and the run summary they all print from. The console reporter
// is in console.h; issue 5 adds JSON, JUnit and Gradescope reporters
// on the same events and the same TestResult model. Fixtures and checkers
// never print: only reporters do.
//
// Thread safety: the run loop calls a reporter from one thread at a time
// (a parallel runner must serialise its calls). Ownership: a ReporterList
// borrows its reporters.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "harness/catalogue/config.h"
#include "harness/scenario/result.h"

namespace raftlab {

// What a whole run is about; printed at its start.
struct RunInfo {
  std::string config_path;
  std::string config_origin;  // "given with -f", "beside the labtest binary", ...
  std::string plugin_path;    // what the children load
  bool bundled_plugin = false;
  std::string plugin_name;    // raftlab_plugin.name and version
  std::string plugin_version;
  std::string plugin_language;  // "C/C++", "Rust", "Go" (harness/plugin/language.h); "" for the bundled reference
  uint64_t base_seed = 0;
  bool seed_given = false;
  int first_repetition = 0;
  int repeat = 1;
  double timeout_scale = 1;
  std::string run_dir;
  size_t tests = 0;           // selected tests
  size_t runs = 0;            // tests * repeat
  // The command that reruns one test, minus --filter and --seed:
  // "labtest --plugin ./libraft.so -f config/raft_lab_test.yml".
  std::string rerun_prefix;
  bool sim = false;  // labtest --sim: every run on simulated time
};

struct PartSummary {
  int part = 0;
  std::string name;
  int tests = 0;           // selected tests of this part
  int tests_passed = 0;    // every run passed (or skipped)
  int tests_failed = 0;
  int tests_skipped = 0;   // every run skipped
  double points_earned = 0;
  double points_possible = 0;
};

// One failed run, for the summary table.
struct FailedRun {
  int repetition = 0;
  uint64_t seed = 0;  // the run seed (RunSeed(base, test, repetition))
  Verdict verdict = Verdict::kFail;
};

// Figures of one test over its runs in this labtest run.
struct TestSummary {
  std::string test;
  int part = 0;
  int runs = 0, passed = 0, failed = 0, skipped = 0;
  // Time of a run: the scenario's own duration, or the wall time when the
  // child did not get to report one. Over all runs of the test.
  double mean_s = 0, stddev_s = 0, min_s = 0, max_s = 0;
  bool has_rpcs = false;  // some run reported figures
  double mean_rpcs = 0;   // over the runs that did
  std::vector<FailedRun> failures;  // by repetition
  // The first failure as a TestResult identity (test, repetition, seeds), for
  // RerunCommand; meaningful only when failures is not empty.
  TestResult first_failure;
};

struct RunSummary {
  std::vector<PartSummary> parts;  // only parts with selected tests, in catalogue order
  std::vector<TestSummary> tests;  // tests with at least one finished run, in catalogue order
  int runs = 0, runs_passed = 0, runs_failed = 0, runs_skipped = 0;
  double points_earned = 0, points_possible = 0;
  double wall_s = 0, cpu_s = 0;
  uint64_t base_seed = 0;
  std::vector<std::string> failed_tests;  // names, each once, in run order
  // How the run ended early, if it did (set by the caller of Summarize).
  bool interrupted = false;         // SIGINT/SIGTERM: running runs were killed and dropped
  int interrupt_signal = 0;
  bool stopped_by_failure = false;  // --fail-fast: no run started after the first failure
  int jobs = 1;                     // runs at once
  std::string output_dir;           // the run folder if it was kept ("" if removed)
};

// Scoring (SJTU's policy): a test earns its points only if every one of its
// runs passed; a skipped test earns nothing. `results` may come in any order
// (parallel runs); tests and parts come out in catalogue order.
RunSummary Summarize(const Catalogue& catalogue, const std::vector<const TestSpec*>& selected,
                     const std::vector<TestResult>& results, double wall_s, uint64_t base_seed);

// The per-test figures of `results` (one entry per test of `selected` that
// has a finished run, in the order of `selected`).
std::vector<TestSummary> SummarizeTests(const std::vector<const TestSpec*>& selected,
                                        const std::vector<TestResult>& results);

class Reporter {
 public:
  virtual ~Reporter() = default;
  virtual void RunStart(const RunInfo& info) = 0;
  virtual void TestStart(const TestSpec& spec, int repetition, uint64_t seed) = 0;
  // A live line from the running test (student log with -v, harness events).
  virtual void TestLine(const TestSpec& spec, std::string_view line) = 0;
  virtual void TestEnd(const TestSpec& spec, const TestResult& result) = 0;
  virtual void RunEnd(const RunSummary& summary) = 0;
};

class ReporterList final : public Reporter {
 public:
  void Add(Reporter* r) { reporters_.push_back(r); }
  void RunStart(const RunInfo& info) override;
  void TestStart(const TestSpec& spec, int repetition, uint64_t seed) override;
  void TestLine(const TestSpec& spec, std::string_view line) override;
  void TestEnd(const TestSpec& spec, const TestResult& result) override;
  void RunEnd(const RunSummary& summary) override;

 private:
  std::vector<Reporter*> reporters_;
};

// The one command that reruns exactly this run (same test, same seed).
std::string RerunCommand(const std::string& rerun_prefix, const TestResult& r);

// Quotes s for a POSIX shell when needed ('...' with embedded quotes escaped).
std::string ShellQuote(const std::string& s);

}  // namespace raftlab
