// Sanitizer findings as verdicts (see sanitizer_report.h).
#include "harness/run/sanitizer_report.h"

#include <regex>
#include <sstream>
#include <vector>

#include <fmt/format.h>

#include "harness/run/plugin_symbolizer.h"

namespace raftlab {
namespace {

constexpr size_t kMaxReportLines = 300;

// "==123==ERROR: AddressSanitizer: heap-buffer-overflow on address ..."
// "WARNING: ThreadSanitizer: data race (pid=123)"
// "/src/raft.cc:12:7: runtime error: signed integer overflow: ..."
const std::regex& HeadlineRe() {
  static const std::regex re(
      R"(^(?:==\d+==)?(?:ERROR|WARNING): (AddressSanitizer|ThreadSanitizer|LeakSanitizer): ([A-Za-z][A-Za-z0-9 _-]*?)(?: on | \(|$))");
  return re;
}
const std::regex& UbsanRe() {
  static const std::regex re(R"(^(\S+:\d+(?::\d+)?): runtime error: (.*)$)");
  return re;
}
// "    #3 0x7f1b0f0be561 in fn (/proc/self/fd/9+0x3561)" (the " in fn" part
// only when the sanitizer could name it).
const std::regex& PluginFrameRe() {
  static const std::regex re(R"(^\s*#(\d+) 0x[0-9a-fA-F]+ .*\((/proc/self/fd/\d+|/memfd:raftlab[^+)]*)\+0x([0-9a-fA-F]+)\)\s*$)");
  return re;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// What a line of a report says, without the "==123==" prefix.
std::string Trim(const std::string& s) {
  const size_t a = s.find_first_not_of(" \t\r");
  if (a == std::string::npos) return "";
  return s.substr(a, s.find_last_not_of(" \t\r") - a + 1);
}

}  // namespace

std::optional<SanitizerFinding> FindSanitizerFinding(const std::string& stderr_text) {
  const std::vector<std::string> lines = Lines(stderr_text);
  for (size_t i = 0; i < lines.size(); ++i) {
    SanitizerFinding f;
    std::smatch m;
    if (std::regex_search(lines[i], m, HeadlineRe())) {
      f.tool = m[1];
      f.kind = Trim(m[2]);
    } else if (std::regex_search(lines[i], m, UbsanRe())) {
      f.tool = "UndefinedBehaviorSanitizer";
      f.location = m[1];
      f.kind = Trim(m[2]);
    } else {
      continue;
    }
    size_t end = i;
    for (; end < lines.size() && end - i < kMaxReportLines; ++end) {
      if (lines[end].rfind("SUMMARY: ", 0) == 0) break;
    }
    if (end == lines.size()) --end;
    // A report starts with a rule of '='; keep it for readability.
    const size_t begin = i > 0 && lines[i - 1].find("=================") != std::string::npos ? i - 1 : i;
    for (size_t k = begin; k <= end && k < lines.size(); ++k) f.report += lines[k] + "\n";
    if (f.tool == "AddressSanitizer" && i + 1 < lines.size()) {
      static const std::regex access(R"(^((?:READ|WRITE) of size \d+ at 0x[0-9a-fA-F]+ thread \S+))");
      if (std::regex_search(lines[i + 1], m, access)) f.access = m[1];
    }
    return f;
  }
  return std::nullopt;
}

SymbolizedReport SymbolizeSanitizerReport(Runtime& rt, const std::string& report, const std::string& plugin_path,
                                          Nanos tool_timeout) {
  const std::vector<std::string> lines = Lines(report);
  std::vector<size_t> at;         // line index of each plugin frame
  std::vector<uint64_t> vaddrs;  // its address inside the plugin file
  for (size_t i = 0; i < lines.size(); ++i) {
    std::smatch m;
    if (!std::regex_match(lines[i], m, PluginFrameRe())) continue;
    uint64_t off = std::stoull(m[3].str(), nullptr, 16);
    // A caller's frame holds a return address: the call is the byte before.
    if (std::stoi(m[1].str()) > 0 && off > 0) --off;
    at.push_back(i);
    vaddrs.push_back(off);
  }
  SymbolizedReport out;
  if (at.empty()) {
    out.report = report;
    return out;
  }
  std::string problem;
  const std::vector<InlineChain> chains = Addr2Line(rt, plugin_path, vaddrs, tool_timeout, &problem);
  std::vector<std::string> named(lines.size());
  for (size_t k = 0; k < at.size(); ++k) {
    const std::string d = k < chains.size() ? DescribeChain(chains[k]) : "";
    if (d.empty()) continue;
    named[at[k]] = d;
    if (out.first_plugin_frame.empty()) out.first_plugin_frame = d;
  }
  for (size_t i = 0; i < lines.size(); ++i) {
    out.report += lines[i];
    if (!named[i].empty()) out.report += "  <- your plugin: " + named[i];
    out.report += "\n";
  }
  if (out.first_plugin_frame.empty()) {
    out.report += fmt::format("(the frames in your plugin could not be named{}{}: build it with -g, as the "
                              "skeleton's RelWithDebInfo does)\n",
                              problem.empty() ? "" : ": ", problem);
  }
  return out;
}

std::string SanitizerVerdict(const SanitizerFinding& f, const std::string& first_plugin_frame) {
  std::string access;
  if (!f.access.empty()) access = " (" + f.access.substr(0, f.access.find(" at ")) + ")";
  std::string where;
  if (!first_plugin_frame.empty()) {
    where = " in your plugin: " + first_plugin_frame;
  } else if (!f.location.empty()) {
    where = " at " + f.location;
  }
  return fmt::format("{}: {}{}{}", f.tool, f.kind, access, where);
}

}  // namespace raftlab
