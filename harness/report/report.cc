// ReporterList, Summarize, RerunCommand (see report.h).
#include "harness/report/report.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

namespace raftlab {

void ReporterList::RunStart(const RunInfo& info) {
  for (Reporter* r : reporters_) r->RunStart(info);
}
void ReporterList::TestStart(const TestSpec& spec, int repetition, uint64_t seed) {
  for (Reporter* r : reporters_) r->TestStart(spec, repetition, seed);
}
void ReporterList::TestLine(const TestSpec& spec, std::string_view line) {
  for (Reporter* r : reporters_) r->TestLine(spec, line);
}
void ReporterList::TestEnd(const TestSpec& spec, const TestResult& result) {
  for (Reporter* r : reporters_) r->TestEnd(spec, result);
}
void ReporterList::RunEnd(const RunSummary& summary) {
  for (Reporter* r : reporters_) r->RunEnd(summary);
}

RunSummary Summarize(const Catalogue& catalogue, const std::vector<const TestSpec*>& selected,
                     const std::vector<TestResult>& results, double wall_s, uint64_t base_seed) {
  RunSummary s;
  s.wall_s = wall_s;
  s.base_seed = base_seed;
  struct Tally {
    int runs = 0, passed = 0, skipped = 0;
  };
  std::map<std::string, Tally> by_test;
  for (const TestResult& r : results) {
    Tally& t = by_test[r.test];
    ++t.runs;
    ++s.runs;
    s.cpu_s += r.cpu_s();
    if (r.verdict == Verdict::kPass) {
      ++t.passed;
      ++s.runs_passed;
    } else if (r.verdict == Verdict::kSkip) {
      ++t.skipped;
      ++s.runs_skipped;
    } else {
      ++s.runs_failed;
      if (std::find(s.failed_tests.begin(), s.failed_tests.end(), r.test) == s.failed_tests.end()) {
        s.failed_tests.push_back(r.test);
      }
    }
  }
  s.tests = SummarizeTests(selected, results);
  for (const PartSpec& p : catalogue.parts) {
    PartSummary ps;
    ps.part = p.part;
    ps.name = p.name;
    for (const TestSpec* spec : selected) {
      if (spec->part != p.part) continue;
      ++ps.tests;
      ps.points_possible += spec->points;
      auto it = by_test.find(spec->name);
      if (it == by_test.end() || it->second.runs == 0) continue;  // not run (stopped early)
      const Tally& t = it->second;
      if (t.skipped == t.runs) {
        ++ps.tests_skipped;
      } else if (t.passed + t.skipped == t.runs) {
        ++ps.tests_passed;
        ps.points_earned += spec->points;
      } else {
        ++ps.tests_failed;
      }
    }
    if (ps.tests == 0) continue;
    s.points_earned += ps.points_earned;
    s.points_possible += ps.points_possible;
    s.parts.push_back(std::move(ps));
  }
  return s;
}

std::vector<TestSummary> SummarizeTests(const std::vector<const TestSpec*>& selected,
                                        const std::vector<TestResult>& results) {
  std::vector<TestSummary> out;
  for (const TestSpec* spec : selected) {
    std::vector<const TestResult*> runs;
    for (const TestResult& r : results) {
      if (r.test == spec->name) runs.push_back(&r);
    }
    if (runs.empty()) continue;
    std::sort(runs.begin(), runs.end(),
              [](const TestResult* a, const TestResult* b) { return a->repetition < b->repetition; });
    TestSummary t;
    t.test = spec->name;
    t.part = spec->part;
    // Welford's online mean and variance.
    double mean = 0, m2 = 0, rpcs = 0;
    int with_figures = 0;
    for (const TestResult* r : runs) {
      const double time_s = r->duration_s > 0 ? r->duration_s : r->wall_s;
      ++t.runs;
      const double delta = time_s - mean;
      mean += delta / t.runs;
      m2 += delta * (time_s - mean);
      t.min_s = t.runs == 1 ? time_s : std::min(t.min_s, time_s);
      t.max_s = t.runs == 1 ? time_s : std::max(t.max_s, time_s);
      if (r->has_figures) {
        ++with_figures;
        rpcs += static_cast<double>(r->figures.rpcs);
      }
      if (r->verdict == Verdict::kPass) {
        ++t.passed;
      } else if (r->verdict == Verdict::kSkip) {
        ++t.skipped;
      } else {
        if (t.failures.empty()) {
          t.first_failure.test = r->test;
          t.first_failure.part = r->part;
          t.first_failure.repetition = r->repetition;
          t.first_failure.base_seed = r->base_seed;
          t.first_failure.seed = r->seed;
          t.first_failure.verdict = r->verdict;
        }
        ++t.failed;
        t.failures.push_back({r->repetition, r->seed, r->verdict});
      }
    }
    t.mean_s = mean;
    t.stddev_s = t.runs > 1 ? std::sqrt(m2 / (t.runs - 1)) : 0;  // sample standard deviation
    t.has_rpcs = with_figures > 0;
    t.mean_rpcs = with_figures > 0 ? rpcs / with_figures : 0;
    out.push_back(std::move(t));
  }
  return out;
}

std::string ShellQuote(const std::string& s) {
  const bool plain = !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("-_./=:,+@%").find(c) != std::string_view::npos;
  });
  if (plain) return s;
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string RerunCommand(const std::string& rerun_prefix, const TestResult& r) {
  std::string cmd = fmt::format("{} --filter {} --seed {}", rerun_prefix, ShellQuote("^" + r.test + "$"), r.base_seed);
  if (r.repetition != 0) cmd += fmt::format(" --repetition {}", r.repetition);
  return cmd;
}

}  // namespace raftlab
