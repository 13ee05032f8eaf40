// A crashed test child's last words, and the parent's reading of them.
//
// Child side: InstallCrashReporter(fd) installs a handler for the signals
// that end a process with an error (SIGSEGV, SIGBUS, SIGILL, SIGFPE,
// SIGABRT). On a crash it writes to `fd` (a file opened before the sandbox)
// the signal, the faulting address, the crashing thread's raw backtrace and
// the address ranges of the plugin's copies (harness/plugin/copy_registry.h),
// then lets the signal end the process as before. Everything it does in the
// handler is async-signal-safe (write(2), backtrace() warmed up at install).
//
// Parent side: ParseCrashReport reads that file; DescribeCrash names the
// frames inside the plugin against the plugin file (addr2line) and says
// where the crash was: "at address 0x0 in Make(...) at raft.cc:42".
//
// Thread safety: InstallCrashReporter once per process, from one thread;
// the rest are pure functions. Ownership: the handler borrows `fd`, which
// stays open until the process ends.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/plugin/copy_registry.h"
#include "runtime/runtime.h"
#include "runtime/status.h"

namespace raftlab {

// The crash report's file beside a run's result file.
std::string CrashReportPath(const std::string& result_file);

// Installs the handler (child side). Errors: Internal when sigaction fails.
Status InstallCrashReporter(int fd);

struct CrashReport {
  int signal = 0;
  uint64_t fault_address = 0;  // si_addr (meaningful for SIGSEGV, SIGBUS, SIGILL, SIGFPE)
  uint64_t pc = 0;             // the faulting instruction (0: unknown)
  std::vector<uint64_t> frames;  // return addresses, innermost first (the handler's own frames included)
  std::vector<PluginCopyRange> copies;
};

// nullopt when the text is not a complete report (no crash, or cut short).
std::optional<CrashReport> ParseCrashReport(const std::string& text);

struct CrashDescription {
  std::string where;      // " at address 0x0, in your plugin: Make(...) at raft.cc:42", or ""
  std::string backtrace;  // one line per frame, plugin frames named
};

// Names the plugin's frames against `plugin_path` (tool_timeout bounds addr2line).
CrashDescription DescribeCrash(Runtime& rt, const CrashReport& report, const std::string& plugin_path,
                               Nanos tool_timeout);

}  // namespace raftlab
