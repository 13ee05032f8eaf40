// Grade collection (see grade_collect.h).
#include "harness/grade/grade_collect.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace raftlab {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr size_t kMaxReasonChars = 400;  // of the CSV reason column

StatusOr<std::string> ReadWhole(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(fmt::format("cannot open {}", path.string()));
  std::stringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return Status::Internal(fmt::format("cannot read {}", path.string()));
  return buf.str();
}

double Round2(double x) { return std::round(x * 100) / 100; }

std::string Points(double x) { return fmt::format("{:g}", Round2(x)); }

std::string Shorten(std::string s, size_t max) {
  if (s.size() <= max) return s;
  s.resize(max > 3 ? max - 3 : max);
  return s + "...";
}

StudentOutcome OutcomeFromWord(const std::string& word) {
  if (word == "graded") return StudentOutcome::kGraded;
  if (word == "build-failed") return StudentOutcome::kBuildFailed;
  if (word == "load-failed") return StudentOutcome::kLoadFailed;
  return StudentOutcome::kError;
}

// What the sim_note column says: the refusal line, or per test the first
// failing seed with its replay command, or why a test ran in real time only.
std::string SimNote(const GradeTable& table, const StudentGrade& g) {
  if (g.sim_state == SimState::kNotReady) return g.sim_reason;
  std::string note;
  for (size_t i = 0; i < g.sim.size() && i < table.plan.tests.size(); ++i) {
    const SimTestColumn& c = g.sim[i];
    std::string what;
    if (c.state == SimState::kNotReady) {
      what = "not simulation-ready: " + c.not_ready;
    } else if (!c.failures.empty()) {
      what = SimFailureText(c.failures.front());
      if (c.failures.size() > 1) what += fmt::format(" (and {} more failing seeds)", c.failures.size() - 1);
    }
    if (!what.empty()) note += (note.empty() ? "" : "; ") + table.plan.tests[i].name + ": " + what;
  }
  return note;
}

}  // namespace

std::string_view StudentOutcomeName(StudentOutcome o) {
  switch (o) {
    case StudentOutcome::kGraded: return "graded";
    case StudentOutcome::kBuildFailed: return "build-failed";
    case StudentOutcome::kLoadFailed: return "load-failed";
    case StudentOutcome::kError: return "error";
    case StudentOutcome::kNotGraded: return "not-graded";
  }
  return "error";
}

std::map<std::string, std::string> ParseStatusFile(std::string_view text) {
  std::map<std::string, std::string> out;
  std::istringstream in{std::string(text)};
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const size_t eq = line.find('=');
    if (eq == std::string::npos || eq == 0) continue;
    out[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return out;
}

StatusOr<std::vector<TestResult>> RunsFromResultsJson(std::string_view text) {
  json j = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return Status::Internal("results.json is not a JSON object");
  if (j.value("format", std::string()) != "raftlab-run") {
    return Status::Internal("results.json is not a labtest results file (format is not raftlab-run)");
  }
  auto tests = j.find("tests");
  if (tests == j.end() || !tests->is_array()) return Status::Internal("results.json has no 'tests' array");
  std::vector<TestResult> runs;
  for (const json& t : *tests) {
    auto r = ResultFromJson(t.dump());
    if (!r.ok()) return Status::Internal(fmt::format("results.json: a run is unreadable: {}", r.status().message()));
    runs.push_back(std::move(*r));
  }
  return runs;
}

StudentRecord ReadStudentFolder(const std::string& grades_dir, const std::string& student) {
  StudentRecord rec;
  rec.name = student;
  const fs::path dir = fs::path(grades_dir) / student;
  auto done = ReadWhole(dir / "DONE");
  if (!done.ok()) {
    auto error = ReadWhole(dir / "ERROR");
    if (error.ok()) {
      auto kv = ParseStatusFile(*error);
      rec.outcome = StudentOutcome::kError;
      rec.reason = kv.count("reason") ? kv["reason"] : "grading failed (no reason recorded)";
    } else {
      rec.outcome = StudentOutcome::kNotGraded;
      rec.reason = "not graded yet (grading was interrupted; run grade.sh again to resume)";
    }
    return rec;
  }
  auto kv = ParseStatusFile(*done);
  rec.outcome = OutcomeFromWord(kv["outcome"]);
  rec.reason = kv["reason"];
  if (rec.outcome == StudentOutcome::kError && rec.reason.empty()) {
    rec.reason = fmt::format("DONE file has an unknown outcome '{}'", kv["outcome"]);
  }
  if (rec.outcome != StudentOutcome::kGraded) return rec;
  auto text = ReadWhole(dir / "results.json");
  if (!text.ok()) {
    rec.outcome = StudentOutcome::kError;
    rec.reason = text.status().message();
    return rec;
  }
  auto runs = RunsFromResultsJson(*text);
  if (!runs.ok()) {
    rec.outcome = StudentOutcome::kError;
    rec.reason = fmt::format("{}: {}", (dir / "results.json").string(), runs.status().message());
    return rec;
  }
  rec.runs = std::move(*runs);
  auto sim = ReadSimFolder(dir.string());
  if (!sim.ok()) {
    rec.outcome = StudentOutcome::kError;
    rec.reason = sim.status().message();
    return rec;
  }
  rec.sim = std::move(*sim);
  return rec;
}

GradeTable ScoreStudents(const ReportPlan& plan, ScoringPolicy policy, const std::vector<StudentRecord>& records,
                         int sim_seeds) {
  GradeTable table;
  table.plan = plan;
  table.policy = policy;
  table.sim_seeds = sim_seeds > 0 ? sim_seeds : 0;
  for (const PlannedTest& t : plan.tests) table.max_total += t.points;
  for (const StudentRecord& rec : records) {
    StudentGrade g;
    g.name = rec.name;
    g.outcome = rec.outcome;
    g.earned.assign(plan.tests.size(), 0);
    g.parts.assign(plan.parts.size(), 0);
    g.reason = rec.reason;
    if (table.sim_seeds > 0) {
      const bool graded = rec.outcome == StudentOutcome::kGraded;
      g.sim_state = !graded || rec.sim.state == SimState::kOff ? SimState::kNotRun : rec.sim.state;
      g.sim_reason = g.sim_state == SimState::kNotReady ? rec.sim.reason : "";
      SimRecord none;
      for (const PlannedTest& t : plan.tests) {
        g.sim.push_back(SimColumnOf(t.name, graded ? rec.sim : none, table.sim_seeds));
        const SimTestColumn& c = g.sim.back();
        if (c.state != SimState::kRan) continue;
        g.sim_runs += c.runs;
        g.sim_passed += c.passed + c.skipped;
        g.sim_expected += c.expected;
      }
    }
    if (rec.outcome == StudentOutcome::kGraded) {
      // The tests whose simulated runs count expect N more runs, kept under
      // repetitions from kSimRepetitionBase (sim_column.h).
      ReportPlan pooled = plan;
      for (size_t i = 0; i < g.sim.size(); ++i) {
        if (g.sim[i].state != SimState::kRan) continue;
        PlannedTest& t = pooled.tests[i];
        t.runs = (t.runs > 0 ? t.runs : plan.runs_per_test) + table.sim_seeds;
      }
      ResultBook book(pooled, policy);
      const auto add = [&](const TestResult& r, int rep_base) {
        const PlannedTest* t = plan.FindTest(r.test);
        if (t == nullptr) return;  // not selected for grading
        TestSpec spec;
        spec.name = t->name;
        spec.part = t->part;
        spec.points = t->points;
        TestResult copy = r;
        copy.repetition += rep_base;
        book.Add(spec, copy);
      };
      for (const TestResult& r : rec.runs) add(r, 0);
      for (size_t i = 0; i < g.sim.size(); ++i) {
        if (g.sim[i].state != SimState::kRan) continue;
        for (const TestResult& r : rec.sim.runs) {
          if (r.test == plan.tests[i].name) add(r, kSimRepetitionBase);
        }
      }
      std::vector<std::string> problems;
      const std::vector<TestScore> scores = book.Scores();
      for (size_t i = 0; i < scores.size() && i < plan.tests.size(); ++i) {
        const TestScore& s = scores[i];
        g.earned[i] = s.earned;
        if (s.earned + 1e-9 >= s.test->points) {
          ++g.tests_passed;
          continue;
        }
        std::string why;
        for (const TestResult* r : s.runs) {
          if (IsSuccess(r->verdict)) continue;
          if (r->repetition < kSimRepetitionBase) {
            why = RunReason(*r);
          } else {
            // Real-time runs sort first, so none of them failed: the
            // simulated seed cost the points.
            for (const SimFailure& f : g.sim[i].failures) {
              if (f.repetition == r->repetition - kSimRepetitionBase) why = SimFailureText(f);
            }
          }
          break;
        }
        if (why.empty()) {
          why = s.state == TestState::kSkipped ? "skipped"
                                               : fmt::format("{} of {} runs done", s.runs.size(), s.expected_runs);
        }
        problems.push_back(fmt::format("{}: {}", s.test->name, why));
      }
      std::string reason;
      for (const std::string& p : problems) reason += (reason.empty() ? "" : "; ") + p;
      g.reason = reason;
    }
    for (size_t i = 0; i < plan.tests.size(); ++i) {
      g.total += g.earned[i];
      for (size_t p = 0; p < plan.parts.size(); ++p) {
        if (plan.parts[p].part == plan.tests[i].part) g.parts[p] += g.earned[i];
      }
    }
    table.rows.push_back(std::move(g));
  }
  return table;
}

std::string CsvField(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string GradesCsv(const GradeTable& table) {
  const bool sim = table.sim_seeds > 0;
  std::string out = "student";
  for (const PlannedTest& t : table.plan.tests) out += "," + CsvField(t.name);
  out += ",total,status,reason";
  if (sim) {
    out += ",sim_status,sim_passed,sim_runs";
    for (const PlannedTest& t : table.plan.tests) out += "," + CsvField("sim:" + t.name);
    out += ",sim_note";
  }
  out += "\r\n";
  for (const StudentGrade& g : table.rows) {
    out += CsvField(g.name);
    for (double e : g.earned) out += "," + Points(e);
    out += "," + Points(g.total) + "," + std::string(StudentOutcomeName(g.outcome)) + "," +
           CsvField(Shorten(SanitizeText(g.reason), kMaxReasonChars));
    if (sim) {
      out += fmt::format(",{},{},{}", SimStateName(g.sim_state), g.sim_passed, g.sim_expected);
      for (const SimTestColumn& c : g.sim) out += "," + CsvField(c.Cell());
      out += "," + CsvField(Shorten(SanitizeText(SimNote(table, g)), kMaxReasonChars));
    }
    out += "\r\n";
  }
  return out;
}

std::string ScoreTableText(const GradeTable& table, size_t width) {
  size_t name_w = 7;
  for (const StudentGrade& g : table.rows) name_w = std::max(name_w, g.name.size());
  name_w = std::min<size_t>(name_w, 32);
  std::string out = fmt::format("{:<{}}", "student", name_w);
  for (const PlannedPart& p : table.plan.parts) out += fmt::format(" {:>6}", fmt::format("part{}", p.part));
  out += fmt::format(" {:>13} {:>7}", "total", "passed");
  if (table.sim_seeds > 0) out += fmt::format(" {:>9}", "sim");
  out += "  status\n";
  const size_t used = name_w + 7 * table.plan.parts.size() + 14 + 8 + 2 + (table.sim_seeds > 0 ? 10 : 0);
  const size_t note_w = width > used + 10 ? width - used : 10;
  for (const StudentGrade& g : table.rows) {
    out += fmt::format("{:<{}}", Shorten(g.name, name_w), name_w);
    for (double p : g.parts) out += fmt::format(" {:>6}", Points(p));
    out += fmt::format(" {:>13} {:>7}", Points(g.total) + "/" + Points(table.max_total),
                       fmt::format("{}/{}", g.tests_passed, table.plan.tests.size()));
    if (table.sim_seeds > 0) {
      const std::string sim = g.sim_state == SimState::kRan        ? fmt::format("{}/{}", g.sim_passed, g.sim_expected)
                              : g.sim_state == SimState::kNotReady ? "not-ready"
                                                                   : "-";
      out += fmt::format(" {:>9}", sim);
    }
    out += "  ";
    std::string note(StudentOutcomeName(g.outcome));
    if (!g.reason.empty()) note += ": " + g.reason;
    out += Shorten(SanitizeText(note), note_w) + "\n";
  }
  return out;
}

}  // namespace raftlab
