// `--output FORMAT:PATH` (repeatable): which machine-readable results files a
// run writes, and the factory that makes their reporters.
//
//   json:PATH        the whole run (report_json.h)
//   junit:PATH       JUnit XML for CI (report_junit.h)
//   gradescope:PATH  Gradescope's results.json (report_gradescope.h)
//
// The format is matched without regard to case; the path is everything after
// the first ':' (so it may itself hold colons). The path '-' means standard
// output (one --output at most): the document is printed once, when the run
// ends, and labtest then prints its own lines to standard error. Missing folders on the path
// are created when the file is first written.
//
// Wiring into a run (see the report of issue 5 for the CLI):
//   auto specs = ParseOutputSpecs(options.outputs);          // at parse time
//   OutputContext ctx{MakeReportPlan(catalogue, selected), meta, policy, ...};
//   auto files = MakeFileReporters(*specs, ctx);
//   for (auto& f : files) reporters.Add(f.get());
//   reporters.RunStart(info);
//   for (auto& f : files) if (!f->status().ok()) -> stop, print f->status().message()
//   ... runs ...; reporters.RunEnd(summary);
//   for (auto& f : files) if (!f->status().ok()) -> warn (the file may be stale)
//
// Thread safety: pure functions. Ownership: reporters are returned owned.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "harness/report/atomic_file.h"
#include "harness/report/book.h"
#include "harness/report/gradescope.h"
#include "runtime/status.h"

namespace raftlab {

enum class OutputFormat { kJson, kJunit, kGradescope };
std::string_view OutputFormatName(OutputFormat f);  // "json", "junit", "gradescope"

struct OutputSpec {
  OutputFormat format = OutputFormat::kJson;
  std::string path;
};

// Parses one `--output` value. Errors: InvalidArgument quoting the spec and
// saying what is wrong (no ':', unknown format with a suggestion, empty path,
// a path that names a folder).
StatusOr<OutputSpec> ParseOutputSpec(std::string_view spec);

// All of them; also an InvalidArgument when two name the same file, or
// when two write to standard output.
StatusOr<std::vector<OutputSpec>> ParseOutputSpecs(const std::vector<std::string>& specs);

// True when one of them writes to standard output ('-').
bool WritesStdout(const std::vector<OutputSpec>& specs);

// What the reporters need beyond the events.
struct OutputContext {
  ReportPlan plan;  // MakeReportPlan(catalogue, selected)
  RunMetadata meta;
  ScoringPolicy policy = ScoringPolicy::kAllOrNothing;
  GradescopeVisibility gradescope_visibility = GradescopeVisibility::kVisible;
  GradescopeVisibility gradescope_stdout_visibility = GradescopeVisibility::kHidden;
  AtomicWriteOptions write;
};

std::unique_ptr<FileReporter> MakeFileReporter(const OutputSpec& spec, const OutputContext& context);
std::vector<std::unique_ptr<FileReporter>> MakeFileReporters(const std::vector<OutputSpec>& specs,
                                                             const OutputContext& context);

}  // namespace raftlab
