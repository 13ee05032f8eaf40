// TestResult: the one result model of a test run (one test, one repetition).
// The test child fills the verdict, message, figures and events and writes
// them as JSON to its result file; the parent reads that file back and adds
// what only it can know (wall and CPU time, signal, timeout classification,
// stack dump, log tail). Every reporter (console now; JSON, JUnit and
// Gradescope later) reads this model and nothing else.
//
// Thread safety: plain values. Ownership: by value.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "harness/scenario/scenario.h"
#include "runtime/status.h"

namespace raftlab {

// labtest's status vocabulary (JUnit: kFail is a failure; kTimeout, kCrash,
// kCpuLimit and kError are errors).
enum class Verdict {
  kPass,
  kFail,      // a check of the test failed
  kSkip,      // e.g. the plugin lacks an optional extension
  kTimeout,   // past the wall-clock limit; stack dump attached
  kCrash,     // killed by a signal (SIGSEGV, SIGABRT...) or an escaped exception
  kCpuLimit,  // RLIMIT_CPU reached (SIGXCPU/SIGKILL): a busy loop
  kError,     // the child could not run the test (no result file, bad setup)
};

std::string_view VerdictName(Verdict v);  // "pass", "fail", "skip", "timeout", "crash", "cpu-limit", "error"
StatusOr<Verdict> ParseVerdict(std::string_view name);
inline bool IsSuccess(Verdict v) { return v == Verdict::kPass || v == Verdict::kSkip; }

// One line of the harness narrative ("crash peer 2") at a time since start.
struct EventRecord {
  double t_s = 0;
  std::string text;
};

struct TestResult {
  // Identity.
  std::string test;  // TestSpec::name
  int part = 0;
  int repetition = 0;      // 0-based
  uint64_t base_seed = 0;  // --seed of the run
  uint64_t seed = 0;       // DeriveSeed(base_seed, test, repetition)

  // Filled by the child.
  Verdict verdict = Verdict::kError;
  std::string message;      // the failed check in words, or the crash reason
  bool has_figures = false;
  Figures figures;
  double duration_s = 0;    // scenario time measured in the child
  std::vector<EventRecord> events;  // the last ones if there were many
  int64_t events_dropped = 0;
  // Under labtest --sim (runtime/sim_runtime.h): the run's scheduling
  // points and the hash of all of them; duration_s is then virtual time.
  bool simulated = false;
  uint64_t sim_points = 0;
  uint64_t sim_trace_hash = 0;
  // --check-determinism: "" when the replay with the same seed matched,
  // else where the two runs first differed.
  std::string determinism;

  // Filled by the parent.
  double wall_s = 0;        // fork to reap
  double cpu_user_s = 0;    // wait4 rusage of the child
  double cpu_sys_s = 0;
  int64_t max_rss_kb = 0;
  int exit_code = -1;       // when the child exited normally
  int term_signal = 0;      // when a signal ended it
  std::string hang_analysis;             // timeouts: what the threads were doing
  std::string stack_dump;                // timeouts: every thread's stack, or why none
  std::vector<std::string> log_tail;     // last lines the student's code logged
  int64_t log_lines = 0;                 // how many it logged in all
  std::vector<std::string> stderr_tail;  // crashes: last lines of the child's stderr
  std::string output_dir;                // where this run's files are kept ("" if removed)
  std::string timeline_file;             // its timeline.html ("" if none was written)

  double cpu_s() const { return cpu_user_s + cpu_sys_s; }
};

std::string ResultToJson(const TestResult& r);  // pretty-printed, one object
StatusOr<TestResult> ResultFromJson(std::string_view json);

// Writes atomically (temp file + rename), so a reader never sees half a file.
Status WriteResultFile(const std::string& path, const TestResult& r);
StatusOr<TestResult> ReadResultFile(const std::string& path);

// Writes the result into an already open, writable regular file `fd` (the
// test child opens its result file before the sandbox forbids opening files
// for writing): truncates it, writes from offset 0, and leaves the fd open.
// Not atomic: the parent reads the file only after the child has exited, and
// a child that dies mid-write leaves a file ReadResultFile rejects.
Status WriteResultToFd(int fd, const TestResult& r);

}  // namespace raftlab
