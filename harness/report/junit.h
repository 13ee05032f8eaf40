// JunitReporter: `--output junit:PATH`, JUnit XML as CI systems (GitLab,
// Jenkins) read it, rewritten atomically after every test end so that an
// interrupted run leaves a well-formed file holding every finished run.
//
//   <testsuites name="raftlab" tests= failures= errors= skipped= time=>
//     <testsuite name="part 1: leader election" tests= failures= errors= skipped= time= timestamp=>
//       <properties> base_seed, plugin, config, labtest_version, command_line,
//                    state (running, finished, interrupted (signal N), stopped at the first failure) </properties>
//       <testcase classname="raftlab.part1" name="3A-initial-election[#rep]" time="wall_s">
//         kFail                          -> <failure message= type="fail">details</failure>
//         kTimeout/kCrash/kCpuLimit/kError -> <error message= type="timeout|crash|cpu-limit|error">
//         kSkip                          -> <skipped message=/>
//         <system-out> seed, rerun command, figures; for a failed run the log tail </system-out>
//         <system-err> a crashed run's stderr tail </system-err>
//
// "#rep" (the 0-based repetition, as `--repetition` takes it) is added when a
// test runs more than once, since GitLab keeps only the first of equal names.
// Counts and times are consistent: a suite's are the sums over its cases,
// the root's the sums over its suites (times in whole milliseconds).
// Essentials are in element bodies as well as in message= (older GitLab
// ignored the attribute). No CDATA: all text is escaped, and text that XML
// 1.0 cannot hold (control characters, invalid UTF-8) is replaced first.
//
// Thread safety and ownership: as FileReporter; copies the plan and options.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "harness/report/atomic_file.h"
#include "harness/report/book.h"

namespace raftlab {

struct JunitReportOptions {
  RunMetadata meta;
  AtomicWriteOptions write;
  size_t max_log_lines = 40;             // of a failed run's log tail in <system-out>
  size_t max_detail_chars = 64 * 1024;   // of a failure's or error's body (stack dumps)
  // Appended to every <testsuite> name and to the classname "raftlab.partN":
  // grade.sh puts the simulated runs beside the real-time ones as suites of
  // their own (" (simulated time)", ".sim"; harness/grade/sim_merge.h).
  std::string suite_suffix;
  std::string classname_suffix;
};

class JunitReporter final : public FileReporter {
 public:
  JunitReporter(std::string path, ReportPlan plan, JunitReportOptions options);

  std::string_view format_name() const override { return "junit"; }
  void RunStart(const RunInfo& info) override;
  void TestEnd(const TestSpec& spec, const TestResult& result) override;
  void RunEnd(const RunSummary& summary) override;

  // The document as it would be written now.
  std::string Document() const;

 private:
  std::string TestCase(const TestResult& r) const;

  JunitReportOptions options_;
  ResultBook book_;
  RunInfo info_;
  bool finished_ = false;
  std::string end_state_;  // the "state" property once finished
  // (test, repetition) -> its <testcase> element, built once.
  std::map<std::pair<std::string, int>, std::string> cases_;
};

// Escapes for XML 1.0 after SanitizeText: & < > in text; also " ' and
// tab/newline/CR as character references in attribute values (so parsers do
// not normalise them to spaces).
std::string XmlText(std::string_view s);
std::string XmlAttribute(std::string_view s);

}  // namespace raftlab
