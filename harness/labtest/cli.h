// The labtest command line: flags (named as in GoogleTest and go test),
// parsed with Boost.Program_options into an Options value, and the named
// exit codes. Boost exceptions stop in cli.cc.
//
//   labtest [-f config] [--plugin lib.so] [--part N[,M...]] [--filter REGEX] [--list] [--list-steps]
//           [--repeat N] [--until-fail] [--fail-fast] [-j J] [--seed S]
//           [--timeout-scale X] [--color=auto|always|never] [--output FMT:PATH]... [-v] [--help]
//
// The hidden child mode (`labtest --child --test NAME ...`) is how the parent
// runs each test in a fresh process; people never type it.
//
// Thread safety: pure functions. Ownership: by value.
#pragma once

#include "harness/report/terminal.h"  // ColorMode

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "runtime/status.h"

namespace raftlab {

// labtest's exit codes (README "Exit codes"; grade.sh relies on them).
enum ExitCode : int {
  kExitAllPassed = 0,   // every selected test passed (or was skipped)
  kExitTestFailed = 1,  // at least one test failed, crashed or timed out
  kExitUsage = 2,       // bad flag, malformed YAML, unknown test, filter matching nothing
  kExitPluginLoad = 3,  // the plugin cannot be loaded or fails the ABI checks
  kExitInternal = 4,    // a harness bug or an environment problem (cannot fork, disk full)
  // Stopped by a signal (128 + its number, as a shell reports it): running
  // tests were killed, results files hold every run that finished.
  kExitInterrupted = 130,  // SIGINT (Ctrl-C)
  kExitTerminated = 143,   // SIGTERM
};

struct Options {
  enum class Mode { kRun, kList, kListSteps, kHelp, kChild };
  Mode mode = Mode::kRun;

  std::string config_path;       // -f; "" = find the default catalogue
  std::string plugin_path;       // --plugin; "" = the bundled reference
  std::vector<int> parts;        // --part (repeatable, or "1,2"); empty = all
  std::string filter;            // --filter: ECMAScript regex searched in test names
  int repeat = 1;                // --repeat; 0 = without end (--until-fail without --repeat)
  bool until_fail = false;       // --until-fail: a test stops repeating at its first failure
  bool fail_fast = false;        // --fail-fast/-x: no new run starts after the first failure
  int jobs = 0;                  // --jobs/-j: test processes at once; 0 = DefaultJobs() (scheduler.h)
  ColorMode color = ColorMode::kAuto;  // --color
  std::vector<std::string> outputs;    // --output FORMAT:PATH, as given (output_spec.h parses them)
  int first_repetition = 0;      // --repetition: number repetitions from here (replays one)
  std::optional<uint64_t> seed;  // --seed; absent = random
  double timeout_scale = 1;      // --timeout-scale
  bool verbose = false;          // -v
  std::string record_baseline;   // --record-baseline PATH
  std::string output_dir = "labtest-out";  // --output-dir: parent of the per-run folders
  bool keep_passed_output = false;         // --keep-output: keep files of passing runs too
  enum class Timeline { kFailures, kAlways, kNever };
  Timeline timeline = Timeline::kFailures;  // --timeline: which runs get a timeline.html
  int64_t memory_limit_mb = 4096;          // --memory-limit-mb: RLIMIT_AS of a test child
  // Grading (grading.h): each test runs its catalogue `repeat` times; scoring policy of results files.
  bool repeat_from_config = false;         // --repeat-from-config
  std::string policy;                      // --policy all-or-nothing|pass-rate; "" = the catalogue's
  // --race (race.h): re-run under a ThreadSanitizer build of labtest.
  bool race = false;                       // --race
  bool sim = false;                        // --sim: simulated time, exact replay (runtime/sim_runtime.h)
  bool check_determinism = false;          // --check-determinism: each run twice, traces compared
  bool sim_trace = false;                  // --sim-trace (internal, child): write sim_trace.txt
  std::string race_labtest;                // --race-labtest PATH; "" = build/tsan/bin/labtest
  // --asan (sanitize.h): re-run with AddressSanitizer and UBSan.
  bool asan = false;                       // --asan
  std::string asan_labtest;                // --asan-labtest PATH; "" = chosen (sanitize.h)

  std::vector<std::string> command_line;  // argv as given (for results files)

  // --child only.
  std::string child_test;   // --test
  std::string result_file;  // --result-file
  std::string log_file;     // --log-file
};

// Parses argv. Errors are InvalidArgument with a message meant for a person
// (exit code kExitUsage).
StatusOr<Options> ParseCommandLine(int argc, const char* const* argv);

// The --help text.
std::string UsageText();

}  // namespace raftlab
