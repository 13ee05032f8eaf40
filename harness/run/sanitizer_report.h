// A sanitizer's finding in a test child's stderr, made into the test's
// verdict. Under `labtest --asan` (AddressSanitizer, UndefinedBehavior-
// Sanitizer) or `--race` (ThreadSanitizer) the first error the sanitizer
// finds ends the test process; its report is in the child's stderr.txt.
// FindSanitizerFinding picks the report out of that text;
// SymbolizeSanitizerReport names the frames inside the student's plugin,
// which the sanitizer cannot name itself (each peer runs a private
// in-memory copy, which it shows as "(/proc/self/fd/9+0x3561)"): the offset
// is the address inside the plugin file, which addr2line resolves.
//
//   AddressSanitizer: heap-buffer-overflow (READ of size 4) in your plugin:
//   ReadPastTheEnd(int) at raft.cc:132
//
// Thread safety: free functions, no shared state. Ownership: by value.
#pragma once

#include <optional>
#include <string>

#include "runtime/runtime.h"

namespace raftlab {

struct SanitizerFinding {
  std::string tool;      // "AddressSanitizer", "UndefinedBehaviorSanitizer", "ThreadSanitizer", "LeakSanitizer"
  std::string kind;      // "heap-buffer-overflow", "data race", "signed integer overflow: ..." (UBSan's words)
  std::string access;    // ASan: "READ of size 4 at 0x602000022180 thread T1"; else ""
  std::string location;  // UBSan: the "file:line:col" it names itself; else ""
  std::string report;    // the report, from its first line to its SUMMARY line (bounded)
};

// The first sanitizer report in `stderr_text`, or nullopt when there is none.
std::optional<SanitizerFinding> FindSanitizerFinding(const std::string& stderr_text);

struct SymbolizedReport {
  std::string report;              // the report, each plugin frame followed by "<- your plugin: fn at file:line"
  std::string first_plugin_frame;  // "fn at file:line" of the innermost plugin frame, or ""
};

// Names the frames of `report` that lie in a copy of the plugin at
// `plugin_path` (addr2line, bounded by tool_timeout). Never fails: a
// missing addr2line or a plugin without debug information is said in the
// text.
SymbolizedReport SymbolizeSanitizerReport(Runtime& rt, const std::string& report, const std::string& plugin_path,
                                          Nanos tool_timeout);

// The verdict's line: "AddressSanitizer: heap-buffer-overflow (READ of size
// 4) in your plugin: fn at file:line".
std::string SanitizerVerdict(const SanitizerFinding& finding, const std::string& first_plugin_frame);

}  // namespace raftlab
