// TestResult <-> JSON (nlohmann). nlohmann exceptions stop in this file.
#include "harness/scenario/result.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace raftlab {
namespace {

using nlohmann::json;

constexpr int kResultFormat = 1;  // bump when a field changes meaning

struct VerdictNameEntry {
  Verdict v;
  std::string_view name;
};
constexpr VerdictNameEntry kVerdictNames[] = {
    {Verdict::kPass, "pass"},         {Verdict::kFail, "fail"},   {Verdict::kSkip, "skip"},
    {Verdict::kTimeout, "timeout"},   {Verdict::kCrash, "crash"}, {Verdict::kCpuLimit, "cpu-limit"},
    {Verdict::kError, "error"},
};

json FiguresJson(const Figures& f) {
  return json{{"peers", f.peers}, {"rpcs", f.rpcs}, {"bytes", f.bytes}, {"commands", f.commands}, {"ops", f.ops}};
}

Figures FiguresFrom(const json& j) {
  Figures f;
  f.peers = j.value("peers", 0);
  f.rpcs = j.value("rpcs", int64_t{0});
  f.bytes = j.value("bytes", int64_t{0});
  f.commands = j.value("commands", int64_t{0});
  f.ops = j.value("ops", int64_t{0});
  return f;
}

}  // namespace

std::string_view VerdictName(Verdict v) {
  for (const auto& e : kVerdictNames) {
    if (e.v == v) return e.name;
  }
  return "error";
}

StatusOr<Verdict> ParseVerdict(std::string_view name) {
  for (const auto& e : kVerdictNames) {
    if (e.name == name) return e.v;
  }
  return Status::InvalidArgument(fmt::format("unknown verdict '{}'", name));
}

std::string ResultToJson(const TestResult& r) {
  json events = json::array();
  for (const EventRecord& e : r.events) events.push_back(json{{"t", e.t_s}, {"text", e.text}});
  json j = {
      {"format", kResultFormat},
      {"test", r.test},
      {"part", r.part},
      {"repetition", r.repetition},
      {"base_seed", r.base_seed},
      {"seed", r.seed},
      {"verdict", std::string(VerdictName(r.verdict))},
      {"message", r.message},
      {"duration_s", r.duration_s},
      {"events", std::move(events)},
      {"events_dropped", r.events_dropped},
      {"wall_s", r.wall_s},
      {"cpu_user_s", r.cpu_user_s},
      {"cpu_sys_s", r.cpu_sys_s},
      {"max_rss_kb", r.max_rss_kb},
      {"exit_code", r.exit_code},
      {"term_signal", r.term_signal},
      {"hang_analysis", r.hang_analysis},
      {"stack_dump", r.stack_dump},
      {"log_tail", r.log_tail},
      {"log_lines", r.log_lines},
      {"stderr_tail", r.stderr_tail},
      {"output_dir", r.output_dir},
      {"timeline_file", r.timeline_file},
  };
  if (r.simulated) {
    j["sim"] = {{"points", r.sim_points}, {"trace_hash", fmt::format("{:016x}", r.sim_trace_hash)}};
  }
  if (!r.determinism.empty()) j["determinism"] = r.determinism;
  if (r.has_figures) j["figures"] = FiguresJson(r.figures);
  // Student text may hold invalid UTF-8: replace it instead of throwing.
  return j.dump(2, ' ', false, json::error_handler_t::replace);
}

StatusOr<TestResult> ResultFromJson(std::string_view text) {
  json j = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return Status::Internal("the result file is not a JSON object");
  try {
    if (j.value("format", 0) != kResultFormat) {
      return Status::Internal(fmt::format("result file format {} is not {}", j.value("format", 0), kResultFormat));
    }
    TestResult r;
    r.test = j.at("test").get<std::string>();
    r.part = j.value("part", 0);
    r.repetition = j.value("repetition", 0);
    r.base_seed = j.value("base_seed", uint64_t{0});
    r.seed = j.value("seed", uint64_t{0});
    auto verdict = ParseVerdict(j.at("verdict").get<std::string>());
    if (!verdict.ok()) return verdict.status();
    r.verdict = *verdict;
    r.message = j.value("message", "");
    if (j.contains("figures")) {
      r.has_figures = true;
      r.figures = FiguresFrom(j.at("figures"));
    }
    r.duration_s = j.value("duration_s", 0.0);
    for (const json& e : j.value("events", json::array())) {
      r.events.push_back({e.value("t", 0.0), e.value("text", "")});
    }
    r.events_dropped = j.value("events_dropped", int64_t{0});
    r.wall_s = j.value("wall_s", 0.0);
    r.cpu_user_s = j.value("cpu_user_s", 0.0);
    r.cpu_sys_s = j.value("cpu_sys_s", 0.0);
    r.max_rss_kb = j.value("max_rss_kb", int64_t{0});
    r.exit_code = j.value("exit_code", -1);
    r.term_signal = j.value("term_signal", 0);
    r.hang_analysis = j.value("hang_analysis", "");
    r.stack_dump = j.value("stack_dump", "");
    r.log_tail = j.value("log_tail", std::vector<std::string>{});
    r.log_lines = j.value("log_lines", int64_t{0});
    r.stderr_tail = j.value("stderr_tail", std::vector<std::string>{});
    r.output_dir = j.value("output_dir", "");
    r.timeline_file = j.value("timeline_file", "");
    if (j.contains("sim")) {
      const json& sim = j.at("sim");
      r.simulated = true;
      r.sim_points = sim.value("points", uint64_t{0});
      r.sim_trace_hash = std::strtoull(sim.value("trace_hash", std::string("0")).c_str(), nullptr, 16);
    }
    r.determinism = j.value("determinism", "");
    return r;
  } catch (const json::exception& e) {
    return Status::Internal(fmt::format("malformed result file: {}", e.what()));
  }
}

Status WriteResultFile(const std::string& path, const TestResult& r) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return Status::Internal(fmt::format("cannot write {}", tmp));
    out << ResultToJson(r) << '\n';
    out.flush();
    if (!out) return Status::Internal(fmt::format("cannot write {}", tmp));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    return Status::Internal(fmt::format("cannot rename {} to {}", tmp, path));
  }
  return Status::Ok();
}

Status WriteResultToFd(int fd, const TestResult& r) {
  const std::string text = ResultToJson(r) + '\n';
  if (::ftruncate(fd, 0) != 0) {
    return Status::Internal(fmt::format("cannot truncate the result file: {}", std::strerror(errno)));
  }
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::pwrite(fd, text.data() + done, text.size() - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return Status::Internal(fmt::format("cannot write the result file: {}", n < 0 ? std::strerror(errno) : "no progress"));
    }
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

StatusOr<TestResult> ReadResultFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(fmt::format("no result file {}", path));
  std::stringstream buf;
  buf << in.rdbuf();
  return ResultFromJson(buf.str());
}

}  // namespace raftlab
