// The address ranges of the plugin's private in-memory copies in this
// process (one per peer incarnation, loader.cc), kept where a crash handler
// can read them: a fixed table written with atomics, no allocation. The test
// child's crash report (harness/run/crash_report.h) writes it out, so that
// the parent can name the frames of a crashed child against the plugin file
// (an address minus its copy's load bias is the address in the file).
//
// Thread safety: RegisterPluginCopy from any thread; ForEachPluginCopy is
// async-signal-safe (reads atomics only). Ownership: static storage.
#pragma once

#include <cstddef>
#include <cstdint>

namespace raftlab {

struct PluginCopyRange {
  uint64_t bias = 0;   // load bias (link_map l_addr): file address = address - bias
  uint64_t start = 0;  // lowest mapped address of its loadable segments
  uint64_t end = 0;    // one past the highest
};

inline constexpr size_t kMaxRegisteredCopies = 1024;  // later copies are not recorded

// Records the copy whose dlopen handle is `handle` (its ranges from its
// program headers). Returns false when the table is full or the handle is
// not a loaded object.
bool RegisterPluginCopy(void* handle);

// Calls fn(range, arg) for every recorded copy, in registration order.
void ForEachPluginCopy(void (*fn)(const PluginCopyRange& range, void* arg), void* arg);

// The range of the loaded object whose dlopen handle is `handle`, whether
// recorded or not. False when the handle is not a loaded object.
bool PluginCopyRangeOf(void* handle, PluginCopyRange* out);

// The start of the recorded copy that holds `address`, or 0 when none does
// (async-signal-safe).
uint64_t PluginCopyHolding(uint64_t address);

}  // namespace raftlab
