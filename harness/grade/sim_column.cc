// The simulated-time column (see sim_column.h). nlohmann exceptions stop in
// this file.
#include "harness/grade/sim_column.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "harness/grade/grade_collect.h"
#include "harness/run/sim_child.h"

namespace raftlab {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

StatusOr<std::string> ReadWhole(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(fmt::format("cannot open {}", path.string()));
  std::stringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return Status::Internal(fmt::format("cannot read {}", path.string()));
  return buf.str();
}

// The "run" block of labtest's results.json, as far as the JUnit of the
// simulated runs needs it, and the rerun prefix: every "rerun" is
// RerunCommand(prefix, run) = prefix + " --filter ...".
RunInfo InfoFromResults(const json& doc) {
  RunInfo info;
  const json run = doc.value("run", json::object());
  if (run.is_object()) {
    info.plugin_name = run.value("plugin_name", "");
    info.plugin_version = run.value("plugin_version", "");
    info.plugin_path = run.value("plugin_path", "");
    info.config_path = run.value("config_path", "");
    info.base_seed = run.value("base_seed", uint64_t{0});
    info.seed_given = run.value("seed_given", false);
    info.repeat = run.value("repeat", 1);
    info.timeout_scale = run.value("timeout_scale", 1.0);
  }
  info.sim = true;
  return info;
}

}  // namespace

std::string_view SimStateName(SimState s) {
  switch (s) {
    case SimState::kOff: return "off";
    case SimState::kRan: return "ran";
    case SimState::kNotReady: return "not simulation-ready";
    case SimState::kNotRun: return "not run";
  }
  return "off";
}

StatusOr<SimRecord> ReadSimFolder(const std::string& student_dir) {
  SimRecord rec;
  const fs::path dir = fs::path(student_dir) / "sim";
  auto status = ReadWhole(dir / "status");
  if (!status.ok()) return rec;  // no simulated runs were asked for
  auto kv = ParseStatusFile(*status);
  rec.seeds = std::atoi(kv["seeds"].c_str());
  rec.reason = kv["reason"];
  const std::string& state = kv["state"];
  if (state == "not-simulation-ready") {
    rec.state = SimState::kNotReady;
    if (rec.reason.empty()) rec.reason = "labtest --sim refused the plugin (no reason recorded)";
    return rec;
  }
  if (state != "ran") {
    return Status::Internal(fmt::format("{}: unknown state '{}'", (dir / "status").string(), state));
  }
  rec.state = SimState::kRan;
  auto text = ReadWhole(dir / "results.json");
  if (!text.ok()) return Status::Internal(text.status().message());
  auto runs = RunsFromResultsJson(*text);
  if (!runs.ok()) {
    return Status::Internal(fmt::format("{}: {}", (dir / "results.json").string(), runs.status().message()));
  }
  rec.runs = std::move(*runs);
  const json doc = json::parse(*text, nullptr, /*allow_exceptions=*/false);
  rec.info = InfoFromResults(doc);
  for (const json& t : doc.value("tests", json::array())) {
    if (!t.is_object()) continue;
    const std::string rerun = t.value("rerun", "");
    rec.replay[{t.value("test", ""), t.value("repetition", 0)}] = rerun;
    const size_t filter = rerun.find(" --filter ");
    if (rec.info.rerun_prefix.empty() && filter != std::string::npos) rec.info.rerun_prefix = rerun.substr(0, filter);
  }
  return rec;
}

std::string SimTestColumn::Cell() const {
  switch (state) {
    case SimState::kOff: return "";
    case SimState::kRan: return fmt::format("{}/{}", passed + skipped, expected);
    case SimState::kNotReady:
    case SimState::kNotRun: return std::string(SimStateName(state));
  }
  return "";
}

SimTestColumn SimColumnOf(const std::string& test, const SimRecord& sim, int seeds) {
  SimTestColumn c;
  c.expected = seeds;
  if (seeds <= 0) return c;  // kOff
  switch (sim.state) {
    case SimState::kRan: break;
    case SimState::kNotReady:
      c.state = SimState::kNotReady;
      c.not_ready = sim.reason;
      return c;
    case SimState::kOff:
    case SimState::kNotRun:
      c.state = SimState::kNotRun;
      return c;
  }
  c.state = SimState::kRan;
  for (const TestResult& r : sim.runs) {
    if (r.test != test) continue;
    if (!IsSuccess(r.verdict) && IsSimulatorLimitMessage(r.message)) {
      // The simulator, not the Raft, stopped this run: the test is judged
      // in real time only.
      SimTestColumn limit;
      limit.state = SimState::kNotReady;
      limit.expected = seeds;
      limit.not_ready = RunReason(r);
      return limit;
    }
    ++c.runs;
    if (r.verdict == Verdict::kPass) {
      ++c.passed;
    } else if (r.verdict == Verdict::kSkip) {
      ++c.skipped;
    } else {
      ++c.failed;
      SimFailure f;
      f.repetition = r.repetition;
      f.base_seed = r.base_seed;
      f.seed = r.seed;
      f.reason = RunReason(r);
      if (auto it = sim.replay.find({r.test, r.repetition}); it != sim.replay.end()) f.replay = it->second;
      c.failures.push_back(std::move(f));
    }
  }
  return c;
}

std::string SimFailureText(const SimFailure& f) {
  // The replay command before the reason: a shortened note (the CSV cuts at
  // 400 characters) keeps it.
  std::string out = fmt::format("simulated seed {} (repetition {}) failed", f.seed, f.repetition);
  if (!f.replay.empty()) out += " (replay: " + f.replay + ")";
  return out + ": " + f.reason;
}

}  // namespace raftlab
