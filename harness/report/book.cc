// ResultBook, scoring and the text helpers the file reporters share (see report_book.h).
#include "harness/report/book.h"

#include <algorithm>

#include <fmt/format.h>

#include "harness/report/report.h"

namespace raftlab {

std::string_view ScoringPolicyName(ScoringPolicy p) {
  return p == ScoringPolicy::kPassRate ? "pass-rate" : "all-or-nothing";
}

StatusOr<ScoringPolicy> ParseScoringPolicy(std::string_view name) {
  if (name == "all-or-nothing") return ScoringPolicy::kAllOrNothing;
  if (name == "pass-rate") return ScoringPolicy::kPassRate;
  return Status::InvalidArgument(
      fmt::format("unknown scoring policy '{}' (use all-or-nothing or pass-rate)", name));
}

const PlannedTest* ReportPlan::FindTest(std::string_view name) const {
  for (const PlannedTest& t : tests) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

std::string ReportPlan::PartName(int part) const {
  for (const PlannedPart& p : parts) {
    if (p.part == part) return p.name;
  }
  return "";
}

ReportPlan MakeReportPlan(const Catalogue& catalogue, const std::vector<const TestSpec*>& selected) {
  ReportPlan plan;
  for (const PartSpec& p : catalogue.parts) {
    bool any = false;
    for (const TestSpec* t : selected) {
      if (t->part != p.part) continue;
      any = true;
      plan.tests.push_back({t->name, t->part, t->description, t->points});
      plan.tests.back().checks = t->checks;
    }
    if (any) plan.parts.push_back({p.part, p.name});
  }
  return plan;
}

std::string FormatUtcTimestamp(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::string JoinCommandLine(const std::vector<std::string>& argv) {
  std::string out;
  for (const std::string& a : argv) {
    if (!out.empty()) out += ' ';
    out += ShellQuote(a);
  }
  return out;
}

std::string_view TestStateName(TestState s) {
  switch (s) {
    case TestState::kNotRun: return "not-run";
    case TestState::kIncomplete: return "incomplete";
    case TestState::kPassed: return "passed";
    case TestState::kFailed: return "failed";
    case TestState::kSkipped: return "skipped";
  }
  return "not-run";
}

size_t ReportPlan::PlannedRuns() const {
  size_t runs = 0;
  for (const PlannedTest& t : tests) runs += static_cast<size_t>(t.runs > 0 ? t.runs : runs_per_test);
  return runs;
}

ResultBook::ResultBook(ReportPlan plan, ScoringPolicy policy) : plan_(std::move(plan)), policy_(policy) {
  if (plan_.runs_per_test < 1) plan_.runs_per_test = 1;
}

void ResultBook::Add(const TestSpec& spec, const TestResult& r) {
  const std::string& name = r.test.empty() ? spec.name : r.test;
  if (plan_.FindTest(name) == nullptr) {
    plan_.tests.push_back({name, spec.part, spec.description, spec.points});
    plan_.tests.back().checks = spec.checks;
    const bool known_part = std::any_of(plan_.parts.begin(), plan_.parts.end(),
                                        [&](const PlannedPart& p) { return p.part == spec.part; });
    if (!known_part) plan_.parts.push_back({spec.part, ""});
  }
  results_[name][r.repetition] = r;
  if (r.test.empty()) results_[name][r.repetition].test = name;
}

std::vector<TestScore> ResultBook::Scores() const {
  std::vector<TestScore> scores;
  scores.reserve(plan_.tests.size());
  for (const PlannedTest& t : plan_.tests) {
    TestScore s;
    s.test = &t;
    if (auto it = results_.find(t.name); it != results_.end()) {
      for (const auto& [rep, r] : it->second) s.runs.push_back(&r);
    }
    const int runs = static_cast<int>(s.runs.size());
    s.expected_runs = std::max(t.runs > 0 ? t.runs : plan_.runs_per_test, runs);
    for (const TestResult* r : s.runs) {
      if (r->verdict == Verdict::kPass) {
        ++s.passed;
      } else if (r->verdict == Verdict::kSkip) {
        ++s.skipped;
      } else {
        ++s.failed;
      }
    }
    if (runs == 0) {
      s.state = TestState::kNotRun;
    } else if (s.failed > 0) {
      s.state = TestState::kFailed;
    } else if (s.skipped == runs) {
      s.state = TestState::kSkipped;
    } else if (runs < s.expected_runs) {
      s.state = TestState::kIncomplete;
    } else {
      s.state = TestState::kPassed;
    }
    // All runs skipped earns nothing; otherwise a skip counts as a pass.
    const int good = s.skipped == runs ? 0 : s.passed + s.skipped;
    if (policy_ == ScoringPolicy::kAllOrNothing) {
      s.earned = s.state == TestState::kPassed ? t.points : 0;
    } else {
      s.earned = t.points * good / s.expected_runs;
    }
    scores.push_back(std::move(s));
  }
  return scores;
}

std::vector<PartScore> ResultBook::Parts(const std::vector<TestScore>& scores) const {
  std::vector<PartScore> parts;
  for (const PlannedPart& p : plan_.parts) {
    PartScore ps;
    ps.part = p.part;
    ps.name = p.name;
    for (const TestScore& s : scores) {
      if (s.test->part != p.part) continue;
      ++ps.tests;
      ps.points_possible += s.test->points;
      ps.points_earned += s.earned;
      switch (s.state) {
        case TestState::kPassed: ++ps.tests_passed; break;
        case TestState::kFailed: ++ps.tests_failed; break;
        case TestState::kSkipped: ++ps.tests_skipped; break;
        case TestState::kNotRun:
        case TestState::kIncomplete: ++ps.tests_not_run; break;
      }
    }
    if (ps.tests > 0) parts.push_back(std::move(ps));
  }
  return parts;
}

BookTotals ResultBook::Totals(const std::vector<TestScore>& scores) const {
  BookTotals t;
  for (const TestScore& s : scores) {
    ++t.tests;
    t.points_possible += s.test->points;
    t.points_earned += s.earned;
    t.runs += static_cast<int>(s.runs.size());
    t.runs_passed += s.passed;
    t.runs_failed += s.failed;
    t.runs_skipped += s.skipped;
    for (const TestResult* r : s.runs) {
      t.run_wall_s += r->wall_s;
      t.cpu_s += r->cpu_s();
    }
    switch (s.state) {
      case TestState::kPassed: ++t.tests_passed; break;
      case TestState::kFailed: ++t.tests_failed; break;
      case TestState::kSkipped: ++t.tests_skipped; break;
      case TestState::kNotRun:
      case TestState::kIncomplete: ++t.tests_not_run; break;
    }
  }
  return t;
}

std::string RunReason(const TestResult& r) {
  if (r.verdict == Verdict::kPass) return "";
  std::string_view msg = r.message;
  msg = msg.substr(0, msg.find('\n'));
  if (msg.empty()) return std::string(VerdictName(r.verdict));
  return fmt::format("{}: {}", VerdictName(r.verdict), msg);
}

namespace {

// Length of the valid UTF-8 sequence at s[i] and its code point, or 0.
size_t DecodeUtf8(std::string_view s, size_t i, char32_t* cp) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  size_t len;
  char32_t min;
  if (c < 0x80) {
    *cp = c;
    return 1;
  } else if ((c & 0xE0) == 0xC0) {
    len = 2, min = 0x80, *cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3, min = 0x800, *cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4, min = 0x10000, *cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    *cp = (*cp << 6) | (b(i + k) & 0x3F);
  }
  // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
  if (*cp < min || *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF)) return 0;
  return len;
}

}  // namespace

std::string SanitizeText(std::string_view s) {
  static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    char32_t cp = 0;
    const size_t len = DecodeUtf8(s, i, &cp);
    if (len == 0) {
      out += kReplacement;
      ++i;
      continue;
    }
    if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0x7F) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned>(cp));
    } else if (cp == 0xFFFE || cp == 0xFFFF) {
      out += kReplacement;
    } else {
      out.append(s.substr(i, len));
    }
    i += len;
  }
  return out;
}

std::vector<std::string> LastLines(const std::vector<std::string>& lines, size_t max_lines) {
  if (lines.size() <= max_lines) return lines;
  return {lines.end() - static_cast<std::ptrdiff_t>(max_lines), lines.end()};
}

}  // namespace raftlab
