// Shared fixtures of the tests of the simulated column (grade.sh
// --sim-seeds; harness/grade/sim_column.h, sim_merge.h, grades_json.h,
// grade_collect.h): simulated runs, the records grade.sh's sim/ folder
// reads back as, and labtest's results.json of simulated runs.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "harness/grade/grade_collect.h"
#include "harness/report/json.h"
#include "tests/harness/report/files_test_util.h"

namespace raftlab::testing_sim {

// What labtest --sim's rerun commands start with when grade.sh runs it in
// the student's folder.
inline constexpr char kSimPrefix[] = "labtest --plugin libraft.so -f raft_lab_test.yml --sim";
// labtest's refusal of a plugin that starts its own threads (no comma, so
// that a CSV field holding it stays unquoted).
inline constexpr char kRefusal[] =
    "labtest --sim: cannot simulate libraft.so: it starts threads (pthread_create) outside the host services";

// `seeds` passing simulated runs of every planned test, in plan order then
// by repetition (as labtest's results.json lists them).
inline std::vector<TestResult> SimPassing(const ReportPlan& plan, int seeds) {
  std::vector<TestResult> runs;
  for (const PlannedTest& t : plan.tests) {
    for (int rep = 0; rep < seeds; ++rep) {
      TestResult r = testing_reports::MakeRun(plan, t.name, Verdict::kPass, rep);
      r.simulated = true;
      runs.push_back(r);
    }
  }
  return runs;
}

// A record of simulated runs that ran (2 seeds), each with its rerun command.
inline SimRecord SimRan(std::vector<TestResult> runs) {
  SimRecord s;
  s.state = SimState::kRan;
  s.seeds = 2;
  for (const TestResult& r : runs) s.replay[{r.test, r.repetition}] = RerunCommand(kSimPrefix, r);
  s.runs = std::move(runs);
  s.info = testing_reports::SampleInfo(2);
  s.info.plugin_path = "libraft.so";
  s.info.rerun_prefix = kSimPrefix;
  s.info.sim = true;
  return s;
}

// A plugin labtest refused under --sim.
inline SimRecord NotReady() {
  SimRecord s;
  s.state = SimState::kNotReady;
  s.seeds = 2;
  s.reason = kRefusal;
  return s;
}

inline StudentRecord GradedSim(const std::string& name, std::vector<TestResult> runs, SimRecord sim) {
  StudentRecord r;
  r.name = name;
  r.outcome = StudentOutcome::kGraded;
  r.runs = std::move(runs);
  r.sim = std::move(sim);
  return r;
}

// labtest --sim --repeat 2's results.json holding `runs`, made by the real
// JsonReporter (writing its scratch copy to `scratch_path`).
inline std::string SimResultsJson(const ReportPlan& plan, const std::vector<TestResult>& runs,
                                  const std::string& scratch_path) {
  JsonReportOptions o;
  o.meta = testing_reports::SampleMeta();
  JsonReporter rep(scratch_path, plan, o);
  RunInfo info = testing_reports::SampleInfo(2);
  info.rerun_prefix = kSimPrefix;
  info.sim = true;
  rep.RunStart(info);
  for (const TestResult& r : runs) rep.TestEnd(testing_reports::Spec(plan, r.test), r);
  rep.RunEnd(RunSummary{});
  return rep.Document();
}

}  // namespace raftlab::testing_sim
