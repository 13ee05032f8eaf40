// Reports for a submission that never reached a test: it did not build, or
// its .so fails labtest's load or ABI checks. grade.sh writes the same three
// files it writes for a graded student (results.json, junit.xml,
// gradescope.json), each scoring every planned test 0 and carrying the first
// error of the build log (or labtest's load error), so that a Gradescope
// upload or a CI dashboard has no hole exactly where a student most needs
// feedback. Written by `raftlab-grade-collect --not-run` (grade_collect_main.cc).
//
// The documents:
//   results.json     format "raftlab-run" as labtest writes it (json.h), with
//                    "state": "not-run", an empty "tests" array, every test
//                    "state": "not-run" and earned 0 in the summary, and
//                    "not_run": {"outcome", "reason", "first_error"}.
//   junit.xml        the JUnit dialect of junit.h: per part a <testsuite>,
//                    per test one <testcase> holding an <error type="build-failed"
//                    | "load-failed"> whose message is the reason and whose
//                    body is the first error. docs/junit.xsd holds both.
//   gradescope.json  Gradescope's results.json (gradescope.h): score 0, every
//                    test 0 of its points with status "failed"; the top-level
//                    "output" has the reason and the first error, each test's
//                    "output" the reason and the first error's first line.
//
// Text given here is the student's to see: the caller removes the grader's
// paths first (ReplacePrefixes).
//
// Thread safety: pure functions. Ownership: by value.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "harness/report/book.h"

namespace raftlab {

struct NotRunSubmission {
  std::string outcome;      // "build-failed" or "load-failed" (StudentOutcomeName)
  std::string reason;       // one line: "the submission did not build"
  std::string first_error;  // FirstBuildError's excerpt, or labtest's load error; may be ""
};

// The first error of a build log (GCC/Clang "error:", "fatal error:", CMake
// "CMake Error", a linker's "undefined reference"/"ld returned", make's
// "***") with up to `context_lines` lines after it; when no line looks like an
// error, the last `context_lines` lines. Lines longer than 300 bytes are cut.
std::string FirstBuildError(std::string_view log, size_t context_lines = 15);

// `text` with every occurrence of each `from` replaced by its `to`, longest
// `from` first (so a folder inside another is matched before its parent).
// Empty `from`s are ignored.
std::string ReplacePrefixes(std::string_view text, std::vector<std::pair<std::string, std::string>> map);

std::string NotRunResultsJson(const ReportPlan& plan, ScoringPolicy policy, const NotRunSubmission& s,
                              const RunMetadata& meta);
std::string NotRunJunit(const ReportPlan& plan, const NotRunSubmission& s, const RunMetadata& meta);
std::string NotRunGradescope(const ReportPlan& plan, const NotRunSubmission& s, const RunMetadata& meta);

}  // namespace raftlab
