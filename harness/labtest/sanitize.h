// `labtest --asan`, and the check that a plugin built with a sanitizer runs
// in the mode that sanitizer needs.
//
// --asan runs the tests with AddressSanitizer and UndefinedBehaviorSanitizer
// watching the student's plugin: a heap overflow, a use after free or a
// signed overflow ends the test, and the sanitizer's finding becomes the
// verdict (harness/run/sanitizer_report.h). An ASan plugin needs the ASan
// runtime to be the first library of the process, so --asan re-executes a
// labtest that has it:
//   - --asan-labtest PATH, when given (an ASan build of labtest);
//   - this labtest, when it is itself an ASan build (cmake --preset asan);
//   - this labtest with the plugin's own ASan runtime preloaded
//     (LD_PRELOAD=libasan.so.8, the runtime a g++-built plugin names in
//     DT_NEEDED): needs no second build of labtest;
//   - build/asan/bin/labtest in the source tree.
// with the same arguments minus --asan, --timeout-scale 2 unless given,
// ASAN_OPTIONS starting abort_on_error=1:detect_leaks=0 and UBSAN_OPTIONS
// starting halt_on_error=1:abort_on_error=1:print_stacktrace=1 (what the
// user set there comes after, so it wins), and RAFTLAB_ASAN_MODE=1 so that
// the re-executed labtest puts --asan into its rerun lines.
//
//   labtest --asan --plugin build-asan/libraft.so --part 1
//
// SanitizerMismatch: the one line for a plugin built with a sanitizer that
// the running labtest lacks (an ASan plugin without --asan: glibc would end
// the process with "ASan runtime does not come first"; a TSan plugin
// without --race).
//
// Thread safety: call from one thread before any other starts (execv).
// Ownership: plain values.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "runtime/status.h"

namespace raftlab {

constexpr const char* kAsanPluginBuildCommand =
    "cmake -S . -B build-asan -DRAFTLAB_SANITIZE=address && cmake --build build-asan";
constexpr const char* kAsanLabtestBuildCommand = "cmake --preset asan && cmake --build --preset asan --target labtest";
constexpr double kAsanTimeoutScale = 2;
// Set in the re-executed labtest's environment (see above).
constexpr const char* kAsanModeEnv = "RAFTLAB_ASAN_MODE";

enum class SanitizerKind { kNone, kAddress, kThread };

// Which sanitizer an ELF file is built with, read from its dynamic section.
struct ElfSanitizer {
  SanitizerKind kind = SanitizerKind::kNone;
  bool undefined = false;  // also UndefinedBehaviorSanitizer (__ubsan_handle_*)
  std::string runtime;     // the DT_NEEDED name of its ASan/TSan runtime ("libasan.so.8"), "" if none named
};
// Errors: PluginLoad when the file is not a readable 64-bit ELF file.
StatusOr<ElfSanitizer> DetectSanitizer(const std::string& path);

// Which sanitizer runtime this process has (built in or preloaded).
SanitizerKind SanitizerInThisProcess();

// "" when `plugin` can be loaded by a process with `here`; otherwise the
// one line (no "labtest: " prefix, no newline) that says which mode to use.
std::string SanitizerMismatch(const ElfSanitizer& plugin, const std::string& plugin_path, SanitizerKind here);

struct AsanRequest {
  std::vector<std::string> argv;  // labtest's argv as given (argv[0] first)
  std::string plugin_path;        // --plugin (required)
  std::string asan_labtest;       // --asan-labtest; "" = choose (see above)
  std::string self_exe = "/proc/self/exe";
  std::string source_dir;         // where build/asan/ is looked for; "" = the compile-time source tree
};

// How to run the ASan labtest.
struct AsanLaunch {
  std::string labtest;  // the program to exec
  std::string preload;  // LD_PRELOAD to add ("" = none)
};

// Chooses the labtest (see above). Errors: NotFound saying what was tried
// and how to build an ASan labtest or the plugin.
StatusOr<AsanLaunch> PlanAsanLaunch(const AsanRequest& request, const ElfSanitizer& plugin);

// argv for the ASan labtest: argv[0] kept (the rerun lines name the
// program the user typed), --asan and --asan-labtest (both spellings)
// dropped, --timeout-scale added when absent.
std::vector<std::string> AsanChildArgv(const std::vector<std::string>& argv);

// `defaults` then `given` (a sanitizer's options string: later wins).
std::string JoinSanitizerOptions(const std::string& defaults, const char* given);

// Checks the plugin and execs the ASan labtest (does not return on
// success). Returns an exit code otherwise: 2 (kExitUsage) when there is no
// --plugin, the plugin is not built with ASan, or no ASan labtest can be
// had, with what to do on `err`; 3 when the plugin cannot be read; 4 when
// exec fails.
int AsanCommand(const AsanRequest& request, std::FILE* err);

}  // namespace raftlab
