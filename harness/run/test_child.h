// The test child: `labtest --child ...` runs ONE test (one repetition) in a
// fresh process and writes its TestResult as JSON to the result file.
//
// Steps: allow the parent's stack-dump tools to attach (PR_SET_PTRACER);
// open the result file; load the catalogue and find the test; make a
// real-time Runtime; open the student log and the forbidden-call report;
// apply the sandbox (harness/sandbox/sandbox.h: rlimits, a seccomp deny-list
// for files, the network and other processes); open the plugin (its static
// constructors already run sandboxed); run the scenario on its own thread against
// a ChildTestContext; classify how it ended (pass, fail, skip, an exception
// escaping into the harness); write the result; exit WITHOUT running
// destructors (_exit), because a broken plugin may have left threads running
// inside code that unloading would unmap.
//
// Every file the child writes is opened BEFORE the sandbox and written
// through its fd afterwards (the filter refuses write-opens and renames).
// The harness code that runs in the child after that point (scenarios,
// fixture, checkers) must not open files for writing either: the call would
// be reported as the student's.
//
// RAFTLAB_NO_SANDBOX=1 in the environment (inherited from labtest) turns the
// sandbox off, for debugging; so does a sanitizer build for seccomp and the
// memory limit (sandbox.h). The parent's rlimits (memory, CPU, stack) are set
// before exec either way (child_process.h). Thread safety: runs once per
// process.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "harness/scenario/scenario.h"

namespace raftlab {

struct ChildOptions {
  std::string config_path;
  std::string test;
  std::string plugin_path;
  std::string result_file;
  std::string log_file;
  uint64_t base_seed = 0;
  int repetition = 0;
  double timeout_scale = 1;
  bool verbose = false;  // copy student log lines and events to stderr
  // Run on the simulated runtime (runtime/sim_runtime.h) instead of real
  // time; sim_trace: also write every scheduling point to sim_trace.txt
  // beside the result (SimTracePath), for --check-determinism.
  bool sim = false;
  bool sim_trace = false;
};

// Runs the test; never returns. Exit status 0 when the result file was
// written (whatever the verdict), 4 when even that failed.
[[noreturn]] void RunTestChild(const ChildOptions& options, const ScenarioRegistry& registry);

// The forbidden-call report of a child, beside its result file:
// "<folder of result_file>/forbidden.txt" (read by the runner with
// sandbox::ForbiddenVerdictFor).
std::string ForbiddenReportPath(const std::string& result_file);

// The parent's side: the forbidden verdict of a finished child whose result
// file is `result_file`, from its report file and its terminating signal
// (0 when it exited): "forbidden: socket — your Raft must not use files, the
// network or other processes". nullopt when nothing forbidden happened.
std::optional<std::string> ForbiddenVerdictForChild(const std::string& result_file, int term_signal);

// Whether the child should apply the sandbox: false when RAFTLAB_NO_SANDBOX
// is set to anything but "" or "0", or when it was built without libseccomp.
bool SandboxEnabledByEnvironment();

// The seed of repetition `repetition` of `test` in a run with `base_seed`.
uint64_t RunSeed(uint64_t base_seed, const std::string& test, int repetition);

}  // namespace raftlab
