// `labtest --race`: run the same tests under ThreadSanitizer. ThreadSanitizer
// needs the whole program instrumented (a plain harness cannot even dlopen a
// TSan plugin, and a plain plugin in a TSan harness has its races missed
// silently), so --race re-executes a TSan build of labtest
// (cmake --preset tsan: build/tsan/bin/labtest) with the same arguments
// minus --race, after checking that the student's plugin is instrumented
// (its dynamic symbols name __tsan_init).
//
//   labtest --race --plugin build-tsan/libraft.so --part 1
//     -> build/tsan/bin/labtest --plugin build-tsan/libraft.so --part 1 --timeout-scale 10
//
// When the running labtest is itself a TSan build, it re-executes itself.
// TSAN_OPTIONS defaults to halt_on_error=1:second_deadlock_stack=1 (a race
// ends the test as a crash with both stacks in its stderr), and the timeouts
// are scaled by 10 unless --timeout-scale is given (TSan runs 5-15x slower).
//
// Thread safety: call from one thread before any other starts (execv).
// Ownership: plain values.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "runtime/status.h"

namespace raftlab {

constexpr const char* kTsanPluginBuildCommand =
    "cmake -S . -B build-tsan -DCMAKE_CXX_FLAGS=-fsanitize=thread -DCMAKE_SHARED_LINKER_FLAGS=-fsanitize=thread "
    "&& cmake --build build-tsan";
constexpr const char* kTsanLabtestBuildCommand = "cmake --preset tsan && cmake --build --preset tsan";
constexpr double kRaceTimeoutScale = 10;

// What an ELF64 file's dynamic sections say: the names in its dynamic
// symbol table (.dynsym), defined or not, and the libraries it needs
// (DT_NEEDED, e.g. "libasan.so.8"). Reads the file itself (no dlopen).
// Errors: PluginLoad when the file cannot be read or is not a well-formed
// 64-bit ELF file.
struct ElfDynamicInfo {
  std::vector<std::string> symbols;
  std::vector<std::string> needed;
};
StatusOr<ElfDynamicInfo> ReadElfDynamicInfo(const std::string& path);

// True when `path` is a regular file this process may execute (the
// sanitizer labtests that --race and --asan look for).
bool IsExecutableFile(const std::string& path);

// ReadElfDynamicInfo(path).symbols.
StatusOr<std::vector<std::string>> DynamicSymbolNames(const std::string& path);

// True when the file's dynamic symbols include __tsan_init (an instrumented
// object calls it from its constructor; the runtime defines it).
StatusOr<bool> IsTsanInstrumented(const std::string& path);

struct RaceRequest {
  std::vector<std::string> argv;  // labtest's argv as given (argv[0] first)
  std::string plugin_path;        // --plugin; "" = the bundled reference (instrumented in a TSan build)
  std::string race_labtest;       // --race-labtest; "" = look for it
  std::string self_exe = "/proc/self/exe";
  std::string source_dir;         // where build/tsan/ is looked for; "" = the compile-time source tree
};

// The TSan labtest to run: `given` if set (NotFound when it is not an
// executable file), else self_exe when it is instrumented, else
// <source_dir>/build/tsan/bin/labtest. NotFound names what was tried
// and the build command.
StatusOr<std::string> FindTsanLabtest(const RaceRequest& request);

// argv for the TSan labtest: argv[0] = `labtest`, --race and --race-labtest
// (both spellings) dropped, --timeout-scale added when absent.
std::vector<std::string> RaceChildArgv(const std::vector<std::string>& argv, const std::string& labtest);

// Checks the plugin and finds the TSan labtest; on success execs it (does
// not return). Returns an exit code otherwise: 2 (kExitUsage) when the
// plugin is not instrumented or there is no TSan labtest, with the exact
// build command on `err`; 3 when the plugin cannot be read; 4 when exec fails.
int RaceCommand(const RaceRequest& request, std::FILE* err);

}  // namespace raftlab
