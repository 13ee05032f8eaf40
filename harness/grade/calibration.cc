// Calibrate, CalibrationJson (see calibration.h).
#include "harness/grade/calibration.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace raftlab {

CalibrationReport Calibrate(const CalibrationInput& in) {
  CalibrationReport rep;
  if (in.labtest_exit != 0 && in.labtest_exit != 1) {
    rep.problems.push_back(fmt::format(
        "the reference run did not complete (labtest exited with {}); see its labtest.log", in.labtest_exit));
  }
  ResultBook book(in.plan, ScoringPolicy::kAllOrNothing);
  for (const TestResult& r : in.runs) {
    if (const PlannedTest* t = in.plan.FindTest(r.test)) {
      TestSpec spec;
      spec.name = t->name;
      spec.part = t->part;
      spec.points = t->points;
      book.Add(spec, r);
    }
  }
  std::string why;
  for (const TestScore& s : book.Scores()) {
    if (s.state == TestState::kPassed || s.state == TestState::kSkipped) continue;
    rep.failed_tests.push_back(s.test->name);
    if (why.empty()) {
      for (const TestResult* r : s.runs) {
        if (!IsSuccess(r->verdict)) {
          why = fmt::format(" (first: {}: {})", s.test->name, RunReason(*r));
          break;
        }
      }
    }
  }
  if (!rep.failed_tests.empty() && in.labtest_exit <= 1) {
    rep.problems.push_back(fmt::format(
        "the reference did not pass {} of {} test(s){}: on this machine even a correct Raft fails, so "
        "students would lose points unfairly (machine too loaded, or broken)",
        rep.failed_tests.size(), in.plan.tests.size(), why));
  }

  if (in.baseline == nullptr) {
    rep.notes.push_back("no reference baseline: the timing check was skipped (record one with "
                        "`grade.sh --out DIR --record-baseline` on this machine)");
  } else {
    for (const TestResult& r : in.runs) {
      if (r.verdict != Verdict::kPass || in.plan.FindTest(r.test) == nullptr) continue;
      const BaselineEntry* e = in.baseline->Find(r.test);
      if (e == nullptr || e->time_s <= 0) continue;
      rep.measured_s += r.duration_s > 0 ? r.duration_s : r.wall_s;
      rep.expected_s += e->time_s;
      ++rep.runs_compared;
    }
    if (rep.runs_compared == 0) {
      rep.notes.push_back("the baseline has none of the graded tests: the timing check was skipped");
    } else if (rep.measured_s > in.max_slowdown * rep.expected_s &&
               rep.measured_s > rep.expected_s + in.min_excess_s) {
      rep.problems.push_back(fmt::format(
          "the reference took {:.1f} s where its baseline says {:.1f} s ({:.1f}x; the limit is {:g}x): the machine "
          "is too loaded to grade timing-sensitive tests fairly",
          rep.measured_s, rep.expected_s, rep.measured_s / rep.expected_s, in.max_slowdown));
    }
  }
  rep.ok = rep.problems.empty();
  return rep;
}

std::string CalibrationJson(const CalibrationInput& in, const CalibrationReport& rep) {
  using json = nlohmann::json;
  json j = {
      {"format", "raftlab-calibration"},
      {"format_version", 1},
      {"verdict", rep.ok ? "ok" : "refused"},
      {"problems", rep.problems},
      {"notes", rep.notes},
      {"failed_tests", rep.failed_tests},
      {"labtest_exit", in.labtest_exit},
      {"measured_s", rep.measured_s},
      {"expected_s", rep.expected_s},
      {"slowdown", rep.runs_compared > 0 ? json(rep.measured_s / rep.expected_s) : json(nullptr)},
      {"max_slowdown", in.max_slowdown},
      {"min_excess_s", in.min_excess_s},
      {"runs_compared", rep.runs_compared},
      {"runs", in.runs.size()},
  };
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace raftlab
