// Calibrate, CalibrationJson (see calibration.h).
#include "harness/grade/calibration.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace raftlab {
namespace {

// The runs of the plan's tests, scored all-or-nothing (a calibration wants
// every run of the reference to pass).
ResultBook AllOrNothingBook(const ReportPlan& plan, const std::vector<TestResult>& runs) {
  ResultBook book(plan, ScoringPolicy::kAllOrNothing);
  for (const TestResult& r : runs) {
    if (const PlannedTest* t = plan.FindTest(r.test)) {
      TestSpec spec;
      spec.name = t->name;
      spec.part = t->part;
      spec.points = t->points;
      book.Add(spec, r);
    }
  }
  return book;
}

// The reference under simulated time: every one of its N seeds per test
// must pass, or the simulated column would take points from correct Rafts.
void CheckSimulated(const CalibrationInput& in, CalibrationReport* rep) {
  if (in.sim_labtest_exit != 0 && in.sim_labtest_exit != 1) {
    rep->problems.push_back(fmt::format(
        "the reference's simulated run did not complete (labtest --sim exited with {}{}); see sim/labtest.log",
        in.sim_labtest_exit, in.sim_labtest_exit == 2 ? ": it refused the plugin, or an option" : ""));
    return;
  }
  ReportPlan plan = in.plan;
  for (PlannedTest& t : plan.tests) t.runs = in.sim_seeds;
  const ResultBook book = AllOrNothingBook(plan, in.sim_runs);
  std::string why;
  for (const TestScore& s : book.Scores()) {
    if (s.state == TestState::kPassed || s.state == TestState::kSkipped) continue;
    rep->sim_failed_tests.push_back(s.test->name);
    for (const TestResult* r : s.runs) {
      if (why.empty() && !IsSuccess(r->verdict)) {
        why = fmt::format(" (first: {} seed {}: {})", s.test->name, r->seed, RunReason(*r));
      }
    }
    if (why.empty()) why = fmt::format(" (first: {}: {} of {} runs done)", s.test->name, s.runs.size(), in.sim_seeds);
  }
  if (!rep->sim_failed_tests.empty()) {
    rep->problems.push_back(fmt::format(
        "under simulated time the reference did not pass {} of {} test(s) in {} seeds{}: the simulated column "
        "would take points from correct Rafts (a harness bug: report it)",
        rep->sim_failed_tests.size(), in.plan.tests.size(), in.sim_seeds, why));
  }
}

}  // namespace

CalibrationReport Calibrate(const CalibrationInput& in) {
  CalibrationReport rep;
  if (in.labtest_exit != 0 && in.labtest_exit != 1) {
    rep.problems.push_back(fmt::format(
        "the reference run did not complete (labtest exited with {}); see its labtest.log", in.labtest_exit));
  }
  const ResultBook book = AllOrNothingBook(in.plan, in.runs);
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

  if (in.sim_seeds > 0) CheckSimulated(in, &rep);

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
      {"sim", in.sim_seeds > 0 ? json{{"seeds", in.sim_seeds},
                                      {"labtest_exit", in.sim_labtest_exit},
                                      {"runs", in.sim_runs.size()},
                                      {"failed_tests", rep.sim_failed_tests}}
                               : json(nullptr)},
  };
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace raftlab
