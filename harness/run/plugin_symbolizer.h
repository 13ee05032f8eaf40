// Names the student plugin's frames in a stack dump. Each peer runs a
// private in-memory copy of the plugin (a memfd, harness/plugin/loader.cc),
// which eu-stack and gdb cannot open, so the plugin's frames come out as
// bare addresses. SymbolizePluginFrames maps each such address back to the
// original .so (the copy's mapping in /proc/PID/maps gives the file offset,
// the file's ELF program headers the virtual address) and asks addr2line
// (binutils) for the function, file and line; it also lists where each copy
// was loaded, so a student can run addr2line by hand.
//
// Thread safety: free functions, no shared state. Ownership: by value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "runtime/runtime.h"

namespace raftlab {

// One mapping of a plugin copy, as /proc/PID/maps shows it.
struct PluginMapping {
  uint64_t start = 0;
  uint64_t end = 0;     // one past the last byte
  uint64_t offset = 0;  // file offset of `start`
  uint64_t inode = 0;   // one memfd: one copy
  std::string name;     // e.g. "/memfd:raftlab:libraft.so (deleted)"
};

// The mappings of plugin copies in a /proc/PID/maps text (the memfd names
// the loader gives them start with "/memfd:raftlab:"), in the text's order.
std::vector<PluginMapping> ParsePluginMappings(const std::string& maps_text);

// The ELF virtual address of file offset `offset` in the ELF file at `path`
// (the PT_LOAD segment that holds it), or nullopt when the file cannot be
// read or no segment holds it.
std::optional<uint64_t> FileOffsetToVaddr(const std::string& path, uint64_t offset);

// One address's answer from addr2line -i: pairs of (function, file:line),
// the first naming the real function with the innermost line, each next one
// the inlined function whose line it is. Empty when addr2line said nothing.
using InlineChain = std::vector<std::pair<std::string, std::string>>;

// Runs addr2line once for every address of `vaddrs` (addresses in the ELF
// file at `path`). On failure (addr2line missing, unreadable file) returns
// empty chains and says why in *problem.
std::vector<InlineChain> Addr2Line(Runtime& rt, const std::string& path, const std::vector<uint64_t>& vaddrs,
                                   Nanos tool_timeout, std::string* problem);

// "fn at file:line (inlined: g at file:line -> file:line)", or "" when the
// chain names nothing (no symbols, no debug information).
std::string DescribeChain(const InlineChain& chain);

// `dump` (eu-stack's or gdb's text) with every frame whose address lies in
// a plugin copy annotated "<function> at <file>:<line>" (and the inline
// chain that leads there) from `plugin_path`,
// followed by the load address of each copy. Returns `dump` unchanged when
// no frame lies in a copy. Never fails: a missing addr2line or a plugin
// without debug information is said in the text.
std::string SymbolizePluginFrames(Runtime& rt, const std::string& dump, const std::string& maps_text,
                                  const std::string& plugin_path, Nanos tool_timeout);

}  // namespace raftlab
