// grades.json (see grades_json.h). nlohmann exceptions stop in this file.
#include "harness/grade/grades_json.h"

#include <cmath>

#include <nlohmann/json.hpp>

namespace raftlab {
namespace {

using json = nlohmann::ordered_json;

double Round2(double x) { return std::round(x * 100) / 100; }

json SimTestJson(const SimTestColumn& c) {
  if (c.state == SimState::kOff) return nullptr;
  json failing = json::array();
  for (const SimFailure& f : c.failures) {
    failing.push_back(json{{"repetition", f.repetition},
                           {"base_seed", f.base_seed},
                           {"seed", f.seed},
                           {"reason", SanitizeText(f.reason)},
                           {"replay", SanitizeText(f.replay)}});
  }
  return json{{"state", std::string(SimStateName(c.state))},
              {"passed", c.passed + c.skipped},
              {"runs", c.runs},
              {"failed", c.failed},
              {"skipped", c.skipped},
              {"expected", c.expected},
              {"not_ready", SanitizeText(c.not_ready)},
              {"failing", std::move(failing)}};
}

}  // namespace

std::string GradesJson(const GradeTable& table) {
  json tests = json::array();
  for (const PlannedTest& t : table.plan.tests) {
    tests.push_back(json{{"test", t.name},
                         {"part", t.part},
                         {"points", t.points},
                         {"runs", t.runs > 0 ? t.runs : table.plan.runs_per_test}});
  }
  json students = json::array();
  for (const StudentGrade& g : table.rows) {
    json parts = json::array();
    for (size_t p = 0; p < table.plan.parts.size() && p < g.parts.size(); ++p) {
      parts.push_back(json{{"part", table.plan.parts[p].part}, {"earned", Round2(g.parts[p])}});
    }
    json per_test = json::array();
    for (size_t i = 0; i < table.plan.tests.size(); ++i) {
      const PlannedTest& t = table.plan.tests[i];
      per_test.push_back(json{{"test", t.name},
                              {"earned", Round2(i < g.earned.size() ? g.earned[i] : 0)},
                              {"points", t.points},
                              {"sim", i < g.sim.size() ? SimTestJson(g.sim[i]) : json(nullptr)}});
    }
    json sim = nullptr;
    if (table.sim_seeds > 0) {
      sim = json{{"state", std::string(SimStateName(g.sim_state))},
                 {"reason", SanitizeText(g.sim_reason)},
                 {"passed", g.sim_passed},
                 {"expected", g.sim_expected}};
    }
    students.push_back(json{{"student", g.name},
                            {"status", std::string(StudentOutcomeName(g.outcome))},
                            {"total", Round2(g.total)},
                            {"tests_passed", g.tests_passed},
                            {"reason", SanitizeText(g.reason)},
                            {"parts", std::move(parts)},
                            {"tests", std::move(per_test)},
                            {"sim", std::move(sim)}});
  }
  const json doc = {{"format", "raftlab-grades"},
                    {"format_version", 1},
                    {"policy", std::string(ScoringPolicyName(table.policy))},
                    {"sim_seeds", table.sim_seeds},
                    {"max_total", Round2(table.max_total)},
                    {"tests", std::move(tests)},
                    {"students", std::move(students)}};
  return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace raftlab
