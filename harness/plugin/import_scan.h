// Import scan: which functions a plugin takes from other libraries (the
// UNDEFINED symbols of its dynamic symbol table), and whether those imports
// let it run under `labtest --sim`, the simulated runtime (issue 11).
//
// Under --sim only the holder of one baton runs, and time is virtual. The
// runtime sees only what goes through the host services (host->thread_*,
// mutex_*, cond_*, sleep_ns, now_ns). A plugin that starts its own threads,
// sleeps, reads the clock or waits outside the host would run in real time
// beside the simulation or block the one running thread, so labtest --sim
// refuses it (exit 2) with RefusalLine(). Raw locks only warn
// (WarningLine()): a mutex never held across a host call cannot block under
// one baton, and the simulator's watchdog catches one that is.
//
// The verdict of every import, and why, is the table kSimImportRules in
// import_scan.cc (documented there, one line per rule). An import the table
// does not name is fine. The scan reads names only: a plugin that reaches
// the same functions another way (dlsym, a raw syscall instruction) is
// caught at run time by the simulator, not here.
//
// Thread safety: free functions over a file path or bytes; no shared state.
// Ownership: everything is returned by value; nothing stays open after a
// call returns.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/status.h"

namespace raftlab {

// One undefined symbol of .dynsym: a function or object the plugin expects
// another library (libc, libstdc++, ...) to provide.
struct ImportedSymbol {
  std::string raw;        // as stored in .dynstr, e.g. "_ZNSt6thread4joinEv" (no @VERSION)
  std::string demangled;  // "std::thread::join()"; equal to raw for C names or undemanglable ones
  bool weak = false;      // STB_WEAK: the plugin runs even if nothing provides it
};

// The undefined symbols of the ELF shared object in `image` (the bytes of a
// .so), in .dynsym order, the null symbol left out. Reads .dynsym through
// the section headers, or through PT_DYNAMIC (DT_SYMTAB, DT_STRTAB and the
// symbol count from DT_HASH or DT_GNU_HASH) when the file has none.
// Untrusted bytes: every read is bounds-checked. Errors: InvalidArgument
// naming what is malformed ("not an ELF file", "no dynamic symbol table").
StatusOr<std::vector<ImportedSymbol>> ListImportedSymbols(std::string_view image);

// How a simulated run treats one import.
enum class SimImportVerdict {
  kFine,     // harmless under --sim
  kWarn,     // allowed; may block under one baton if misused (raw locks, joins)
  kRefused,  // bypasses the simulated runtime: --sim refuses the plugin
};

// What an import does, in the words of the refusal and warning lines.
enum class SimImportKind {
  kNone,           // fine
  kStartsThreads,  // pthread_create, std::thread, thrd_create, clone
  kSleeps,         // nanosleep, usleep, std::this_thread::sleep_for, select/poll as a sleep
  kReadsClock,     // clock_gettime, time, std::chrono::*_clock::now, timers
  kWaits,          // condition variables, semaphores, barriers, timed locks
  kRawLock,        // pthread mutexes, rwlocks, spinlocks (std::mutex inlines to these)
  kRawJoin,        // pthread_join, std::thread::join/detach
  kYields,         // sched_yield (std::this_thread::yield)
  kRawSyscall,     // syscall(): a futex or a sleep the scan cannot see
  kEntropy,        // getrandom, std::random_device: replay by seed breaks
};

struct SimImport {
  ImportedSymbol symbol;
  SimImportVerdict verdict = SimImportVerdict::kFine;
  SimImportKind kind = SimImportKind::kNone;
};

// The verdict on one symbol name as stored (mangled for C++). Matching is on
// exact C names and on demangled C++ name prefixes (see import_scan.cc).
SimImport ClassifySimImport(const ImportedSymbol& symbol);

// The scan of one plugin.
struct SimReadiness {
  std::string display;             // the plugin as named to the user
  std::vector<SimImport> refused;  // in .dynsym order
  std::vector<SimImport> warned;   // in .dynsym order
  size_t imports = 0;              // undefined symbols read

  bool ready() const { return refused.empty(); }
  // The one line `labtest --sim` prints before exiting 2, naming the refused
  // symbols grouped by what they do and how to fix it; "" when ready().
  // No trailing newline.
  std::string RefusalLine() const;
  // One line warning about the warned symbols; "" when there are none. No
  // trailing newline.
  std::string WarningLine() const;
};

// Reads the plugin file at `path` and classifies its imports. `display` is
// how the plugin is named in messages (the file read may be a private copy);
// empty means `path`. Errors (the file cannot be read, is not an ELF shared
// object, or its dynamic symbol table is malformed): PluginLoad with one
// line "labtest --sim: cannot scan plugin <display>: <what>: <how to fix>".
StatusOr<SimReadiness> ScanForSimulation(const std::string& path, const std::string& display = "");

// The same over an in-memory image (what ScanForSimulation reads).
StatusOr<SimReadiness> ScanImageForSimulation(std::string_view image, const std::string& display);

}  // namespace raftlab
