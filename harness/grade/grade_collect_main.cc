// raftlab-grade-collect: grade.sh's helper in C++. Two modes:
//
//   raftlab-grade-collect -f CATALOGUE --grades DIR [--part N]... [--policy P]
//                         [--sim-seeds N] [--csv PATH] [--json PATH] [STUDENT...]
//     reads GRADES/<student>/ for each student (grade_collect.h), writes
//     grades.csv (and grades.json, grades_json.h) and prints the score
//     table; --sim-seeds N adds the simulated column (sim_column.h).
//
//   raftlab-grade-collect -f CATALOGUE --merge-sim DIR --sim-seeds N [--part N]... [--policy P]
//     adds the simulated runs of one graded student (DIR/sim/) to DIR's
//     junit.xml and gradescope.json (sim_merge.h), the JUnit of the
//     simulated runs alone going to DIR/sim/junit.xml.
//
//   raftlab-grade-collect -f CATALOGUE --calibration RESULTS.json --labtest-exit N
//                         [--sim-results RESULTS.json --sim-labtest-exit N --sim-seeds N]
//                         [--baseline FILE] [--max-slowdown X] --write PATH [--part N]...
//     judges the reference's calibration run (calibration.h), with its
//     simulated runs if given, writes calibration.json to PATH and prints
//     the verdict.
//
//   raftlab-grade-collect -f CATALOGUE --not-run build-failed|load-failed --reason TEXT
//                         [--log FILE] [--map FROM=TO]... --write-dir DIR [--part N]... [--policy P]
//     writes DIR/results.json, DIR/junit.xml and DIR/gradescope.json for a
//     submission that never ran (not_run_reports.h): every test 0, with the
//     first error of FILE (the build log, or labtest's output), after
//     replacing each FROM by its TO (the grader's paths).
//
//   raftlab-grade-collect --scrub FILE... --map FROM=TO...
//     rewrites each FILE (atomically) with every FROM replaced by its TO:
//     grade.sh removes its own paths from what students see (junit.xml,
//     gradescope.json: harness source paths in stack dumps). A FROM or TO
//     holding a character that JSON or XML escapes (" & < > \) is refused,
//     since it would not match, or would break, the escaped text.
//
// Parses and dispatches only. Exit codes: 0 done (calibration: accepted),
// 2 usage or catalogue error, 4 a file cannot be written, 5 calibration refused.
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "harness/report/atomic_file.h"
#include "harness/grade/calibration.h"
#include "harness/catalogue/config.h"
#include "harness/grade/grade_collect.h"
#include "harness/grade/grades_json.h"
#include "harness/grade/sim_merge.h"
#include "harness/grade/not_run_reports.h"
#include "harness/report/book.h"

// Set by CMake; the fallback lets tools that compile this file alone (the
// thread-safety lint) parse it.
#ifndef RAFTLAB_VERSION
#define RAFTLAB_VERSION "unknown"
#endif

namespace {

namespace fs = std::filesystem;
namespace po = boost::program_options;
using namespace raftlab;

constexpr int kExitOk = 0, kExitUsage = 2, kExitInternal = 4, kExitRefused = 5;

int Usage(const std::string& msg) {
  fmt::print(stderr, "raftlab-grade-collect: {}\n", msg);
  return kExitUsage;
}

// Student folders under `dir` that hold DONE or ERROR, sorted by name.
std::vector<std::string> StudentsIn(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (!e.is_directory(ec)) continue;
    if (fs::exists(e.path() / "DONE", ec) || fs::exists(e.path() / "ERROR", ec)) {
      out.push_back(e.path().filename().string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The runs of a labtest results.json; none when it is missing or unreadable
// (a run that stopped early: the calibration then says which tests lack runs).
std::vector<TestResult> RunsOfFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return {};
  std::stringstream buf;
  buf << file.rdbuf();
  auto runs = RunsFromResultsJson(buf.str());
  return runs.ok() ? std::move(*runs) : std::vector<TestResult>{};
}

int SimSeeds(const po::variables_map& vm) { return vm.count("sim-seeds") ? vm["sim-seeds"].as<int>() : 0; }

StatusOr<std::string> ReadText(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return Status::NotFound(fmt::format("cannot read {}", path.string()));
  std::stringstream buf;
  buf << file.rdbuf();
  return buf.str();
}

// One graded student's folder: the simulated runs into its junit.xml and
// gradescope.json (sim_merge.h).
int MergeSimMode(const po::variables_map& vm, const ReportPlan& plan, ScoringPolicy policy) {
  const int seeds = SimSeeds(vm);
  if (seeds <= 0) return Usage("--merge-sim needs --sim-seeds N (N >= 1)");
  const fs::path dir = vm["merge-sim"].as<std::string>();
  StudentRecord rec;
  rec.name = dir.filename().string();
  rec.outcome = StudentOutcome::kGraded;
  auto results = ReadText(dir / "results.json");
  if (!results.ok()) return Usage(results.status().message());
  auto runs = RunsFromResultsJson(*results);
  if (!runs.ok()) return Usage(fmt::format("{}: {}", (dir / "results.json").string(), runs.status().message()));
  rec.runs = std::move(*runs);
  auto sim = ReadSimFolder(dir.string());
  if (!sim.ok()) return Usage(sim.status().message());
  rec.sim = std::move(*sim);
  const GradeTable table = ScoreStudents(plan, policy, {rec}, seeds);

  auto gradescope = ReadText(dir / "gradescope.json");
  if (!gradescope.ok()) return Usage(gradescope.status().message());
  auto merged_gs = MergeSimIntoGradescope(*gradescope, table);
  if (!merged_gs.ok()) return Usage(merged_gs.status().message());
  auto junit = ReadText(dir / "junit.xml");
  if (!junit.ok()) return Usage(junit.status().message());
  const std::string sim_junit = SimJunit(table, rec.sim, (dir / "sim" / "junit.xml").string());
  auto merged_junit = MergeJunit(*junit, sim_junit);
  if (!merged_junit.ok()) return Usage(merged_junit.status().message());
  const std::pair<const char*, const std::string*> files[] = {
      {"sim/junit.xml", &sim_junit}, {"gradescope.json", &*merged_gs}, {"junit.xml", &*merged_junit}};
  for (const auto& [name, text] : files) {
    Status written = WriteFileAtomically((dir / name).string(), *text);
    if (!written.ok()) {
      fmt::print(stderr, "raftlab-grade-collect: {}\n", written.message());
      return kExitInternal;
    }
  }
  return kExitOk;
}

int CalibrationMode(const po::variables_map& vm, ReportPlan plan) {
  if (!vm.count("labtest-exit") || !vm.count("write")) {
    return Usage("--calibration needs --labtest-exit N and --write PATH");
  }
  CalibrationInput in;
  in.plan = std::move(plan);
  in.labtest_exit = vm["labtest-exit"].as<int>();
  if (vm.count("max-slowdown")) {
    in.max_slowdown = vm["max-slowdown"].as<double>();
    if (!(in.max_slowdown >= 1)) return Usage("--max-slowdown must be at least 1");
  }
  std::optional<Baseline> baseline;
  if (vm.count("baseline")) {
    auto b = Baseline::Load(vm["baseline"].as<std::string>());
    if (b.ok()) {
      baseline = std::move(*b);
      in.baseline = &*baseline;
    } else if (b.status().code() != Status::Code::kNotFound) {
      return Usage(b.status().message());
    }
  }
  in.runs = RunsOfFile(vm["calibration"].as<std::string>());
  if (vm.count("sim-results")) {
    if (!vm.count("sim-labtest-exit") || SimSeeds(vm) <= 0) {
      return Usage("--sim-results needs --sim-labtest-exit N and --sim-seeds N");
    }
    in.sim_seeds = SimSeeds(vm);
    in.sim_labtest_exit = vm["sim-labtest-exit"].as<int>();
    in.sim_runs = RunsOfFile(vm["sim-results"].as<std::string>());
  }
  CalibrationReport rep = Calibrate(in);
  const std::string out = vm["write"].as<std::string>();
  Status written = WriteFileAtomically(out, CalibrationJson(in, rep));
  for (const std::string& n : rep.notes) fmt::print("calibration: note: {}\n", n);
  if (rep.ok) {
    fmt::print("calibration: the reference passed {} test(s){}; grading can go ahead\n", in.plan.tests.size(),
               rep.runs_compared > 0 ? fmt::format(" in {:.1f} s (baseline {:.1f} s)", rep.measured_s, rep.expected_s)
                                     : "");
  } else {
    for (const std::string& p : rep.problems) fmt::print("calibration: REFUSED: {}\n", p);
  }
  if (!written.ok()) {
    fmt::print(stderr, "raftlab-grade-collect: {}\n", written.message());
    return kExitInternal;
  }
  return rep.ok ? kExitOk : kExitRefused;
}

// --map FROM=TO values. Errors: a usage message in *error.
std::vector<std::pair<std::string, std::string>> PathMaps(const po::variables_map& vm, std::string* error) {
  std::vector<std::pair<std::string, std::string>> map;
  if (!vm.count("map")) return map;
  for (const std::string& m : vm["map"].as<std::vector<std::string>>()) {
    const size_t eq = m.find('=');
    if (eq == std::string::npos || eq == 0) {
      *error = fmt::format("--map takes FROM=TO, got '{}'", m);
      return {};
    }
    map.emplace_back(m.substr(0, eq), m.substr(eq + 1));
  }
  return map;
}

int ScrubMode(const po::variables_map& vm) {
  std::string error;
  const auto map = PathMaps(vm, &error);
  if (!error.empty()) return Usage(error);
  for (const auto& [from, to] : map) {
    if ((from + to).find_first_of("\"&<>\\") != std::string::npos) {
      return Usage(fmt::format("--scrub: the path '{}' holds a character JSON or XML escapes; use another folder",
                               from + to));
    }
  }
  for (const std::string& file : vm["scrub"].as<std::vector<std::string>>()) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return Usage(fmt::format("cannot read {}", file));
    std::stringstream buf;
    buf << in.rdbuf();
    Status written = WriteFileAtomically(file, ReplacePrefixes(buf.str(), map));
    if (!written.ok()) {
      fmt::print(stderr, "raftlab-grade-collect: {}\n", written.message());
      return kExitInternal;
    }
  }
  return kExitOk;
}

int NotRunMode(const po::variables_map& vm, const ReportPlan& plan, ScoringPolicy policy) {
  NotRunSubmission s;
  s.outcome = vm["not-run"].as<std::string>();
  if (s.outcome != "build-failed" && s.outcome != "load-failed") {
    return Usage(fmt::format("--not-run takes build-failed or load-failed, got '{}'", s.outcome));
  }
  if (!vm.count("write-dir")) return Usage("--not-run needs --write-dir DIR");
  s.reason = vm.count("reason") ? vm["reason"].as<std::string>() : "the submission did not run";
  std::string error;
  const auto map = PathMaps(vm, &error);
  if (!error.empty()) return Usage(error);
  s.reason = ReplacePrefixes(s.reason, map);
  if (vm.count("log")) {
    const std::string log = vm["log"].as<std::string>();
    std::ifstream file(log, std::ios::binary);
    if (!file) return Usage(fmt::format("cannot read --log {}", log));
    std::stringstream buf;
    buf << file.rdbuf();
    s.first_error = FirstBuildError(ReplacePrefixes(buf.str(), map));
  }
  RunMetadata meta;
  meta.labtest_version = RAFTLAB_VERSION;
  meta.start_time = FormatUtcTimestamp(std::time(nullptr));
  const fs::path dir = vm["write-dir"].as<std::string>();
  const std::pair<const char*, std::string> files[] = {
      {"results.json", NotRunResultsJson(plan, policy, s, meta)},
      {"junit.xml", NotRunJunit(plan, s, meta)},
      {"gradescope.json", NotRunGradescope(plan, s, meta)},
  };
  for (const auto& [name, text] : files) {
    Status written = WriteFileAtomically((dir / name).string(), text);
    if (!written.ok()) {
      fmt::print(stderr, "raftlab-grade-collect: {}\n", written.message());
      return kExitInternal;
    }
  }
  return kExitOk;
}

int Main(int argc, char** argv) {
  po::options_description opts("Options");
  // clang-format off
  opts.add_options()
    ("help,h", "show this help")
    ("config,f", po::value<std::string>()->value_name("FILE"), "the test catalogue grading used")
    ("grades", po::value<std::string>()->value_name("DIR"), "grade.sh's output folder (holds <student>/)")
    ("part", po::value<std::vector<int>>()->value_name("N")->composing(), "grade part N only (repeatable)")
    ("policy", po::value<std::string>()->value_name("P"),
     "all-or-nothing or pass-rate (default: the catalogue's grading.policy, else all-or-nothing)")
    ("csv", po::value<std::string>()->value_name("PATH"), "where grades.csv goes (default DIR/grades.csv)")
    ("json", po::value<std::string>()->value_name("PATH"), "also write the table as JSON (grades.json) to PATH")
    ("sim-seeds", po::value<int>()->value_name("N"),
     "grade.sh --sim-seeds N: each test also expects N simulated runs (DIR/<student>/sim/)")
    ("merge-sim", po::value<std::string>()->value_name("DIR"),
     "add the simulated runs of the student folder DIR to its junit.xml and gradescope.json")
    ("sim-results", po::value<std::string>()->value_name("RESULTS"),
     "calibration: the reference's labtest --sim results.json")
    ("sim-labtest-exit", po::value<int>()->value_name("N"), "calibration: the simulated labtest's exit code")
    ("students", po::value<std::vector<std::string>>()->composing(), "students (default: every finished folder)")
    ("calibration", po::value<std::string>()->value_name("RESULTS"), "judge this reference results.json instead")
    ("labtest-exit", po::value<int>()->value_name("N"), "calibration: the reference labtest's exit code")
    ("baseline", po::value<std::string>()->value_name("FILE"), "calibration: the reference baseline (optional)")
    ("max-slowdown", po::value<double>()->value_name("X"), "calibration: refuse beyond X times the baseline (2)")
    ("write", po::value<std::string>()->value_name("PATH"), "calibration: where calibration.json goes")
    ("not-run", po::value<std::string>()->value_name("OUTCOME"),
     "write the reports of a submission that never ran: build-failed or load-failed")
    ("reason", po::value<std::string>()->value_name("TEXT"), "not-run: the one-line reason")
    ("log", po::value<std::string>()->value_name("FILE"), "not-run: the build log (or labtest output) to quote")
    ("map", po::value<std::vector<std::string>>()->value_name("FROM=TO")->composing(),
     "not-run: replace FROM by TO in quoted text (repeatable; the grader's paths)")
    ("write-dir", po::value<std::string>()->value_name("DIR"), "not-run: where the three reports go")
    ("scrub", po::value<std::vector<std::string>>()->value_name("FILE")->multitoken()->composing(),
     "rewrite FILE... with every --map FROM replaced by its TO");
  // clang-format on
  po::positional_options_description pos;
  pos.add("students", -1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(opts).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    return Usage(e.what());
  }
  if (vm.count("help")) {
    fmt::print("Usage: raftlab-grade-collect -f CATALOGUE --grades DIR [options] [STUDENT...]\n"
               "Scores grade.sh's per-student folders, writes grades.csv and prints the table.\n");
    std::ostringstream o;
    o << opts;
    fmt::print("{}", o.str());
    return kExitOk;
  }
  if (vm.count("scrub")) return ScrubMode(vm);
  if (!vm.count("config")) return Usage("-f CATALOGUE is required");
  auto cat = LoadCatalogue(vm["config"].as<std::string>(), ScenarioRegistry::Global());
  if (!cat.ok()) return Usage(cat.status().message());

  std::vector<int> parts;
  if (vm.count("part")) parts = vm["part"].as<std::vector<int>>();
  std::vector<const TestSpec*> selected;
  for (const TestSpec& t : cat->tests) {
    if (parts.empty() || std::find(parts.begin(), parts.end(), t.part) != parts.end()) selected.push_back(&t);
  }
  if (selected.empty()) return Usage("the catalogue has no test in the selected parts");

  ScoringPolicy policy = ScoringPolicy::kAllOrNothing;
  std::string word = vm.count("policy") ? vm["policy"].as<std::string>() : cat->grading_policy;
  if (!word.empty()) {
    auto p = ParseScoringPolicy(word);
    if (!p.ok()) return Usage(p.status().message());
    policy = *p;
  }

  ReportPlan plan = MakeReportPlan(*cat, selected);
  for (PlannedTest& t : plan.tests) {
    if (const TestSpec* spec = cat->FindTest(t.name)) t.runs = std::max(1, spec->repeat);
  }
  if (vm.count("calibration")) return CalibrationMode(vm, std::move(plan));
  if (vm.count("not-run")) return NotRunMode(vm, plan, policy);
  if (SimSeeds(vm) < 0) return Usage("--sim-seeds takes a number >= 0");
  if (vm.count("merge-sim")) return MergeSimMode(vm, plan, policy);
  if (!vm.count("grades")) return Usage("--grades DIR is required");
  const std::string grades = vm["grades"].as<std::string>();
  std::vector<std::string> students;
  if (vm.count("students")) {
    students = vm["students"].as<std::vector<std::string>>();
  } else {
    students = StudentsIn(grades);
  }
  std::vector<StudentRecord> records;
  for (const std::string& s : students) records.push_back(ReadStudentFolder(grades, s));
  GradeTable table = ScoreStudents(plan, policy, records, SimSeeds(vm));

  const std::string csv = vm.count("csv") ? vm["csv"].as<std::string>() : (fs::path(grades) / "grades.csv").string();
  Status written = WriteFileAtomically(csv, GradesCsv(table));
  if (written.ok() && vm.count("json")) written = WriteFileAtomically(vm["json"].as<std::string>(), GradesJson(table));
  fmt::print("{}", ScoreTableText(table));
  fmt::print("policy {}{}; {} student(s); grades written to {}\n", ScoringPolicyName(policy),
             table.sim_seeds > 0 ? fmt::format(", {} simulated seeds per test", table.sim_seeds) : "",
             table.rows.size(), csv);
  if (!written.ok()) {
    fmt::print(stderr, "raftlab-grade-collect: {}\n", written.message());
    return kExitInternal;
  }
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) { return Main(argc, argv); }
