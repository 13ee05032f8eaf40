// Reports for a submission that never ran (see not_run_reports.h).
// nlohmann exceptions stop in this file.
#include "harness/grade/not_run_reports.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "harness/report/gradescope.h"
#include "harness/report/junit.h"

namespace raftlab {
namespace {

using json = nlohmann::ordered_json;

constexpr size_t kMaxLineBytes = 300;

std::string Dump(const json& j) { return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n"; }

std::vector<std::string> Lines(std::string_view text) {
  std::vector<std::string> out;
  std::istringstream in{std::string(text)};
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.size() > kMaxLineBytes) line = line.substr(0, kMaxLineBytes) + " [...]";
    out.push_back(std::move(line));
  }
  return out;
}

bool LooksLikeError(const std::string& line) {
  static const char* const kMarks[] = {"error:", "Error:", "CMake Error", "undefined reference", "ld returned",
                                       "*** ["};
  return std::any_of(std::begin(kMarks), std::end(kMarks),
                     [&](const char* m) { return line.find(m) != std::string::npos; });
}

std::string FirstLine(const std::string& s) { return s.substr(0, s.find('\n')); }

std::string Points(double p) { return fmt::format("{:g}", std::round(p * 100) / 100); }

}  // namespace

std::string FirstBuildError(std::string_view log, size_t context_lines) {
  const std::vector<std::string> lines = Lines(log);
  size_t from = lines.size() > context_lines ? lines.size() - context_lines : 0;
  size_t to = lines.size();
  for (size_t i = 0; i < lines.size(); ++i) {
    if (LooksLikeError(lines[i])) {
      from = i;
      to = std::min(lines.size(), i + 1 + context_lines);
      break;
    }
  }
  std::string out;
  for (size_t i = from; i < to; ++i) out += lines[i] + "\n";
  return out;
}

std::string ReplacePrefixes(std::string_view text, std::vector<std::pair<std::string, std::string>> map) {
  map.erase(std::remove_if(map.begin(), map.end(), [](const auto& m) { return m.first.empty(); }), map.end());
  std::stable_sort(map.begin(), map.end(), [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    bool replaced = false;
    for (const auto& [from, to] : map) {
      if (text.compare(i, from.size(), from) == 0) {
        out += to;
        i += from.size();
        replaced = true;
        break;
      }
    }
    if (!replaced) out += text[i++];
  }
  return out;
}

std::string NotRunResultsJson(const ReportPlan& plan, ScoringPolicy policy, const NotRunSubmission& s,
                              const RunMetadata& meta) {
  double possible = 0;
  json tests = json::array();
  std::map<int, json> parts;
  for (const PlannedTest& t : plan.tests) {
    possible += t.points;
    tests.push_back(json{{"test", t.name},
                         {"part", t.part},
                         {"description", t.description},
                         {"points", t.points},
                         {"checks", t.checks},
                         {"earned", 0},
                         {"state", "not-run"},
                         {"runs", 0},
                         {"expected_runs", t.runs > 0 ? t.runs : plan.runs_per_test},
                         {"passed", 0},
                         {"failed", 0},
                         {"skipped", 0},
                         {"failing_seeds", json::array()}});
    json& p = parts[t.part];
    if (p.is_null()) {
      p = json{{"part", t.part}, {"name", plan.PartName(t.part)}, {"tests", 0},       {"tests_passed", 0},
               {"tests_failed", 0}, {"tests_skipped", 0},         {"tests_not_run", 0}, {"points_earned", 0},
               {"points_possible", 0.0}};
    }
    p["tests"] = p["tests"].get<int>() + 1;
    p["tests_not_run"] = p["tests_not_run"].get<int>() + 1;
    p["points_possible"] = p["points_possible"].get<double>() + t.points;
  }
  json part_list = json::array();
  for (auto& [n, p] : parts) part_list.push_back(std::move(p));
  const int n = static_cast<int>(plan.tests.size());
  json doc = {
      {"format", "raftlab-run"},
      {"format_version", 1},
      {"state", "not-run"},
      {"not_run", json{{"outcome", s.outcome}, {"reason", SanitizeText(s.reason)},
                       {"first_error", SanitizeText(s.first_error)}}},
      {"run", json{{"labtest_version", meta.labtest_version},
                   {"start_time", meta.start_time},
                   {"scoring_policy", std::string(ScoringPolicyName(policy))},
                   {"tests_planned", plan.tests.size()},
                   {"runs_planned", plan.PlannedRuns()}}},
      {"summary",
       json{{"policy", std::string(ScoringPolicyName(policy))},
            {"end", nullptr},
            {"total", json{{"runs", 0}, {"runs_passed", 0}, {"runs_failed", 0}, {"runs_skipped", 0},
                           {"tests", n}, {"tests_passed", 0}, {"tests_failed", 0}, {"tests_skipped", 0},
                           {"tests_not_run", n}, {"points_earned", 0}, {"points_possible", possible},
                           {"cpu_s", 0}, {"wall_s", nullptr}}},
            {"parts", std::move(part_list)},
            {"tests", std::move(tests)},
            {"failed_tests", json::array()}}},
      {"tests", json::array()},
  };
  return Dump(doc);
}

std::string NotRunJunit(const ReportPlan& plan, const NotRunSubmission& s, const RunMetadata& meta) {
  const std::string props = fmt::format(
      "    <properties>\n"
      "      <property name=\"labtest_version\" value=\"{}\"/>\n"
      "      <property name=\"state\" value=\"{}\"/>\n"
      "    </properties>\n",
      XmlAttribute(meta.labtest_version), XmlAttribute(s.outcome));
  const std::string timestamp =
      meta.start_time.empty() ? "" : fmt::format(" timestamp=\"{}\"", XmlAttribute(meta.start_time));
  const std::string body = s.first_error.empty() ? s.reason : s.reason + "\n\n" + s.first_error;
  std::string suites;
  int total = 0;
  for (const PlannedPart& part : plan.parts) {
    std::string cases;
    int n = 0;
    for (const PlannedTest& t : plan.tests) {
      if (t.part != part.part) continue;
      ++n;
      cases += fmt::format(
          "    <testcase classname=\"raftlab.part{}\" name=\"{}\" time=\"0.000\">\n"
          "      <error message=\"{}\" type=\"{}\">{}</error>\n"
          "    </testcase>\n",
          t.part, XmlAttribute(t.name), XmlAttribute(s.reason), XmlAttribute(s.outcome), XmlText(body));
    }
    if (n == 0) continue;
    total += n;
    const std::string name =
        part.name.empty() ? fmt::format("part {}", part.part) : fmt::format("part {}: {}", part.part, part.name);
    suites += fmt::format(
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"0\" errors=\"{}\" skipped=\"0\" time=\"0.000\"{}>\n{}{}"
        "  </testsuite>\n",
        XmlAttribute(name), n, n, timestamp, props, cases);
  }
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<testsuites name=\"raftlab\" tests=\"{}\" failures=\"0\" errors=\"{}\" skipped=\"0\" time=\"0.000\">\n"
      "{}</testsuites>\n",
      total, total, suites);
}

std::string NotRunGradescope(const ReportPlan& plan, const NotRunSubmission& s, const RunMetadata& meta) {
  const std::string visible(GradescopeVisibilityName(GradescopeVisibility::kVisible));
  const std::string first = FirstLine(s.first_error);
  json tests = json::array();
  std::map<int, int> number_in_part;
  double possible = 0;
  for (const PlannedTest& t : plan.tests) {
    possible += t.points;
    const bool described = !t.description.empty() && t.description != t.name;
    std::string out = fmt::format("Not run: {}. Score 0 of {}.\n", s.reason, Points(t.points));
    if (!first.empty()) out += "First error: " + first + "\n";
    tests.push_back(json{
        {"name", SanitizeText(described ? fmt::format("{}: {}", t.name, t.description) : t.name)},
        {"number", fmt::format("{}.{}", t.part, ++number_in_part[t.part])},
        {"score", 0},
        {"max_score", t.points},
        {"status", "failed"},
        {"output", SanitizeText(out)},
        {"visibility", visible},
        {"extra_data", json{{"test", t.name}, {"part", t.part}, {"checks", t.checks}, {"state", "not-run"}}},
    });
  }
  std::string output = fmt::format("raftlab labtest {}: {}. 0 of {} points: no test ran.\n", meta.labtest_version,
                                   s.reason, Points(possible));
  if (!s.first_error.empty()) output += "\nThe first error:\n" + s.first_error;
  json doc = {{"score", 0},
              {"execution_time", 0},
              {"output", SanitizeText(output)},
              {"visibility", visible},
              {"stdout_visibility", std::string(GradescopeVisibilityName(GradescopeVisibility::kHidden))},
              {"tests", std::move(tests)}};
  return Dump(doc);
}

}  // namespace raftlab
