// Baseline (see baseline.h).
#include "harness/report/baseline.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace raftlab {

using nlohmann::json;

StatusOr<Baseline> Baseline::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(fmt::format("no baseline file {}", path));
  std::stringstream buf;
  buf << in.rdbuf();
  json j = json::parse(buf.str(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::Config(fmt::format("{}: not valid JSON (rewrite it with labtest --record-baseline {})", path, path));
  }
  try {
    Baseline b;
    b.plugin_ = j.value("plugin", "");
    for (const auto& [name, e] : j.at("tests").items()) {
      BaselineEntry entry;
      entry.time_s = e.value("time_s", 0.0);
      entry.cpu_s = e.value("cpu_s", 0.0);
      entry.figures.peers = e.value("peers", 0);
      entry.figures.rpcs = e.value("rpcs", int64_t{0});
      entry.figures.bytes = e.value("bytes", int64_t{0});
      entry.figures.commands = e.value("commands", int64_t{0});
      entry.figures.ops = e.value("ops", int64_t{0});
      entry.runs = e.value("runs", 1);
      b.entries_.emplace(name, entry);
    }
    return b;
  } catch (const json::exception& e) {
    return Status::Config(fmt::format("{}: malformed baseline: {}", path, e.what()));
  }
}

Status Baseline::Save(const std::string& path) const {
  json tests = json::object();
  for (const auto& [name, e] : entries_) {
    tests[name] = json{{"time_s", e.time_s},
                       {"cpu_s", e.cpu_s},
                       {"peers", e.figures.peers},
                       {"rpcs", e.figures.rpcs},
                       {"bytes", e.figures.bytes},
                       {"commands", e.figures.commands},
                       {"ops", e.figures.ops},
                       {"runs", e.runs}};
  }
  json j = {{"format", 1}, {"plugin", plugin_}, {"tests", std::move(tests)}};
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << j.dump(2) << '\n';
    if (!out) return Status::Internal(fmt::format("cannot write {}", tmp));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return Status::Internal(fmt::format("cannot write {}", path));
  return Status::Ok();
}

Baseline Baseline::FromResults(const std::vector<TestResult>& results, const std::string& plugin) {
  Baseline b;
  b.plugin_ = plugin;
  struct Sum {
    double time = 0, cpu = 0, rpcs = 0, bytes = 0, commands = 0, ops = 0;
    int peers = 0, runs = 0;
  };
  std::map<std::string, Sum> sums;
  for (const TestResult& r : results) {
    if (r.verdict != Verdict::kPass) continue;
    Sum& s = sums[r.test];
    s.time += r.duration_s > 0 ? r.duration_s : r.wall_s;
    s.cpu += r.cpu_s();
    s.rpcs += static_cast<double>(r.figures.rpcs);
    s.bytes += static_cast<double>(r.figures.bytes);
    s.commands += static_cast<double>(r.figures.commands);
    s.ops += static_cast<double>(r.figures.ops);
    s.peers = r.figures.peers;
    ++s.runs;
  }
  for (const auto& [name, s] : sums) {
    BaselineEntry e;
    const double n = s.runs;
    e.time_s = s.time / n;
    e.cpu_s = s.cpu / n;
    e.figures.peers = s.peers;
    e.figures.rpcs = static_cast<int64_t>(s.rpcs / n + 0.5);
    e.figures.bytes = static_cast<int64_t>(s.bytes / n + 0.5);
    e.figures.commands = static_cast<int64_t>(s.commands / n + 0.5);
    e.figures.ops = static_cast<int64_t>(s.ops / n + 0.5);
    e.runs = s.runs;
    b.entries_.emplace(name, e);
  }
  return b;
}

const BaselineEntry* Baseline::Find(const std::string& test) const {
  auto it = entries_.find(test);
  return it == entries_.end() ? nullptr : &it->second;
}

}  // namespace raftlab
