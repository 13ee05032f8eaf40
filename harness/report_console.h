// ConsoleReporter: labtest's human-readable output, MIT style.
//
//   Test (3A-initial-election): initial election (reliable network) ...
//     ... Passed --  3.1 s  cpu 0.2 s  3 peers  56 RPCs  15032 bytes  0 cmds  [reference: 3.0 s ...]
//
// A failure says which check failed in words, the seed, the last lines the
// test logged (the student's lines and the harness events), for a hang what
// the threads were doing and their stacks, and the one command that reruns
// exactly that test with that seed. The run ends with a summary per part.
//
// Thread safety: as Reporter (one caller at a time). Ownership: borrows the
// FILE* and the baseline (may be null), which must outlive it.
#pragma once

#include <cstdio>

#include "harness/baseline.h"
#include "harness/report.h"

namespace raftlab {

struct ConsoleOptions {
  bool verbose = false;
  const Baseline* baseline = nullptr;  // reference figures, when known
  size_t max_dump_lines = 80;          // stack dumps longer than this are cut (full one on disk)
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
  void Failure(const TestSpec& spec, const TestResult& r);

  std::FILE* out_;
  ConsoleOptions options_;
  RunInfo info_;
};

// "3.1 s  cpu 0.2 s  3 peers  56 RPCs  15032 bytes  0 cmds" (figures only when known).
std::string FormatFigures(double time_s, double cpu_s, const Figures* figures);

}  // namespace raftlab
