// Plugin lint (see lint.h).
#include "harness/plugin/lint.h"

#include <cxxabi.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "harness/plugin/elf_check.h"

namespace raftlab {
namespace {

std::string Demangle(const std::string& name) {
  int status = 0;
  char* out = abi::__cxa_demangle(name.c_str(), nullptr, nullptr, &status);
  if (status != 0 || out == nullptr) return name;
  std::string result(out);
  std::free(out);
  return result;
}

// Guard variables ("_ZGV...") come with every static local: report the
// object, not its guard. cgo's runtime exports its own (x_cgo_inittls, and
// the like) from every Go plugin: not the student's state.
bool IsBookkeeping(const std::string& name) {
  return name.rfind("_ZGV", 0) == 0 || name.rfind("x_cgo_", 0) == 0 || name.rfind("_cgo_", 0) == 0;
}

}  // namespace

StatusOr<std::vector<LintFinding>> LintPluginImage(std::string_view image) {
  StatusOr<std::vector<ExportedDataSymbol>> symbols = ListExportedDataSymbols(image);
  if (!symbols.ok()) return symbols.status();
  std::vector<LintFinding> out;
  for (const ExportedDataSymbol& s : *symbols) {
    if (!s.writable || IsBookkeeping(s.name)) continue;
    LintFinding f;
    f.kind = s.unique ? LintFinding::Kind::kUniqueShared : LintFinding::Kind::kWritableGlobal;
    f.symbol = s.name;
    f.pretty = Demangle(s.name);
    f.size = s.size;
    f.section = s.section;
    out.push_back(std::move(f));
  }
  std::sort(out.begin(), out.end(), [](const LintFinding& a, const LintFinding& b) {
    if (a.kind != b.kind) return a.kind == LintFinding::Kind::kUniqueShared;
    return a.pretty < b.pretty;
  });
  return out;
}

StatusOr<std::vector<LintFinding>> LintPluginFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(fmt::format("cannot read {}", path));
  std::stringstream buf;
  buf << in.rdbuf();
  return LintPluginImage(buf.str());
}

std::string FormatLintWarning(const std::string& display, const std::vector<LintFinding>& findings,
                              size_t max_symbols) {
  if (findings.empty()) return "";
  const bool any_unique = std::any_of(findings.begin(), findings.end(), [](const LintFinding& f) {
    return f.kind == LintFinding::Kind::kUniqueShared;
  });
  std::string out = fmt::format(
      "labtest: warning: plugin {} exports {} writable data symbol{} that Raft peers may share (all peers "
      "run in one process):\n",
      display, findings.size(), findings.size() == 1 ? "" : "s");
  size_t shown = 0;
  for (const LintFinding& f : findings) {
    if (shown == max_symbols) {
      out += fmt::format("  ... and {} more\n", findings.size() - shown);
      break;
    }
    ++shown;
    const std::string name = f.pretty == f.symbol ? f.symbol : fmt::format("{} ({})", f.pretty, f.symbol);
    if (f.kind == LintFinding::Kind::kUniqueShared) {
      out += fmt::format(
          "  - {}: ONE object shared by every peer (a GNU unique symbol: a static local of an inline function "
          "or a static member of a template)\n",
          name);
    } else {
      out += fmt::format("  - {}: a writable global ({} bytes in {})\n", name, f.size,
                         f.section.empty() ? "a writable section" : f.section);
    }
  }
  out += "  how to fix: keep all state in your raft struct (no non-const globals or static locals); build with "
         "-fvisibility=hidden (the skeleton's CMakeLists.txt does)";
  if (any_unique) out += ", or at least -fno-gnu-unique, so that each peer's copy keeps its own statics";
  out += "\n";
  return out;
}

std::string LintWarningForPlugin(const std::string& path) {
  StatusOr<std::vector<LintFinding>> findings = LintPluginFile(path);
  if (!findings.ok()) return "";
  return FormatLintWarning(path, *findings);
}

}  // namespace raftlab
