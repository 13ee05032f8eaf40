// The simulated column in the student's files (see sim_merge.h). nlohmann
// exceptions stop in this file.
#include "harness/grade/sim_merge.h"

#include <cmath>
#include <cstdlib>
#include <regex>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "harness/report/junit.h"

namespace raftlab {
namespace {

using json = nlohmann::ordered_json;

constexpr size_t kMaxFailuresShown = 10;  // per test in Gradescope's output

double Round2(double x) { return std::round(x * 100) / 100; }
std::string Points(double x) { return fmt::format("{:g}", Round2(x)); }

// Replaces the first line of `text` that starts with `head` by `line`
// (without its newline); appends `line` when there is none.
std::string ReplaceLine(const std::string& text, std::string_view head, const std::string& line) {
  size_t at = 0;
  while (at < text.size()) {
    const size_t end = text.find('\n', at);
    const size_t stop = end == std::string::npos ? text.size() : end;
    if (text.compare(at, head.size(), head) == 0) return text.substr(0, at) + line + text.substr(stop);
    if (end == std::string::npos) break;
    at = end + 1;
  }
  return text + line + "\n";
}

// The paragraph a test's Gradescope output gains.
std::string SimParagraph(const SimTestColumn& c) {
  switch (c.state) {
    case SimState::kOff: return "";
    case SimState::kNotRun: return "\nSimulated time: not run.\n";
    case SimState::kNotReady:
      return fmt::format(
          "\nSimulated time: not simulation-ready: {}\nOnly the real-time runs count toward this test.\n",
          c.not_ready);
    case SimState::kRan: break;
  }
  std::string out = fmt::format("\nSimulated time (labtest --sim, {} seeds): {} of {} passed", c.expected,
                                c.passed + c.skipped, c.expected);
  if (c.runs < c.expected) out += fmt::format(" ({} not run)", c.expected - c.runs);
  out += ".\n";
  if (!c.failures.empty()) {
    out += "A failing simulated seed counts like a failing real-time run. Each replays exactly, step for step:\n";
  }
  for (size_t i = 0; i < c.failures.size() && i < kMaxFailuresShown; ++i) {
    const SimFailure& f = c.failures[i];
    out += fmt::format("  seed {} (repetition {}): {}\n", f.seed, f.repetition, f.reason);
    if (!f.replay.empty()) out += "    replay: " + f.replay + "\n";
  }
  if (c.failures.size() > kMaxFailuresShown) {
    out += fmt::format("  ... and {} more failing seeds (see the JUnit report)\n",
                       c.failures.size() - kMaxFailuresShown);
  }
  return out;
}

json SimExtra(const SimTestColumn& c) {
  json failing = json::array();
  for (const SimFailure& f : c.failures) {
    failing.push_back(json{{"repetition", f.repetition}, {"seed", f.seed}, {"reason", SanitizeText(f.reason)},
                           {"replay", SanitizeText(f.replay)}});
  }
  return json{{"state", std::string(SimStateName(c.state))},
              {"passed", c.passed + c.skipped},
              {"failed", c.failed},
              {"runs", c.runs},
              {"expected", c.expected},
              {"not_ready", SanitizeText(c.not_ready)},
              {"failing", std::move(failing)}};
}

// The root element's counts of a raftlab JUnit document and what lies
// between its start and end tags.
struct JunitParts {
  int64_t tests = 0, failures = 0, errors = 0, skipped = 0, ms = 0;
  std::string suites;
};

int64_t Milliseconds(const std::string& seconds) {
  const size_t dot = seconds.find('.');
  int64_t ms = std::atoll(seconds.substr(0, dot).c_str()) * 1000;
  if (dot != std::string::npos) {
    std::string frac = seconds.substr(dot + 1, 3);
    while (frac.size() < 3) frac += '0';
    ms += std::atoll(frac.c_str());
  }
  return ms;
}

StatusOr<JunitParts> SplitJunit(std::string_view doc, std::string_view which) {
  const size_t open = doc.find("<testsuites ");
  const size_t open_end = open == std::string_view::npos ? open : doc.find('>', open);
  const size_t close = doc.rfind("</testsuites>");
  if (open_end == std::string_view::npos || close == std::string_view::npos || close < open_end) {
    return Status::InvalidArgument(fmt::format("the {} JUnit report is not a raftlab JUnit document", which));
  }
  JunitParts p;
  const std::string tag(doc.substr(open, open_end - open));
  static const std::regex kAttribute(R"re(([a-z]+)="([^"]*)")re");
  for (std::sregex_iterator it(tag.begin(), tag.end(), kAttribute), end; it != end; ++it) {
    const std::string name = (*it)[1], value = (*it)[2];
    if (name == "tests") p.tests = std::atoll(value.c_str());
    if (name == "failures") p.failures = std::atoll(value.c_str());
    if (name == "errors") p.errors = std::atoll(value.c_str());
    if (name == "skipped") p.skipped = std::atoll(value.c_str());
    if (name == "time") p.ms = Milliseconds(value);
  }
  p.suites = std::string(doc.substr(open_end + 1, close - open_end - 1));
  while (!p.suites.empty() && p.suites.front() == '\n') p.suites.erase(0, 1);
  return p;
}

// The suite of a plugin labtest refused under --sim: a skipped case per test.
std::string NotReadyJunit(const GradeTable& table, const std::string& reason) {
  const ReportPlan& plan = table.plan;
  const std::string message = "not simulation-ready: " + reason;
  std::string cases;
  for (const PlannedTest& t : plan.tests) {
    cases += fmt::format(
        "    <testcase classname=\"raftlab.part{}.sim\" name=\"{}\" time=\"0.000\">\n"
        "      <skipped message=\"{}\"/>\n"
        "      <system-out>{}</system-out>\n"
        "    </testcase>\n",
        t.part, XmlAttribute(t.name), XmlAttribute(message),
        XmlText(message + "\nOnly the real-time runs count toward this test's score.\n"));
  }
  const size_t n = plan.tests.size();
  const std::string suite = n == 0 ? ""
                                   : fmt::format("  <testsuite name=\"simulated time: not simulation-ready\" "
                                                 "tests=\"{}\" failures=\"0\" errors=\"0\" skipped=\"{}\" "
                                                 "time=\"0.000\">\n{}  </testsuite>\n",
                                                 n, n, cases);
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<testsuites name=\"raftlab\" tests=\"{}\" failures=\"0\" errors=\"0\" skipped=\"{}\" time=\"0.000\">\n"
      "{}</testsuites>\n",
      n, n, suite);
}

}  // namespace

StatusOr<std::string> MergeSimIntoGradescope(std::string_view text, const GradeTable& table) {
  if (table.rows.size() != 1) return Status::InvalidArgument("MergeSimIntoGradescope: one student at a time");
  const StudentGrade& g = table.rows.front();
  json doc = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || !doc.contains("tests") || !doc["tests"].is_array()) {
    return Status::InvalidArgument("gradescope.json is not Gradescope's results.json");
  }
  double total = 0;
  for (json& t : doc["tests"]) {
    if (!t.is_object()) continue;
    const json extra = t.value("extra_data", json::object());
    const std::string name = extra.is_object() ? extra.value("test", "") : "";
    size_t i = 0;
    while (i < table.plan.tests.size() && table.plan.tests[i].name != name) ++i;
    if (i == table.plan.tests.size() || i >= g.sim.size()) {
      total += t.value("score", 0.0);
      continue;
    }
    const PlannedTest& planned = table.plan.tests[i];
    const SimTestColumn& c = g.sim[i];
    const double score = Round2(g.earned[i]);
    total += score;
    const bool sim_clean = c.state != SimState::kRan || (c.failed == 0 && c.runs >= c.expected);
    t["score"] = score;
    t["status"] = t.value("status", "failed") == "passed" && sim_clean && score >= Round2(planned.points)
                      ? "passed"
                      : "failed";
    std::string output = t.value("output", "");
    if (c.state == SimState::kRan) {
      output = ReplaceLine(output, "Score ",
                           fmt::format("Score {} of {} ({}; a simulated run counts like a real-time run).",
                                       Points(score), Points(planned.points), ScoringPolicyName(table.policy)));
    }
    t["output"] = SanitizeText(output + SimParagraph(c));
    if (t["extra_data"].is_object()) t["extra_data"]["sim"] = SimExtra(c);
  }
  doc["score"] = Round2(total);

  std::string output = doc.value("output", "");
  const size_t points = output.find(" points; tests: ");
  if (points != std::string::npos) {
    const size_t line = output.rfind('\n', points);
    const size_t from = line == std::string::npos ? 0 : line + 1;
    output.replace(from, points + 16 - from,
                   fmt::format("{} of {} points with the simulated runs; real-time tests: ", Points(total),
                               Points(table.max_total)));
  }
  if (g.sim_state == SimState::kRan) {
    output += fmt::format(
        "\nSimulated time (labtest --sim, {} seeds per test): {} of {} simulated runs passed. A failing simulated "
        "seed counts like a failing real-time run of its test; each test's output gives the command that replays "
        "it exactly.\n",
        table.sim_seeds, g.sim_passed, g.sim_expected);
  } else if (g.sim_state == SimState::kNotReady) {
    output += fmt::format(
        "\nSimulated time: not simulation-ready: {}\nOnly the real-time runs count; nothing was taken off.\n",
        g.sim_reason);
  }
  doc["output"] = SanitizeText(output);
  json extra = doc.value("extra_data", json::object());
  if (!extra.is_object()) extra = json::object();
  extra["sim"] = json{{"state", std::string(SimStateName(g.sim_state))},
                      {"seeds", table.sim_seeds},
                      {"passed", g.sim_passed},
                      {"expected", g.sim_expected},
                      {"reason", SanitizeText(g.sim_reason)}};
  doc["extra_data"] = std::move(extra);
  return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string SimJunit(const GradeTable& table, const SimRecord& sim, const std::string& scratch_path) {
  const StudentGrade* g = table.rows.size() == 1 ? &table.rows.front() : nullptr;
  if (g != nullptr && g->sim_state == SimState::kNotReady) return NotReadyJunit(table, g->sim_reason);
  JunitReportOptions options;
  options.suite_suffix = " (simulated time)";
  options.classname_suffix = ".sim";
  ReportPlan plan = table.plan;
  for (PlannedTest& t : plan.tests) t.runs = table.sim_seeds;
  plan.runs_per_test = table.sim_seeds > 0 ? table.sim_seeds : 1;
  JunitReporter junit(scratch_path, plan, options);
  RunInfo info = sim.info;
  info.repeat = plan.runs_per_test;
  junit.RunStart(info);
  if (g != nullptr && g->sim_state == SimState::kRan) {
    for (TestResult r : sim.runs) {
      const PlannedTest* t = plan.FindTest(r.test);
      if (t == nullptr) continue;
      if (!IsSuccess(r.verdict)) {
        // The simulator stopped it, not the Raft: shown, not counted.
        const size_t i = static_cast<size_t>(t - plan.tests.data());
        if (i < g->sim.size() && g->sim[i].state == SimState::kNotReady) {
          r.verdict = Verdict::kSkip;
          r.message = "not simulation-ready: " + r.message + " (only the real-time runs count toward this test)";
        }
      }
      TestSpec spec;
      spec.name = t->name;
      spec.part = t->part;
      spec.points = t->points;
      spec.description = t->description;
      junit.TestEnd(spec, r);
    }
  }
  junit.RunEnd(RunSummary{});
  return junit.Document();
}

StatusOr<std::string> MergeJunit(std::string_view realtime, std::string_view simulated) {
  auto rt = SplitJunit(realtime, "real-time");
  if (!rt.ok()) return rt.status();
  auto sim = SplitJunit(simulated, "simulated");
  if (!sim.ok()) return sim.status();
  const int64_t ms = rt->ms + sim->ms;
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<testsuites name=\"raftlab\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{}.{:03}\">\n"
      "{}{}</testsuites>\n",
      rt->tests + sim->tests, rt->failures + sim->failures, rt->errors + sim->errors, rt->skipped + sim->skipped,
      ms / 1000, ms % 1000, rt->suites, sim->suites);
}

}  // namespace raftlab
