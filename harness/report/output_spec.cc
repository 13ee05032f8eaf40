// `--output FORMAT:PATH` parsing and the file-reporter factory (see output_spec.h).
#include "harness/report/output_spec.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include <fmt/format.h>

#include "harness/catalogue/config.h"
#include "harness/report/json.h"
#include "harness/report/junit.h"

namespace raftlab {
namespace {

namespace fs = std::filesystem;

struct FormatName {
  OutputFormat format;
  std::string_view name;
};
constexpr FormatName kFormats[] = {
    {OutputFormat::kJson, "json"},
    {OutputFormat::kJunit, "junit"},
    {OutputFormat::kGradescope, "gradescope"},
};

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

Status Bad(std::string_view spec, const std::string& why) {
  return Status::InvalidArgument(fmt::format("--output '{}': {}", spec, why));
}

}  // namespace

std::string_view OutputFormatName(OutputFormat f) {
  for (const auto& e : kFormats) {
    if (e.format == f) return e.name;
  }
  return "json";
}

StatusOr<OutputSpec> ParseOutputSpec(std::string_view spec) {
  const size_t colon = spec.find(':');
  if (colon == std::string_view::npos) {
    return Bad(spec, "expected FORMAT:PATH with FORMAT json, junit or gradescope (e.g. junit:report.xml)");
  }
  const std::string format = Lower(spec.substr(0, colon));
  OutputSpec out;
  out.path = std::string(spec.substr(colon + 1));
  const auto it = std::find_if(std::begin(kFormats), std::end(kFormats),
                               [&](const FormatName& e) { return e.name == format; });
  if (it == std::end(kFormats)) {
    std::vector<std::string> names;
    for (const auto& e : kFormats) names.emplace_back(e.name);
    const std::string hint = ClosestMatch(format, names);
    return Bad(spec, fmt::format("unknown format '{}' ({})", spec.substr(0, colon),
                                 hint.empty() ? "use json, junit or gradescope" : "did you mean '" + hint + "'?"));
  }
  out.format = it->format;
  if (out.path.empty()) return Bad(spec, "the path after ':' is empty (use '-' for standard output)");
  if (out.path == kStdoutPath) return out;
  std::error_code ec;
  if (out.path.back() == '/' || fs::is_directory(out.path, ec)) {
    return Bad(spec, fmt::format("{} is a folder; give a file name", out.path));
  }
  return out;
}

StatusOr<std::vector<OutputSpec>> ParseOutputSpecs(const std::vector<std::string>& specs) {
  std::vector<OutputSpec> out;
  std::vector<fs::path> seen;
  for (const std::string& s : specs) {
    auto spec = ParseOutputSpec(s);
    if (!spec.ok()) return spec.status();
    if (spec->path == kStdoutPath) {
      if (WritesStdout(out)) return Bad(s, "another --output already writes to standard output ('-'); only one can");
      out.push_back(std::move(*spec));
      continue;
    }
    std::error_code ec;
    fs::path where = fs::absolute(spec->path, ec);
    if (ec) where = spec->path;
    where = where.lexically_normal();
    if (std::find(seen.begin(), seen.end(), where) != seen.end()) {
      return Bad(s, fmt::format("another --output already writes {}", spec->path));
    }
    seen.push_back(where);
    out.push_back(std::move(*spec));
  }
  return out;
}

bool WritesStdout(const std::vector<OutputSpec>& specs) {
  return std::any_of(specs.begin(), specs.end(), [](const OutputSpec& s) { return s.path == kStdoutPath; });
}

std::unique_ptr<FileReporter> MakeFileReporter(const OutputSpec& spec, const OutputContext& context) {
  switch (spec.format) {
    case OutputFormat::kJson: {
      JsonReportOptions o;
      o.meta = context.meta;
      o.policy = context.policy;
      o.write = context.write;
      return std::make_unique<JsonReporter>(spec.path, context.plan, std::move(o));
    }
    case OutputFormat::kJunit: {
      JunitReportOptions o;
      o.meta = context.meta;
      o.write = context.write;
      return std::make_unique<JunitReporter>(spec.path, context.plan, std::move(o));
    }
    case OutputFormat::kGradescope: {
      GradescopeReportOptions o;
      o.meta = context.meta;
      o.policy = context.policy;
      o.visibility = context.gradescope_visibility;
      o.stdout_visibility = context.gradescope_stdout_visibility;
      o.write = context.write;
      return std::make_unique<GradescopeReporter>(spec.path, context.plan, std::move(o));
    }
  }
  return nullptr;
}

std::vector<std::unique_ptr<FileReporter>> MakeFileReporters(const std::vector<OutputSpec>& specs,
                                                             const OutputContext& context) {
  std::vector<std::unique_ptr<FileReporter>> out;
  for (const OutputSpec& s : specs) out.push_back(MakeFileReporter(s, context));
  return out;
}

}  // namespace raftlab
