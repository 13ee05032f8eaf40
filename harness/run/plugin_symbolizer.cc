// Plugin frames named against the original .so (see plugin_symbolizer.h).
#include "harness/run/plugin_symbolizer.h"

#include <elf.h>

#include <cinttypes>
#include <cstdio>
#include <fstream>
#include <regex>
#include <sstream>

#include <fmt/format.h>

#include "harness/run/child_process.h"

namespace raftlab {
namespace {

constexpr std::string_view kCopyPrefix = "/memfd:raftlab:";
constexpr int64_t kAddr2lineCapBytes = 1 << 20;

// A frame line of eu-stack ("#3  0x00007f...") or gdb ("#3  0x00007f... in").
const std::regex& FrameRegex() {
  static const std::regex re(R"(^#(\d+)\s+0x([0-9a-fA-F]+))");
  return re;
}

struct Lookup {
  uint64_t vaddr = 0;
  size_t copy = 0;  // index into the mappings' copies (1-based for people)
};

}  // namespace

std::vector<PluginMapping> ParsePluginMappings(const std::string& maps_text) {
  std::vector<PluginMapping> out;
  std::istringstream in(maps_text);
  std::string line;
  while (std::getline(in, line)) {
    const size_t at = line.find(kCopyPrefix);
    if (at == std::string::npos) continue;
    PluginMapping m;
    char perms[8] = "";
    char dev[16] = "";
    if (std::sscanf(line.c_str(), "%" SCNx64 "-%" SCNx64 " %7s %" SCNx64 " %15s %" SCNu64, &m.start, &m.end, perms,
                    &m.offset, dev, &m.inode) != 6) {
      continue;
    }
    m.name = line.substr(at);
    out.push_back(std::move(m));
  }
  return out;
}

std::optional<uint64_t> FileOffsetToVaddr(const std::string& path, uint64_t offset) {
  std::ifstream f(path, std::ios::binary);
  Elf64_Ehdr eh{};
  if (!f.read(reinterpret_cast<char*>(&eh), sizeof eh)) return std::nullopt;
  if (std::string_view(reinterpret_cast<const char*>(eh.e_ident), 4) != "\x7f" "ELF" ||
      eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_phentsize != sizeof(Elf64_Phdr)) {
    return std::nullopt;
  }
  for (uint16_t i = 0; i < eh.e_phnum; i++) {
    Elf64_Phdr ph{};
    f.seekg(static_cast<std::streamoff>(eh.e_phoff + uint64_t{i} * sizeof ph));
    if (!f.read(reinterpret_cast<char*>(&ph), sizeof ph)) return std::nullopt;
    if (ph.p_type == PT_LOAD && offset >= ph.p_offset && offset < ph.p_offset + ph.p_filesz) {
      return ph.p_vaddr + (offset - ph.p_offset);
    }
  }
  return std::nullopt;
}

std::vector<InlineChain> Addr2Line(Runtime& rt, const std::string& path, const std::vector<uint64_t>& vaddrs,
                                   Nanos tool_timeout, std::string* problem) {
  // One addr2line for every address: -a starts each address's group with
  // the address, -f -C give demangled function names, -i the inline chain.
  std::vector<InlineChain> groups;
  if (vaddrs.empty()) return groups;
  const std::string tool = FindInPath("addr2line");
  if (tool.empty()) {
    *problem = "addr2line (package binutils) is not installed: the plugin's frames are not named";
    return std::vector<InlineChain>(vaddrs.size());
  }
  ChildSpec spec;
  spec.exe = tool;
  spec.args = {"-a", "-f", "-C", "-i", "-e", path};
  for (uint64_t a : vaddrs) spec.args.push_back(fmt::format("0x{:x}", a));
  spec.output_cap_bytes = kAddr2lineCapBytes;
  spec.timeout = tool_timeout;
  spec.limits.no_core_dumps = true;
  auto run = RunChildProcess(rt, spec);
  if (!run.ok() || run->timed_out || !run->exited || run->exit_code != 0) {
    *problem = "addr2line could not read " + path + ": the plugin's frames are not named";
    return std::vector<InlineChain>(vaddrs.size());
  }
  std::istringstream out(run->stdout_text);
  std::string fn, where;
  while (std::getline(out, fn)) {
    if (fn.rfind("0x", 0) == 0) {
      groups.emplace_back();
    } else if (!groups.empty() && std::getline(out, where)) {
      groups.back().emplace_back(fn, where);
    }
  }
  groups.resize(vaddrs.size());
  return groups;
}

std::string DescribeChain(const InlineChain& g) {
  if (g.empty()) return "";
  const bool named = g.front().first != "??";
  const bool placed = g.back().second.rfind("??", 0) != 0;
  if (!named && !placed) return "";
  std::string text = named ? g.front().first : "??";
  if (placed) text += " at " + g.back().second;
  if (g.size() > 1) {
    text += " (inlined:";
    for (size_t j = g.size() - 1; j-- > 1;) text += fmt::format(" {} at {} ->", g[j].first, g[j].second);
    text += " " + g.front().second + ")";
  }
  return text;
}

std::string SymbolizePluginFrames(Runtime& rt, const std::string& dump, const std::string& maps_text,
                                  const std::string& plugin_path, Nanos tool_timeout) {
  const std::vector<PluginMapping> maps = ParsePluginMappings(maps_text);
  if (maps.empty()) return dump;
  // A copy is the set of mappings of one memfd (one inode); its base is the
  // address of file offset 0.
  std::vector<uint64_t> bases, inodes;
  std::vector<size_t> copy_of(maps.size());
  for (size_t i = 0; i < maps.size(); i++) {
    size_t c = 0;
    while (c < inodes.size() && inodes[c] != maps[i].inode) c++;
    if (c == inodes.size()) {
      inodes.push_back(maps[i].inode);
      bases.push_back(maps[i].start - maps[i].offset);
    }
    copy_of[i] = c;
  }

  // Every frame in a copy: its line, and the address to look up (a return
  // address minus one for the frames above #0, so that the line is the call's).
  std::vector<std::string> lines;
  std::vector<std::optional<Lookup>> lookups;
  std::istringstream in(dump);
  std::string line;
  std::vector<uint64_t> wanted;
  while (std::getline(in, line)) {
    lines.push_back(line);
    lookups.emplace_back();
    std::smatch m;
    if (!std::regex_search(line, m, FrameRegex())) continue;
    const uint64_t frame = std::stoull(m[1].str());
    const uint64_t pc = std::stoull(m[2].str(), nullptr, 16);
    const uint64_t addr = frame > 0 && pc > 0 ? pc - 1 : pc;
    for (size_t i = 0; i < maps.size(); i++) {
      if (addr < maps[i].start || addr >= maps[i].end) continue;
      const std::optional<uint64_t> vaddr = FileOffsetToVaddr(plugin_path, addr - maps[i].start + maps[i].offset);
      if (vaddr) {
        lookups.back() = Lookup{*vaddr, copy_of[i]};
        wanted.push_back(*vaddr);
      }
      break;
    }
  }
  std::string footer = fmt::format("\nyour plugin ({}) was loaded as {} private in-memory cop{}:\n", plugin_path,
                                   bases.size(), bases.size() == 1 ? "y" : "ies");
  for (size_t c = 0; c < bases.size(); c++) footer += fmt::format("  copy {} at 0x{:x}\n", c + 1, bases[c]);
  if (wanted.empty()) return dump + footer;

  std::string problem;
  const std::vector<InlineChain> groups = Addr2Line(rt, plugin_path, wanted, tool_timeout, &problem);

  std::string result;
  size_t k = 0;
  bool any_unnamed = false;
  for (size_t i = 0; i < lines.size(); i++) {
    result += lines[i];
    if (lookups[i]) {
      const std::string named = k < groups.size() ? DescribeChain(groups[k]) : "";
      if (!named.empty()) {
        result += fmt::format("  <- your plugin (copy {}): {}", lookups[i]->copy + 1, named);
      } else {
        result += fmt::format("  <- your plugin (copy {}) at 0x{:x}", lookups[i]->copy + 1, lookups[i]->vaddr);
        any_unnamed = true;
      }
      k++;
    }
    result += "\n";
  }
  if (!problem.empty()) footer += problem + "\n";
  if (any_unnamed && problem.empty()) {
    footer += "some frames have no name: build the plugin with debug information (-g, e.g. RelWithDebInfo)\n";
  }
  return result + footer;
}

}  // namespace raftlab
