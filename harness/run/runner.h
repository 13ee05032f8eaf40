// TestRunner: runs one repetition of one test in a fresh child process
// (fork+exec of labtest itself with --child) and turns whatever happened into
// a TestResult: the child's own verdict when it wrote one, otherwise a crash
// (signal name), a timeout (with what the threads were doing and every
// thread's stack, taken before the kill), a CPU-limit kill, or an exit
// without a result.
//
// Files of one run go to <run_dir>/<TEST>-<rep>/: result.json, student.log,
// stdout.txt and stderr.txt (each capped), stacks.txt for timeouts, and tmp/
// (the child's TMPDIR: its private plugin copies, removed afterwards). The
// folder is removed when the run passed unless keep_passed_output is set.
//
// Thread safety: Run() may be called from several threads at once (issue 5's
// --jobs): each run uses its own folder and child. Ownership: borrows the
// Runtime, which must outlive the runner.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "harness/scenario/result.h"
#include "harness/scenario/scenario.h"
#include "runtime/runtime.h"

namespace raftlab {

struct RunnerOptions {
  std::string self_exe = "/proc/self/exe";  // the labtest binary to re-execute
  std::string config_path;  // what the children read (the run's snapshot of the catalogue)
  // The catalogue as the user named it: a child's message that points into
  // the snapshot ("<run>/catalogue.yml:88:15") is shown with this path
  // instead, so that it names the file the user edits and reads the same
  // in every run. "" leaves messages as they are.
  std::string config_display_path;
  std::string plugin_path;
  std::string run_dir;          // per-run output folder (created if missing)
  double timeout_scale = 1;
  bool verbose = false;
  bool keep_passed_output = false;
  double grace_s = 5;           // beyond the test's own timeout before the kill
  double cpu_factor = 2;        // RLIMIT_CPU = timeout * scale * factor seconds
  int64_t memory_limit_bytes = int64_t{4} << 30;  // RLIMIT_AS (ignored under sanitizers)
  int64_t thread_stack_bytes = 1 << 20;           // default pthread stack in the child
  int64_t output_cap_bytes = 1 << 20;             // per captured stream
  // The failure's log tail (TailPerPeer): the last lines of each peer, and
  // the last harness notes.
  size_t log_tail_per_peer = 5;
  size_t log_tail_lines = 20;     // at least this much of the log's end is read; notes: half of it
  // timeline.html in the run's folder (harness/timeline/): for failing runs,
  // for every run (a passing run's folder is then kept), or never.
  enum class Timeline { kFailures, kAlways, kNever };
  Timeline timeline = Timeline::kFailures;
  Nanos hang_sample_interval = Millis(300);       // between the two /proc samples
  Nanos stack_tool_timeout = Millis(20000);
  // labtest --sim: the children run on the simulated runtime. With
  // check_determinism each run is made twice with the same seed (the
  // second in "<folder>-replay") and fails when their traces differ.
  bool sim = false;
  bool check_determinism = false;
};

// What a caller may plug into one run. Borrowed for the call.
struct RunHooks {
  // Receives the child's output lines as they come when options.verbose.
  std::function<void(std::string_view)> live_line;
  // When it becomes true the child is killed (labtest's Ctrl-C): Run then
  // returns no result and removes the run's folder (a cut-short run says
  // nothing about the code under test).
  const std::atomic<bool>* cancel = nullptr;
};

class TestRunner {
 public:
  TestRunner(Runtime& rt, RunnerOptions options);

  // Runs `spec` once. live_line receives the child's output lines as they
  // come when options.verbose (may be empty).
  TestResult Run(const TestSpec& spec, int repetition, uint64_t base_seed,
                 const std::function<void(std::string_view)>& live_line) const;
  // The same with hooks; nullopt when hooks.cancel stopped the run.
  std::optional<TestResult> RunCancellable(const TestSpec& spec, int repetition, uint64_t base_seed,
                                           const RunHooks& hooks) const;

  const RunnerOptions& options() const { return options_; }

 private:
  // One child. folder_suffix is added to the run folder's name (the replay
  // of --check-determinism); `trace` makes the child record its scheduling
  // points and keeps the folder for the comparison.
  std::optional<TestResult> RunOnce(const TestSpec& spec, int repetition, uint64_t base_seed, const RunHooks& hooks,
                                    const std::string& folder_suffix, bool trace) const;

  Runtime& rt_;
  RunnerOptions options_;
};

// The folder name of one run: "<test>-<repetition>".
std::string RunFolderName(const std::string& test, int repetition);

}  // namespace raftlab
