// Plugin lint: warnings, printed once by labtest before a run, about state
// a student's plugin exports that every Raft peer would SHARE.
//
// All peers of a test live in one process. The loader gives each peer its
// own copy of the plugin (loader.h), which separates ordinary globals, but
// two kinds of exported data defeat that:
//   - STB_GNU_UNIQUE objects (static locals of inline functions, static data
//     members of templates, Meyers singletons in headers): glibc merges them
//     process-wide, across copies, whatever the dlopen flags;
//   - writable exported globals: each copy has its own, but their being
//     exported means the code was built without -fvisibility=hidden, and
//     non-const globals are state outside the raft struct (a restarted peer
//     gets fresh ones, which hides persistence bugs; a copy-per-peer harness
//     is the only thing keeping them apart).
// Read-only data (const tables, vtables and typeinfo in PT_GNU_RELRO) is
// never reported: sharing it is harmless.
//
// Thread safety: pure functions (LintPluginFile reads the file once).
// Ownership: everything by value.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/status.h"

namespace raftlab {

struct LintFinding {
  enum class Kind {
    kUniqueShared,    // STB_GNU_UNIQUE and writable: ONE object for all peers
    kWritableGlobal,  // exported writable global: outside the raft struct
  };
  Kind kind = Kind::kWritableGlobal;
  std::string symbol;  // as stored (mangled)
  std::string pretty;  // demangled, e.g. "counter()::n"
  uint64_t size = 0;
  std::string section;  // ".bss", ".data"
};

// The findings for an in-memory ELF image of a plugin, UNIQUE ones first,
// then by name. Compiler bookkeeping (guard variables of static locals) is
// left out. Errors: InvalidArgument when the image cannot be parsed.
StatusOr<std::vector<LintFinding>> LintPluginImage(std::string_view image);

// The same for the file at `path`. Errors: NotFound / InvalidArgument.
StatusOr<std::vector<LintFinding>> LintPluginFile(const std::string& path);

// The warning for `findings` of the plugin shown as `display`: a header
// line, one line per symbol (at most `max_symbols`, then "... and N more"),
// and how to fix it. "" when there are no findings. Ends with a newline.
std::string FormatLintWarning(const std::string& display, const std::vector<LintFinding>& findings,
                              size_t max_symbols = 12);

// LintPluginFile + FormatLintWarning; "" when clean or when the file cannot
// be parsed (the loader reports unusable files).
std::string LintWarningForPlugin(const std::string& path);

}  // namespace raftlab
