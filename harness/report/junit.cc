// JunitReporter (see report_junit.h).
#include "harness/report/junit.h"

#include <cmath>

#include <fmt/format.h>

namespace raftlab {
namespace {

// Times are summed in whole milliseconds so that every total equals the sum
// of the figures printed beneath it.
int64_t WholeMs(double s) { return s > 0 ? static_cast<int64_t>(std::llround(s * 1000)) : 0; }
std::string Seconds(int64_t ms) { return fmt::format("{}.{:03}", ms / 1000, ms % 1000); }

std::string Escape(std::string_view raw, bool attribute) {
  const std::string s = SanitizeText(raw);
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;  // also keeps "]]>" out of character data
      case '"': out += attribute ? "&quot;" : "\""; break;
      case '\'': out += attribute ? "&apos;" : "'"; break;
      case '\t': out += attribute ? "&#9;" : "\t"; break;
      case '\n': out += attribute ? "&#10;" : "\n"; break;
      case '\r': out += "&#13;"; break;  // a raw CR would be read back as LF
      default: out += c;
    }
  }
  return out;
}

// At most `max` bytes of `s`, cut at a line end when one is near, with a note.
std::string Cap(const std::string& s, size_t max) {
  if (s.size() <= max) return s;
  size_t cut = s.rfind('\n', max);
  if (cut == std::string::npos || cut < max / 2) cut = max;
  return s.substr(0, cut) + fmt::format("\n[... {} more bytes cut]", s.size() - cut);
}

struct Counts {
  int tests = 0, failures = 0, errors = 0, skipped = 0;
  int64_t ms = 0;
  void Add(const TestResult& r) {
    ++tests;
    ms += WholeMs(r.wall_s);
    if (r.verdict == Verdict::kFail) {
      ++failures;
    } else if (r.verdict == Verdict::kSkip) {
      ++skipped;
    } else if (r.verdict != Verdict::kPass) {
      ++errors;
    }
  }
  void Add(const Counts& c) {
    tests += c.tests, failures += c.failures, errors += c.errors, skipped += c.skipped, ms += c.ms;
  }
  std::string Attributes() const {
    return fmt::format("tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{}\"", tests, failures,
                       errors, skipped, Seconds(ms));
  }
};

}  // namespace

std::string XmlText(std::string_view s) { return Escape(s, false); }
std::string XmlAttribute(std::string_view s) { return Escape(s, true); }

JunitReporter::JunitReporter(std::string path, ReportPlan plan, JunitReportOptions options)
    : FileReporter(std::move(path), options.write),
      options_(std::move(options)),
      book_(std::move(plan), ScoringPolicy::kAllOrNothing) {}

void JunitReporter::RunStart(const RunInfo& info) {
  info_ = info;
  book_.SetRunsPerTest(info.repeat);
  Refresh([this] { return Document(); });
}

void JunitReporter::TestEnd(const TestSpec& spec, const TestResult& result) {
  book_.Add(spec, result);
  TestResult r = result;
  if (r.test.empty()) r.test = spec.name;
  cases_[{r.test, r.repetition}] = TestCase(r);
  Refresh([this] { return Document(); });
}

void JunitReporter::RunEnd(const RunSummary& summary) {
  finished_ = true;
  end_state_ = summary.interrupted          ? fmt::format("interrupted (signal {})", summary.interrupt_signal)
               : summary.stopped_by_failure ? "stopped at the first failure (--fail-fast)"
                                            : "finished";
  Refresh([this] { return Document(); }, /*final=*/true);
}

std::string JunitReporter::TestCase(const TestResult& r) const {
  const bool repeated = book_.plan().runs_per_test > 1 || r.repetition != 0;
  const std::string name = repeated ? fmt::format("{}#{}", r.test, r.repetition) : r.test;
  std::string x = fmt::format("    <testcase classname=\"raftlab.part{}{}\" name=\"{}\" time=\"{}\">\n", r.part,
                              XmlAttribute(options_.classname_suffix), XmlAttribute(name),
                              Seconds(WholeMs(r.wall_s)));
  const std::string reason = RunReason(r);
  if (r.verdict == Verdict::kSkip) {
    x += fmt::format("      <skipped message=\"{}\"/>\n", XmlAttribute(r.message));
  } else if (r.verdict != Verdict::kPass) {
    std::string detail = r.message;
    if (!r.hang_analysis.empty()) detail += "\n\nWhat the threads were doing:\n" + r.hang_analysis;
    if (!r.stack_dump.empty()) detail += "\n\nStacks:\n" + r.stack_dump;
    const bool failure = r.verdict == Verdict::kFail;
    x += fmt::format("      <{} message=\"{}\" type=\"{}\">{}</{}>\n", failure ? "failure" : "error",
                     XmlAttribute(reason), VerdictName(r.verdict), XmlText(Cap(detail, options_.max_detail_chars)),
                     failure ? "failure" : "error");
  }

  std::string out = fmt::format("seed: {} (repetition {}, run seed {})\nrerun: {}\n", r.base_seed, r.repetition,
                                r.seed, RerunCommand(info_.rerun_prefix, r));
  if (r.has_figures) {
    out += fmt::format("figures: {} peers, {} RPCs, {} bytes, {} commands, {} ops\n", r.figures.peers, r.figures.rpcs,
                       r.figures.bytes, r.figures.commands, r.figures.ops);
  }
  out += fmt::format("cpu: {:.3f} s, max rss: {} KiB\n", r.cpu_s(), r.max_rss_kb);
  if (!IsSuccess(r.verdict)) {
    if (!r.output_dir.empty()) out += fmt::format("files: {}\n", r.output_dir);
    const std::vector<std::string> tail = LastLines(r.log_tail, options_.max_log_lines);
    if (!tail.empty()) {
      out += fmt::format("last {} of {} log lines:\n", tail.size(), r.log_lines);
      for (const std::string& l : tail) out += l + "\n";
    }
  }
  x += fmt::format("      <system-out>{}</system-out>\n", XmlText(out));
  if (!r.stderr_tail.empty()) {
    std::string err;
    for (const std::string& l : r.stderr_tail) err += l + "\n";
    x += fmt::format("      <system-err>{}</system-err>\n", XmlText(Cap(err, options_.max_detail_chars)));
  }
  x += "    </testcase>\n";
  return x;
}

std::string JunitReporter::Document() const {
  const std::vector<TestScore> scores = book_.Scores();
  const ReportPlan& plan = book_.plan();
  std::string props = "    <properties>\n";
  const auto prop = [&](std::string_view name, const std::string& value) {
    props += fmt::format("      <property name=\"{}\" value=\"{}\"/>\n", name, XmlAttribute(value));
  };
  prop("base_seed", std::to_string(info_.base_seed));
  prop("plugin", info_.plugin_name + " " + info_.plugin_version + " (" + info_.plugin_path + ")");
  prop("config", info_.config_path);
  prop("labtest_version", options_.meta.labtest_version);
  prop("command_line", JoinCommandLine(options_.meta.command_line));
  prop("state", finished_ ? end_state_ : "running");
  props += "    </properties>\n";

  Counts root;
  std::string suites;
  for (const PlannedPart& part : plan.parts) {
    Counts c;
    std::string cases;
    for (const TestScore& s : scores) {
      if (s.test->part != part.part) continue;
      for (const TestResult* r : s.runs) {
        auto it = cases_.find({s.test->name, r->repetition});
        if (it == cases_.end()) continue;
        c.Add(*r);
        cases += it->second;
      }
    }
    if (c.tests == 0) continue;  // nothing of this part has finished yet
    root.Add(c);
    const std::string suite_name =
        (part.name.empty() ? fmt::format("part {}", part.part) : fmt::format("part {}: {}", part.part, part.name)) +
        options_.suite_suffix;
    const std::string timestamp = options_.meta.start_time.empty()
                                      ? ""
                                      : fmt::format(" timestamp=\"{}\"", XmlAttribute(options_.meta.start_time));
    suites += fmt::format("  <testsuite name=\"{}\" {}{}>\n", XmlAttribute(suite_name), c.Attributes(), timestamp);
    suites += props;
    suites += cases;
    suites += "  </testsuite>\n";
  }
  return fmt::format("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"raftlab\" {}>\n{}</testsuites>\n",
                     root.Attributes(), suites);
}

}  // namespace raftlab
