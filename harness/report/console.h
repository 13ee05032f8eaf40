// ConsoleReporter: labtest's human-readable output, MIT style.
//
//   Test (3A-initial-election): initial election (reliable network) ...
//     ... Passed --  3.1 s  cpu 0.2 s  3 peers  56 RPCs  15032 bytes  0 cmds  [reference: 3.0 s ...]
//
// A failure says which check failed in words, the seed, the last lines the
// test logged (the student's lines and the harness events), for a hang what
// the threads were doing and their stacks, and the one command that reruns
// exactly that test with that seed. The run ends with a table per test
// (runs, failures, mean ± standard deviation and range of time, mean RPCs,
// failing repetitions with their seeds and the rerun command of the first),
// a summary per part, and where the files of failed runs are.
//
// With runs in parallel (`parallel`), a run's header line is printed with
// its result when it ends, so the two stay together; -v lines are prefixed
// with the test's name. On a terminal a ProgressLine may sit below the
// output: the reporter erases it before printing and redraws it after.
// Colour (verdicts, totals) only when `color` (terminal.h decides).
//
// Thread safety: as Reporter (one caller at a time). Ownership: borrows the
// FILE*, the baseline and the progress line (both may be null), which must
// outlive it.
#pragma once

#include <cstdio>
#include <map>
#include <string>

#include "harness/report/baseline.h"
#include "harness/report/progress.h"
#include "harness/report/report.h"

namespace raftlab {

struct ConsoleOptions {
  bool verbose = false;
  const Baseline* baseline = nullptr;  // reference figures, when known
  size_t max_dump_lines = 80;          // stack dumps longer than this are cut (full one on disk)
  bool color = false;                  // ANSI colours (never when not a terminal, see terminal.h)
  bool parallel = false;               // runs overlap (--jobs > 1)
  ProgressLine* progress = nullptr;    // the live line to keep below the output
  size_t max_listed_failures = 10;     // failing repetitions listed per test in the summary
};

class ConsoleReporter final : public Reporter {
 public:
  ConsoleReporter(std::FILE* out, ConsoleOptions options) : out_(out), options_(options) {}

  void RunStart(const RunInfo& info) override;
  void TestStart(const TestSpec& spec, int repetition, uint64_t seed) override;
  void TestLine(const TestSpec& spec, std::string_view line) override;
  void TestEnd(const TestSpec& spec, const TestResult& result) override;
  void RunEnd(const RunSummary& summary) override;

 private:
  void Header(const TestSpec& spec, int repetition);
  void Failure(const TestSpec& spec, const TestResult& r);
  void Table(const RunSummary& s);
  // Erases the progress line for the life of the guard.
  class ProgressPause;

  std::FILE* out_;
  ConsoleOptions options_;
  RunInfo info_;
  // test name -> its `checks` tag, from the specs seen in TestEnd, for the
  // FAILED line of the summary.
  std::map<std::string, std::string> checks_;
};

// "3.1 s  cpu 0.2 s  3 peers  56 RPCs  15032 bytes  0 cmds" (figures only when known).
std::string FormatFigures(double time_s, double cpu_s, const Figures* figures);

}  // namespace raftlab
